"""Draft changes to a live story: prepared, reviewed and published while readers keep the live version.

A story stored as Published (live, or scheduled to be) is not changed by an
ordinary save in the admin: its content fields and inline rows go into a
``LiveDraft`` instead, and only "Publish changes" (an editor) writes them to
the article row. Nothing public reads the draft: the public site keeps asking
``Article.objects.published()`` for the article row, and the draft becomes
visible only through the admin, the compare page and preview links made to
show it.

The draft's ``content`` is plain JSON::

    {"fields": {"headline": ..., "section": 3, "lead_image": "originals/...", ...},
     "m2m": {"institutions": [1, 2], "people": [], "agreements": []},
     "tags": ["MOU", "research"],
     "inlines": {"bylines": [{"id": 7, "person": 4, "role": "", "order": 0}, ...],
                 "quotes": [...], "curated_links": [...]}}

``id`` is the live row an inline row came from (None for a row the draft
adds). Status and publication times are never part of a draft: they stay
with the editors' publishing controls.
"""

import json

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from taggit.models import Tag

from articles import notifications
from articles.models import (
    Article,
    ArticleStatus,
    Byline,
    LiveDraft,
    Quote,
    RelatedArticle,
    TaggedArticle,
    links_implied,
)
from articles.models_notifications import NotificationKind
from articles.workflow import PUBLICATION_STATE, user_can_publish
from institutions.models import Agreement, Institution, Person

M2M_FIELDS = {"institutions": Institution, "people": Person, "agreements": Agreement}
# Inline relation name -> model; the admin's inlines for bylines, quotes and
# curated links save into these.
INLINES = {"bylines": Byline, "quotes": Quote, "curated_links": RelatedArticle}
INLINE_PARENT = {"bylines": "article", "quotes": "article", "curated_links": "article"}

# Which button the change form of a live story was sent with.
SAVE_DRAFT = "_save_draft"
PUBLISH_CHANGES = "_publish_changes"
DISCARD_DRAFT = "_discard_draft"
SUBMIT_DRAFT = "_submit_draft"


def content_field_names():
    """The article's own fields a draft carries: every editable one but the publication state."""
    return [
        field.name
        for field in Article._meta.concrete_fields
        if field.editable and not field.primary_key and field.name not in PUBLICATION_STATE
    ]


def inline_field_names(relation):
    model = INLINES[relation]
    return [
        field.name
        for field in model._meta.concrete_fields
        if field.editable and not field.primary_key and field.name != INLINE_PARENT[relation]
    ]


def draft_action(data):
    """The button a change form of a live story was sent with; a bare save drafts."""
    for action in (PUBLISH_CHANGES, DISCARD_DRAFT, SUBMIT_DRAFT):
        if action in data:
            return action
    return SAVE_DRAFT


def article_is_live(article):
    """Published, whether its time has come or not: its content is the public's (or soon will be)."""
    return article.pk is not None and article.status == ArticleStatus.PUBLISHED


def article_is_public(article):
    """Whether readers see the stored story now (the publication gate)."""
    return article.pk is not None and Article.objects.published().filter(pk=article.pk).exists()


def edits_are_drafted(article, user):
    """Whether ``user``'s save of ``article`` makes draft changes instead of changing it.

    Always for a story readers see now. A published story not yet public
    (scheduled, or under embargo) is changed directly by editors, so the
    words that go out at its time are the corrected ones: as drafts, a
    correction saved the day before missed the release unless someone also
    pressed "Publish changes". Writers, who may not change a published
    story, prepare draft changes for review either way.
    """
    if not article_is_live(article):
        return False
    return not user_can_publish(user) or article_is_public(article)


def draft_of(article):
    """The article's pending draft, or None."""
    if article.pk is None:
        return None
    return (
        LiveDraft.objects.select_related("updated_by", "submitted_by")
        .filter(article_id=article.pk)
        .first()
    )


def draft_stamp(article, draft):
    """What the change form of a live story carries to detect a concurrent save.

    It changes when either the live row or the draft is saved, and when a
    draft is discarded and another started, so a form opened before any of
    those is refused.
    """
    if draft is None:
        return f"{article.version}-0"
    return f"{article.version}-{draft.pk}.{draft.version}"


def draft_stamp_stored(article_pk):
    """The stamp as stored now; the article row is locked until the transaction ends."""
    version = (
        Article.objects.select_for_update().filter(pk=article_pk).values_list("version", flat=True)
    ).first()
    if version is None:
        return None
    draft = LiveDraft.objects.filter(article_id=article_pk).only("pk", "version").first()
    return draft_stamp(Article(pk=article_pk, version=version), draft)


