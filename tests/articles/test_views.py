import datetime
import json
import re

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertTemplateUsed

from articles.models import ArticleStatus, Byline, RelatedArticle, sections_for_navigation
from tests.support.factories import (
    image_upload,
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
    make_section,
)

pytestmark = pytest.mark.django_db


def test_home_shows_lead_story_latest_per_section_and_agreements(client):
    news = make_section(name="News", slug="news", order=0)
    research = make_section(name="Research", slug="research", order=1)
    lead = make_article(headline="The newest story", section=research, published_at=timezone.now())
    older = make_article(
        headline="An older news story",
        section=news,
        published_at=timezone.now() - datetime.timedelta(days=3),
    )
    make_agreement(title="Exchange with KAIST")

    response = client.get("/")

    assert response.status_code == 200
    assert response.context["lead"] == lead
    groups = dict(response.context["section_groups"])
    assert groups[news] == [older]
    assert research not in groups  # its only story is the lead
    assertContains(response, "Exchange with KAIST")
    assertContains(response, "The newest story")


def test_home_says_plainly_when_nothing_is_published(client):
    make_article(status=ArticleStatus.DRAFT, published_at=None)

    response = client.get("/")

    assert response.context["lead"] is None
    assertContains(response, "No stories have been published yet.")


def test_home_keeps_three_newest_per_section(client):
    section = make_section()
    now = timezone.now()
    stories = [
        make_article(section=section, published_at=now - datetime.timedelta(hours=i))
        for i in range(6)
    ]

    response = client.get("/")

    assert response.context["lead"] == stories[0]
    assert dict(response.context["section_groups"])[section] == stories[1:4]


@pytest.mark.clock_sensitive
def test_article_page_shows_bylines_quotes_panel_and_tags(client):
    institution = make_institution(name="Graduate School of Medical Science", short_name="GSMSE")
    agreement = make_agreement(title="Joint research MOU", parties=[institution])
    writer = make_person(name="Kim Writer")
    speaker = make_person(name="Choi Speaker")
    make_position(person=speaker, institution=institution, title="Dean")
    article = make_article(headline="A partnership begins", tags=["research", "partnership"])
    article.institutions.add(institution)
    article.agreements.add(agreement)
    Byline.objects.create(article=article, person=writer)
    make_quote(article=article, person=speaker, text="A great day for science.")

    response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assertTemplateUsed(response, "articles/article_detail.html")
    assertContains(response, "<h1>A partnership begins</h1>", html=True)
    assertContains(response, writer.get_absolute_url())
    assertContains(response, "Who said what")
    assertContains(response, "A great day for science.")
    assertContains(response, "Dean, Graduate School of Medical Science")
    assertContains(response, institution.get_absolute_url())
    assertContains(response, agreement.get_absolute_url())
    assertContains(response, reverse("articles:tag", kwargs={"slug": "research"}))
    local = timezone.localtime(article.published_at).replace(microsecond=0)
    assertContains(response, f'datetime="{local.isoformat()}"')
    assert "+09:00" in local.isoformat()  # the newsroom's own time zone


def test_article_page_lists_related_articles_with_reasons(client):
    section = make_section(name="Research")
    article = make_article(section=section)
    picked = make_article(headline="Editors pick this one")
    same_section = make_article(headline="Another research story", section=section)
    RelatedArticle.objects.create(article=article, related=picked)

    response = client.get(article.get_absolute_url())

    related = response.context["related"]
    assert [item.article for item in related][:2] == [picked, same_section]
    assertContains(response, "Editors pick this one")
    assertContains(response, related[0].reason)
    assertContains(response, related[1].reason)


