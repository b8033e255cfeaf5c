import re
from html.parser import HTMLParser

import nh3
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.forms import Media
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django_prose_editor.config import allowlist_from_extensions
from django_prose_editor.fields import ProseEditorField, ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget, ProseEditorWidget

# What an article body may contain: the editor offers exactly these, and the
# sanitiser keeps exactly what they produce (links only to http, https, mailto).
BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Figure": True,
    "Caption": True,
    "Image": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    # The editor's default turns the browser's spell-check off; writers want it.
    "NoSpellCheck": False,
}
# How a body names a media library picture (newsroom/library.py).
LIBRARY_ATTRIBUTE = "data-library-image"
# Our own editor extensions (static/admin/newsroom/library-editor.js): the
# "Insert image from library" button with the attribute above on images,
# and spell-check turned on. Loaded by the widget below rather than through
# DJANGO_PROSE_EDITOR_EXTENSIONS, whose module addresses are fixed at
# settings time, before the static files' hashed names are known.
EDITOR_MODULE = "admin/newsroom/library-editor.js"
EDITOR_STYLES = "admin/newsroom/library.css"
CHOOSER_SCRIPT = "admin/newsroom/library-chooser.js"
# The editor under the admin's strict CSP (static/admin/newsroom/body-editor.js):
# tiptap's injected <style> turned off, its base rules served from 'self'.
CSP_MODULE = "admin/newsroom/body-editor.js"
CSP_STYLES = "admin/newsroom/body-editor.css"
CHOOSER_URL_NAME = "admin:newsroom_libraryimage_choose"
LIBRARY_ID = re.compile(r"\d{1,18}")
EMPTY_ELEMENT = re.compile(r"^<(?P<tag>\w+)></(?P=tag)>$")


def _attribute_filter(element, attribute, value):
    # A library reference is an id and nothing else.
    if attribute == LIBRARY_ATTRIBUTE:
        return value if LIBRARY_ID.fullmatch(value) else None
    return value


def body_cleaner():
    """The nh3 cleaner for bodies: the editor's allowlist plus the library reference."""
    allowlist = allowlist_from_extensions(BODY_EXTENSIONS)
    allowlist["attributes"].setdefault("img", set()).add(LIBRARY_ATTRIBUTE)
    return nh3.Cleaner(**allowlist, attribute_filter=_attribute_filter)


_cleaner = body_cleaner()


def body_sanitize(html):
    """Clean a body; ProseMirror's lone empty paragraph becomes an empty body."""
    cleaned = _cleaner.clean(html)
    return "" if EMPTY_ELEMENT.match(cleaned) else cleaned


class BodyEditorMixin:
    """The prose editor with the newsroom's extensions added at render time."""

    def get_config(self):
        config = super().get_config()
        try:
            chooser_url = reverse(CHOOSER_URL_NAME)
        except NoReverseMatch:  # a site without the admin: no library button
            chooser_url = None
        extensions = dict(config["extensions"], SpellCheck=True, NoInjectedCSS=True)
        if chooser_url:
            extensions["LibraryImage"] = {"chooserUrl": chooser_url}
        return config | {
            "extensions": extensions,
            "js_modules": [
                *config.get("js_modules", []),
                static(EDITOR_MODULE),
                static(CSP_MODULE),
            ],
        }

    @property
    def media(self):
        # The chooser dialog the editor's library button opens, a plain script.
        return super().media + Media(css={"all": [EDITOR_STYLES, CSP_STYLES]}, js=[CHOOSER_SCRIPT])


class BodyEditorWidget(BodyEditorMixin, ProseEditorWidget):
    pass


class AdminBodyEditorWidget(BodyEditorMixin, AdminProseEditorWidget):
    pass


class _OutsidePictures(HTMLParser):
    """The sources of the ``<img>`` elements that do not name a library picture."""

    def __init__(self):
        super().__init__()
        self.sources = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "img" and not LIBRARY_ID.fullmatch(attributes.get(LIBRARY_ATTRIBUTE) or ""):
            self.sources.append(attributes.get("src") or "")


def body_outside_pictures(html):
    """Sources of the body's pictures that are not from the media library."""
    parser = _OutsidePictures()
    parser.feed(html or "")
    parser.close()
    return parser.sources


class BodyFormField(ProseEditorFormField):
    def __init__(self, *args, **kwargs):
        widget = kwargs.get("widget")
        admin = widget is not None and (
            (isinstance(widget, type) and issubclass(widget, AdminTextareaWidget))
            or isinstance(widget, AdminTextareaWidget)
        )
        kwargs["widget"] = AdminBodyEditorWidget if admin else BodyEditorWidget
        super().__init__(*args, **kwargs)

    def validate(self, value):
        """Refuse pictures from elsewhere, which the CSP blocks and no rendition serves.

        The editor's own image button asks for an address; a picture from
        another site then showed broken to every reader, without width,
        height or smaller copies.
        """
        super().validate(value)
        outside = body_outside_pictures(value)
        if outside:
            raise ValidationError(
                _(
                    "Pictures in the body come from the media library: upload “%(source)s” "
                    "there and insert it with “Insert image from library”, or remove it."
                )
                % {"source": (outside[0] or _("a picture without an address"))[:120]},
                code="outside_picture",
            )


class SanitizedHTMLField(ProseEditorField):
    """Rich text that is cleaned to the editor's allowlist on every save.

    The prose editor cleans in ``full_clean()``, which forms call; cleaning
    again in ``pre_save`` covers imports, shell sessions and fixtures too, so
    the database never holds a ``<script>`` or an ``onclick``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", dict(BODY_EXTENSIONS))
        kwargs.setdefault("sanitize", body_sanitize)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": BodyFormField, **kwargs})

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value:
            value = self.sanitize(value)
            setattr(model_instance, self.attname, value)
        return value
