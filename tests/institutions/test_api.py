"""The read API's institutions, people and agreements (/api/v1/; docs/api.md)."""

import datetime

import pytest
from django.utils import timezone

from articles.models import Byline
from institutions.models import AgreementArea, AgreementParty
from tests.support.api import api_url, schema_holds
from tests.support.factories import (
    image_upload,
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
)
from tests.support.gate import HIDDEN_WORD, gated_newsroom

pytestmark = pytest.mark.django_db


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    assert response["Content-Type"].startswith("application/json"), (url, response.content[:200])
    return response, response.json()


def slugs(page):
    return [item["slug"] for item in page["items"]]


@pytest.fixture
def newsroom(db):
    return gated_newsroom()


# --- Institutions -------------------------------------------------------------


def test_institutions_come_with_their_parent_and_children(client):
    university = make_institution(name="KAIST", slug="kaist", short_name="KAIST")
    make_institution(name="KAIST GSMSE", slug="gsmse", parent=university)
    make_institution(name="KAIST Business School", slug="business", parent=university)

    _, page = get_json(client, api_url("institution_list"))

    assert slugs(page) == ["kaist", "business", "gsmse"]
    kaist, business, _ = page["items"]
    assert kaist["parent"] is None
    assert [child["slug"] for child in kaist["children"]] == ["business", "gsmse"]
    assert business["parent"]["slug"] == "kaist"
    assert business["parent"]["api_url"] == "http://testserver/api/v1/institutions/kaist/"
    assert kaist["url"] == "http://testserver/institutions/kaist/"


def test_an_institution_lists_its_units_agreements_and_public_stories_at_any_depth(client):
    university = make_institution(slug="kaist")
    school = make_institution(slug="gsmse", parent=university)
    lab = make_institution(slug="lab", parent=school)
    partner = make_institution(slug="yonsei")
    about_lab = make_article()
    about_lab.institutions.add(lab)
    pact = make_agreement(slug="pact", parties=[lab, partner])
    about_pact = make_article()
    about_pact.agreements.add(pact)
    make_agreement(slug="elsewhere", parties=[partner])

    _, detail = get_json(client, api_url("institution_detail", slug="kaist"))

    assert [child["slug"] for child in detail["children"]] == ["gsmse"]
    assert [agreement["slug"] for agreement in detail["agreements"]] == ["pact"]
    assert {story["id"] for story in detail["stories"]} == {
        str(about_lab.guid),
        str(about_pact.guid),
    }
    assert detail["stories_url"] == "http://testserver/api/v1/articles/?institution=kaist"


def test_nested_story_lists_hold_public_stories_only(client, newsroom):
    """Institutions, their parents, the person and the agreement: the gate holds in each."""
    parent, school = newsroom["institutions"]
    details = [
        api_url("institution_detail", slug=parent.slug),
        api_url("institution_detail", slug=school.slug),
        api_url("person_detail", slug=newsroom["person"].slug),
        api_url("agreement_detail", slug=newsroom["agreement"].slug),
    ]
    public = {str(article.guid) for article in newsroom["public"]}

    for url in details:
        response, detail = get_json(client, url)
        assert {story["id"] for story in detail["stories"]} == public, url
        assert HIDDEN_WORD not in response.content.decode(), url


def test_nested_lists_stop_at_ten_with_the_full_list_one_link_away(client):
    person = make_person(slug="lee")
    stories = [
        make_article(published_at=timezone.now() - datetime.timedelta(hours=i + 1))
        for i in range(12)
    ]
    for story in stories:
        story.people.add(person)

    _, detail = get_json(client, api_url("person_detail", slug="lee"))
    _, everything = get_json(client, detail["stories_url"] + "&limit=100")

    assert [s["id"] for s in detail["stories"]] == [str(s.guid) for s in stories[:10]]
    assert len(everything["items"]) == 12


def test_an_unknown_record_is_a_json_404(client):
    for url in (
        api_url("institution_detail", slug="nowhere"),
        api_url("person_detail", slug="nobody"),
        api_url("agreement_detail", slug="none"),
    ):
        response, problem = get_json(client, url)
        assert response.status_code == 404, url
        assert problem["detail"]


# --- People -------------------------------------------------------------------


def test_people_come_with_every_position_and_which_are_current(client):
    person = make_person(name="Choi Jae-young", slug="choi", korean_name="최재영")
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

    _, page = get_json(client, api_url("person_list"))

    (choi,) = page["items"]
    assert choi["korean_name"] == "최재영"
    assert [(p["title"], p["current"]) for p in choi["positions"]] == [
        ("Dean", True),
        ("Vice Dean", False),
    ]
    assert choi["positions"][0]["printed_title"] == "Dean, Yonsei University College of Medicine"
    assert choi["positions"][1]["ended_on"] == "2025-02-28"
    assert choi["positions"][0]["institution"]["slug"] == "yonsei-med"


