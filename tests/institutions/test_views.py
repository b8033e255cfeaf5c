import datetime

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import ArticleStatus
from institutions.models import AgreementArea, AgreementParty
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
)

pytestmark = pytest.mark.django_db


def test_institution_list_shows_every_institution_with_its_parent(client):
    kaist = make_institution(name="KAIST", slug="kaist")
    make_institution(name="Graduate School of Medical Science", parent=kaist)

    response = client.get(reverse("institutions:index"))

    assert response.status_code == 200
    assertContains(response, "part of KAIST")
    assertContains(response, kaist.get_absolute_url())


def test_institution_list_says_so_when_empty(client):
    assertContains(client.get(reverse("institutions:index")), "No institutions recorded yet.")


def test_institution_page_shows_family_people_agreements_and_stories(client):
    kaist = make_institution(name="KAIST", short_name="KAIST")
    school = make_institution(
        name="Graduate School of Medical Science", short_name="GSMSE", parent=kaist
    )
    partner = make_institution(name="Yonsei University", short_name="Yonsei")
    dean = make_person(name="Lee Dean")
    make_position(person=dean, institution=kaist, title="President", started_on=None)
    make_position(
        person=make_person(name="Former Head"),
        institution=kaist,
        title="President",
        started_on=datetime.date(2000, 1, 1),
        ended_on=datetime.date(2004, 1, 1),
    )
    early = make_agreement(
        title="First exchange", parties=[kaist, partner], signed_on=datetime.date(2020, 3, 1)
    )
    later = make_agreement(title="Second MOU", parties=[kaist], signed_on=datetime.date(2025, 3, 1))
    about_child = make_article(headline="Story about the school")
    about_child.institutions.add(school)
    about_parent = make_article(headline="Story about KAIST")
    about_parent.institutions.add(kaist)
    draft = make_article(headline="Draft about KAIST", status=ArticleStatus.DRAFT)
    draft.institutions.add(kaist)

    response = client.get(kaist.get_absolute_url())

    assert response.context["institution"] == kaist
    assert list(response.context["children"]) == [school]
    assert [p.person for p in response.context["positions"]] == [dean]
    # A timeline, oldest first.
    assert [item["agreement"] for item in response.context["agreements"]] == [early, later]
    assert set(response.context["articles"]) == {about_child, about_parent}
    assertContains(response, "with Yonsei")
    assertNotContains(response, "Draft about KAIST")
    assertNotContains(response, "Former Head")


def test_child_institution_page_links_to_its_parent(client):
    kaist = make_institution(name="KAIST")
    school = make_institution(name="GSMSE school", parent=kaist)

    response = client.get(school.get_absolute_url())

    assertContains(response, f'Part of <a href="{kaist.get_absolute_url()}">KAIST</a>', html=True)
    assertContains(response, "No published stories about this institution yet.")


def test_institution_page_has_organization_json_ld(client):
    institution = make_institution(name="KAIST", korean_name="카이스트")

    response = client.get(institution.get_absolute_url())

    assertContains(response, '"@type":"CollegeOrUniversity"')
    assertContains(response, "카이스트")


def test_unknown_institution_person_and_agreement_are_404(client):
    for path in ["/institutions/nope/", "/people/nope/", "/agreements/nope/"]:
        response = client.get(path)
        assert response.status_code == 404
        assertContains(response, "We could not find that page", status_code=404)


def test_people_list_shows_current_positions(client):
    person = make_person(name="Park Researcher")
    make_position(person=person, title="Professor", institution=make_institution(name="SNU"))

    response = client.get(reverse("institutions:person-list"))

    assertContains(response, "Park Researcher")
    assertContains(response, "Professor, SNU")


