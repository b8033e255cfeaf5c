"""The media library in story bodies: what the body stores, and what readers get.

A body names a library picture and nothing more about it::

    <figure><img src="/admin/media/…" data-library-image="42" alt="…"><figcaption>…</figcaption></figure>

The ``src``, alt text and caption in the stored body are only what the
editor showed while writing. Every page that shows a body passes it through
``body_images_render``, which replaces each such figure with the library
record as it is now (renditions in ``srcset``, width and height, the alt
text, caption and credit), so an edit in the library shows in every story at
once, and a picture deleted from the library leaves the story rather than
leaving a broken image. All the body's pictures are read in one query
(``body_images_fetch``), however many there are.

Renditions of a library picture are public only while a public story shows
it, in its body or as its lead image. This module imports no app, so the
apps say which of their records count:
``body_source_register(Article.objects.published, field="body")`` and
``reference_source_register(Article.objects.published, field="lead_library_image")``
in ``ArticlesConfig.ready()``.
"""

import re
from urllib.parse import urljoin

from django.core.files.storage import default_storage
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from lxml import etree
from lxml import html as lxml_html

from newsroom.fields import LIBRARY_ATTRIBUTE
from newsroom.models import LibraryImage
from newsroom.renditions import RENDITIONS_FOLDER, renditions_current, srcset

# The stored reference: nh3 writes attributes as name="value", and the
# sanitiser keeps the attribute only when its value is digits (newsroom/fields.py).
REFERENCE = re.compile(rf'{LIBRARY_ATTRIBUTE}="(\d{{1,18}})"')
BODY_IMAGE_SIZES = "(min-width: 48rem) 42rem, 100vw"
# The copy browsers without srcset get (as for lead images).
FALLBACK_WIDTH = 800
_body_sources = []
_reference_sources = []


def body_source_register(published, *, field="body"):
    """Count ``field`` of the records ``published()`` returns as public bodies.

    ``published`` is called at each check (``Article.objects.published``),
    so the apps' one publishing rule decides, read at that moment.
    """
    _body_sources.append((published, field))


def reference_source_register(published, *, field):
    """Count the picture a foreign key ``field`` of ``published()``'s records names as shown."""
    _reference_sources.append((published, field))


def body_image_ids(html):
    """The library ids a body names, in order of appearance, each once."""
    return list(dict.fromkeys(int(found) for found in REFERENCE.findall(html or "")))


def body_images_fetch(bodies):
    """``{id: LibraryImage}`` for every picture the bodies name: one query, or none."""
    ids = set()
    for body in bodies:
        ids.update(body_image_ids(body))
    if not ids:
        return {}
    return {image.pk: image for image in LibraryImage.objects.filter(pk__in=ids)}


def library_image_renditions(image):
    """The renditions of the current upload; none while they are being made."""
    renditions = image.renditions or []
    if image.image and renditions_current(renditions, image.image.name):
        return renditions
    return []


def body_rendition_names(html):
    """Every rendition name of the pictures a body shows: what its preview may serve."""
    return {
        item["name"]
        for image in body_images_fetch([html]).values()
        for item in library_image_renditions(image)
    }


def library_image_in_public_use(image_id):
    """Whether any public record shows the picture (``body_source_register``,
    ``reference_source_register``)."""
    needle = f'{LIBRARY_ATTRIBUTE}="{int(image_id)}"'
    return any(
        published().filter(**{field: int(image_id)}).exists()
        for published, field in _reference_sources
    ) or any(
        published().filter(**{f"{field}__contains": needle}).exists()
        for published, field in _body_sources
    )


def library_rendition_folder_public(token):
    """Whether ``renditions/<token>/`` belongs to a library picture a public story shows."""
    image_id = (
        LibraryImage.objects.filter(renditions__0__name__startswith=f"{RENDITIONS_FOLDER}/{token}/")
        .values_list("pk", flat=True)
        .first()
    )
    return image_id is not None and library_image_in_public_use(image_id)


def _figure_html(image, *, url, lazy):
    renditions = library_image_renditions(image)
    jpegs = sorted(
        (item for item in renditions if item["format"] == "jpg"), key=lambda item: item["width"]
    )
    if not jpegs:
        return ""
    fitting = [item for item in jpegs if item["width"] <= FALLBACK_WIDTH]
    fallback = fitting[-1] if fitting else jpegs[0]
    webp = srcset(renditions, "webp", url=url)
    source = (
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp, BODY_IMAGE_SIZES)
        if webp
        else ""
    )
    picture = format_html(
        '<picture>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' decoding="async" {}="{}"></picture>',
        source,
        url(fallback["name"]),
        srcset(renditions, "jpg", url=url),
        BODY_IMAGE_SIZES,
        fallback["width"],
        fallback["height"],
        image.alt_text,
        mark_safe(' loading="lazy"') if lazy else "",
        LIBRARY_ATTRIBUTE,
        image.pk,
    )
    caption = ""
    if image.caption or image.credit:
        credit = (
            format_html(' <span class="credit">Photo: {}</span>', image.credit)
            if image.credit
            else ""
        )
        caption = format_html("<figcaption>{}{}</figcaption>", image.caption, credit)
    return format_html('<figure class="body-image">{}{}</figure>', picture, caption)


def body_images_render(html, *, images=None, url=None, base_url=""):
    """The body with each library figure made a responsive picture from the library.

    ``images`` is what ``body_images_fetch`` returned (for a page listing
    many bodies, fetched once for all); without it this body's pictures are
    read in one query. ``url`` turns a stored name into an address: public
    storage by default, the staff route for a page that is not public.
    ``base_url`` makes every address absolute (feeds, read away from the
    site). The first picture loads at once, the rest lazily. A picture the
    library no longer has, or whose renditions are still being made, is left
    out: never an original, never a broken image. A body naming no library
    picture is returned as it is, without parsing.
    """
    html = html or ""
    if LIBRARY_ATTRIBUTE not in html:
        return html
    if images is None:
        images = body_images_fetch([html])
    address = url or default_storage.url
    if base_url:
        relative = address

        def address(name):
            return urljoin(base_url, relative(name))

    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except etree.ParserError:
        return html
    shown = 0
    for img in root.xpath(f"//img[@{LIBRARY_ATTRIBUTE}]"):
        figure = next((node for node in img.iterancestors("figure")), None)
        target = figure if figure is not None else img
        if target.getparent() is None:  # inside a figure already replaced
            continue
        try:
            image = images.get(int(img.get(LIBRARY_ATTRIBUTE)))
        except (TypeError, ValueError):
            image = None
        replacement = _figure_html(image, url=address, lazy=shown > 0) if image else ""
        tail = target.tail
        if replacement:
            shown += 1
            new = lxml_html.fragment_fromstring(replacement)
            new.tail = tail
            target.getparent().replace(target, new)
        else:
            _remove_keeping_tail(target)
    parts = [escape(root.text)] if root.text else []
    parts.extend(lxml_html.tostring(child, encoding="unicode") for child in root)
    return "".join(parts)


def _remove_keeping_tail(node):
    parent = node.getparent()
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)
