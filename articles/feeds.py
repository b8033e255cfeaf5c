"""The newsroom's story feeds: all stories, a section, a tag, over ``published()``.

Built on ``newsroom.syndication``. Each item carries the whole story as the
story page tells it: lead image, body, who said what (each speaker with the
title they held on the story's date) and "In this story" (institutions,
people, agreements), rendered from ``feeds/article_item.html``. A feed
renders with a fixed number of queries however many items it holds, and its
validators cover everything those items show (``rendered_rows``).
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Length
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape, format_html
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles.media import lead_image_jpegs
from articles.models import Article, Byline, Quote, Section, TaggedArticle, tag_in_public_use
from institutions.models import (
    Agreement,
    AgreementParty,
    Institution,
    Person,
    positions_prefetch,
)
from newsroom.library import body_images_fetch, body_images_render
from newsroom.models import LibraryImage
from newsroom.syndication import (
    FEED_LENGTH,
    FeedScope,
    PoliteFeed,
    absolutize_html,
    row_marks,
    websub_hub,
    xml_safe,
)


def lead_image_html(article):
    """The lead image as a figure, keeping its alt text, caption and credit.

    The largest JPEG rendition, with its size; nothing while renditions are
    still being made, never the uploaded original.
    """
    jpegs = lead_image_jpegs(article)
    if not jpegs:
        return ""
    picture = article.lead_picture
    credit = format_html(" ({})", picture.credit) if picture.credit else ""
    caption = (
        format_html("<figcaption>{}{}</figcaption>", picture.caption, credit)
        if picture.caption or credit
        else ""
    )
    return format_html(
        '<figure><img src="{}" alt="{}" width="{}" height="{}">{}</figure>',
        default_storage.url(jpegs[0]["name"]),
        picture.alt,
        jpegs[0]["width"],
        jpegs[0]["height"],
        caption,
    )


def rendered_rows(articles):
    """One validator row per story: every value its feed item shows, or a time that moves with it.

    The story's own fields move its ``updated_at``. What it shows of other
    records is read through correlated subqueries, still one query: the
    section's name, tag names, the bylined, quoted and linked people (their
    ``updated_at`` moves with a rename, and with any change to their
    positions: ``institutions.signals``), the institutions of the speakers'
    positions (a renamed institution changes a printed title), the linked
    institutions with their parents (labels read the parent's short name)
    and the agreements. Quote and byline rows have no time: they count by
    id, order, override and length of the words, and the admin saves the
    story with them anyway. Pictures: the uploaded lead image's renditions
    (written by UPDATE, which leaves ``updated_at`` alone), the library lead
    picture's ``updated_at`` (its words and its renditions move it), and for
    the pictures bodies name, the newest change to any library picture: a
    body names them by id in its text, which no join can follow.
    """
    quote_titles = (
        Quote.objects.filter(article=OuterRef("pk"))
        .order_by()
        .values("article")
        .annotate(changed=Max("person__positions__institution__updated_at"))
        .values("changed")[:1]
    )
    return articles.annotate(
        tag_marks=row_marks(TaggedArticle.objects, "content_object", "tag_id", "tag__name"),
        byline_marks=row_marks(
            Byline.objects, "article", "pk", "person_id", "order", "person__updated_at"
        ),
        quote_marks=row_marks(
            Quote.objects.annotate(words=Length("text")),
            "article",
            "pk",
            "person_id",
            "order",
            "words",
            "title_override",
            "person__updated_at",
        ),
        quote_titles_changed=Subquery(quote_titles),
        people_marks=row_marks(
            Article.people.through.objects, "article", "person_id", "person__updated_at"
        ),
        institution_marks=row_marks(
            Article.institutions.through.objects,
            "article",
            "institution_id",
            "institution__updated_at",
            "institution__parent__updated_at",
        ),
        agreement_marks=row_marks(
            Article.agreements.through.objects, "article", "agreement_id", "agreement__updated_at"
        ),
        library_changed=Subquery(
            LibraryImage.objects.order_by("-updated_at").values("updated_at")[:1]
        ),
    ).values_list(
        "pk",
        "published_at",
        "updated_at",
        "section__name",
        "tag_marks",
        "byline_marks",
        "quote_marks",
        "quote_titles_changed",
        "people_marks",
        "institution_marks",
        "agreement_marks",
        "lead_image_renditions__0__name",
        "lead_library_image__updated_at",
        "library_changed",
    )


class ArticleFeed(PoliteFeed):
    """Latest published articles of the whole newsroom; the base of the others."""

    item_template = "feeds/article_item.html"

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request=request, subject=None, items=Article.objects.published())

    def title(self, scope):
        return settings.NEWSROOM_NAME

    def link(self, scope):
        return reverse("articles:home")

    def description(self, scope):
        return f"The latest news from {settings.NEWSROOM_NAME}."

    def validator_rows(self, scope):
        # The feed's stories first, then what they show: the subqueries run
        # for those rows only, not for every public story before the LIMIT.
        shown = scope.items.newest_first().values("pk")[:FEED_LENGTH]
        return list(rendered_rows(Article.objects.filter(pk__in=shown).newest_first()))

    def items(self, scope):
        articles = list(
            scope.items.newest_first()
            .for_cards()
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("person")),
                Prefetch(
                    "quotes",
                    queryset=Quote.objects.select_related("person").prefetch_related(
                        positions_prefetch("person__positions")
                    ),
                ),
                Prefetch("institutions", queryset=Institution.objects.select_related("parent")),
                "people",
                "agreements",
            )
            .with_tags()[:FEED_LENGTH]
        )
        # The media library pictures of every body, in one query for the feed.
        images = body_images_fetch(article.body for article in articles)
        for article in articles:
            # Item methods only see the item; the base address travels with it.
            article.feed_base_url = scope.base_url
            article.library_images = images
        return articles

    def item_title(self, article):
        return xml_safe(article.headline)

    def item_description(self, article):
        return escape(xml_safe(article.standfirst))

    def item_guid(self, article):
        return f"urn:uuid:{article.guid}"

    def item_guid_is_permalink(self, article):
        return False

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return max(article.published_at, article.updated_at)

    def item_categories(self, article):
        return [article.section.name, *(tag.name for tag in article.tag_list)]

    def item_enclosures(self, article):
        """The largest JPEG rendition with its stored size (no storage access)."""
        jpegs = lead_image_jpegs(article)
        if not jpegs:
            return []
        return [
            feedgenerator.Enclosure(
                url=urljoin(article.feed_base_url, default_storage.url(jpegs[0]["name"])),
                length=str(jpegs[0]["bytes"]),
                mime_type="image/jpeg",
            )
        ]

    def item_extra_kwargs(self, article):
        authors = [
            (byline.person.name, article.feed_base_url + byline.person.get_absolute_url())
            for byline in article.bylines.all()
        ]
        return {
            "authors": authors or [(settings.NEWSROOM_NAME, article.feed_base_url + "/")],
            "content_html": self.item_content(article),
            "summary_text": xml_safe(article.standfirst),
        }

    def item_content(self, article):
        """The whole story as HTML, every address absolute (feeds/article_item.html)."""
        body = body_images_render(
            article.body,
            images=getattr(article, "library_images", None),
            base_url=article.feed_base_url,
        )
        content = render_to_string(
            self.item_template,
            {"article": article, "lead_image": lead_image_html(article), "body": body},
        )
        return absolutize_html(content, article.feed_base_url + article.get_absolute_url())


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        section = Section.objects.get(slug=slug)
        return FeedScope(
            request=request, subject=section, items=Article.objects.published().in_section(section)
        )

    def subject_fingerprint(self, section):
        # Sections keep no change time; their name and text are what a feed shows.
        return f"{section.pk}:{section.name}:{section.description}"

    def title(self, scope):
        return f"{scope.subject.name} · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return scope.subject.get_absolute_url()

    def description(self, scope):
        return scope.subject.description or f"{scope.subject.name} from {settings.NEWSROOM_NAME}."


class TagFeed(ArticleFeed):
    def get_object(self, request, slug):
        tag = tag_in_public_use(slug)
        return FeedScope(
            request=request, subject=tag, items=Article.objects.published().filter(tags=tag)
        )

    def subject_fingerprint(self, tag):
        return f"{tag.pk}:{tag.name}"

    def title(self, scope):
        return f"Tagged “{scope.subject.name}” · {settings.NEWSROOM_NAME}"

    def link(self, scope):
        return reverse("articles:tag", kwargs={"slug": scope.subject.slug})

    def description(self, scope):
        return f"Stories tagged “{scope.subject.name}” from {settings.NEWSROOM_NAME}."


# --- Which feeds list a story (for WebSub pings) ---------------------------


def institution_feed_sources(institution_ids):
    """("institution", slug) of these institutions and of every one above them.

    An institution's feed lists the stories about it and about every unit
    beneath it, so a story about a school is in its university's feed too.
    One query per level of the tree; a loop typed into the admin ends.
    """
    slugs, seen, pending = set(), set(), set(institution_ids)
    while pending:
        seen |= pending
        rows = Institution.objects.filter(pk__in=pending).values_list("slug", "parent_id")
        pending = set()
        for slug, parent_id in rows:
            slugs.add(slug)
            if parent_id is not None and parent_id not in seen:
                pending.add(parent_id)
    return {("institution", slug) for slug in slugs}


def person_feed_sources(person_ids):
    return {
        ("person", slug)
        for slug in Person.objects.filter(pk__in=set(person_ids)).values_list("slug", flat=True)
    }


def article_feed_sources(article_ids):
    """(URL name, slug) of every feed that lists any of these stories, as they are linked now.

    The same relations the feeds' querysets read: the newsroom, the section,
    the tags, the people written by, quoting or about, the institutions
    linked directly or as parties to a linked agreement (with everything
    above them), and the agreements feed, whose items list their coverage.
    """
    ids = set(article_ids)
    if not ids:
        return set()
    sources = {("latest", None)}
    sources |= {
        ("section", slug)
        for slug in Article.objects.filter(pk__in=ids).values_list("section__slug", flat=True)
    }
    sources |= {
        ("tag", slug)
        for slug in TaggedArticle.objects.filter(content_object__in=ids).values_list(
            "tag__slug", flat=True
        )
    }
    people = {
        *Byline.objects.filter(article__in=ids).values_list("person_id", flat=True),
        *Quote.objects.filter(article__in=ids).values_list("person_id", flat=True),
        *Article.people.through.objects.filter(article__in=ids).values_list("person_id", flat=True),
    }
    agreements = set(
        Article.agreements.through.objects.filter(article__in=ids).values_list(
            "agreement_id", flat=True
        )
    )
    institutions = {
        *Article.institutions.through.objects.filter(article__in=ids).values_list(
            "institution_id", flat=True
        ),
        *AgreementParty.objects.filter(agreement__in=agreements).values_list(
            "institution_id", flat=True
        ),
    }
    if agreements and Agreement.objects.filter(pk__in=agreements).announced().exists():
        sources.add(("agreements", None))
    return sources | person_feed_sources(people) | institution_feed_sources(institutions)


# --- Human-facing pages ---------------------------------------------------


@require_safe
def feeds_index(request):
    """The page that lists every feed and says what each one carries."""
    return render(
        request,
        "feeds/index.html",
        {
            "sections": Section.objects.all(),
            "feed_length": FEED_LENGTH,
            "websub_hub": websub_hub(),
            "example_tag": Tag.objects.filter(article__in=Article.objects.published())
            .order_by("name")
            .first(),
        },
    )