def draft_stored(article_pk):
    """A fresh copy of the live story showing its stored draft, or the live story without one.

    What a live story's change form is compared with when someone saved in
    between (newsroom.locking's "theirs"); ``live_draft_row`` is the draft.
    """
    article = Article.objects.select_related("updated_by").get(pk=article_pk)
    draft = draft_of(article)
    if draft is not None:
        draft_article(article, draft.content)
    article.live_draft_row = draft
    return article


def draft_stored_rows(article, model):
    """The rows of ``model`` that ``article`` (from ``draft_stored``) shows; None for other models.

    A draft's rows are in memory, so a row the draft adds has no key.
    """
    relation = next((name for name, inline in INLINES.items() if inline is model), None)
    if relation is None:
        return None
    return list(getattr(article, relation).all())


def _raw(instance, name):
    field = instance._meta.get_field(name)
    value = field.value_from_object(instance)
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or ""
    return value


def _row(instance, relation):
    return {
        "id": instance.pk,
        **{name: _raw(instance, name) for name in inline_field_names(relation)},
    }


def content_of(article):
    """The stored (live) state of ``article`` in the draft's format."""
    return _with_implied_links(
        {
            "fields": {name: _raw(article, name) for name in content_field_names()},
            "m2m": {
                name: sorted(getattr(article, name).values_list("pk", flat=True))
                for name in M2M_FIELDS
            },
            "tags": sorted(article.tags.values_list("name", flat=True)),
            "inlines": {
                relation: [
                    _row(row, relation) for row in model._default_manager.filter(article=article)
                ]
                for relation, model in INLINES.items()
            },
        }
    )


def content_from_forms(form, formsets):
    """The draft's content from a validated change form and its inline formsets.

    The form's instance already carries the typed values (ModelForm applies
    them while validating); rows the editor deleted, and empty extra rows,
    are left out.
    """
    article = form.instance
    content = {
        "fields": {name: _raw(article, name) for name in content_field_names()},
        "m2m": {},
        "tags": sorted(set(form.cleaned_data.get("tags") or [])),
        "inlines": {},
    }
    for name in M2M_FIELDS:
        if name in form.cleaned_data:
            content["m2m"][name] = sorted(o.pk for o in form.cleaned_data[name])
        else:
            content["m2m"][name] = sorted(getattr(article, name).values_list("pk", flat=True))
    relations = {model: relation for relation, model in INLINES.items()}
    for formset in formsets:
        relation = relations.get(formset.model)
        if relation is None:
            continue
        deleted = set(map(id, formset.deleted_forms)) if formset.can_delete else set()
        rows = []
        for row_form in formset.forms:
            if id(row_form) in deleted:
                continue
            if row_form.instance.pk is None and not row_form.has_changed():
                continue
            rows.append(_row(row_form.instance, relation))
        content["inlines"][relation] = rows
    return _with_implied_links(content)


def _with_implied_links(content):
    """``content`` with the people it quotes and its agreements' parties among its links.

    As ``Article.implied_links_add`` does for a saved story; applied to the
    live side too, so a save that only makes them explicit is no change.
    """
    implied = links_implied(
        quoted=[row.get("person") for row in content["inlines"].get("quotes", [])],
        agreements=content["m2m"].get("agreements", []),
    )
    for name in ("people", "institutions"):
        content["m2m"][name] = sorted(set(content["m2m"].get(name, [])) | set(implied[name]))
    return content


def _comparable(content):
    """Content without row ids and order of listing: what readers would see differ."""
    inlines = {
        relation: sorted(
            json.dumps({k: v for k, v in row.items() if k != "id"}, sort_keys=True, default=str)
            for row in rows
        )
        for relation, rows in content.get("inlines", {}).items()
    }
    return {
        "fields": content.get("fields", {}),
        "m2m": {name: sorted(pks) for name, pks in content.get("m2m", {}).items()},
        "tags": sorted(content.get("tags", [])),
        "inlines": inlines,
    }


def content_differs(left, right):
    return _comparable(left) != _comparable(right)


def draft_differs_from_live(draft):
    return content_differs(draft.content, content_of(draft.article))


def _cached_relation(article, name, rows):
    """Fill ``article.<name>.all()`` with ``rows`` without touching the database."""
    queryset = getattr(article, name).get_queryset()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    article._prefetched_objects_cache[name] = queryset


