"""The read API's stories (/api/v1/articles/), its schema, docs page and shared contract.

Institutions, people and agreements are in tests/institutions/test_api.py;
the cursor and CORS machinery on its own in tests/newsroom/test_webapi.py.
"""

import datetime
import json
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate

from articles.models import Article, ArticleStatus, Byline
from institutions.models import AgreementParty
from tests.support.api import api_url, crawl, schema_holds
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
from tests.support.gate import HIDDEN_WORD, gated_newsroom

pytestmark = pytest.mark.django_db

OPENAPI = "/api/v1/openapi.json"
ARTICLES = "/api/v1/articles/"


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/json"), (url, response.content[:200])
    return response, response.json()


def ids(document):
    return [item["id"] for item in document["items"]]


def guids(articles):
    return [str(article.guid) for article in articles]


@pytest.fixture
def newsroom(db):
    return gated_newsroom()


# --- Schema and documentation -------------------------------------------------


def test_the_schema_is_valid_openapi_3_at_a_stable_address(client):
    response, schema = get_json(client, OPENAPI)

    assert response.status_code == 200
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/articles/",
        "/api/v1/articles/{article_id}/",
        "/api/v1/institutions/",
        "/api/v1/institutions/{slug}/",
        "/api/v1/people/",
        "/api/v1/people/{slug}/",
        "/api/v1/agreements/",
        "/api/v1/agreements/{slug}/",
    }


def test_every_operation_documents_its_errors_and_conditional_gets(client):
    _, schema = get_json(client, OPENAPI)

    for path, methods in schema["paths"].items():
        operation = methods["get"]
        assert {"200", "304", "400"} <= set(operation["responses"]), path
        assert "ETag" in operation["responses"]["200"]["headers"], path
        assert "If-None-Match" in [p["name"] for p in operation["parameters"]], path
        if "{" in path:
            assert "404" in operation["responses"], path


def test_the_api_root_points_at_the_schema_and_the_docs(client):
    _, root = get_json(client, "/api/v1/")

    assert root["openapi"] == "http://testserver/api/v1/openapi.json"
    assert root["docs"] == "http://testserver/api/v1/docs"


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.styles = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.styles.append(attrs["href"])
        if "style" in attrs:
            self.styles.append("inline style attribute")


def test_the_docs_page_runs_under_the_sites_own_csp(client, settings):
    """Swagger UI from ninja's static files, started by a script file: nothing to relax."""
    response = client.get("/api/v1/docs")
    page = _Scripts()
    page.feed(response.content.decode())

    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    assert "style-src 'self'" in policy
    executable = [s for s in page.scripts if s.get("type") != "application/json"]
    assert executable and all(s.get("src", "").startswith(settings.STATIC_URL) for s in executable)
    assert page.styles and all(href.startswith(settings.STATIC_URL) for href in page.styles)
    # Files of the installed ninja app, collected with the site's own static files.
    for address in [s["src"] for s in executable] + page.styles:
        assert finders.find(address.removeprefix(settings.STATIC_URL)), address


# --- The publication gate -----------------------------------------------------


def test_no_hidden_story_is_listed_found_or_linked_anywhere(client, newsroom):
    """Drafts, stories in review, scheduled and embargoed ones: never, through any door."""
    data = newsroom
    parent, school = data["institutions"]
    start = [
        ARTICLES,
        f"{ARTICLES}?section=research",
        f"{ARTICLES}?tag=zebrafish",
        f"{ARTICLES}?institution={parent.slug}",
        f"{ARTICLES}?institution={school.slug}",
        f"{ARTICLES}?person={data['person'].slug}",
        f"{ARTICLES}?agreement={data['agreement'].slug}",
        f"{ARTICLES}?limit=1",
        api_url("institution_list"),
        api_url("person_list"),
        api_url("agreement_list"),
    ]

    answers = crawl(client, start)

    # The crawl reached every public story's detail and every nested list.
    assert {api_url("article_detail", article_id=a.guid) for a in data["public"]} <= set(answers)
    assert api_url("institution_detail", slug=parent.slug) in answers
    assert api_url("person_detail", slug=data["person"].slug) in answers
    assert api_url("agreement_detail", slug=data["agreement"].slug) in answers
    for address, (status, body) in answers.items():
        assert status == 200, address
        assert HIDDEN_WORD not in body, f"a hidden story leaked at {address}"
        for article in data["hidden"]:
            assert str(article.guid) not in body, address
    for article in data["hidden"]:
        response = client.get(api_url("article_detail", article_id=article.guid))
        assert response.status_code == 404
        assert response.json()["detail"] == "No public story has this id."


