from django.conf import settings

from articles.models import Section


def newsroom(request):
    """Site name and the section navigation, which every public page shows.

    Sections are a handful of rows; the lazy queryset is only evaluated by
    templates that render the navigation, so admin pages pay nothing.
    """
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_language": settings.NEWSROOM_LANGUAGE,
        "newsroom_description": f"News from the communications office of {settings.NEWSROOM_NAME}.",
        "site_url": settings.SITE_URL,
        "nav_sections": Section.objects.all(),
    }