def draft_article(article, content):
    """``article`` (a fresh copy, changed in memory only) showing the draft's content.

    Its content fields take the draft's values and its relations (bylines,
    quotes, tags, institutions, people, agreements, curated links) answer
    ``.all()`` with the draft's rows, unsaved; the publication state stays
    the live one. Pages, the compare view and the admin form read it like a
    stored story. Never save it: ``live_draft_publish`` goes through the form.
    """
    for name, value in content.get("fields", {}).items():
        field = Article._meta.get_field(name)
        if (
            field.is_relation
            and value is not None
            and not field.related_model._default_manager.filter(pk=value).exists()
        ):
            continue  # deleted since the draft was saved: the live value stands
        setattr(article, field.attname, value)
    article._prefetched_objects_cache = {}
    article.__dict__.pop("tag_list", None)
    m2m = content.get("m2m", {})
    for name, model in M2M_FIELDS.items():
        pks = m2m.get(name, [])
        found = model._default_manager.in_bulk(pks)
        _cached_relation(article, name, [found[pk] for pk in pks if pk in found])
    ids = m2m.get("institutions", [])
    family = list(Institution.objects.filter(pk__in=ids).select_related("parent__parent")) + list(
        Institution.objects.filter(parent__in=ids)
        .exclude(pk__in=ids)
        .select_related("parent__parent")
    )
    for institution in family:
        institution.direct = institution.pk in ids
    article.__dict__["institutions_with_family"] = family
    names = content.get("tags", [])
    tags = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    _cached_relation(
        article,
        "tagged_items",
        [
            TaggedArticle(
                content_object=article,
                tag=tags.get(name) or Tag(name=name, slug=slugify(name, allow_unicode=True)),
            )
            for name in names
        ],
    )
    people = Person._default_manager.in_bulk(
        {row.get("person") for rows in content.get("inlines", {}).values() for row in rows} - {None}
    )
    related = Article.objects.select_related("section").in_bulk(
        [row.get("related") for row in content.get("inlines", {}).get("curated_links", [])]
    )
    for relation, model in INLINES.items():
        rows = []
        for row in content.get("inlines", {}).get(relation, []):
            instance = model(pk=row.get("id"), article=article)
            for name in inline_field_names(relation):
                field = model._meta.get_field(name)
                setattr(instance, field.attname, row.get(name))
            # A row naming a record deleted since is left out, as a restore does.
            if "person" in row:
                if row["person"] not in people:
                    continue
                instance.person = people[row["person"]]
            if "related" in row:
                if row["related"] not in related:
                    continue
                instance.related = related[row["related"]]
            rows.append(instance)
        rows.sort(key=lambda r: (r.order, r.pk or 0))
        _cached_relation(article, relation, rows)
    article.draft_content = content
    return article


def live_draft_save(*, article, content, user, submit=False, now=None):
    """Store ``content`` as the draft of the live ``article``; return the draft, or None.

    A draft that says what the live version says is no draft: it is removed
    (and None returned) unless the writer is submitting it.
    """
    now = now or timezone.now()
    draft = LiveDraft.objects.filter(article=article).first()
    if not submit and not content_differs(content, content_of(article)):
        if draft is not None:
            draft.delete()
        return None
    draft = draft or LiveDraft(article=article, created_by=user)
    draft.content = content
    draft.live_version = article.version
    draft.updated_by = user
    newly_submitted = submit and not draft.submitted_for_review
    if newly_submitted:
        draft.submitted_for_review = True
        draft.submitted_at = now
        draft.submitted_by = user
    draft.save()
    if newly_submitted:
        # No status changes, so the status-change notices say nothing: the
        # editors hear of a submitted correction here.
        notifications.notifications_create(
            article=article,
            kind=NotificationKind.REVIEW_REQUESTED,
            actor=user,
            recipients=notifications.editors(),
            when=now,
        )
    return draft


def live_draft_published(*, article, user):
    """The draft's changes are live: drop it, and tell whoever submitted it."""
    draft = LiveDraft.objects.select_related("submitted_by").filter(article=article).first()
    if draft is None:
        return
    if draft.submitted_by is not None and draft.submitted_by.is_active:
        notifications.notifications_create(
            article=article,
            kind=NotificationKind.PUBLISHED,
            actor=user,
            recipients=[draft.submitted_by],
        )
    draft.delete()


def live_draft_discard(*, article):
    """Drop the article's pending draft; True if there was one."""
    deleted, _rows = LiveDraft.objects.filter(article=article).delete()
    return bool(deleted)


def draft_rows_of(article, relation):
    """The draft's inline rows for ``relation`` when ``article`` shows a draft, else None."""
    content = getattr(article, "draft_content", None)
    if content is None:
        return None
    return content.get("inlines", {}).get(relation, [])


