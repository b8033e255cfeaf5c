"""Institution pages and feeds roll up their whole family; people pages include bylines."""

import datetime

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Byline, Quote
from institutions.models import Position
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    """A university, its graduate school and a lab inside the school, plus a partner."""
    university = make_institution(name="Korea Advanced Institute", short_name="KAIST")
    school = make_institution(
        name="Graduate School of Medicine", short_name="GSMSE", parent=university
    )
    lab = make_institution(name="Organoid Laboratory", short_name="OrgLab", parent=school)
    partner = make_institution(name="Partner Hospital", short_name="PH")
    return university, school, lab, partner


def _page(client, institution):
    return client.get(institution.get_absolute_url()).content.decode()


def test_a_story_about_a_unit_three_levels_down_shows_on_every_ancestor(client, family):
    university, school, lab, _partner = family
    story = make_article(headline="Lab grows mini kidneys")
    story.institutions.add(lab)

    for institution in (university, school, lab):
        assert "Lab grows mini kidneys" in _page(client, institution)


def test_agreements_and_people_of_sub_units_roll_up_marked_with_the_unit(client, family):
    university, school, lab, partner = family
    agreement = make_agreement(title="Organoid exchange", parties=[lab, partner])
    dean = make_person(name="Park Su-hyung")
    make_position(
        person=dean, institution=school, title="Dean", started_on=datetime.date(2020, 1, 1)
    )

    page = _page(client, university)

    assert "Organoid exchange" in page
    assert "via OrgLab" in page or "via KAIST OrgLab" in page
    assert "Park Su-hyung" in page
    assert "No agreements recorded" not in page and "No current positions recorded" not in page
    partner_page = _page(client, partner)
    assert "Organoid exchange" in partner_page
    assert "via" not in partner_page.split("Organoid exchange", 1)[1].split("</li>", 1)[0]
    assert agreement.get_absolute_url() in partner_page


def test_a_story_linked_only_to_an_agreement_counts_for_each_party(client, family):
    university, _school, lab, partner = family
    agreement = make_agreement(title="Organoid exchange", parties=[lab, partner])
    story = make_article(headline="Partners sign organoid pact")
    story.agreements.add(agreement)

    for institution in (university, lab, partner):
        assert "Partners sign organoid pact" in _page(client, institution)
    feed = feedparser.parse(
        client.get(reverse("feeds:institution", kwargs={"slug": university.slug})).content
    )
    assert "Partners sign organoid pact" in [entry.title for entry in feed.entries]


def test_the_institution_page_costs_the_same_whatever_the_family_size(client, family):
    university, _school, lab, partner = family

    def measure():
        with CaptureQueriesContext(connection) as queries:
            client.get(university.get_absolute_url())
        return len(queries.captured_queries)

    make_article().institutions.add(lab)
    client.get(university.get_absolute_url())  # warms the section navigation
    small = measure()
    parent = lab
    for depth in range(6):
        unit = make_institution(name=f"Unit {depth}", short_name=f"U{depth}", parent=parent)
        person = make_person()
        Position.objects.create(person=person, institution=unit, title="Head")
        agreement = make_agreement(parties=[unit, partner])
        make_article().institutions.add(unit)
        make_article().agreements.add(agreement)
        parent = unit
    client.get(university.get_absolute_url())
    large = measure()

    assert large == small


def test_a_writers_person_page_and_feeds_list_the_stories_they_wrote(client):
    writer = make_person(name="Han Ji-min")
    story = make_article(headline="Campus blood drive sets a record")
    Byline.objects.create(article=story, person=writer)

    page = client.get(writer.get_absolute_url()).content.decode()
    assert "Campus blood drive sets a record" in page
    assert "No published stories" not in page
    for name in ("feeds:person", "feeds:person-atom"):
        feed = feedparser.parse(client.get(reverse(name, kwargs={"slug": writer.slug})).content)
        assert [entry.title for entry in feed.entries] == ["Campus blood drive sets a record"]


def test_quoted_and_written_stories_both_count_once(client):
    person = make_person(name="Han Ji-min")
    story = make_article(headline="One story")
    Byline.objects.create(article=story, person=person)
    Quote.objects.create(article=story, person=person, text="Both.")
    story.people.add(person)

    feed = feedparser.parse(
        client.get(reverse("feeds:person", kwargs={"slug": person.slug})).content
    )

    assert [entry.title for entry in feed.entries] == ["One story"]


def test_an_unpublished_story_linked_through_an_agreement_stays_hidden(client, family):
    university, _school, lab, partner = family
    agreement = make_agreement(parties=[lab, partner])
    draft = make_article(headline="Draft about the pact", status="draft")
    draft.agreements.add(agreement)

    assert "Draft about the pact" not in _page(client, university)