def test_article_page_never_lists_unpublished_related_articles(client):
    section = make_section()
    article = make_article(section=section)
    draft = make_article(headline="Secret draft", section=section, status=ArticleStatus.DRAFT)
    RelatedArticle.objects.create(article=article, related=draft)

    response = client.get(article.get_absolute_url())

    assertNotContains(response, "Secret draft")


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": ArticleStatus.DRAFT},
        {"status": ArticleStatus.REVIEW},
        {"published_at": timezone.now() + datetime.timedelta(days=1)},
        {"embargo_until": timezone.now() + datetime.timedelta(hours=2)},
    ],
    ids=["draft", "review", "scheduled", "embargoed"],
)
def test_unpublished_article_is_404_for_readers_and_preview_for_editors(editor_client, overrides):
    article = make_article(headline="Not yet", **overrides)
    url = article.get_absolute_url()

    assert Client().get(url).status_code == 404

    response = editor_client.get(url)
    assert response.status_code == 200
    assertContains(response, "Preview: this story is not public")
    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')


def test_published_article_has_no_preview_banner_or_noindex(editor_client):
    article = make_article()

    response = editor_client.get(article.get_absolute_url())

    assertNotContains(response, "Preview: this story")
    assert "X-Robots-Tag" not in response


def test_unknown_article_gives_helpful_404(client):
    response = client.get("/news/2026/1/1/no-such-story/")

    assert response.status_code == 404
    assertTemplateUsed(response, "404.html")
    assertContains(response, 'name="q"', status_code=404)
    assertContains(response, reverse("articles:index"), status_code=404)


def test_server_error_page_renders_without_a_request_or_database():
    # Django renders 500.html with an empty context: no request, no context
    # processors, possibly no database.
    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html
    assert 'href="/"' in html


def test_index_lists_published_newest_first_and_paginates(client):
    now = timezone.now()
    stories = [make_article(published_at=now - datetime.timedelta(hours=i)) for i in range(25)]
    make_article(headline="Hidden draft", status=ArticleStatus.DRAFT)

    first = client.get(reverse("articles:index"))
    second = client.get(reverse("articles:index"), {"page": 2})

    assert list(first.context["articles"]) == stories[:20]
    assert list(second.context["articles"]) == stories[20:]
    assertContains(first, 'rel="next"')
    assertNotContains(first, "Hidden draft")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "", "%00"])
def test_bad_page_numbers_give_404_not_500(client, page):
    make_article()

    response = client.get(reverse("articles:index"), {"page": page})

    assert response.status_code == (200 if page == "" else 404)


def test_index_says_so_when_empty(client):
    response = client.get(reverse("articles:index"))

    assertContains(response, "No stories have been published yet.")


def test_section_page_lists_only_its_public_stories(client):
    section = make_section(name="Research", slug="research")
    mine = make_article(headline="Research story", section=section)
    make_article(headline="Elsewhere")
    make_article(headline="Research draft", section=section, status=ArticleStatus.DRAFT)

    response = client.get(reverse("articles:section", kwargs={"slug": "research"}))

    assert response.context["section"] == section
    assert list(response.context["articles"]) == [mine]
    assertNotContains(response, "Research draft")


def test_empty_section_says_so_and_unknown_section_is_404(client):
    make_section(slug="quiet")

    response = client.get(reverse("articles:section", kwargs={"slug": "quiet"}))

    assertContains(response, "No stories in this section yet.")
    assert client.get("/news/section/nope/").status_code == 404


def test_tag_page_lists_tagged_public_stories(client):
    tagged = make_article(headline="Tagged story", tags=["cancer research"])
    make_article(headline="Untagged story")

    response = client.get(reverse("articles:tag", kwargs={"slug": "cancer-research"}))

    assert response.context["tag"].name == "cancer research"
    assert list(response.context["articles"]) == [tagged]


def test_tag_used_only_on_drafts_is_404(client):
    make_article(status=ArticleStatus.DRAFT, tags=["merger"])

    assert client.get(reverse("articles:tag", kwargs={"slug": "merger"})).status_code == 404
    assert client.get("/news/tag/never-used/").status_code == 404