def test_a_person_lists_stories_about_quoting_or_by_them(client):
    person = make_person(slug="lee", bio="Dean of research.")
    about, quoting, by = make_article(), make_article(), make_article()
    about.people.add(person)
    make_quote(article=quoting, person=person)
    Byline.objects.create(article=by, person=person)

    _, detail = get_json(client, api_url("person_detail", slug="lee"))

    assert detail["bio"] == "Dean of research."
    assert {s["id"] for s in detail["stories"]} == {str(a.guid) for a in (about, quoting, by)}


def test_a_persons_photo_is_never_named(client):
    person = make_person(slug="lee", photo=image_upload(name="portrait.jpg"))
    person.refresh_from_db()

    for url in (api_url("person_list"), api_url("person_detail", slug="lee")):
        body = client.get(url).content.decode()
        assert "portrait" not in body and person.photo.name not in body


# --- Agreements ---------------------------------------------------------------


@pytest.fixture
def signed_agreement():
    dean = make_person(name="Choi Jae-young", slug="choi")
    yonsei = make_institution(name="Yonsei University", slug="yonsei")
    kaist = make_institution(name="KAIST", slug="kaist")
    make_position(
        person=dean,
        institution=yonsei,
        title="Vice Dean",
        started_on=datetime.date(2020, 1, 1),
        ended_on=datetime.date(2025, 12, 31),
    )
    make_position(
        person=dean, institution=yonsei, title="Dean", started_on=datetime.date(2026, 1, 1)
    )
    agreement = make_agreement(
        title="Yonsei-KAIST research MOU",
        slug="yonsei-kaist",
        signed_on=datetime.date(2025, 6, 2),
        term_years=3,
        place="Seoul",
        summary="Joint research.",
        parties=[yonsei, kaist],
    )
    AgreementParty.objects.filter(agreement=agreement, institution=yonsei).update(signatory=dean)
    AgreementParty.objects.filter(agreement=agreement, institution=kaist).update(
        title_override="President, KAIST"
    )
    AgreementArea.objects.create(agreement=agreement, description="Joint research", order=1)
    AgreementArea.objects.create(agreement=agreement, description="Exchange", order=0)
    return agreement


def test_agreements_carry_parties_signatories_as_titled_then_areas_term_and_status(
    client, signed_agreement
):
    _, page = get_json(client, api_url("agreement_list"))
    _, detail = get_json(client, api_url("agreement_detail", slug="yonsei-kaist"))

    (item,) = page["items"]
    assert {key: detail[key] for key in item} == item
    assert item["signed_on"] == "2025-06-02"
    assert item["term_years"] == 3 and item["expires_on"] == "2028-06-01"
    assert item["status"] == signed_agreement.status
    assert item["place"] == "Seoul" and detail["summary"] == "Joint research."
    assert item["areas"] == ["Exchange", "Joint research"]
    yonsei, kaist = item["parties"]
    assert yonsei["institution"]["slug"] == "yonsei"
    assert yonsei["signatory"]["slug"] == "choi"
    assert yonsei["signatory_title"] == "Vice Dean, Yonsei University"
    assert kaist["signatory"] is None and kaist["signatory_title"] == "President, KAIST"


def test_agreements_page_newest_signing_first(client):
    for day in (3, 1, 2):
        make_agreement(slug=f"pact-{day}", signed_on=datetime.date(2025, 1, day))
    seen, url = [], api_url("agreement_list") + "?limit=2"

    while url:
        _, page = get_json(client, url)
        seen.extend(slugs(page))
        url = page["next"]

    assert seen == ["pact-3", "pact-2", "pact-1"]


# --- Lists, parameters, validators --------------------------------------------


@pytest.mark.parametrize("name", ["institution_list", "person_list", "agreement_list"])
def test_lists_refuse_unknown_parameters_and_bad_cursors(client, newsroom, name):
    for query, parameter in (("q=kaist", "q"), ("limit=0", "limit"), ("cursor=junk", "cursor")):
        response, problem = get_json(client, f"{api_url(name)}?{query}")
        assert response.status_code == 400, query
        assert problem["errors"][0]["parameter"] == parameter


@pytest.mark.parametrize("name", ["institution_detail", "person_detail", "agreement_detail"])
def test_details_take_no_parameters(client, newsroom, name):
    slug = {
        "institution_detail": newsroom["institutions"][0].slug,
        "person_detail": newsroom["person"].slug,
        "agreement_detail": newsroom["agreement"].slug,
    }[name]

    response, problem = get_json(client, f"{api_url(name, slug=slug)}?expand=all")

    assert response.status_code == 400 and problem["errors"][0]["parameter"] == "expand"


