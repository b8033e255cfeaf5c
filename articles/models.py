import dataclasses
import logging
import uuid

from django.conf import settings
from django.contrib import admin
from django.contrib.postgres.search import SearchVectorField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from institutions.models import (
    AgreementParty,
    Institution,
    Person,
    positions_prefetch,
    unconfirmed_message,
    unconfirmed_records,
)
from newsroom import revisions
from newsroom.fields import SanitizedHTMLField
from newsroom.images import IMAGE_VALIDATORS
from newsroom.library import library_image_renditions
from newsroom.media import PrivateImageField
from newsroom.models import EditedRecord
from newsroom.pagecache import page_cache_invalidate
from newsroom.renditions import (
    RenditionError,
    image_pixels,
    image_renditions_make,
    renditions_current,
    renditions_delete,
)
from newsroom.text import credit_without_prefix, slug_from

logger = logging.getLogger(__name__)


class SectionQuerySet(models.QuerySet):
    def last_used_by(self, user):
        """The section of ``user``'s newest story; without one, the only section, if one."""
        if user is not None and user.pk is not None:
            latest = (
                self.filter(articles__created_by=user)
                .order_by("-articles__created_at", "-articles__pk")
                .first()
            )
            if latest is not None:
                return latest
        only = list(self.all()[:2])
        return only[0] if len(only) == 1 else None


class Section(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first in the navigation.")
    )

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", kwargs={"slug": self.slug})


# Every public page lists the sections in its header. The list is cached and
# forgotten whenever a section changes; the timeout bounds staleness where
# each worker has its own (local-memory) cache.
SECTION_NAVIGATION_CACHE_KEY = "articles:section-navigation"
SECTION_NAVIGATION_TIMEOUT = 300


def sections_for_navigation():
    """All sections in navigation order, from the cache when it has them."""
    sections = cache.get(SECTION_NAVIGATION_CACHE_KEY)
    if sections is None:
        sections = list(Section.objects.all())
        cache.set(SECTION_NAVIGATION_CACHE_KEY, sections, SECTION_NAVIGATION_TIMEOUT)
    return sections


