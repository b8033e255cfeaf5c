"""Receivers that keep the feeds truthful; connected in ``InstitutionsConfig.ready``.

A position keeps no change time, yet a speaker's printed title comes from
it: saving or deleting one moves its person's ``updated_at``, which feed
validators (and the people sitemap) read.

WebSub: each change that can alter a feed is noted (``newsroom.websub``)
and, once its transaction commits, ``feeds_altered`` turns the notes into
the feeds to announce, in the task worker. A story counts when it is public
after the change or was before it. A renamed section, tag, person or
institution, or an edited agreement, alters its own feed and every feed
whose newest ``FEED_LENGTH`` items hold one of its public stories, however
old: a quiet tag's feed may still show a story from years ago. A moved
quote or byline also alters the feed of the person it was moved from.

The clock alters feeds with nothing saved: a story saved as published with
a time or an embargo end still to come goes live then, and an agreement
enters the agreements feed on its signing day. The save that sets such a
moment notes it for then (``change_note_at``), and at that moment the
resolver pings only if the story or agreement is still due then, so a
rescheduled story is announced once, at its new time.

These receivers cover the stories' relations and the institutions app
together because the feeds do: an institution's feed lists stories, a
story's item names institutions. A media library picture's edit alters the
items of the stories showing it.
"""

import datetime
from collections import defaultdict

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from articles.feeds import article_feed_sources, institution_feed_sources, person_feed_sources
from articles.models import Article, ArticleStatus, Byline, Quote, Section, TaggedArticle
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
)
from newsroom import websub
from newsroom.fields import LIBRARY_ATTRIBUTE
from newsroom.models import LibraryImage
from newsroom.syndication import FEED_LENGTH


@receiver([post_save, post_delete], sender=Position, dispatch_uid="position-dates-person")
def position_dates_person(sender, instance, raw=False, **kwargs):
    if raw:
        return
    Person.objects.filter(pk=instance.person_id).update(updated_at=timezone.now())
    websub.change_note(subjects=[("person", instance.person_id)])


# --- WebSub: what a change touched -------------------------------------------


def public_from(article):
    """When a story with published status is (or was) first public: its time, or its embargo's end if later.

    None for a story of another status. The same rule as ``is_published()``:
    the story is public exactly when this moment has passed. Code that saves
    a story with its times still as text, or naive, gets None rather than an
    error in the middle of its save.
    """
    published_at, embargo_until = article.published_at, article.embargo_until
    if article.status != ArticleStatus.PUBLISHED or not _aware(published_at):
        return None
    if _aware(embargo_until):
        return max(published_at, embargo_until)
    return published_at if embargo_until is None else None


def _aware(value):
    return isinstance(value, datetime.datetime) and timezone.is_aware(value)


def _still_to_come(moment, now):
    return moment if moment is not None and moment > now else None


@receiver(pre_save, sender=Article, dispatch_uid="websub-article-before")
def article_before_save(sender, instance, raw=False, **kwargs):
    """Whether the story was public before this save, in which section, and when it was due.

    A story that was public leaves or changes the feeds that listed it,
    whatever the save makes of it; a moment still to come was noted by the
    save that set it. Kept on the instance for ``article_saved``.
    """
    instance.websub_public_section = None
    instance.websub_was_due = None
    if raw or instance.pk is None or not websub.hub_url():
        return
    before = (
        Article.objects.filter(pk=instance.pk)
        .select_related("section")
        .only("status", "published_at", "embargo_until", "section__slug")
        .first()
    )
    if before is None:
        return
    now = timezone.now()
    if before.is_published(now=now):
        instance.websub_public_section = before.section.slug
    instance.websub_was_due = _still_to_come(public_from(before), now)


@receiver(post_save, sender=Article, dispatch_uid="websub-article-saved")
def article_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    section = getattr(instance, "websub_public_section", None)
    websub.change_note(
        articles=[instance.pk],
        was_public=[instance.pk] if section else [],
        sources=[("section", section)] if section else [],
    )
    if not websub.hub_url():
        return
    due = _still_to_come(public_from(instance), timezone.now())
    if due is not None and due != getattr(instance, "websub_was_due", None):
        websub.change_note_at(due, went_live=[(instance.pk, due.isoformat())])


@receiver(pre_delete, sender=Article, dispatch_uid="websub-article-deleted")
def article_deleted(sender, instance, **kwargs):
    # Its links go with it: the feeds that list it are read now.
    if websub.hub_url() and Article.objects.published().filter(pk=instance.pk).exists():
        websub.change_note(sources=article_feed_sources([instance.pk]))


