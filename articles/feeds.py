"""The newsroom's story feeds: all stories, a section, a tag, over ``published()``.

Built on ``newsroom.syndication``; each renders with a fixed number of
queries however many items and tags it holds.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.shortcuts import render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import escape, format_html
from django.views.decorators.http import require_safe
from taggit.models import Tag

from articles.media import lead_image_jpegs
from articles.models import Article, Byline, Section, tag_in_public_use
from newsroom.syndication import (
    FEED_LENGTH,
    FeedScope,
    PoliteFeed,
    absolutize_html,
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
    credit = format_html(" ({})", article.lead_image_credit) if article.lead_image_credit else ""
    caption = (
        format_html("<figcaption>{}{}</figcaption>", article.lead_image_caption, credit)
        if article.lead_image_caption or credit
        else ""
    )
    return format_html(
        '<figure><img src="{}" alt="{}" width="{}" height="{}">{}</figure>',
        default_storage.url(jpegs[0]["name"]),
        article.lead_image_alt,
        jpegs[0]["width"],
        jpegs[0]["height"],
        caption,
    )


class ArticleFeed(PoliteFeed):
    """Latest published articles of the whole newsroom; the base of the others."""

    def get_object(self, request, *args, **kwargs):
        return FeedScope(request=request, subject=None, items=Article.objects.published())

    def title(self, scope):
        return settings.NEWSROOM_NAME

    def link(self, scope):
        return reverse("articles:home")

    def description(self, scope):
        return f"The latest news from {settings.NEWSROOM_NAME}."

    def validator_rows(self, scope):
        return list(
            scope.items.newest_first().values_list("pk", "published_at", "updated_at")[:FEED_LENGTH]
        )

    def items(self, scope):
        articles = list(
            scope.items.newest_first()
            .select_related("section")
            .prefetch_related(
                Prefetch("bylines", queryset=Byline.objects.select_related("person")),
            )
            .with_tags()[:FEED_LENGTH]
        )
        for article in articles:
            # Item methods only see the item; the base address travels with it.
            article.feed_base_url = scope.base_url
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
        names = [xml_safe(byline.person.name) for byline in article.bylines.all()]
        return {
            "authors": names or [settings.NEWSROOM_NAME],
            "content_html": self.item_content(article),
            "summary_text": xml_safe(article.standfirst),
        }

    def item_content(self, article):
        """The whole story as HTML: lead image with its alt text, then the body."""
        base = article.feed_base_url + article.get_absolute_url()
        return absolutize_html(lead_image_html(article) + article.body, base)


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
            "example_tag": Tag.objects.filter(article__in=Article.objects.published())
            .order_by("name")
            .first(),
        },
    )
