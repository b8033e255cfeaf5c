"""Structured data on every public page type: JSON-LD (schema.org) and Open Graph.

Each page is read twice: by extruct, as a crawler would, and by ``json.loads``
on every ``application/ld+json`` block, which extruct alone would let pass
with comments or trailing commas. Every block carries the response's CSP nonce.
"""

import datetime
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import extruct
import pytest
from django.urls import reverse
from django.utils import timezone

from articles import views as article_views
from articles.models import Byline
from institutions.models import AgreementArea, AgreementParty, InstitutionKind
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
    make_section,
)

pytestmark = pytest.mark.django_db

BASE = "https://news.example.ac.kr"
ROOT = Path(__file__).resolve().parents[2]
STORY_DAY = datetime.date(2019, 6, 3)


class _Scripts(HTMLParser):
    """Every JSON-LD block's text and nonce attribute."""

    def __init__(self):
        super().__init__()
        self.blocks, self._open = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("type") == "application/ld+json":
            self._open = {"nonce": attrs.get("nonce"), "text": ""}

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._open is not None:
            self.blocks.append(self._open)
            self._open = None


def structured(response):
    """(JSON-LD documents, Open Graph properties) of a page, checked on the way."""
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    parser = _Scripts()
    parser.feed(html)
    documents = []
    for block in parser.blocks:
        assert block["nonce"] and f"'nonce-{block['nonce']}'" in policy
        documents.append(json.loads(block["text"]))
    extracted = extruct.extract(html, base_url=BASE, syntaxes=["json-ld", "opengraph"])
    assert extracted["json-ld"] == documents
    assert len(extracted["opengraph"]) == 1
    return documents, dict(extracted["opengraph"][0]["properties"])


def nodes(documents):
    """Every top-level node, with a @graph's members in its place."""
    found = []
    for document in documents:
        found += document.get("@graph", [document])
    return found


def one(documents, schema_type):
    matches = [node for node in nodes(documents) if node.get("@type") == schema_type]
    assert len(matches) == 1, [node.get("@type") for node in nodes(documents)]
    return matches[0]


def listed_urls(page):
    assert page["mainEntity"]["@type"] == "ItemList"
    elements = page["mainEntity"]["itemListElement"]
    assert [element["position"] for element in elements] == list(range(1, len(elements) + 1))
    return [element["url"] for element in elements]


@pytest.fixture
def newsroom(settings):
    """A story of 3 June 2019 about a school within a university, quoting a
    professor who was vice dean then and is dean now, and an agreement."""
    settings.SITE_URL = BASE
    university = make_institution(
        name="Yonsei University", slug="yonsei", short_name="Yonsei", city="Seoul"
    )
    school = make_institution(
        name="Yonsei University College of Medicine",
        slug="yonsei-medicine",
        kind=InstitutionKind.COLLEGE,
        parent=university,
    )
    hospital = make_institution(
        name="Severance Hospital", slug="severance", kind=InstitutionKind.HOSPITAL
    )
    speaker = make_person(name="Kim Min-jun", slug="kim-min-jun", korean_name="김민준")
    make_position(
        person=speaker,
        institution=university,
        title="Lecturer",
        started_on=datetime.date(2010, 3, 1),
        ended_on=datetime.date(2017, 2, 28),
    )
    make_position(
        person=speaker,
        institution=school,
        title="Vice dean",
        started_on=datetime.date(2017, 3, 1),
        ended_on=datetime.date(2020, 2, 29),
    )
    make_position(
        person=speaker, institution=school, title="Dean", started_on=datetime.date(2020, 3, 1)
    )
    named = make_person(name="Lee Seo-yeon", slug="lee-seo-yeon")
    writer = make_person(name="Park Ji-ho", slug="park-ji-ho")
    agreement = make_agreement(
        title="Yonsei and Severance research MOU",
        slug="yonsei-severance-mou",
        signed_on=datetime.date(2018, 5, 2),
        term_years=5,
        place="Seoul",
        summary="Joint clinical research.",
        parties=[university, hospital],
    )
    AgreementParty.objects.filter(agreement=agreement, institution=university).update(
        signatory=speaker
    )
    AgreementArea.objects.create(agreement=agreement, description="Joint clinical trials")
    section = make_section(name="Research", slug="research")
    published = timezone.make_aware(datetime.datetime.combine(STORY_DAY, datetime.time(10)))
    article = make_article(
        headline="Medical school opens a genomics centre",
        slug="genomics-centre",
        section=section,
        published_at=published,
        tags=["genomics"],
    )
    article.institutions.add(school)
    article.people.add(named)
    article.agreements.add(agreement)
    Byline.objects.create(article=article, person=writer)
    make_quote(article=article, person=speaker, text="A new era for our students.")
    return {
        "article": article,
        "section": section,
        "university": university,
        "school": school,
        "hospital": hospital,
        "speaker": speaker,
        "named": named,
        "writer": writer,
        "agreement": agreement,
    }