@receiver(pre_save, sender=Byline, dispatch_uid="websub-byline-before")
@receiver(pre_save, sender=Quote, dispatch_uid="websub-quote-before")
def story_part_before_save(sender, instance, raw=False, **kwargs):
    """The story and person a byline or quote had before this save, for ``story_part_changed``."""
    instance.websub_before = None
    if raw or instance.pk is None or not websub.hub_url():
        return
    instance.websub_before = (
        sender.objects.filter(pk=instance.pk).values_list("article_id", "person_id").first()
    )


@receiver([post_save, post_delete], sender=Byline, dispatch_uid="websub-byline")
@receiver([post_save, post_delete], sender=Quote, dispatch_uid="websub-quote")
def story_part_changed(sender, instance, raw=False, signal=None, **kwargs):
    """A byline or quote is part of the story; a deleted one drops its person's feed.

    So does one given to another speaker or author, or moved to another
    story: the person it named before leaves that story's item.
    """
    if raw:
        return
    stories, dropped = {instance.article_id}, set()
    if signal is post_delete:
        dropped.add((instance.article_id, "person", instance.person_id))
    before = getattr(instance, "websub_before", None)
    if before is not None and before != (instance.article_id, instance.person_id):
        stories.add(before[0])
        dropped.add((before[0], "person", before[1]))
    websub.change_note(articles=stories, dropped=dropped)


# Through model of a story's links -> (its story field, its other field, the kind linked).
STORY_LINKS = {
    TaggedArticle: ("content_object_id", "tag_id", "tag"),
    Article.institutions.through: ("article_id", "institution_id", "institution"),
    Article.people.through: ("article_id", "person_id", "person"),
    Article.agreements.through: ("article_id", "agreement_id", "agreement"),
}