def test_signed_in_staff_get_no_preview_through_the_api(superuser_client, newsroom):
    draft = newsroom["hidden"][0]

    assert superuser_client.get(api_url("article_detail", article_id=draft.guid)).status_code == 404
    _, page = get_json(superuser_client, ARTICLES)
    assert str(draft.guid) not in ids(page)


def test_a_story_appears_the_moment_it_is_due_and_goes_when_withdrawn(client, newsroom):
    scheduled = newsroom["hidden"][2]
    before = client.get(ARTICLES)

    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now())
    after = client.get(ARTICLES, HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    assert str(scheduled.guid) in ids(after.json())
    Article.objects.filter(pk=scheduled.pk).update(status=ArticleStatus.DRAFT)
    again = client.get(ARTICLES, HTTP_IF_NONE_MATCH=after["ETag"])
    assert again.status_code == 200 and str(scheduled.guid) not in ids(again.json())


def test_a_tag_used_only_on_hidden_stories_does_not_exist(client, newsroom):
    newsroom["hidden"][0].tags.add("unannounced")

    response, problem = get_json(client, f"{ARTICLES}?tag=unannounced")

    assert response.status_code == 400
    assert problem["errors"][0]["parameter"] == "tag"


# --- Filters ------------------------------------------------------------------


def test_the_list_is_newest_first_and_ties_break_by_id(client):
    moment = timezone.now() - datetime.timedelta(hours=2)
    older = make_article(published_at=moment - datetime.timedelta(hours=1))
    first, second = make_article(published_at=moment), make_article(published_at=moment)

    _, page = get_json(client, ARTICLES)

    assert ids(page) == guids([second, first, older])


def test_section_and_tag_filters(client):
    science, arts = make_section(slug="science"), make_section(slug="arts")
    lab = make_article(section=science, tags=["lab"])
    make_article(section=arts, tags=["lab"])
    make_article(section=science, tags=["music"])

    _, page = get_json(client, f"{ARTICLES}?section=science&tag=lab")

    assert ids(page) == guids([lab])


def test_an_institution_counts_its_units_and_its_agreements_at_any_depth(client):
    university = make_institution(slug="kaist")
    school = make_institution(slug="gsmse", parent=university)
    lab = make_institution(slug="lab", parent=school)
    other = make_institution(slug="other")
    about_lab = make_article()
    about_lab.institutions.add(lab)
    about_pact = make_article()
    about_pact.agreements.add(make_agreement(parties=[school, other]))
    make_article().institutions.add(other)

    _, kaist = get_json(client, f"{ARTICLES}?institution=kaist")
    _, gsmse = get_json(client, f"{ARTICLES}?institution=gsmse")
    _, unit = get_json(client, f"{ARTICLES}?institution=lab")

    assert set(ids(kaist)) == set(ids(gsmse)) == set(guids([about_lab, about_pact]))
    assert ids(unit) == guids([about_lab])


def test_a_person_is_in_the_stories_about_quoting_or_by_them(client):
    person = make_person(slug="lee")
    about, quoting, by = make_article(), make_article(), make_article()
    about.people.add(person)
    make_quote(article=quoting, person=person)
    Byline.objects.create(article=by, person=person)
    make_article()

    _, page = get_json(client, f"{ARTICLES}?person=lee")

    assert set(ids(page)) == set(guids([about, quoting, by]))


def test_agreement_filter(client):
    agreement = make_agreement(slug="pact")
    linked = make_article()
    linked.agreements.add(agreement)
    make_article()

    _, page = get_json(client, f"{ARTICLES}?agreement=pact")

    assert ids(page) == guids([linked])


@pytest.mark.clock_sensitive
def test_dates_are_the_newsrooms_days_both_ends_included(client):
    day = timezone.localdate() - datetime.timedelta(days=3)

    def at(days, hour, minute):
        moment = datetime.datetime.combine(day + datetime.timedelta(days=days), datetime.time())
        local = timezone.make_aware(moment) + datetime.timedelta(hours=hour, minutes=minute)
        return make_article(published_at=local)

    before, first, last, after = at(-1, 23, 59), at(0, 0, 0), at(0, 23, 59), at(1, 0, 0)

    _, page = get_json(client, f"{ARTICLES}?from={day}&to={day}")
    _, since = get_json(client, f"{ARTICLES}?from={day}")
    _, until = get_json(client, f"{ARTICLES}?to={day}")

    assert ids(page) == guids([last, first])
    assert ids(since) == guids([after, last, first])
    assert ids(until) == guids([last, first, before])


def test_filters_combine(client):
    science = make_section(slug="science")
    person = make_person(slug="kim")
    both = make_article(section=science)
    both.people.add(person)
    make_article(section=science)
    make_article().people.add(person)

    _, page = get_json(client, f"{ARTICLES}?section=science&person=kim")

    assert ids(page) == guids([both])


# --- Bad input ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("sectoin=news", "sectoin"),
        ("page=2", "page"),
        ("language=ko", "language"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("from=yesterday", "from"),
        ("to=2026-02-30", "to"),
        ("from=0001-01-01", "from"),
        ("to=9999-12-31", "to"),
        ("from=2026-03-02&to=2026-03-01", "to"),
        ("section=no-such-section", "section"),
        ("tag=no-such-tag", "tag"),
        ("institution=nowhere", "institution"),
        ("person=nobody", "person"),
        ("agreement=none", "agreement"),
        ("section=has space", "section"),
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=" + "A" * 600, "cursor"),
    ],
)
def test_bad_input_is_a_400_that_names_the_parameter(client, newsroom, query, parameter):
    response, problem = get_json(client, f"{ARTICLES}?{query}")

    assert response.status_code == 400
    assert problem["errors"] and problem["errors"][0]["parameter"] == parameter
    assert problem["detail"].startswith(parameter)