def test_korean_tag_has_a_working_page(client):
    article = make_article(tags=["의학"])

    response = client.get(article.get_absolute_url())
    tag_url = reverse("articles:tag", kwargs={"slug": "의학"})

    assertContains(response, tag_url)
    assert client.get(tag_url).status_code == 200


def test_year_and_month_archives_use_the_newsroom_time_zone(client):
    # 23:30 UTC on 31 December is already 1 January in Seoul.
    moment = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    story = make_article(headline="New year story", published_at=moment)

    year = client.get(reverse("articles:archive-year", kwargs={"year": 2026}))
    month = client.get(reverse("articles:archive-month", kwargs={"year": 2026, "month": 1}))

    assert list(year.context["articles"]) == [story]
    assert list(month.context["articles"]) == [story]
    assertContains(month, "Stories from January 2026")
    assert client.get("/news/2025/12/").status_code == 404


@pytest.mark.parametrize("path", ["/news/1999/", "/news/2026/13/", "/news/0/", "/news/99999/"])
def test_empty_or_impossible_archives_are_404(client, path):
    make_article()

    assert client.get(path).status_code == 404


def test_sidebar_shows_latest_stories_and_month_archive(client):
    moment = datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)
    make_article(headline="March story", published_at=moment)
    make_article(headline="Never shown", status=ArticleStatus.DRAFT, published_at=moment)

    response = client.get(reverse("articles:index"))

    assertContains(response, "March 2026")
    assertContains(response, reverse("articles:archive-month", kwargs={"year": 2026, "month": 3}))
    assertNotContains(response, "Never shown")


def test_search_finds_published_stories_and_names(client):
    institution = make_institution(name="Korea Advanced Institute", short_name="KAIST")
    story = make_article(headline="Vaccine trial results", body="<p>A vaccine trial.</p>")
    make_article(headline="Vaccine draft", status=ArticleStatus.DRAFT)

    response = client.get(reverse("articles:search"), {"q": "vaccine"})
    names = client.get(reverse("articles:search"), {"q": "KAIST"})

    assert list(response.context["articles"]) == [story]
    assertNotContains(response, "Vaccine draft")
    assertContains(response, "<mark>")
    assert institution in names.context["matching_institutions"]
    assertContains(response, '<meta name="robots" content="noindex, follow">')


def test_empty_search_shows_the_form_only(client):
    make_article()

    response = client.get(reverse("articles:search"), {"q": "   "})

    assert response.status_code == 200
    assert list(response.context["articles"]) == []
    assertContains(response, "Type a word, a name or a phrase")


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE articles_article; --",
        '"unbalanced quote',
        "x" * 5000,
        "의과대학 연구",
        "a OR 1=1",
        "%_\\",
    ],
)
def test_hostile_or_odd_search_text_is_safe_and_escaped(client, query):
    make_article(headline="Something")

    response = client.get(reverse("articles:search"), {"q": query})

    assert response.status_code == 200
    assertNotContains(response, "<script>alert(1)</script>")
    assert len(response.context["query"]) <= 200


def test_search_results_paginate_and_keep_the_query(client):
    for _ in range(25):
        make_article(standfirst="about genomics")

    response = client.get(reverse("articles:search"), {"q": "genomics"})

    assert len(response.context["articles"]) == 20
    assertContains(response, "?q=genomics&amp;page=2")
    assert client.get(reverse("articles:search"), {"q": "genomics", "page": 9}).status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "articles:home",
        "articles:index",
        "articles:search",
        "news-sitemap",
        "robots",
    ],
)
def test_head_requests_work(client, name):
    make_article()

    response = client.head(reverse(name))

    assert response.status_code == 200
    assert response.content == b""


def test_head_works_on_article_and_section_pages(client):
    article = make_article()

    assert client.head(article.get_absolute_url()).status_code == 200
    assert client.head(article.section.get_absolute_url()).status_code == 200