def story_links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Tags, institutions, people or agreements linked to or unlinked from stories."""
    if action not in ("post_add", "post_remove", "pre_clear") or not websub.hub_url():
        return
    story_field, other_field, kind = STORY_LINKS[sender]
    if action == "pre_clear":
        rows = sender.objects.filter(**{other_field if reverse else story_field: instance.pk})
        pairs = set(rows.values_list(story_field, other_field))
    elif reverse:
        pairs = {(story, instance.pk) for story in pk_set}
    else:
        pairs = {(instance.pk, other) for other in pk_set}
    websub.change_note(
        articles=[story for story, _other in pairs],
        dropped=[] if action == "post_add" else [(story, kind, other) for story, other in pairs],
    )


for through in STORY_LINKS:
    m2m_changed.connect(
        story_links_changed, sender=through, dispatch_uid=f"websub-links-{through._meta.label}"
    )


@receiver(post_save, sender=Section, dispatch_uid="websub-section")
@receiver(post_save, sender=Tag, dispatch_uid="websub-tag")
@receiver(post_save, sender=Person, dispatch_uid="websub-person")
@receiver(post_save, sender=Institution, dispatch_uid="websub-institution")
@receiver([post_save, post_delete], sender=Agreement, dispatch_uid="websub-agreement")
def subject_changed(sender, instance, raw=False, created=False, signal=None, **kwargs):
    # A new section, tag, person or institution is in no feed yet; a new
    # agreement may be one signed already, and so news.
    if raw or (created and sender is not Agreement):
        return
    websub.change_note(subjects=[(SUBJECT_KINDS[sender], instance.pk)])
    if sender is Agreement and signal is post_save and websub.hub_url():
        signing = agreement_signing_to_come(instance)
        if signing is not None and instance.signed_on != getattr(
            instance, "websub_signed_on_before", None
        ):
            websub.change_note_at(signing, signed=[(instance.pk, instance.signed_on.isoformat())])


@receiver(pre_save, sender=Agreement, dispatch_uid="websub-agreement-before")
def agreement_before_save(sender, instance, raw=False, **kwargs):
    # A signing day still to come was noted by the save that set it.
    instance.websub_signed_on_before = None
    if raw or instance.pk is None or not websub.hub_url():
        return
    instance.websub_signed_on_before = (
        Agreement.objects.filter(pk=instance.pk).values_list("signed_on", flat=True).first()
    )


def agreement_signing_to_come(agreement):
    """The newsroom's midnight starting the agreement's signing day, if that is still to come.

    ``announced()`` counts an agreement from its signing day in the
    newsroom's zone, so that midnight is when the agreements feed gains it.
    """
    if type(agreement.signed_on) is not datetime.date:
        return None
    if agreement.signed_on <= timezone.localdate():
        return None
    return timezone.make_aware(datetime.datetime.combine(agreement.signed_on, datetime.time()))


SUBJECT_KINDS = {
    Section: "section",
    Tag: "tag",
    Person: "person",
    Institution: "institution",
    Agreement: "agreement",
}


@receiver(pre_delete, sender=Tag, dispatch_uid="websub-tag-deleted")
@receiver(pre_delete, sender=Agreement, dispatch_uid="websub-agreement-deleted")
def subject_deleted(sender, instance, **kwargs):
    # The links go with it, so the stories are read now; which feeds show
    # them is left to the worker. A tag's own feed is gone: its subscribers
    # learn so when the hub fetches it. The parties' feeds listed the
    # agreement's coverage, which the worker can no longer trace to them.
    if not websub.hub_url():
        return
    kind = SUBJECT_KINDS[sender]
    shown = list(_stories_of(kind, instance.pk).published().values_list("pk", flat=True))
    if kind == "tag":
        websub.change_note(shown=shown, sources=[("tag", instance.slug)])
        return
    parties = AgreementParty.objects.filter(agreement=instance).values_list(
        "institution_id", flat=True
    )
    websub.change_note(
        shown=shown,
        sources=[("agreements", None)] if _announced(instance) else [],
        institutions=list(parties) if shown else [],
    )


def _announced(agreement):
    return Agreement.objects.announced().filter(pk=agreement.pk).exists()


@receiver([post_save, post_delete], sender=AgreementParty, dispatch_uid="websub-party")
@receiver([post_save, post_delete], sender=AgreementArea, dispatch_uid="websub-area")
def agreement_part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # An institution's feed lists the coverage of the agreements it is party to.
    websub.change_note(
        subjects=[("agreement", instance.agreement_id)],
        institutions=[instance.institution_id] if sender is AgreementParty else [],
    )


# --- WebSub: the feeds those changes alter -----------------------------------


# Stories per article_feed_sources() call: a section's thousands of stories
# go in slices, within every database's limit on query parameters.
SOURCES_SLICE = 500


def _feed_stories(name, slug):
    """The public stories a story feed lists, as its view selects them; None for the agreements feed."""
    stories = Article.objects.published()
    if name == "latest":
        return stories
    if name == "section":
        return stories.filter(section__slug=slug)
    if name == "tag":
        return stories.filter(tags__slug=slug)
    if name == "person":
        person = Person.objects.filter(slug=slug).first()
        return stories.about_person(person) if person else stories.none()
    if name == "institution":
        institution = Institution.objects.filter(slug=slug).first()
        return stories.about_institution(institution) if institution else stories.none()
    return None


def _feeds_showing(ids):
    """Every feed whose newest ``FEED_LENGTH`` items include one of these public stories.

    The feeds that list any of them are the candidates, and each one's
    newest items are read (one query a feed): only those feeds show a
    renamed or deleted section, tag, person or institution. The agreements
    feed, whose items list coverage rather than being stories, counts
    whenever a candidate, as ``article_feed_sources`` says.
    """
    ids = sorted(ids)
    candidates = set()
    for start in range(0, len(ids), SOURCES_SLICE):
        candidates |= article_feed_sources(ids[start : start + SOURCES_SLICE])
    ids = set(ids)
    shown = set()
    for name, slug in candidates:
        items = _feed_stories(name, slug)
        if items is None or ids.intersection(
            items.newest_first().values_list("pk", flat=True)[:FEED_LENGTH]
        ):
            shown.add((name, slug))
    return shown


def _went_live(due):
    """Of the (story, moment) noted as due, the stories public now that went live at that moment.

    A story since rescheduled, unpublished or deleted is left to the task of
    its new moment, or to nobody.
    """
    moments = {(pk, datetime.datetime.fromisoformat(moment)) for pk, moment in due}
    stories = Article.objects.published().filter(pk__in={pk for pk, _moment in moments})
    return {
        article.pk
        for article in stories.only("status", "published_at", "embargo_until")
        if (article.pk, public_from(article)) in moments
    }


def _signed(due):
    """Whether an agreement noted as due to sign is announced now, on the day noted."""
    return any(
        Agreement.objects.announced()
        .filter(pk=pk, signed_on=datetime.date.fromisoformat(day))
        .exists()
        for pk, day in due
    )


def _stories_of(kind, pk):
    """The stories that show a section, tag, person, institution or agreement."""
    stories = Article.objects.all()
    if kind == "section":
        return stories.filter(section_id=pk)
    if kind == "tag":
        return stories.filter(tagged_items__tag_id=pk)
    if kind == "person":
        return stories.about_person(Person(pk=pk))
    if kind == "institution":
        # Stories about it (and its units, whose labels may read its short
        # name), and stories quoting someone titled by a position there.
        quoting = Quote.objects.filter(person__positions__institution_id=pk).values("article_id")
        return stories.filter(
            Q(pk__in=stories.about_institution(Institution(pk=pk)).values("pk")) | Q(pk__in=quoting)
        )
    return stories.filter(agreements=pk)


def _subject_sources(kind, pk):
    """The subject's own feed, and for an agreement or a party to one, the agreements feed."""
    if kind == "section":
        return {
            ("section", slug)
            for slug in Section.objects.filter(pk=pk).values_list("slug", flat=True)
        }
    if kind == "tag":
        return {("tag", slug) for slug in Tag.objects.filter(pk=pk).values_list("slug", flat=True)}
    if kind == "person":
        # Agreement items name their signatories.
        sources = person_feed_sources([pk])
        if Agreement.objects.announced().filter(party_rows__signatory_id=pk).exists():
            sources.add(("agreements", None))
        return sources
    if kind == "institution":
        sources = institution_feed_sources([pk])
        if Agreement.objects.announced().filter(party_rows__institution_id=pk).exists():
            sources.add(("agreements", None))
        return sources
    return {("agreements", None)} if Agreement.objects.announced().filter(pk=pk).exists() else set()