def test_home_is_a_website_with_a_search_action_and_its_organization(client, newsroom):
    documents, og = structured(client.get("/"))

    website = one(documents, "WebSite")
    assert website["url"] == BASE + "/"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["target"]["urlTemplate"] == BASE + "/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"
    organization = one(documents, "Organization")
    assert website["publisher"] == {"@id": organization["@id"]}
    assert organization["url"] == BASE + "/"
    assert og["og:type"] == "website"
    assert og["og:locale"] == "en_US"
    assert og["og:url"] == BASE + "/"


def test_article_names_each_person_with_the_title_held_on_the_story_date(client, newsroom):
    article = newsroom["article"]

    documents, og = structured(client.get(article.get_absolute_url()))

    story = one(documents, "NewsArticle")
    assert story["url"] == BASE + article.get_absolute_url()
    assert story["datePublished"].startswith("2019-06-03T10:00:00")
    assert story["author"] == [
        {"@type": "Person", "name": "Park Ji-ho", "url": BASE + "/people/park-ji-ho/"}
    ]
    mentions = {person["name"]: person for person in story["mentions"]}
    # Vice dean on 3 June 2019, though dean today.
    speaker = mentions["Kim Min-jun"]
    assert speaker["url"] == BASE + "/people/kim-min-jun/"
    assert speaker["jobTitle"] == "Vice dean"
    assert speaker["affiliation"]["@type"] == "CollegeOrUniversity"
    assert speaker["affiliation"]["name"] == "Yonsei University College of Medicine"
    assert speaker["affiliation"]["parentOrganization"]["name"] == "Yonsei University"
    # Linked to the story without a quote: named, and no query spent on a title.
    assert mentions["Lee Seo-yeon"] == {
        "@type": "Person",
        "name": "Lee Seo-yeon",
        "url": BASE + "/people/lee-seo-yeon/",
    }
    about = {item["name"]: item for item in story["about"]}
    school = about["Yonsei University College of Medicine"]
    assert school["@type"] == "CollegeOrUniversity"
    assert school["url"] == BASE + "/institutions/yonsei-medicine/"
    assert school["parentOrganization"]["url"] == BASE + "/institutions/yonsei/"
    agreement = about["Yonsei and Severance research MOU"]
    assert agreement == {
        "@type": "CreativeWork",
        "name": "Yonsei and Severance research MOU",
        "url": BASE + "/agreements/yonsei-severance-mou/",
    }
    assert story["keywords"] == ["genomics"]
    assert og["og:type"] == "article"


def test_the_story_date_decides_the_title_not_today(client, newsroom):
    """Moved to the dean's years, the same quote carries the dean's title."""
    article = newsroom["article"]
    article.published_at = timezone.make_aware(datetime.datetime(2021, 6, 3, 10))
    article.save()

    documents, _ = structured(client.get(article.get_absolute_url()))

    mentions = {person["name"]: person for person in one(documents, "NewsArticle")["mentions"]}
    assert mentions["Kim Min-jun"]["jobTitle"] == "Dean"