class DraftRowsFormSetMixin:
    """An inline formset showing a draft's rows instead of the live ones.

    Live rows the draft kept are the formset's existing forms, with the
    draft's values as their initial data; rows the draft added are extra
    forms filled in the same way; live rows the draft removed are left out.
    A bound formset (the POST) reads what the browser sent, as any formset.
    """

    draft_rows = ()

    def __init__(self, data=None, files=None, instance=None, queryset=None, **kwargs):
        kept = [row["id"] for row in self.draft_rows if row.get("id")]
        if queryset is None:
            queryset = self.model._default_manager.all()
        queryset = queryset.filter(pk__in=kept)
        if data is None:
            kwargs["initial"] = [
                self._initial_of(row) for row in self.draft_rows if not row.get("id")
            ]
        super().__init__(data, files, instance=instance, queryset=queryset, **kwargs)

    def _initial_of(self, row):
        return {name: value for name, value in row.items() if name != "id"}

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if not self.is_bound and index is not None and index < self.initial_form_count():
            pk = self.get_queryset()[index].pk
            row = next((r for r in self.draft_rows if r.get("id") == pk), None)
            if row is not None:
                kwargs["initial"] = self._initial_of(row)
        return kwargs


def draft_content_from_revision(*, article, version_root, children):
    """Draft content for ``article`` from the stored fields of an older revision.

    ``version_root`` is the article's stored field dict; ``children`` maps
    each inline relation (and ``tagged_items``) to the stored field dicts of
    its rows. References to records deleted since are dropped, each named in
    the returned notes; fields the revision did not hold keep their live
    values.
    """
    live = content_of(article)
    content = {"fields": dict(live["fields"]), "m2m": {}, "tags": [], "inlines": {}}
    notes = []
    for name in content_field_names():
        field = Article._meta.get_field(name)
        if field.attname in version_root:
            value = version_root[field.attname]
            if hasattr(value, "name") and hasattr(value, "storage"):
                value = value.name or ""
            content["fields"][name] = value
    section = content["fields"].get("section")
    if (
        section is not None
        and not Article._meta.get_field("section").related_model.objects.filter(pk=section).exists()
    ):
        content["fields"]["section"] = live["fields"]["section"]
        notes.append(_("The old section has been deleted; the draft keeps the current one."))
    for name, model in M2M_FIELDS.items():
        pks = [int(pk) for pk in version_root.get(name, live["m2m"][name]) or []]
        existing = set(model._default_manager.filter(pk__in=pks).values_list("pk", flat=True))
        gone = [pk for pk in pks if pk not in existing]
        if gone:
            notes.append(
                _("%(field)s left out: #%(pks)s, deleted since.")
                % {
                    "field": Article._meta.get_field(name).verbose_name,
                    "pks": ", #".join(map(str, gone)),
                }
            )
        content["m2m"][name] = sorted(pk for pk in pks if pk in existing)
    tag_ids = [row.get("tag_id") for row in children.get("tagged_items", [])]
    content["tags"] = sorted(Tag.objects.filter(pk__in=tag_ids).values_list("name", flat=True))
    live_ids = {relation: {row["id"] for row in rows} for relation, rows in live["inlines"].items()}
    for relation, model in INLINES.items():
        rows = []
        for stored in children.get(relation, []):
            row = {"id": stored.get("id") if stored.get("id") in live_ids[relation] else None}
            missing = False
            for name in inline_field_names(relation):
                field = model._meta.get_field(name)
                value = stored.get(field.attname)
                if (
                    field.is_relation
                    and value is not None
                    and not field.related_model._default_manager.filter(pk=value).exists()
                ):
                    missing = True
                row[name] = value
            if missing:
                notes.append(
                    _("A row of %(what)s was left out: it points to a record deleted since.")
                    % {"what": model._meta.verbose_name_plural}
                )
                continue
            rows.append(row)
        content["inlines"][relation] = rows
    return content, notes


@transaction.atomic
def live_draft_from_revision(*, article, version_root, children, user):
    """Make the revision's content the draft of the live ``article``; (draft, notes).

    No draft (None) when the revision says what the live version says.
    Refused (``DraftExists``) when the story already has a draft, whose
    changes the restore would otherwise throw away.
    """
    existing = LiveDraft.objects.select_for_update().filter(article=article).first()
    if existing is not None:
        raise DraftExists(existing)
    content, notes = draft_content_from_revision(
        article=article, version_root=version_root, children=children
    )
    if not content_differs(content, content_of(article)):
        return None, notes
    draft = LiveDraft.objects.create(
        article=article,
        content=content,
        live_version=article.version,
        created_by=user,
        updated_by=user,
    )
    return draft, notes


class DraftExists(Exception):
    def __init__(self, draft):
        super().__init__(draft)
        self.draft = draft
