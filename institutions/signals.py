"""Receivers that keep the feeds truthful; connected in ``InstitutionsConfig.ready``.

A position keeps no change time, yet a speaker's printed title comes from
it: saving or deleting one moves its person's ``updated_at``, which feed
validators (and the people sitemap) read.

WebSub: each change that can alter a feed is noted (``newsroom.websub``)
and, once its transaction commits, ``feeds_altered`` turns the notes into
the feeds to announce. A story counts when it is public after the change or
was before it. A renamed section, tag, person or institution, or an edited
agreement, alters its own feed and every feed that lists its newest
``FEED_LENGTH`` public stories; an older story that a quiet feed still
lists is left to that feed's readers' next poll. These receivers cover the
stories' relations and the institutions app together because the feeds do:
an institution's feed lists stories, a story's item names institutions.
"""

from collections import defaultdict

from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from articles.feeds import article_feed_sources, institution_feed_sources, person_feed_sources
from articles.models import Article, Byline, Quote, Section, TaggedArticle
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementParty,
    Institution,
    Person,
    Position,
)
from newsroom import websub
from newsroom.syndication import FEED_LENGTH


@receiver([post_save, post_delete], sender=Position, dispatch_uid="position-dates-person")
def position_dates_person(sender, instance, raw=False, **kwargs):
    if raw:
        return
    Person.objects.filter(pk=instance.person_id).update(updated_at=timezone.now())
    websub.change_note(subjects=[("person", instance.person_id)])


# --- WebSub: what a change touched -------------------------------------------


@receiver(pre_save, sender=Article, dispatch_uid="websub-article-before")
def article_before_save(sender, instance, raw=False, **kwargs):
    """Whether the story was public before this save, and in which section.

    A story that was public leaves or changes the feeds that listed it,
    whatever the save makes of it. Kept on the instance for ``article_saved``.
    """
    instance.websub_public_section = None
    if raw or instance.pk is None or not websub.hub_url():
        return
    instance.websub_public_section = (
        Article.objects.published()
        .filter(pk=instance.pk)
        .values_list("section__slug", flat=True)
        .first()
    )


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


@receiver(pre_delete, sender=Article, dispatch_uid="websub-article-deleted")
def article_deleted(sender, instance, **kwargs):
    # Its links go with it: the feeds that list it are read now.
    if websub.hub_url() and Article.objects.published().filter(pk=instance.pk).exists():
        websub.change_note(sources=article_feed_sources([instance.pk]))


@receiver([post_save, post_delete], sender=Byline, dispatch_uid="websub-byline")
@receiver([post_save, post_delete], sender=Quote, dispatch_uid="websub-quote")
def story_part_changed(sender, instance, raw=False, signal=None, **kwargs):
    """A byline or quote is part of the story; a deleted one drops its person's feed."""
    if raw:
        return
    dropped = (instance.article_id, "person", instance.person_id)
    websub.change_note(
        articles=[instance.article_id], dropped=[dropped] if signal is post_delete else []
    )


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
def subject_changed(sender, instance, raw=False, created=False, **kwargs):
    # A new section, tag, person or institution is in no feed yet; a new
    # agreement may be one signed already, and so news.
    if raw or (created and sender is not Agreement):
        return
    websub.change_note(subjects=[(SUBJECT_KINDS[sender], instance.pk)])


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
    # The links go with it, so the stories are read now.
    if websub.hub_url():
        kind = SUBJECT_KINDS[sender]
        sources = article_feed_sources(_newest_public(_stories_of(kind, instance.pk)))
        if kind == "agreement" and Agreement.objects.announced().filter(pk=instance.pk).exists():
            sources.add(("agreements", None))
        websub.change_note(sources=sources)


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


def _newest_public(stories):
    return list(stories.published().newest_first().values_list("pk", flat=True)[:FEED_LENGTH])


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
        return person_feed_sources([pk])
    if kind == "institution":
        sources = institution_feed_sources([pk])
        if Agreement.objects.announced().filter(signatories__institution_id=pk).exists():
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
    sources = set()
    for kind, pk in notes["subjects"]:
        sources |= _subject_sources(kind, pk)
        stories |= set(_newest_public(_stories_of(kind, pk)))
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


websub.resolver_register(feeds_altered)