def test_article_page_has_canonical_open_graph_and_twitter_tags(client, settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    article = make_article(headline="Sharing test", standfirst="Shared widely.")

    response = client.get(article.get_absolute_url(), {"utm_source": "x"})

    canonical = "https://news.example.ac.kr" + article.get_absolute_url()
    assertContains(response, f'<link rel="canonical" href="{canonical}">')
    assertContains(response, f'<meta property="og:url" content="{canonical}">')
    assertContains(response, '<meta property="og:type" content="article">')
    assertContains(response, '<meta property="og:title" content="Sharing test">')
    assertContains(response, '<meta name="twitter:card" content="summary">')
    assertContains(response, '<meta name="description" content="Shared widely.">')


def test_news_article_json_ld_has_the_recommended_properties(client, settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    institution = make_institution(name="KAIST")
    author = make_person(name="Lee Writer")
    article = make_article(headline="Structured", tags=["research"])
    article.institutions.add(institution)
    article.bylines.create(person=author)

    body = client.get(article.get_absolute_url()).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', body).group(1)
    )

    assert data["datePublished"].endswith("+09:00")
    assert data["dateModified"].endswith("+09:00")
    assert data["author"] == [
        {
            "@type": "Person",
            "name": "Lee Writer",
            "url": "https://news.example.ac.kr" + author.get_absolute_url(),
        }
    ]
    assert data["publisher"]["name"] == settings.NEWSROOM_NAME
    assert data["about"][0] == {
        "@type": "CollegeOrUniversity",
        "name": "KAIST",
        "url": "https://news.example.ac.kr" + institution.get_absolute_url(),
    }
    assert data["mainEntityOfPage"]["@id"].endswith(article.get_absolute_url())


def test_article_lead_image_has_caption_credit_and_metadata_free_share_image(client, settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    article = make_article(
        lead_image=image_upload(size=(1000, 600)),
        lead_image_alt="Two deans shake hands",
        lead_image_caption="The signing in Seoul.",
        lead_image_credit="Kim Photographer",
    )
    article.refresh_from_db()

    response = client.get(article.get_absolute_url())
    body = response.content.decode()

    assertContains(response, 'alt="Two deans shake hands"')
    assertContains(response, 'loading="eager"')
    assertContains(response, "The signing in Seoul.")
    assertContains(response, "Photo: Kim Photographer")
    # Shared images are the stripped renditions, never the uploaded original.
    og_image = re.search(r'<meta property="og:image" content="([^"]+)">', body).group(1)
    assert og_image.startswith("https://news.example.ac.kr/media/renditions/")
    assert og_image.endswith(".jpg")
    assert article.lead_image.name not in og_image
    assertContains(response, '<meta property="og:image:width" content="1000">')
    assertContains(response, '<meta name="twitter:card" content="summary_large_image">')
    data = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', body).group(1)
    )
    assert data["image"][0] == og_image


def test_list_cards_lazy_load_their_images(client):
    make_article(lead_image=image_upload(size=(900, 500)), lead_image_alt="A lab")

    response = client.get(reverse("articles:index"))

    assertContains(response, 'alt="A lab"')
    assertContains(response, 'loading="lazy"')
    assertNotContains(response, 'loading="eager"')


def test_cached_related_articles_still_drop_a_story_withdrawn_since(client):
    section = make_section()
    article = make_article(section=section)
    other = make_article(headline="Soon withdrawn", section=section)
    url = article.get_absolute_url()
    assertContains(client.get(url), "Soon withdrawn")  # scored and cached

    other.status = ArticleStatus.DRAFT
    other.save()
    response = client.get(url)

    assertNotContains(response, "Soon withdrawn")
    assert other not in [item.article for item in response.context["related"]]


def test_section_navigation_is_cached_and_refreshed_when_sections_change(
    client, django_assert_num_queries
):
    make_section(name="Research")
    client.get("/")  # fills the cache
    with django_assert_num_queries(0):
        assert [s.name for s in sections_for_navigation()] == ["Research"]

    make_section(name="Campus life")
    response = client.get("/")

    assertContains(response, "Campus life")
