"""``{% body_with_images %}``: a story body with its media library pictures rendered.

See newsroom/library.py. Which address a picture gets follows who reads:

- a public page: the public storage address (renditions/ only);
- a preview link's page: the link's own media route
  (``/preview/<token>/media/<name>``), which ends with the link;
- any other page that is not public (staff previews, the draft changes to a
  live story): the staff route, so a draft never puts the address of a
  picture no public story shows in front of the public.
"""

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from newsroom.library import body_images_render
from newsroom.media import staff_media_url

register = template.Library()

# The preview link's media route, named in newsroom/urls.py (articles.media).
PREVIEW_MEDIA_URL_NAME = "preview-media"


def _address_function(context):
    if not context.get("is_preview"):
        return None
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match else None
    if context.get("preview_link") is not None and token:
        return lambda name: reverse(PREVIEW_MEDIA_URL_NAME, kwargs={"token": token, "path": name})
    return staff_media_url


@register.simple_tag(takes_context=True)
def body_with_images(context, html):
    """``html`` (sanitised when saved) with its library figures rendered for this reader."""
    # The body was cleaned to the editor's allowlist when saved, and the
    # figures are built with format_html from escaped library fields.
    return mark_safe(body_images_render(html, url=_address_function(context)))