def test_person_page_is_a_profile_with_current_and_past_positions(client, newsroom):
    documents, og = structured(client.get(newsroom["speaker"].get_absolute_url()))

    page = one(documents, "ProfilePage")
    person = page["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Kim Min-jun"
    assert person["alternateName"] == "김민준"
    assert person["jobTitle"] == "Dean"
    assert person["worksFor"] == [
        {
            "@type": "EmployeeRole",
            "roleName": "Dean",
            "startDate": "2020-03-01",
            "worksFor": {
                "@type": "CollegeOrUniversity",
                "name": "Yonsei University College of Medicine",
                "url": BASE + "/institutions/yonsei-medicine/",
                "parentOrganization": {
                    "@type": "CollegeOrUniversity",
                    "name": "Yonsei University",
                    "url": BASE + "/institutions/yonsei/",
                },
            },
        }
    ]
    past = {role["roleName"]: role for role in person["affiliation"]}
    assert set(past) == {"Vice dean", "Lecturer"}
    assert past["Lecturer"]["@type"] == "OrganizationRole"
    assert past["Lecturer"]["endDate"] == "2017-02-28"
    assert past["Lecturer"]["affiliation"]["name"] == "Yonsei University"
    assert "alumniOf" not in person
    assert og["og:type"] == "profile"


def test_institution_page_is_typed_by_kind_with_parent_and_units(client, newsroom):
    documents, og = structured(client.get(newsroom["university"].get_absolute_url()))

    university = one(documents, "CollegeOrUniversity")
    assert university["name"] == "Yonsei University"
    assert university["alternateName"] == ["Yonsei"]
    assert university["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Seoul",
        "addressCountry": "South Korea",
    }
    assert university["subOrganization"] == [
        {
            "@type": "CollegeOrUniversity",
            "name": "Yonsei University College of Medicine",
            "url": BASE + "/institutions/yonsei-medicine/",
        }
    ]
    # Institutions are no profiles (Open Graph keeps that for people).
    assert og["og:type"] == "website"

    documents, _ = structured(client.get(newsroom["school"].get_absolute_url()))
    school = one(documents, "CollegeOrUniversity")
    assert school["parentOrganization"]["url"] == BASE + "/institutions/yonsei/"

    documents, _ = structured(client.get(newsroom["hospital"].get_absolute_url()))
    assert one(documents, "Hospital")["name"] == "Severance Hospital"


def test_agreement_page_is_a_creative_work_by_its_parties(client, newsroom):
    agreement = newsroom["agreement"]

    response = client.get(agreement.get_absolute_url())
    documents, og = structured(response)

    work = one(documents, "CreativeWork")
    assert work["name"] == "Yonsei and Severance research MOU"
    assert work["genre"] == "Memorandum of understanding"
    assert work["dateCreated"] == "2018-05-02"
    assert work["temporalCoverage"] == "2018-05-02/2023-05-01"
    assert work["locationCreated"] == {"@type": "Place", "name": "Seoul"}
    assert [party["name"] for party in work["creator"]] == [
        "Yonsei University",
        "Severance Hospital",
    ]
    assert [party["@type"] for party in work["creator"]] == ["CollegeOrUniversity", "Hospital"]
    # Signed while vice dean of the school, on behalf of the university.
    assert work["contributor"] == [
        {
            "@type": "Person",
            "name": "Kim Min-jun",
            "url": BASE + "/people/kim-min-jun/",
            "jobTitle": "Vice dean",
            "affiliation": {
                "@type": "CollegeOrUniversity",
                "name": "Yonsei University",
                "url": BASE + "/institutions/yonsei/",
            },
        }
    ]
    assert work["about"] == [{"@type": "Thing", "name": "Joint clinical trials"}]
    assert og["og:type"] == "website"


def test_open_ended_agreement_has_an_open_term(client, newsroom):
    agreement = make_agreement(slug="open-mou", signed_on=datetime.date(2024, 1, 2))

    documents, _ = structured(client.get(agreement.get_absolute_url()))

    assert one(documents, "CreativeWork")["temporalCoverage"] == "2024-01-02/.."


def test_agreement_pages_announce_the_agreements_feed(client, newsroom):
    rss = reverse("feeds:agreements")
    atom = reverse("feeds:agreements-atom")
    for url in [newsroom["agreement"].get_absolute_url(), reverse("institutions:agreement-list")]:
        body = client.get(url).content.decode()
        head = body.split("</head>")[0]
        assert '<link rel="alternate" type="application/rss+xml"' in head, url
        assert f'href="{rss}"' in head and f'href="{atom}"' in head, url
    page = client.get(newsroom["agreement"].get_absolute_url()).content.decode()
    assert 'class="feed-follow"' in page.split("</head>")[1]


def _list_pages(data):
    article = data["article"]
    return {
        "index": (reverse("articles:index"), "CollectionPage", article),
        "section": (data["section"].get_absolute_url(), "CollectionPage", article),
        "tag": (reverse("articles:tag", kwargs={"slug": "genomics"}), "CollectionPage", article),
        "year": (
            reverse("articles:archive-year", kwargs={"year": 2019}),
            "CollectionPage",
            article,
        ),
        "month": (
            reverse("articles:archive-month", kwargs={"year": 2019, "month": 6}),
            "CollectionPage",
            article,
        ),
        "search": (reverse("articles:search") + "?q=genomics", "SearchResultsPage", None),
        "institutions": (reverse("institutions:index"), "CollectionPage", data["university"]),
        "people": (reverse("institutions:person-list"), "CollectionPage", data["speaker"]),
        "agreements": (
            reverse("institutions:agreement-list"),
            "CollectionPage",
            data["agreement"],
        ),
    }


@pytest.mark.parametrize(
    "page",
    ["index", "section", "tag", "year", "month", "search", "institutions", "people", "agreements"],
)
def test_list_pages_are_collections_of_their_items(client, newsroom, page):
    url, schema_type, expected = _list_pages(newsroom)[page]

    documents, og = structured(client.get(url))

    collection = one(documents, schema_type)
    assert collection["url"] == BASE + url.split("?")[0]
    assert collection["isPartOf"]["@id"] == BASE + "/#website"
    urls = listed_urls(collection)
    if expected is not None:
        assert BASE + expected.get_absolute_url() in urls
    assert og["og:type"] == "website"


def test_item_positions_continue_on_later_pages(client, newsroom, monkeypatch):
    monkeypatch.setattr(article_views.ArticleIndexView, "paginate_by", 2)
    older = [
        make_article(published_at=newsroom["article"].published_at - datetime.timedelta(days=n))
        for n in (1, 2)
    ]

    documents, _ = structured(client.get(reverse("articles:index") + "?page=2"))

    collection = one(documents, "CollectionPage")
    assert collection["url"] == BASE + "/news/?page=2"
    elements = collection["mainEntity"]["itemListElement"]
    assert [element["position"] for element in elements] == [3]
    assert elements[0]["url"] == BASE + older[-1].get_absolute_url()


def test_feeds_page_has_canonical_open_graph_and_json_ld(client, newsroom):
    response = client.get(reverse("feeds:index"))
    documents, og = structured(response)

    assert f'<link rel="canonical" href="{BASE}/feeds/">' in response.content.decode()
    assert og["og:url"] == BASE + "/feeds/"
    assert og["og:type"] == "website"
    assert og["og:title"] == "Feeds"
    assert og["og:locale"] == "en_US"
    page = one(documents, "WebPage")
    assert page["url"] == BASE + "/feeds/"


def test_og_locale_comes_from_settings(client, newsroom, settings):
    settings.NEWSROOM_LOCALE = "en_GB"

    for url in ["/", newsroom["article"].get_absolute_url(), reverse("feeds:index")]:
        _, og = structured(client.get(url))
        assert og["og:locale"] == "en_GB", url


def test_a_locale_in_another_language_than_the_pages_is_refused():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env["NEWSROOM_LOCALE"] = "ko_KR"
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "NEWSROOM_LOCALE must be en_TERRITORY" in result.stderr


def test_json_ld_cannot_close_its_script_element(client, newsroom):
    article = newsroom["article"]
    article.headline = "</script><script>alert(1)</script> & <!-- more"
    article.save()

    response = client.get(article.get_absolute_url())
    documents, _ = structured(response)

    assert one(documents, "NewsArticle")["headline"] == article.headline
    assert response.content.decode().count("</script>") == len(documents)
