from django_prose_editor.fields import ProseEditorField

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
}


class SanitizedHTMLField(ProseEditorField):
    """Rich text that is cleaned to the editor's allowlist on every save.

    The prose editor cleans in ``full_clean()``, which forms call; cleaning
    again in ``pre_save`` covers imports, shell sessions and fixtures too, so
    the database never holds a ``<script>`` or an ``onclick``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extensions", dict(BODY_EXTENSIONS))
        kwargs.setdefault("sanitize", True)
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if value:
            value = self.sanitize(value)
            setattr(model_instance, self.attname, value)
        return value