def test_people_pages_walk_everyone_once(client):
    people = [make_person(name=f"Person {i:02}") for i in range(7)]
    seen, url = [], api_url("person_list") + "?limit=3"

    while url:
        _, page = get_json(client, url)
        seen.extend(slugs(page))
        url = page["next"]

    assert seen == [person.slug for person in people]


def _details(newsroom):
    return [
        api_url("institution_detail", slug=newsroom["institutions"][0].slug),
        api_url("person_detail", slug=newsroom["person"].slug),
        api_url("agreement_detail", slug=newsroom["agreement"].slug),
    ]


def test_details_answer_304s_from_two_small_queries(client, newsroom, django_assert_num_queries):
    """The record and its nested stories' ids: the 304 reads nothing else."""
    for url in _details(newsroom):
        first = client.get(url)
        with django_assert_num_queries(2):
            again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304 and again["ETag"] == first["ETag"], url


def test_a_story_going_live_changes_the_nested_lists_etag(client, newsroom):
    scheduled = newsroom["hidden"][2]
    before = {url: client.get(url)["ETag"] for url in _details(newsroom)}

    type(scheduled).objects.filter(pk=scheduled.pk).update(published_at=timezone.now())

    for url, etag in before.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200, url
        assert str(scheduled.guid) in {story["id"] for story in response.json()["stories"]}


@pytest.mark.parametrize("name", ["institution_list", "person_list", "agreement_list"])
def test_lists_answer_304s_from_one_query(client, newsroom, name, django_assert_num_queries):
    first = client.get(api_url(name))

    with django_assert_num_queries(1):
        again = client.get(api_url(name), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304


# --- Query counts -------------------------------------------------------------


@pytest.fixture
def big_directory():
    universities = [make_institution(slug=f"university-{i}") for i in range(5)]
    schools = [
        make_institution(slug=f"school-{i}-{j}", parent=university)
        for i, university in enumerate(universities)
        for j in range(3)
    ]
    people = [make_person(slug=f"person-{i}") for i in range(15)]
    for i, person in enumerate(people):
        make_position(person=person, institution=schools[i % len(schools)], title="Professor")
        make_position(
            person=person,
            institution=universities[i % 5],
            title="Lecturer",
            started_on=datetime.date(2010, 1, 1),
            ended_on=datetime.date(2015, 1, 1),
        )
    for i in range(12):
        agreement = make_agreement(
            slug=f"pact-{i}", parties=[universities[i % 5], schools[(i + 1) % len(schools)]]
        )
        AgreementParty.objects.filter(agreement=agreement).update(signatory=people[i])
        AgreementArea.objects.create(agreement=agreement, description="Exchange")
        AgreementArea.objects.create(agreement=agreement, description="Research")
        story = make_article(published_at=timezone.now() - datetime.timedelta(hours=i + 1))
        story.institutions.add(schools[i % len(schools)])
        story.people.add(people[i])
        story.agreements.add(agreement)
    return {"universities": universities, "people": people}


@pytest.mark.parametrize(
    ("name", "queries"), [("institution_list", 3), ("person_list", 3), ("agreement_list", 5)]
)
@pytest.mark.parametrize("limit", [2, 10])
def test_lists_read_a_fixed_number_of_queries(
    client, big_directory, name, queries, limit, django_assert_num_queries
):
    url = f"{api_url(name)}?limit={limit}"
    client.get(url)  # The page cache's clock reads the schedule once after a change.

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert len(response.json()["items"]) == limit


@pytest.mark.parametrize(
    ("name", "slug", "queries"),
    [
        ("institution_detail", "university-0", 4),
        ("person_detail", "person-0", 3),
        ("agreement_detail", "pact-0", 5),
    ],
)
def test_details_read_a_fixed_number_of_queries(
    client, big_directory, name, slug, queries, django_assert_num_queries
):
    url = api_url(name, slug=slug)
    client.get(url)

    with django_assert_num_queries(queries):
        response = client.get(url)

    assert response.status_code == 200 and response.json()["stories"]


# --- Property-based: the schema against the running app -----------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/institutions/",
        "/api/v1/institutions/{slug}/",
        "/api/v1/people/",
        "/api/v1/people/{slug}/",
        "/api/v1/agreements/",
        "/api/v1/agreements/{slug}/",
    ],
)
def test_the_directory_endpoints_keep_to_their_schema(newsroom, path):
    """Generated requests, valid and not: no 5xx, and every answer as documented."""
    real = {
        "/api/v1/institutions/{slug}/": newsroom["institutions"][0].slug,
        "/api/v1/people/{slug}/": newsroom["person"].slug,
        "/api/v1/agreements/{slug}/": newsroom["agreement"].slug,
    }.get(path)

    schema_holds(path, real_path_parameters={"slug": real} if real else None, examples=40)