@receiver([post_save, post_delete], sender=Section, dispatch_uid="section-navigation-forget")
def section_navigation_forget(**kwargs):
    cache.delete(SECTION_NAVIGATION_CACHE_KEY)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEW = "review", _("In review")
    PUBLISHED = "published", _("Published")


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """The one rule for what the public may see.

        Published status, a publication time that has passed and no embargo
        still running. Scheduling needs no background job: the moment
        ``published_at`` passes, this query starts returning the article.
        """
        return self.filter(self.published_condition(now=now))

    @staticmethod
    def published_condition(*, now=None, through=""):
        """The condition behind ``published()``, as a ``Q``.

        ``through`` names a relation (``"articles"`` from an agreement) for
        the rare aggregate that must apply the rule across a join, on the
        join itself: an IN over every public story cost 0.3 s per request at
        100,000 stories. Everything else calls ``published()``.
        """
        now = now or timezone.now()
        prefix = f"{through}__" if through else ""
        return (
            Q(**{f"{prefix}embargo_until__isnull": True})
            | Q(**{f"{prefix}embargo_until__lte": now})
        ) & Q(**{f"{prefix}status": ArticleStatus.PUBLISHED, f"{prefix}published_at__lte": now})

    def in_section(self, section):
        return self.filter(section=section)

    def about_institution(self, institution):
        """Articles about the institution or any unit beneath it, at any depth.

        A story linked to an agreement counts for each party of it (and so
        for the party's parents). The family is found by a recursive query
        inside this one, so the page costs the same whatever the depth of
        the tree; semi-joins instead of a join keep each article once
        without a DISTINCT over whole rows.
        """
        family = Institution.objects.family_ids_sql(institution.pk)
        about = Article.institutions.through.objects.filter(institution_id__in=family)
        about_agreement = Article.agreements.through.objects.filter(
            agreement__party_rows__institution_id__in=family
        )
        return self.filter(
            Q(pk__in=about.values("article_id")) | Q(pk__in=about_agreement.values("article_id"))
        )

    def about_person(self, person):
        """Articles about the person, quoting them or written by them."""
        about = Article.people.through.objects.filter(person=person).values("article_id")
        quoted = Quote.objects.filter(person=person).values("article_id")
        written = Byline.objects.filter(person=person).values("article_id")
        return self.filter(Q(pk__in=about) | Q(pk__in=quoted) | Q(pk__in=written))

    def for_article_page(self):
        """What the article page shows, fetched up front.

        The institutions come with their family in
        ``Article.institutions_with_family``, so the page stays within its
        query budget.
        """
        return (
            self.for_cards()
            .prefetch_related(
                models.Prefetch("bylines", queryset=Byline.objects.select_related("person")),
                models.Prefetch(
                    "quotes",
                    queryset=Quote.objects.select_related("person").prefetch_related(
                        positions_prefetch("person__positions")
                    ),
                ),
                "people",
                "agreements",
            )
            .with_tags()
        )

    def with_tags(self):
        """Each story's tags in one query for the whole list, read by ``tag_list``.

        Through the concrete tag model: taggit's own manager builds a
        queryset per article even when prefetched.
        """
        return self.prefetch_related(
            models.Prefetch("tagged_items", queryset=TaggedArticle.objects.select_related("tag"))
        )

    def months_newest_first(self, limit):
        """The months (aware datetimes, local midnight on the 1st) holding any
        story of this queryset, newest first, at most ``limit``.

        On PostgreSQL a recursive query hops from month to month, each hop one
        probe of the newest-first index for the latest story before the month
        just found: the cost follows the number of months shown, not the
        number of stories (a DISTINCT over every public story took 60 ms at
        100,000). Elsewhere Django's ``datetimes()`` does it the plain way.
        """
        if connection.vendor != "postgresql":
            return list(self.datetimes("published_at", "month", order="DESC")[:limit])
        stories, params = self.order_by().values("published_at").query.sql_with_params()
        zone = timezone.get_current_timezone_name()
        latest = (
            f"SELECT date_trunc('month', max(story.published_at) AT TIME ZONE %s) "
            f"FROM ({stories}) AS story"
        )
        sql = (
            f"WITH RECURSIVE month_list(month) AS ("
            f"({latest}) UNION ALL "
            f"SELECT ({latest} WHERE story.published_at < month_list.month AT TIME ZONE %s) "
            f"FROM month_list WHERE month_list.month IS NOT NULL"
            f") SELECT month FROM month_list WHERE month IS NOT NULL LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [zone, *params, zone, *params, zone, limit])
            local_months = [row[0] for row in cursor.fetchall()]
        tz = timezone.get_current_timezone()
        return [timezone.make_aware(month, tz) for month in local_months]

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def free_slug(self, headline, *, exclude_pk=None):
        """A slug for ``headline`` no other story holds: "-2", "-3"... when the plain one is taken.

        Hangul is romanised (``newsroom.text.slug_from``).
        """
        base = slug_from(headline or "", max_length=190)
        taken = set(
            self.filter(slug__startswith=base).exclude(pk=exclude_pk).values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    def for_cards(self):
        """What every card, list and feed item shows beside the story's own row.

        The section and a library lead picture, joined in the same query, so
        a list of any length costs one query for them.
        """
        return self.select_related("section", "lead_library_image")

    def next_visibility_change(self, now):
        """When the public set next changes on its own: a scheduled time or an embargo end.

        Two newest-first lookups on their indexes, in one statement; MIN()
        with a FILTER would read every published story (0.1 s at 100,000).
        Any one section row can carry the two subqueries; every story has a
        section, so with no sections there is nothing scheduled either.
        """
        published = self.filter(status=ArticleStatus.PUBLISHED)
        next_publication = (
            published.filter(published_at__gt=now)
            .order_by("published_at")
            .values("published_at")[:1]
        )
        next_embargo_end = (
            published.filter(embargo_until__gt=now)
            .order_by("embargo_until")
            .values("embargo_until")[:1]
        )
        upcoming = Section.objects.annotate(
            publication=Subquery(next_publication), embargo=Subquery(next_embargo_end)
        ).values("publication", "embargo")[:1]
        moments = [moment for row in upcoming for moment in row.values() if moment is not None]
        return min(moments, default=None)


class TaggedArticle(TaggedItemBase):
    content_object = models.ForeignKey(
        "Article", on_delete=models.CASCADE, related_name="tagged_items"
    )

    class Meta:
        verbose_name = _("tagged article")
        verbose_name_plural = _("tagged articles")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_article_once"),
        ]


def tags_merge(*, tags, user):
    """Fold ``tags`` into the most used of them; return (kept tag, stories moved).

    Each story that changes gets a revision, so the merge can be undone story
    by story from its history.
    """
    tags = sorted(tags, key=lambda t: (-t.articles_count, t.name.lower()))
    keep, others = tags[0], tags[1:]
    moved = set()
    comment = gettext("Tags merged into “%(tag)s”: %(others)s.") % {
        "tag": keep.name,
        "others": ", ".join(t.name for t in others),
    }
    with transaction.atomic(), revisions.recorded(user=user, comment=comment):
        for row in TaggedArticle.objects.filter(tag__in=others).select_related("content_object"):
            if not TaggedArticle.objects.filter(
                content_object=row.content_object_id, tag=keep
            ).exists():
                TaggedArticle.objects.create(content_object_id=row.content_object_id, tag=keep)
            moved.add(row.content_object)
        Tag.objects.filter(pk__in=[t.pk for t in others]).delete()
        # A form opened before the merge would put the old tag back: each
        # story the merge changed moves to a new version.
        Article.objects.filter(pk__in=[article.pk for article in moved]).update(
            version=F("version") + 1
        )
        for article in moved:
            revisions.add_to_current(Article.objects.get(pk=article.pk))
    return keep, len(moved)


def tag_in_public_use(slug):
    """The tag with this slug, if a public story carries it.

    The one lookup behind the tag page and the tag feeds: a tag used only on
    unpublished stories does not exist for the public, so neither its page
    nor its feed hints at what is still in the works. Raises
    ``Tag.DoesNotExist`` otherwise.
    """
    if "\x00" in slug or "%" in slug:
        raise Tag.DoesNotExist(slug)  # no slug holds these; PostgreSQL refuses NUL (a 500)
    public_links = TaggedArticle.objects.filter(content_object__in=Article.objects.published())
    return (
        Tag.objects.filter(slug=slug).filter(Exists(public_links.filter(tag=OuterRef("pk")))).get()
    )


def links_implied(*, quoted, agreements):
    """``{"people": ids, "institutions": ids}`` a story is about by what it holds.

    ``quoted`` are the ids of the people it quotes, ``agreements`` those of
    the agreements it covers (ids or a values query); one query for the parties.
    """
    agreement_ids = list(agreements)
    parties = (
        AgreementParty.objects.filter(agreement__in=agreement_ids).values_list(
            "institution_id", flat=True
        )
        if agreement_ids
        else []
    )
    return {
        "people": sorted({pk for pk in quoted if pk is not None}),
        "institutions": sorted(set(parties)),
    }


@dataclasses.dataclass(frozen=True)
class LeadPicture:
    """What pages, feeds and the API show of a story's lead image."""

    alt: str
    caption: str
    credit: str
    width: int | None
    height: int | None
    renditions: list


class Article(EditedRecord):
    headline = models.CharField(_("headline"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        help_text=_("Part of the web address. Changing it later keeps old links working."),
    )
    standfirst = models.TextField(
        _("standfirst"),
        max_length=600,
        blank=True,
        help_text=_(
            "One or two sentences under the headline; also used in feeds and search results."
        ),
    )
    body = SanitizedHTMLField(_("body"), blank=True)
    # Never public: stored without metadata under originals/; pages, feeds
    # and sharing use the renditions below (newsroom/media.py).
    lead_image = PrivateImageField(_("lead image"), blank=True, validators=IMAGE_VALIDATORS)
    lead_image_alt = models.CharField(
        _("lead image alt text"),
        max_length=300,
        blank=True,
        help_text=_("Describe the picture for readers who cannot see it. Required with an image."),
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=500, blank=True)
    lead_image_credit = models.CharField(_("lead image credit"), max_length=200, blank=True)
    # A picture from the media library instead of an upload: its alt text,
    # caption, credit and renditions are read from the library record, so a
    # correction there shows on every story using it (``lead_picture``).
    lead_library_image = models.ForeignKey(
        "newsroom.LibraryImage",
        verbose_name=_("lead image from the library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Choose a picture from the media library, or upload one below; not both. "
            "The library's alt text, caption and credit are shown with it."
        ),
    )
    # Filled by newsroom.renditions when the image changes (by the task worker
    # for large images), so pages can write srcset, width and height without
    # opening the file or asking the storage.
    lead_image_width = models.PositiveIntegerField(
        _("lead image width"), null=True, blank=True, editable=False
    )
    lead_image_height = models.PositiveIntegerField(
        _("lead image height"), null=True, blank=True, editable=False
    )
    lead_image_renditions = models.JSONField(
        _("lead image renditions"), default=list, blank=True, editable=False
    )
    # The stored original's size. Nothing public reads it any more: feed
    # enclosures are renditions, whose sizes are in lead_image_renditions.
    lead_image_bytes = models.PositiveBigIntegerField(
        _("lead image size in bytes"), null=True, blank=True, editable=False
    )
    # The identity feed readers remember: unlike the headline and slug it
    # never changes, so a correction is not announced as a new story.
    guid = models.UUIDField(
        _("permanent identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedArticle, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ArticleStatus,
        default=ArticleStatus.DRAFT,
        help_text=_(
            "A story is public only when it is Published, its publication time has passed "
            "and any embargo has lifted."
        ),
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("A time in the future schedules the story; it goes live on its own."),
    )
    embargo_until = models.DateTimeField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_("Before this time the story is never public, whatever its status."),
    )
    institutions = models.ManyToManyField(
        "institutions.Institution",
        verbose_name=_("institutions"),
        blank=True,
        related_name="articles",
    )
    people = models.ManyToManyField(
        "institutions.Person", verbose_name=_("people"), blank=True, related_name="articles"
    )
    agreements = models.ManyToManyField(
        "institutions.Agreement",
        verbose_name=_("agreements"),
        blank=True,
        related_name="articles",
    )
    related_articles = models.ManyToManyField(
        "self",
        verbose_name=_("related articles"),
        through="RelatedArticle",
        through_fields=("article", "related"),
        symmetrical=False,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="article_slug_unique"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_status_pub"),
            # Public lists, newest first: the whole newsroom, and per section
            # (home page, section pages and their counts). Partial on the
            # published status and carrying the embargo end, so PostgreSQL can
            # answer the public rule and the order from the index alone.
            models.Index(
                F("published_at").desc(),
                F("id").desc(),
                name="article_public_newest",
                condition=Q(status="published"),
                include=["embargo_until"],
            ),
            models.Index(
                F("section"),
                F("published_at").desc(),
                F("id").desc(),
                name="article_section_newest",
                condition=Q(status="published"),
                include=["embargo_until"],
            ),
            # When the next embargo lifts (the page cache's clock).
            models.Index(
                fields=["embargo_until"],
                name="article_embargo_end",
                condition=Q(embargo_until__isnull=False),
            ),
        ]
        permissions = [
            ("publish_article", _("Can publish, schedule, embargo and unpublish articles")),
        ]

    def __str__(self):
        return self.headline

    @property
    def lead_picture(self):
        """The lead image readers get, from the library or the upload; None without one.

        None too while the renditions are still being made, or were made for
        an earlier image: pages then show no lead image rather than a file
        that is not served (never the original). Reads the article's own
        fields, and the library record joined by ``for_cards()``.
        """
        if self.lead_library_image_id:
            image = self.lead_library_image
            renditions = library_image_renditions(image)
            if not renditions:
                return None
            return LeadPicture(
                alt=image.alt_text,
                caption=image.caption,
                credit=image.credit,
                width=image.width,
                height=image.height,
                renditions=renditions,
            )
        renditions = self.lead_image_renditions or []
        if not (self.lead_image and renditions_current(renditions, self.lead_image.name)):
            return None
        return LeadPicture(
            alt=self.lead_image_alt,
            caption=self.lead_image_caption,
            credit=self.lead_image_credit,
            width=self.lead_image_width,
            height=self.lead_image_height,
            renditions=renditions,
        )

    def save(self, *args, **kwargs):
        if self.lead_image and not self.lead_image._committed:
            # Stored (without its metadata) now rather than during the save,
            # so the size recorded is the stored file's, not the upload's.
            self.lead_image.save(self.lead_image.name, self.lead_image.file, save=False)
            self.lead_image_bytes = None
        if not self.lead_image:
            self.lead_image_bytes = None
        elif self.lead_image_bytes is None:
            try:
                self.lead_image_bytes = self.lead_image.size
            except OSError:  # missing from storage
                self.lead_image_bytes = None
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """Date-plus-slug permalink, dated in the newsroom's own time zone."""
        moment = self.published_at or self.created_at or timezone.now()
        day = timezone.localtime(moment).date()
        return reverse(
            "articles:detail",
            kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": self.slug},
        )

    @cached_property
    def tag_list(self):
        """The story's tags by name; free when fetched ``with_tags()``."""
        if "tagged_items" not in getattr(self, "_prefetched_objects_cache", {}):
            return list(self.tags.order_by("name", "pk"))
        tags = [tagged.tag for tagged in self.tagged_items.all()]
        return sorted(tags, key=lambda tag: (tag.name, tag.pk))

    @cached_property
    def institutions_with_family(self):
        """The story's institutions (``direct``) with their sub-units, in one query.

        Parents come along through ``parent__parent``; related-story scoring
        reads the whole family, the page shows the direct ones.
        """
        linked = Article.institutions.through.objects.filter(article=self)
        return list(
            Institution.objects.filter(
                Q(pk__in=linked.values("institution_id"))
                | Q(parent__in=linked.values("institution_id"))
            )
            .annotate(direct=Exists(linked.filter(institution=OuterRef("pk"))))
            .select_related("parent__parent")
        )

    @property
    def institution_list(self):
        return [institution for institution in self.institutions_with_family if institution.direct]

    @admin.display(boolean=True, description=_("public"))
    def is_published(self, *, now=None):
        """Instance twin of ``Article.objects.published()``."""
        now = now or timezone.now()
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
        )

    @property
    def is_scheduled(self):
        return (
            self.status == ArticleStatus.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_embargoed(self):
        return self.embargo_until is not None and self.embargo_until > timezone.now()

    def publish_problems(self):
        """Field name -> message for everything that keeps this story from going out."""
        problems = {}
        if not (self.headline or "").strip():
            problems["headline"] = _("A published story needs a headline.")
        # Text a reader would see: an editor's empty "<p></p>" is no body.
        if not strip_tags(self.body or "").strip():
            problems["body"] = _("A published story needs a body.")
        if not self.section_id:
            problems["section"] = _("Choose a section before publishing.")
        if self.lead_image and not (self.lead_image_alt or "").strip():
            problems["lead_image_alt"] = _("Describe the lead image for readers who cannot see it.")
        if self.pk is not None and not getattr(self, "proposals_judged_on_submission", False):
            # Writers' proposals stay off the public site until an editor
            # confirms or merges them, and so do the stories naming them.
            # (The admin judges the rows it submits instead: articles.forms.)
            proposals = unconfirmed_records(
                people_ids=Person.objects.filter(
                    Q(quotes__article=self) | Q(bylines__article=self) | Q(articles=self)
                ).values("pk"),
                institution_ids=self.institutions.values("pk"),
            )
            if proposals:
                problems["__all__"] = unconfirmed_message(proposals)
        return problems

    def clean(self):
        super().clean()
        self.lead_image_credit = credit_without_prefix(self.lead_image_credit)
        errors = {}
        if self.lead_image and not self.lead_image_alt.strip():
            errors["lead_image_alt"] = _("Describe the lead image for readers who cannot see it.")
        if self.lead_image and self.lead_library_image_id:
            errors["lead_library_image"] = _(
                "A story leads with one picture: remove the library picture to use the "
                "upload, or leave the upload out (tick “Clear” if it was saved before) to use "
                "the library picture."
            )
        if self.status == ArticleStatus.PUBLISHED:
            errors.update(self.publish_problems())
            if not self.published_at:
                errors["published_at"] = _("Give a publication time to publish this story.")
        if errors:
            raise ValidationError(errors)

    def implied_links_add(self):
        """Add the people and institutions the story is about by what it holds.

        Everyone it quotes, and every party of the agreements it covers: an
        officer who quotes two deans about their schools' MOU should not have
        to pick them all again under "What the story is about". Only adds, so
        what the officer chose stays; called after the form's relations are
        saved (``links_implied`` gives the same for a draft).
        """
        implied = links_implied(
            quoted=self.quotes.values_list("person_id", flat=True),
            agreements=self.agreements.values_list("pk", flat=True),
        )
        if implied["people"]:
            self.people.add(*implied["people"])
        if implied["institutions"]:
            self.institutions.add(*implied["institutions"])

    def quote_date(self):
        """The date whose positions give speakers their printed titles."""
        return (
            timezone.localtime(self.published_at).date()
            if self.published_at
            else timezone.localdate()
        )


class Byline(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="bylines"
    )
    person = models.ForeignKey(
        "institutions.Person",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    role = models.CharField(
        _("role"), max_length=100, blank=True, help_text=_("Optional, e.g. “Photography”.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="byline_person_once"),
        ]

    def __str__(self):
        return str(self.person)


class Quote(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="quotes"
    )
    person = models.ForeignKey(
        "institutions.Person",
        verbose_name=_("speaker"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    text = models.TextField(_("quoted words"))
    title_override = models.CharField(
        _("title override"),
        max_length=250,
        blank=True,
        help_text=_(
            "Leave empty: the speaker's position on the publication date is printed, and "
            "follows any correction. Type a title only to print something else here."
        ),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self):
        return f"{self.person}: “{self.text[:60]}”"

    @cached_property
    def position(self):
        """The speaker's position on the story's date (its publication day, else today)."""
        return self.person.position_on(self.article.quote_date())

    @property
    def printed_title(self):
        """What the story prints after the speaker's name: the override, else the position.

        Derived on every read, so renaming a position, re-dating it or moving
        the story's publication date corrects every quote at once.
        """
        override = self.title_override.strip()
        if override:
            return override
        return self.position.printable_title if self.position else ""


class RelatedArticle(models.Model):
    """An editor's choice of further reading, shown before computed suggestions."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="curated_links"
    )
    related = models.ForeignKey(
        Article, verbose_name=_("related article"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_article_once"),
            models.CheckConstraint(
                condition=~Q(article=models.F("related")), name="related_article_not_self"
            ),
        ]

    def __str__(self):
        return str(self.related)

    def clean(self):
        super().clean()
        if self.article_id and self.article_id == self.related_id:
            raise ValidationError({"related": _("An article cannot be related to itself.")})


class ArticleStatusChange(models.Model):
    """Who moved a story from one status to another, and when."""

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    from_status = models.CharField(_("from"), max_length=20, choices=ArticleStatus, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=ArticleStatus)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.article}: {self.from_status or '—'} → {self.to_status}"


class PreviewLink(models.Model):
    """A revocable, expiring address at which one non-public story can be read.

    The token handed out is this row's id signed with the secret key, so the
    address cannot be guessed and the row can be revoked or left to expire.
    """

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    recipient = models.CharField(
        _("for"),
        max_length=200,
        help_text=_("Who the link is for, e.g. “Yonhap science desk” or “Dean Choi's office”."),
    )
    expires_at = models.DateTimeField(
        _("expires at"), help_text=_("After this time the link shows a “no longer valid” page.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    shows_draft = models.BooleanField(
        _("shows draft changes"),
        default=False,
        help_text=_(
            "For a live story: the link shows its pending draft changes instead of sending "
            "the reader to the public page. Links made before the draft never show it."
        ),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return f"{self.article} — {self.recipient}"

    def is_valid(self, *, now=None):
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now

    def revoke(self, *, now=None):
        """Withdraw the link (not saved here); revoking twice keeps the first time."""
        if self.revoked_at is None:
            self.revoked_at = now or timezone.now()


class ArticleURL(models.Model):
    """An address an article used to have, kept so old links keep working."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="old_urls"
    )
    date = models.DateField(_("date in the address"))
    slug = models.SlugField(_("slug"), max_length=200)
    retired_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["-retired_at", "-pk"]
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.UniqueConstraint(fields=["date", "slug"], name="article_url_date_slug_once"),
        ]
        indexes = [models.Index(fields=["slug"], name="article_url_slug")]

    def __str__(self):
        return self.old_path()

    def old_path(self):
        """The retired address exactly as the detail URL pattern spells it."""
        return reverse(
            "articles:detail",
            kwargs={
                "year": self.date.year,
                "month": self.date.month,
                "day": self.date.day,
                "slug": self.slug,
            },
        )


class ImportedAddress(models.Model):
    """An address a story had on the site it was imported from, answered with a 301 here.

    ``ArticleURL`` holds our own date-and-slug addresses; an imported site's
    are any path, with a query too (WordPress's ``/?p=123``). ``path`` is
    kept as ``articles.redirects.imported_path_key`` spells it. ``source``
    and ``source_id`` name the post the story came from, so importing the
    same export again updates the story instead of adding another.
    """

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="imported_addresses",
    )
    source = models.CharField(
        _("imported from"), max_length=200, help_text=_("The old site's address.")
    )
    source_id = models.CharField(_("id on the old site"), max_length=50)
    # Short enough for PostgreSQL's index row limit with the source, in any script.
    path = models.CharField(
        _("old address"),
        max_length=500,
        help_text=_("Path and query on the old site, such as “/2019/05/slug” or “/?p=123”."),
    )
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("imported address")
        verbose_name_plural = _("imported addresses")
        constraints = [
            models.UniqueConstraint(fields=["source", "path"], name="imported_address_once"),
        ]
        indexes = [
            models.Index(fields=["path"], name="imported_address_path"),
            models.Index(fields=["source", "source_id"], name="imported_address_post"),
        ]

    def __str__(self):
        return self.path


def article_public_date(article):
    """The date printed in an article's address, in the newsroom's time zone."""
    moment = article.published_at or article.created_at
    return timezone.localdate(moment) if moment else None


@receiver(pre_save, sender=Article, dispatch_uid="article_url_history_keep")
def article_url_history_keep(sender, instance, raw, **kwargs):
    """Remember the old (date, slug) whenever a save moves the public address.

    A signal rather than ``save()`` so that restores from a revision, which
    bypass ``save()``, are covered too.
    """
    if instance.pk is None:
        return
    before = sender._default_manager.filter(pk=instance.pk).only(
        "slug", "published_at", "created_at"
    )
    before = before.first()
    if before is None:
        return
    old_date, new_date = article_public_date(before), article_public_date(instance)
    if old_date is None or (before.slug == instance.slug and old_date == new_date):
        return
    ArticleURL.objects.update_or_create(
        date=old_date, slug=before.slug, defaults={"article": instance}
    )


def article_renditions_make(article, *, force=False):
    """Make the article's lead image renditions and record them on the article.

    Called after a save that changed the lead image (in the request, or by
    ``article_renditions_task`` for a large image) and by the
    ``make_renditions`` command; does nothing while the recorded renditions
    are current, unless ``force``. Each set goes into a new folder with a
    random name, and the set it replaces is deleted. Writes the three
    rendition fields with an UPDATE so no save hooks run again. An image
    that cannot be read leaves the article with no renditions (pages then
    show no lead image) and raises ``RenditionError`` for the caller.
    """
    previous = article.lead_image_renditions or []
    if not force and renditions_current(previous, article.lead_image.name):
        return previous
    if article.lead_image:
        try:
            width, height, renditions = image_renditions_make(article.lead_image)
        except RenditionError:
            _renditions_record(article, width=None, height=None, renditions=[])
            raise
    else:
        width, height, renditions = None, None, []
    _renditions_record(article, width=width, height=height, renditions=renditions)
    return renditions


def _renditions_record(article, *, width, height, renditions):
    previous = article.lead_image_renditions or []
    article.lead_image_width = width
    article.lead_image_height = height
    article.lead_image_renditions = renditions
    type(article)._default_manager.filter(pk=article.pk).update(
        lead_image_width=width, lead_image_height=height, lead_image_renditions=renditions
    )
    # update() sends no signal, and pages show these renditions.
    page_cache_invalidate()
    if previous:
        # Once the new list is committed, so a rolled-back save keeps its files.
        transaction.on_commit(lambda: _renditions_forget(article, previous, keep=renditions))


def _renditions_forget(article, renditions, *, keep):
    """Delete replaced renditions, unless another article lists the same folder."""
    folder = renditions[0]["name"].rsplit("/", 1)[0] + "/"
    shared = (
        Article.objects.exclude(pk=article.pk)
        .filter(lead_image_renditions__0__name__startswith=folder)
        .exists()
    )
    if not shared:
        renditions_delete(renditions, keep=keep)


@task
def article_renditions_task(*, article_id, source_name):
    """Make the renditions of a large lead image, in the task worker.

    Does nothing if the article is gone or has another image by now (that
    image has a task of its own), or if its renditions are already made.
    """
    article = Article.objects.filter(pk=article_id).first()
    if article is None or article.lead_image.name != source_name:
        return
    article_renditions_make(article)


@receiver(post_save, sender=Article, dispatch_uid="article_renditions_keep")
def article_renditions_keep(sender, instance, raw, **kwargs):
    """Make lead image renditions after a save that changed the image.

    After the save because a new upload reaches storage only during it. The
    check compares names and touches no file, so ordinary saves stay cheap.
    An image above ``NEWSROOM_RENDITIONS_INLINE_PIXELS`` is left to the task
    worker: the old renditions go at once, and pages show no lead image
    (never the original) until the task records the new ones. A save while
    that task waits enqueues another, which then finds the work done. An
    unreadable image is logged and left for ``make_renditions``.
    """
    if raw or renditions_current(instance.lead_image_renditions, instance.lead_image.name):
        return
    try:
        if (
            instance.lead_image
            and image_pixels(instance.lead_image) > settings.NEWSROOM_RENDITIONS_INLINE_PIXELS
        ):
            if instance.lead_image_renditions or instance.lead_image_width:
                _renditions_record(instance, width=None, height=None, renditions=[])
            # Inside the save's transaction: with the database backend the
            # task is committed, or rolled back, together with the story.
            article_renditions_task.enqueue(
                article_id=instance.pk, source_name=instance.lead_image.name
            )
        else:
            article_renditions_make(instance)
    except RenditionError:
        logger.exception("Lead image renditions failed for article %s", instance.pk)


class ArticleSearchDocument(models.Model):
    """An article's weighted full-text document, kept current by PostgreSQL.

    A trigger on the article table (migration 0006) rewrites the row whenever
    the headline, standfirst or body change, including through bulk inserts
    and queryset updates that skip ``save()``. A table of its own so that
    ordinary article queries never carry the vector. SQLite leaves it empty.
    """

    article = models.OneToOneField(
        Article,
        verbose_name=_("article"),
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="search_document",
        editable=False,
    )
    vector = SearchVectorField(_("search vector"), editable=False)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self):
        return str(self.article_id)


class LiveDraft(EditedRecord):
    """Changes prepared for a live (published or scheduled) story, kept apart from it.

    The public pages, feeds, search, sitemaps and API read the article row
    through ``Article.objects.published()`` and never this table, so the
    live version stays what it is until an editor publishes the changes.
    ``content`` holds the story's content fields and inline rows as
    ``articles.live_drafts`` writes them; ``version`` (from ``EditedRecord``)
    lets the admin refuse a save based on an older copy of the draft.
    """

    article = models.OneToOneField(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="live_draft"
    )
    content = models.JSONField(_("draft content"), default=dict)
    live_version = models.PositiveIntegerField(
        _("live version drafted from"),
        default=0,
        help_text=_("The story's version when the draft was last saved."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last saved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_for_review = models.BooleanField(
        _("submitted for review"),
        default=False,
        help_text=_("The writer asks an editor to publish these changes."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("draft of a live story")
        verbose_name_plural = _("drafts of live stories")
        indexes = [
            models.Index(
                fields=["submitted_at"],
                name="live_draft_submitted",
                condition=Q(submitted_for_review=True),
            ),
        ]

    def __str__(self):
        return gettext("Draft changes to “%s”") % self.article


# Whole-story revisions: the article with everything that hangs off it. The
# tag manager and the curated M2M are left out of the article's own fields
# because their rows (tagged_items, curated_links) are followed instead.
# The version counter is kept, so an edit conflict can find the revision the
# editor opened (newsroom.locking); compare pages skip it, restores renumber.
# Registered with the models, before the admin loads: reversion's
# VersionAdmin would otherwise register the article itself, following only
# its inlines.
for part in (Quote, Byline, RelatedArticle, TaggedArticle):
    revisions.register(part)
revisions.register(
    Article,
    exclude=("tags", "related_articles"),
    follow=("quotes", "bylines", "tagged_items", "curated_links"),
)

from articles.models_notifications import Notification  # noqa: E402, F401