def test_a_cursor_that_was_tampered_with_or_comes_from_another_list_is_refused(client, newsroom):
    _, page = get_json(client, f"{ARTICLES}?limit=1")
    cursor = page["next_cursor"]
    payload, signature = cursor.split(":")
    _, institutions = get_json(client, api_url("institution_list") + "?limit=1")

    forged = f"{payload[:-2]}{'AA' if payload[-2:] != 'AA' else 'BB'}:{signature}"
    for bad in (forged, institutions["next_cursor"]):
        response, problem = get_json(client, f"{ARTICLES}?cursor={bad}")
        assert response.status_code == 400, bad
        assert problem["errors"][0]["parameter"] == "cursor"


def test_a_story_answers_no_parameters_and_odd_ids_get_json_404s(client, newsroom):
    story = api_url("article_detail", article_id=newsroom["public"][0].guid)

    with_query, problem = get_json(client, f"{story}?fields=body")
    not_uuid, _ = get_json(client, f"{ARTICLES}not-a-uuid/")
    elsewhere, _ = get_json(client, "/api/v1/nothing/here/")

    assert with_query.status_code == 400 and problem["errors"][0]["parameter"] == "fields"
    assert not_uuid.status_code == elsewhere.status_code == 404


def test_head_answers_as_get_and_other_methods_get_a_json_405(client, newsroom):
    get = client.get(ARTICLES)
    head = client.head(ARTICLES)
    post = client.post(ARTICLES)

    assert head.status_code == 200 and head.content == b"" and head["ETag"] == get["ETag"]
    assert client.head(ARTICLES, HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304
    assert post.status_code == 405 and post["Allow"] == "GET"
    assert post.json()["detail"] == "This address answers GET only."


# --- Pagination ---------------------------------------------------------------


def test_cursor_pages_walk_every_story_once_keeping_the_filters(client):
    science = make_section(slug="science")
    moment = timezone.now() - datetime.timedelta(hours=1)
    # Pairs share a publication time, so the order's tie-break crosses pages.
    stories = [
        make_article(section=science, published_at=moment - datetime.timedelta(hours=i // 2))
        for i in range(7)
    ]
    make_article()
    seen, url = [], f"{ARTICLES}?section=science&limit=2"

    while url:
        _, page = get_json(client, url)
        assert len(page["items"]) <= 2
        seen.extend(ids(page))
        url = page["next"]
        if url:
            assert "section=science" in url and "limit=2" in url

    expected = sorted(stories, key=lambda a: (a.published_at, a.pk), reverse=True)
    assert seen == guids(expected)


def test_the_last_page_says_so(client):
    make_article()

    _, page = get_json(client, ARTICLES)

    assert page["next"] is None and page["next_cursor"] is None


def test_a_cursor_still_works_after_its_story_is_withdrawn(client):
    stories = [
        make_article(published_at=timezone.now() - datetime.timedelta(hours=i + 1))
        for i in range(3)
    ]
    _, first = get_json(client, f"{ARTICLES}?limit=1")
    Article.objects.filter(pk=stories[0].pk).update(status=ArticleStatus.DRAFT)

    _, second = get_json(client, first["next"])

    assert ids(second) == guids([stories[1]])


# --- Content ------------------------------------------------------------------


def test_a_story_carries_quotes_with_the_title_held_on_its_date():
    client = Client()
    person = make_person(name="Choi Jae-young", slug="choi")
    school = make_institution(name="Yonsei University College of Medicine", slug="yonsei-med")
    make_position(
        person=person,
        institution=school,
        title="Vice Dean",
        started_on=datetime.date(2021, 3, 1),
        ended_on=datetime.date(2025, 2, 28),
    )
    make_position(
        person=person, institution=school, title="Dean", started_on=datetime.date(2025, 3, 1)
    )
    story = make_article(
        published_at=timezone.make_aware(datetime.datetime(2024, 6, 1, 12)),
        body='<p>See <a href="/news/">the news</a>.</p>',
    )
    story.institutions.add(school)
    story.people.add(person)
    make_quote(article=story, person=person, text="We are delighted.")
    pact = make_agreement(slug="pact", parties=[school])
    story.agreements.add(pact)
    Byline.objects.create(article=story, person=person, role="Reporting")

    _, detail = get_json(client, api_url("article_detail", article_id=story.guid))

    assert detail["quotes"] == [
        {
            "text": "We are delighted.",
            "speaker": {
                "slug": "choi",
                "name": "Choi Jae-young",
                "url": "http://testserver/people/choi/",
                "api_url": "http://testserver/api/v1/people/choi/",
            },
            "title": "Vice Dean, Yonsei University College of Medicine",
        }
    ]
    assert detail["bylines"][0]["role"] == "Reporting"
    assert [i["slug"] for i in detail["institutions"]] == ["yonsei-med"]
    assert [p["slug"] for p in detail["people"]] == ["choi"]
    assert [a["slug"] for a in detail["agreements"]] == ["pact"]
    assert detail["url"] == "http://testserver" + story.get_absolute_url()
    assert detail["published_at"].endswith("+09:00")
    assert 'href="http://testserver/news/"' in detail["body"]


def test_lead_images_are_public_renditions_at_absolute_addresses_never_the_original(client):
    story = make_article(lead_image=image_upload(size=(1000, 500)), lead_image_alt="A lab")
    story.refresh_from_db()
    original = story.lead_image.name

    _, page = get_json(client, ARTICLES)
    _, detail = get_json(client, api_url("article_detail", article_id=story.guid))

    image = detail["lead_image"]
    assert page["items"][0]["lead_image"] == image
    assert image["alt"] == "A lab" and (image["width"], image["height"]) == (1000, 500)
    expected = [
        "http://testserver" + default_storage.url(item["name"])
        for item in story.lead_image_renditions
    ]
    assert [r["url"] for r in image["renditions"]] == expected
    assert {r["media_type"] for r in image["renditions"]} == {"image/webp", "image/jpeg"}
    body = json.dumps(detail) + json.dumps(page)
    assert original and original not in body and original.rsplit("/", 1)[-1] not in body
    assert "originals/" not in body


def test_a_story_whose_renditions_are_pending_has_no_lead_image(client):
    story = make_article(lead_image=image_upload(), lead_image_alt="A lab")
    Article.objects.filter(pk=story.pk).update(lead_image_renditions=[])

    _, detail = get_json(client, api_url("article_detail", article_id=story.guid))

    assert detail["lead_image"] is None


# --- Conditional GETs ---------------------------------------------------------


@pytest.mark.parametrize("which", ["list", "detail"])
def test_an_unchanged_answer_is_a_304_from_one_query(
    client, newsroom, which, django_assert_num_queries
):
    url = (
        ARTICLES
        if which == "list"
        else api_url("article_detail", article_id=newsroom["public"][0].guid)
    )
    first = client.get(url)

    with django_assert_num_queries(1):
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == first["Cache-Control"] == "public, no-cache"


@pytest.mark.parametrize("which", ["list", "detail"])
def test_any_change_a_story_shows_changes_its_etag(client, newsroom, which):
    story = newsroom["public"][0]
    url = ARTICLES if which == "list" else api_url("article_detail", article_id=story.guid)
    etags = [client.get(url)["ETag"]]

    story.headline = "Corrected headline"
    story.save()
    etags.append(client.get(url)["ETag"])
    # Not the story's row: the speaker's position printed with the quote, the section's name.
    position = newsroom["person"].positions.get()
    position.title = "Acting Dean"
    position.save()
    etags.append(client.get(url)["ETag"])
    newsroom["section"].name = "Renamed"
    newsroom["section"].save()
    etags.append(client.get(url)["ETag"])

    assert len(set(etags)) == 4
    assert client.get(url, HTTP_IF_NONE_MATCH=etags[0]).status_code == 200


def test_etags_differ_between_pages_and_filters(client, newsroom):
    urls = [ARTICLES, f"{ARTICLES}?limit=1", f"{ARTICLES}?section=research", f"{ARTICLES}?limit=2"]

    assert len({client.get(url)["ETag"] for url in urls}) == len(urls)


# --- Query counts -------------------------------------------------------------


def _busy_story(section, person, institution, agreement, *, hours):
    story = make_article(
        section=section,
        tags=["alpha", "beta", "gamma"],
        published_at=timezone.now() - datetime.timedelta(hours=hours),
    )
    story.institutions.add(institution)
    story.people.add(person)
    story.agreements.add(agreement)
    for writer in (make_person(), make_person()):
        Byline.objects.create(article=story, person=writer)
        make_position(person=writer, institution=institution)
    make_quote(article=story, person=person)
    make_quote(article=story, person=make_person())
    return story


@pytest.fixture
def busy():
    section = make_section(slug="science")
    university = make_institution(slug="kaist")
    school = make_institution(slug="gsmse", parent=university)
    person = make_person(slug="lee")
    make_position(person=person, institution=school)
    agreement = make_agreement(slug="pact", parties=[university, school])
    AgreementParty.objects.filter(agreement=agreement).update(signatory=person)
    stories = [_busy_story(section, person, school, agreement, hours=i + 1) for i in range(12)]
    return {"stories": stories}


def _count(client, url, django_assert_num_queries, expected):
    client.get(url)  # The page cache's clock reads the schedule once after a change.
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response


@pytest.mark.parametrize("limit", [2, 10])
def test_the_list_reads_four_queries_whatever_its_size(
    client, busy, limit, django_assert_num_queries
):
    response = _count(client, f"{ARTICLES}?limit={limit}", django_assert_num_queries, 4)

    assert len(response.json()["items"]) == limit


def test_each_slug_filter_costs_one_query_more(client, busy, django_assert_num_queries):
    url = f"{ARTICLES}?section=science&tag=alpha&institution=kaist&person=lee&agreement=pact"

    response = _count(client, url, django_assert_num_queries, 4 + 5)

    assert len(response.json()["items"]) == 12


def test_a_story_reads_nine_queries_whatever_it_holds(client, busy, django_assert_num_queries):
    story = busy["stories"][0]
    url = api_url("article_detail", article_id=story.guid)

    response = _count(client, url, django_assert_num_queries, 9)

    detail = response.json()
    assert len(detail["quotes"]) == 2 and len(detail["bylines"]) == 2 and len(detail["tags"]) == 3
    assert all(quote["title"] for quote in detail["quotes"][:1])


# --- CORS ---------------------------------------------------------------------


def test_no_cors_headers_unless_origins_are_configured(client, newsroom, settings):
    settings.NEWSROOM_API_CORS_ORIGINS = []

    response = client.get(ARTICLES, HTTP_ORIGIN="https://portal.example.ac.kr")

    assert "Access-Control-Allow-Origin" not in response


def test_a_configured_origin_may_read_the_api_and_its_etags(client, newsroom, settings):
    settings.NEWSROOM_API_CORS_ORIGINS = ["https://portal.example.ac.kr", "https://app.example.org"]

    allowed = client.get(ARTICLES, HTTP_ORIGIN="https://portal.example.ac.kr")
    stranger = client.get(ARTICLES, HTTP_ORIGIN="https://evil.example.com")
    not_modified = client.get(
        ARTICLES, HTTP_ORIGIN="https://app.example.org", HTTP_IF_NONE_MATCH=allowed["ETag"]
    )
    problem = client.get(f"{ARTICLES}?limit=0", HTTP_ORIGIN="https://app.example.org")

    assert allowed["Access-Control-Allow-Origin"] == "https://portal.example.ac.kr"
    assert allowed["Access-Control-Expose-Headers"] == "ETag"
    assert "Origin" in allowed["Vary"]
    assert "Access-Control-Allow-Origin" not in stranger and "Origin" in stranger["Vary"]
    assert not_modified.status_code == 304
    assert not_modified["Access-Control-Allow-Origin"] == "https://app.example.org"
    assert problem.status_code == 400
    assert problem["Access-Control-Allow-Origin"] == "https://app.example.org"


def test_a_preflight_for_a_conditional_get_is_answered(client, settings):
    settings.NEWSROOM_API_CORS_ORIGINS = ["https://portal.example.ac.kr"]

    response = client.options(
        ARTICLES,
        HTTP_ORIGIN="https://portal.example.ac.kr",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "https://portal.example.ac.kr"
    assert response["Access-Control-Allow-Methods"] == "GET, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "If-None-Match"


def test_any_origin_with_a_star(client, newsroom, settings):
    settings.NEWSROOM_API_CORS_ORIGINS = ["*"]

    response = client.get(ARTICLES, HTTP_ORIGIN="https://anywhere.example")

    assert response["Access-Control-Allow-Origin"] == "*"


def test_the_page_cache_never_hands_one_origins_answer_to_another(newsroom, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    settings.NEWSROOM_API_CORS_ORIGINS = ["https://a.example", "https://b.example"]
    client = Client()

    first = client.get(ARTICLES, HTTP_ORIGIN="https://a.example")
    second = client.get(ARTICLES, HTTP_ORIGIN="https://b.example")
    third = client.get(ARTICLES)

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert second["Access-Control-Allow-Origin"] == "https://b.example"
    assert "Access-Control-Allow-Origin" not in third


# --- Property-based: the schema against the running app -----------------------


@pytest.mark.parametrize("path", ["/api/v1/articles/", "/api/v1/articles/{article_id}/"])
def test_the_articles_endpoints_keep_to_their_schema(newsroom, path):
    """Generated requests, valid and not: no 5xx, and every answer as documented."""
    real = {"article_id": str(newsroom["public"][0].guid)} if "{" in path else None
    every_filter = {
        "section": "research",
        "tag": "zebrafish",
        "institution": newsroom["institutions"][0].slug,
        "person": newsroom["person"].slug,
        "agreement": newsroom["agreement"].slug,
    }
    # One real filter at a time (the others generated), and all at once.
    filters = [{name: value} for name, value in every_filter.items()] + [every_filter]

    schema_holds(path, real_path_parameters=real, real_queries=[] if real else filters, examples=80)
