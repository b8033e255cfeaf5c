"""``{% responsive_image %}``: an article's lead image as a ``<picture>``.

Everything comes from fields already on the article (the rendition list and
sizes), so rendering it reads no file and asks the storage nothing. Only
renditions are ever named, never the uploaded original.
"""

from django import template
from django.utils.html import format_html

from articles.media import lead_image_renditions, rendition_url_function
from newsroom.renditions import srcset

register = template.Library()

LOADING_VALUES = {"lazy", "eager"}
# The copy old browsers without srcset get: large enough for a phone or a
# narrow column, small enough to be cheap.
FALLBACK_WIDTH = 800


def _fallback(jpegs):
    fitting = [item for item in jpegs if item["width"] <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else jpegs[0]


@register.filter
def has_lead_image(article):
    """Whether the article has a lead image readers can be shown yet.

    False while a large upload's renditions are still being made: pages then
    leave the image (and its caption) out rather than show the original.
    """
    return bool(lead_image_renditions(article))


@register.simple_tag(takes_context=True)
def responsive_image(
    context, article, sizes="100vw", loading="lazy", css_class="", fetchpriority=""
):
    """Render the lead image with WebP and JPEG ``srcset``, or nothing without renditions.

    ``sizes`` tells the browser how wide the image is shown (for example
    ``"(min-width: 48rem) 46rem, 100vw"``); ``loading="eager"`` with
    ``fetchpriority="high"`` suits an image at the top of the page, the lazy
    default everything below the fold. Width and height are always given so
    the page does not shift when the image arrives. A story that is not public
    names its renditions at the staff route, or at the preview link's own
    address on a preview-link page.
    """
    picture = article.lead_picture
    renditions = picture.renditions if picture else []
    jpegs = [item for item in renditions if item["format"] == "jpg"]
    if not jpegs:
        # No image yet, or its renditions are still being made: nothing,
        # rather than the original.
        return ""
    url = rendition_url_function(
        article, preview_link=context.get("preview_link"), draft=context.get("draft_preview", False)
    )
    loading = loading if loading in LOADING_VALUES else "lazy"
    priority = format_html(' fetchpriority="{}"', fetchpriority) if fetchpriority else ""
    class_attr = format_html(' class="{}"', css_class) if css_class else ""
    fallback = _fallback(jpegs)
    webp = srcset(renditions, "webp", url=url)
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes)
        if webp
        else ""
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' loading="{}" decoding="async"{}></picture>',
        source,
        url(fallback["name"]),
        srcset(renditions, "jpg", url=url),
        sizes,
        fallback["width"],
        fallback["height"],
        picture.alt,
        class_attr,
        loading,
        priority,
    )
