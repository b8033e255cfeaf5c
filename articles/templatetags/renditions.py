"""``{% responsive_image %}``: an article's lead image as a ``<picture>``.

Everything comes from fields already on the article (the rendition list and
sizes), so rendering it reads no file and asks the storage nothing.
"""

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html

from newsroom.renditions import srcset

register = template.Library()

LOADING_VALUES = {"lazy", "eager"}
# The copy old browsers without srcset get: large enough for a phone or a
# narrow column, small enough to be cheap.
FALLBACK_WIDTH = 800


def _fallback(jpegs):
    fitting = [item for item in jpegs if item["width"] <= FALLBACK_WIDTH]
    return fitting[-1] if fitting else jpegs[0]


@register.simple_tag
def responsive_image(article, sizes="100vw", loading="lazy", css_class="", fetchpriority=""):
    """Render the lead image with WebP and JPEG ``srcset``, or nothing without one.

    ``sizes`` tells the browser how wide the image is shown (for example
    ``"(min-width: 48rem) 46rem, 100vw"``); ``loading="eager"`` with
    ``fetchpriority="high"`` suits an image at the top of the page, the lazy
    default everything below the fold. Width and height are always given so
    the page does not shift when the image arrives.
    """
    if not getattr(article, "lead_image", None):
        return ""
    loading = loading if loading in LOADING_VALUES else "lazy"
    priority = format_html(' fetchpriority="{}"', fetchpriority) if fetchpriority else ""
    class_attr = format_html(' class="{}"', css_class) if css_class else ""
    renditions = article.lead_image_renditions or []
    jpegs = [item for item in renditions if item["format"] == "jpg"]
    if not jpegs:
        # Renditions not made yet (an old upload before ``make_renditions``):
        # the original still shows, with its size when it is known.
        size = ""
        if article.lead_image_width and article.lead_image_height:
            size = format_html(
                ' width="{}" height="{}"', article.lead_image_width, article.lead_image_height
            )
        return format_html(
            '<img src="{}" alt="{}"{}{} loading="{}" decoding="async"{}>',
            article.lead_image.url,
            article.lead_image_alt,
            size,
            class_attr,
            loading,
            priority,
        )
    fallback = _fallback(jpegs)
    webp = srcset(renditions, "webp")
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, sizes)
        if webp
        else ""
    )
    return format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' loading="{}" decoding="async"{}></picture>',
        source,
        default_storage.url(fallback["name"]),
        srcset(renditions, "jpg"),
        sizes,
        fallback["width"],
        fallback["height"],
        article.lead_image_alt,
        class_attr,
        loading,
        priority,
    )