def test_person_page_shows_positions_quotes_with_titles_and_stories(client):
    person = make_person(name="Choi Jae-young")
    school = make_institution(name="Yonsei College of Medicine")
    make_position(
        person=person,
        institution=school,
        title="Vice Dean",
        started_on=datetime.date(2018, 1, 1),
        ended_on=datetime.date(2021, 12, 31),
    )
    make_position(
        person=person, institution=school, title="Dean", started_on=datetime.date(2022, 1, 1)
    )
    story = make_article(headline="Dean speaks")
    make_quote(article=story, person=person, text="Medicine is teamwork.")
    old = make_article(headline="Old story")
    make_quote(
        article=old, person=person, text="Earlier words.", title_override="Vice Dean, Yonsei"
    )
    hidden = make_article(headline="Hidden story", status=ArticleStatus.REVIEW)
    make_quote(article=hidden, person=person, text="Not yet public words.")

    response = client.get(person.get_absolute_url())

    assert response.context["person"] == person
    assert [p.title for p in response.context["current_positions"]] == ["Dean"]
    assert len(response.context["positions"]) == 2
    assertContains(response, "Medicine is teamwork.")
    assertContains(response, "Dean, Yonsei College of Medicine, in")
    assertContains(response, "Vice Dean, Yonsei, in")
    assertNotContains(response, "Not yet public words.")
    assertNotContains(response, "Hidden story")
    assert set(response.context["articles"]) == {story, old}
    assertContains(response, '"@type":"Person"')
    assertContains(response, '"jobTitle":"Dean"')


def test_person_without_stories_says_so(client):
    person = make_person()

    response = client.get(person.get_absolute_url())

    assertContains(response, "No quotes in published stories yet.")
    assertContains(response, "No published stories mention this person yet.")


def test_agreement_list_and_page_show_parties_signatories_areas_and_coverage(client):
    kaist = make_institution(name="KAIST", short_name="KAIST")
    yonsei = make_institution(name="Yonsei University", short_name="Yonsei")
    president = make_person(name="Kwang President")
    make_position(person=president, institution=kaist, title="President")
    agreement = make_agreement(
        title="Joint medical research MOU", term_years=5, signed_on=datetime.date(2026, 1, 7)
    )
    AgreementParty.objects.create(agreement=agreement, institution=kaist, signatory=president)
    AgreementParty.objects.create(agreement=agreement, institution=yonsei, order=1)
    AgreementArea.objects.create(agreement=agreement, description="Joint degrees")
    coverage = make_article(headline="MOU signed")
    coverage.agreements.add(agreement)
    embargoed = make_article(
        headline="Embargoed follow-up",
        embargo_until=datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC),
    )
    embargoed.agreements.add(agreement)

    listing = client.get(reverse("institutions:agreement-list"))
    page = client.get(agreement.get_absolute_url())

    assertContains(listing, "Joint medical research MOU")
    assertContains(listing, "KAIST and Yonsei")
    assert page.context["agreement"] == agreement
    assertContains(page, "Kwang President")
    assertContains(page, "President, KAIST")
    assertContains(page, "Joint degrees")
    assertContains(page, "5 years, until")
    assertContains(page, "In force")
    assert list(page.context["articles"]) == [coverage]
    assertNotContains(page, "Embargoed follow-up")


def test_agreement_without_coverage_says_so(client):
    agreement = make_agreement()

    assertContains(client.get(agreement.get_absolute_url()), "No published coverage yet.")


@pytest.mark.parametrize("page", ["abc", "0", "-3", "4000"])
def test_bad_pages_on_entity_lists_are_404(client, page):
    person = make_person()
    make_institution()
    for name in ["institutions:index", "institutions:person-list", "institutions:agreement-list"]:
        assert client.get(reverse(name), {"page": page}).status_code == 404
    assert client.get(person.get_absolute_url(), {"page": page}).status_code == 404


def test_head_works_on_entity_pages(client):
    institution = make_institution()
    person = make_person()
    agreement = make_agreement()
    paths = [
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        reverse("institutions:agreement-list"),
        institution.get_absolute_url(),
        person.get_absolute_url(),
        agreement.get_absolute_url(),
    ]
    for path in paths:
        response = client.head(path)
        assert response.status_code == 200, path
        assert response.content == b""


def test_person_page_quotes_follow_the_story_pages(client):
    person = make_person(name="Often Quoted")
    for n in range(25):
        make_quote(person=person, article=make_article(), text=f"Remark number {n:02d}.")
    url = reverse("institutions:person-detail", kwargs={"slug": person.slug})
    first, second = client.get(url), client.get(url + "?page=2")
    assert first.status_code == second.status_code == 200
    assert len(first.context["quotes"]) == 20
    assert len(second.context["quotes"]) == 5
    shown = {q.text for q in first.context["quotes"]} | {q.text for q in second.context["quotes"]}
    assert len(shown) == 25
