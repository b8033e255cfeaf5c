"""Consistency checks through the real admin forms.

Impossible data is a field error; merely unusual data stops the save with a
warning that the editor confirms with "Save anyway". Either way nothing
inconsistent is saved without a message, and nothing typed is lost.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Quote
from institutions.models import Agreement, AgreementParty, Institution, Person
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_position,
)

pytestmark = pytest.mark.django_db


def _post(client, obj, *, url=None, confirm=False, **changes):
    url = url or change_url(obj)
    data = admin_form_data(client.get(url), **changes)
    if confirm:
        data[WARNINGS_CONFIRMED] = "on"
    return client.post(url, data)


def _page(response):
    return response.content.decode()


def test_a_slug_clash_links_to_the_story_that_holds_it(editor_client):
    holder = make_article(headline="The first MOU story", slug="mou-signed")
    article = make_article(slug="other")

    response = _post(editor_client, article, slug="mou-signed", headline="Typed headline")

    assert response.status_code == 200
    assert reverse("admin:articles_article_change", args=[holder.pk]) in _page(response)
    assert "The first MOU story" in _page(response)
    assert 'value="Typed headline"' in _page(response)


def test_an_embargo_ending_before_publication_is_a_warning_to_confirm(editor_client):
    article = make_article(headline="Kept")
    later = timezone.localtime() + datetime.timedelta(days=3)
    earlier = later - datetime.timedelta(days=1)
    changes = {
        "published_at_0": f"{later:%Y-%m-%d}",
        "published_at_1": f"{later:%H:%M:%S}",
        "embargo_until_0": f"{earlier:%Y-%m-%d}",
        "embargo_until_1": f"{earlier:%H:%M:%S}",
        "headline": "Typed",
        "_publish_changes": "Publish changes",
    }

    refused = _post(editor_client, article, **changes)
    assert refused.status_code == 200
    assert "holds nothing back" in _page(refused)
    assert f'name="{WARNINGS_CONFIRMED}"' in _page(refused)
    assert Article.objects.get(pk=article.pk).headline == "Kept"

    assert _post(editor_client, article, confirm=True, **changes).status_code == 302
    assert Article.objects.get(pk=article.pk).headline == "Typed"


def test_a_quote_by_someone_without_a_position_that_day_is_a_warning(editor_client):
    article = make_article()
    speaker = make_person(name="Lee Min-ho")
    Quote.objects.create(article=article, person=speaker, text="Hello.")

    refused = _post(editor_client, article, headline="New headline")
    assert refused.status_code == 200
    assert "Lee Min-ho held no recorded position" in _page(refused)

    assert _post(editor_client, article, confirm=True, headline="New headline").status_code == 302


def test_a_quote_with_a_typed_title_needs_no_position(editor_client):
    article = make_article()
    Quote.objects.create(
        article=article, person=make_person(), text="Hello.", title_override="Visiting scholar"
    )

    assert _post(editor_client, article, headline="New headline").status_code == 302


def test_an_agreement_with_one_party_is_a_warning(editor_client):
    agreement = make_agreement(parties=[make_institution()])

    refused = _post(editor_client, agreement, title="Renamed")
    assert refused.status_code == 200
    assert "at least two parties" in _page(refused)
    assert Agreement.objects.get(pk=agreement.pk).title != "Renamed"

    assert _post(editor_client, agreement, confirm=True, title="Renamed").status_code == 302


def test_a_signatory_from_another_institution_is_a_warning(editor_client):
    snuh = make_institution(name="Seoul National University Hospital", short_name="SNUH")
    yonsei = make_institution(name="Yonsei University", short_name="Yonsei")
    official = make_person(name="Kim Young-tae")
    make_position(person=official, institution=yonsei, title="President")
    agreement = make_agreement(parties=[snuh, yonsei], signed_on=datetime.date(2026, 1, 7))
    AgreementParty.objects.filter(agreement=agreement, institution=snuh).update(signatory=official)

    refused = _post(editor_client, agreement, title="Renamed")

    assert refused.status_code == 200
    assert "Kim Young-tae held no position at SNUH" in _page(refused)


def test_a_signatory_of_a_unit_may_sign_for_its_parent(editor_client):
    university = make_institution(name="Yonsei University", short_name="Yonsei")
    college = make_institution(name="College of Medicine", short_name="YUCM", parent=university)
    dean = make_person(name="Choi Jae-young")
    make_position(person=dean, institution=college, title="Dean")
    agreement = make_agreement(
        parties=[university, make_institution()], signed_on=datetime.date(2026, 1, 7)
    )
    AgreementParty.objects.filter(agreement=agreement, institution=university).update(
        signatory=dean
    )

    assert _post(editor_client, agreement, title="Renamed").status_code == 302


def test_an_expiry_that_disagrees_with_the_term_is_a_field_error(editor_client):
    agreement = make_agreement(
        parties=[make_institution(), make_institution()], signed_on=datetime.date(2026, 1, 7)
    )

    response = _post(editor_client, agreement, term_years="3", expires_on="2026-04-06")

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.errors["expires_on"])
    assert "ends on 2029-01-06" in errors
    assert Agreement.objects.get(pk=agreement.pk).term_years is None


def test_a_second_person_with_the_same_name_is_a_warning_with_a_link(editor_client):
    existing = make_person(name="Kim Young-tae", korean_name="김영태")
    url = reverse("admin:institutions_person_add")
    data = {
        "name": "Kim Young-tae",
        "korean_name": "",
        "slug": "kim-young-tae-2",
        "bio": "",
        "positions-TOTAL_FORMS": "0",
        "positions-INITIAL_FORMS": "0",
    }

    refused = editor_client.post(url, data)
    assert refused.status_code == 200
    assert reverse("admin:institutions_person_change", args=[existing.pk]) in _page(refused)
    assert Person.objects.count() == 1

    assert editor_client.post(url, {**data, WARNINGS_CONFIRMED: "on"}).status_code == 302
    assert Person.objects.count() == 2


def test_an_institution_whose_name_is_anothers_alias_is_a_warning(editor_client):
    existing = make_institution(name="Korea Advanced Institute of Science and Technology")
    existing.aliases = "KAIST\nKorea Advanced Institute"
    existing.save()
    other = make_institution(name="Some Institute", korean_name="")

    refused = _post(editor_client, other, name="Korea Advanced Institute")

    assert refused.status_code == 200
    assert reverse("admin:institutions_institution_change", args=[existing.pk]) in _page(refused)
    assert Institution.objects.get(pk=other.pk).name == "Some Institute"


def test_an_institution_with_the_same_korean_name_is_a_warning(editor_client):
    make_institution(name="Yonsei University", korean_name="연세대학교")
    other = make_institution(name="Yonsei Univ.")

    refused = _post(editor_client, other, korean_name="연세대학교")

    assert refused.status_code == 200
    assert "already recorded" in _page(refused)
