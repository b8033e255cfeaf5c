from django.conf import settings
from django.utils.functional import SimpleLazyObject

from articles.models import sections_for_navigation


def newsroom(request):
    """Site name and the section navigation, which every public page shows.

    The section list comes from the cache and only when a template renders
    the navigation, so admin pages pay nothing and public pages no query.
    """
    return {
        "newsroom_name": settings.NEWSROOM_NAME,
        "newsroom_language": settings.NEWSROOM_LANGUAGE,
        "newsroom_description": f"News from the communications office of {settings.NEWSROOM_NAME}.",
        "site_url": settings.SITE_URL,
        "nav_sections": SimpleLazyObject(sections_for_navigation),
    }
