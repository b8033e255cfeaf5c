"""No unpublished story may show up anywhere a reader or a crawler can go."""

import datetime
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus, Byline, RelatedArticle
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_quote,
    make_section,
)

# Stories published hours ago, reached by their dated addresses and archive months.
pytestmark = [pytest.mark.django_db, pytest.mark.clock_sensitive]

SEARCH_WORD = "zebrafish"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)


@pytest.fixture
def newsroom():
    """Public stories and hidden ones that share every link a page could follow."""
    now = timezone.now()
    section = make_section(name="Research", slug="research")
    parent = make_institution(name="KAIST", slug="kaist", short_name="KAIST")
    school = make_institution(name="GSMSE", slug="gsmse", short_name="GSMSE", parent=parent)
    person = make_person(name="Choi Speaker", slug="choi-speaker")
    agreement = make_agreement(title="Zebrafish MOU", slug="zebrafish-mou", parties=[parent])
    common = {"section": section, "tags": ["genomics", "zebrafish"]}

    def linked(article):
        article.institutions.add(school, parent)
        article.people.add(person)
        article.agreements.add(agreement)
        Byline.objects.create(article=article, person=person)
        make_quote(article=article, person=person, text=f"Quote in {article.headline}")
        return article

    public = [
        linked(
            make_article(
                headline=f"Public {SEARCH_WORD} story {i}",
                slug=f"public-story-{i}",
                published_at=now - datetime.timedelta(hours=i + 1),
                **common,
            )
        )
        for i in range(3)
    ]
    hidden = [
        make_article(
            headline=f"Secret {SEARCH_WORD} draft",
            slug="secret-draft-leak",
            status=ArticleStatus.DRAFT,
            published_at=now - datetime.timedelta(hours=1),
            **common,
        ),
        make_article(
            headline=f"Secret {SEARCH_WORD} in review",
            slug="secret-review-leak",
            status=ArticleStatus.REVIEW,
            published_at=now - datetime.timedelta(hours=1),
            **common,
        ),
        make_article(
            headline=f"Secret {SEARCH_WORD} scheduled",
            slug="secret-scheduled-leak",
            published_at=now + datetime.timedelta(hours=3),
            **common,
        ),
        make_article(
            headline=f"Secret {SEARCH_WORD} embargoed",
            slug="secret-embargoed-leak",
            published_at=now - datetime.timedelta(minutes=30),
            embargo_until=now + datetime.timedelta(days=1),
            **common,
        ),
    ]
    for article in hidden:
        linked(article)
        # Editors' picks pointing both ways must not open a door either.
        RelatedArticle.objects.create(article=public[0], related=article)
        RelatedArticle.objects.create(article=article, related=public[1])
    return {
        "public": public,
        "hidden": hidden,
        "section": section,
        "institutions": [parent, school],
        "person": person,
        "agreement": agreement,
    }


def _assert_clean(response, hidden, where):
    body = response.content.decode()
    for article in hidden:
        assert article.headline not in body, f"{article.headline!r} leaked on {where}"
        assert article.slug not in body, f"{article.slug!r} leaked on {where}"
        assert f"Quote in {article.headline}" not in body, f"quote leaked on {where}"


def _known_urls(data):
    story = data["public"][0]
    local = timezone.localtime(story.published_at)
    urls = [
        "/",
        reverse("articles:index"),
        data["section"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "genomics"}),
        reverse("articles:tag", kwargs={"slug": "zebrafish"}),
        reverse("articles:archive-year", kwargs={"year": local.year}),
        reverse("articles:archive-month", kwargs={"year": local.year, "month": local.month}),
        reverse("articles:search") + f"?q={SEARCH_WORD}",
        reverse("articles:search") + "?q=Secret",
        reverse("articles:search") + "?q=KAIST",
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        reverse("institutions:agreement-list"),
        data["person"].get_absolute_url(),
        data["agreement"].get_absolute_url(),
        "/sitemap.xml",
        reverse("news-sitemap"),
        "/robots.txt",
    ]
    urls += [institution.get_absolute_url() for institution in data["institutions"]]
    urls += [article.get_absolute_url() for article in data["public"]]
    # Feeds belong to another part of the site, but they are public too.
    urls += [reverse(name) for name in ["feeds:latest", "feeds:latest-atom", "feeds:index"]]
    urls += [
        reverse("feeds:section", kwargs={"slug": "research"}),
        reverse("feeds:tag", kwargs={"slug": "zebrafish"}),
        reverse("feeds:institution", kwargs={"slug": "kaist"}),
        reverse("feeds:person", kwargs={"slug": "choi-speaker"}),
    ]
    return urls


def test_no_public_url_shows_a_hidden_story(client, newsroom):
    for url in _known_urls(newsroom):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response, newsroom["hidden"], url)


def test_hidden_stories_give_404_at_their_own_address(client, newsroom):
    for article in newsroom["hidden"]:
        assert client.get(article.get_absolute_url()).status_code == 404


def test_crawling_every_link_from_the_front_page_finds_no_hidden_story(client, newsroom):
    seen, queue = set(), ["/"]
    while queue and len(seen) < 200:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response, newsroom["hidden"], url)
        if "html" not in response["Content-Type"]:
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = urlsplit(urljoin(url, href))
            if target.netloc and target.netloc not in {"testserver", "127.0.0.1:8000"}:
                continue
            path = target.path + (f"?{target.query}" if target.query else "")
            if path.startswith(("/admin/", "/static/", "/media/")) or path in seen:
                continue
            queue.append(path)
    # The crawl really went through the site: every page type was reached.
    expected = {article.get_absolute_url() for article in newsroom["public"]}
    expected |= {institution.get_absolute_url() for institution in newsroom["institutions"]}
    expected |= {
        newsroom["section"].get_absolute_url(),
        newsroom["person"].get_absolute_url(),
        newsroom["agreement"].get_absolute_url(),
        reverse("articles:tag", kwargs={"slug": "zebrafish"}),
        reverse("articles:index"),
    }
    assert expected <= seen, expected - seen
    assert any(path.startswith("/news/20") and path.count("/") == 4 for path in seen)