def feeds_altered(notes):
    """(URL name, slug) of every feed the noted changes alter (see the module's docstring)."""
    stories = set(notes["was_public"])
    if notes["articles"]:
        stories |= set(
            Article.objects.published()
            .filter(pk__in=notes["articles"])
            .values_list("pk", flat=True)
        )
    if notes["went_live"]:
        stories |= _went_live(notes["went_live"])
    sources = set()
    if notes["signed"] and _signed(notes["signed"]):
        sources.add(("agreements", None))
    # Public stories showing a renamed subject, or one deleted since (noted then).
    shown = set(notes["shown"])
    for kind, pk in notes["subjects"]:
        sources |= _subject_sources(kind, pk)
        shown |= set(_stories_of(kind, pk).published().values_list("pk", flat=True))
    sources |= _feeds_showing(shown)
    dropped = defaultdict(set)
    for story, kind, pk in notes["dropped"]:
        if story in stories:
            dropped[kind].add(pk)
    dropped["institution"] |= notes["institutions"]
    sources |= article_feed_sources(stories)
    sources |= person_feed_sources(dropped["person"])
    sources |= institution_feed_sources(dropped["institution"])
    sources |= {
        ("tag", slug)
        for slug in Tag.objects.filter(pk__in=dropped["tag"]).values_list("slug", flat=True)
    }
    if dropped["agreement"]:
        parties = AgreementParty.objects.filter(agreement__in=dropped["agreement"])
        sources |= institution_feed_sources(parties.values_list("institution_id", flat=True))
        if Agreement.objects.announced().filter(pk__in=dropped["agreement"]).exists():
            sources.add(("agreements", None))
    return sources


def changes_to_come(now):
    """(moment, notes) for each story and agreement that the clock will make public after ``now``."""
    later = defaultdict(lambda: defaultdict(set))
    stories = Article.objects.filter(status=ArticleStatus.PUBLISHED).filter(
        Q(published_at__gt=now) | Q(embargo_until__gt=now)
    )
    for article in stories.only("status", "published_at", "embargo_until"):
        moment = _still_to_come(public_from(article), now)
        if moment is not None:
            later[moment]["went_live"].add((article.pk, moment.isoformat()))
    agreements = Agreement.objects.filter(signed_on__gt=timezone.localdate(now))
    for agreement in agreements.only("signed_on"):
        moment = agreement_signing_to_come(agreement)
        if moment is not None:
            later[moment]["signed"].add((agreement.pk, agreement.signed_on.isoformat()))
    return sorted(later.items())


websub.resolver_register(feeds_altered)
websub.schedule_register(changes_to_come)


@receiver(post_save, sender=LibraryImage, dispatch_uid="websub-library-image")
@receiver(pre_delete, sender=LibraryImage, dispatch_uid="websub-library-image-deleted")
def library_image_changed(sender, instance, raw=False, created=False, **kwargs):
    """A library picture's words or file show in the items of the stories using it.

    As lead image or in the body; read before a deletion, which clears the
    lead images pointing at it. A new picture is in no story yet.
    """
    if raw or created or not websub.hub_url():
        return
    needle = f'{LIBRARY_ATTRIBUTE}="{instance.pk}"'
    stories = Article.objects.filter(Q(lead_library_image=instance.pk) | Q(body__contains=needle))
    websub.change_note(articles=set(stories.values_list("pk", flat=True)))
