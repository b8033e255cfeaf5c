"""Institutions, people and agreements in the admin: roles, revisions, locking."""

import datetime

import pytest
import reversion
from django.urls import reverse
from reversion.models import Version

from institutions.models import Agreement, AgreementArea, Institution, Person
from tests.support.admin import admin_form_data
from tests.support.factories import (
    make_agreement,
    make_institution,
    make_person,
    make_position,
)


@pytest.mark.parametrize("model", ["institution", "person", "agreement", "position"])
def test_changelist_add_change_and_history_render_for_an_editor(editor_client, model):
    obj = {
        "institution": make_institution,
        "person": make_person,
        "agreement": lambda: make_agreement(parties=[make_institution()]),
        "position": make_position,
    }[model]()
    for url in [
        reverse(f"admin:institutions_{model}_changelist"),
        reverse(f"admin:institutions_{model}_add"),
        reverse(f"admin:institutions_{model}_change", args=[obj.pk]),
        reverse(f"admin:institutions_{model}_history", args=[obj.pk]),
    ]:
        assert editor_client.get(url).status_code == 200, url


def test_writer_may_look_but_not_change_an_institution(writer_client):
    institution = make_institution(name="KAIST")
    url = reverse("admin:institutions_institution_change", args=[institution.pk])
    assert writer_client.get(url).status_code == 200
    assert writer_client.post(url, {"name": "Renamed"}).status_code == 403
    assert Institution.objects.get(pk=institution.pk).name == "KAIST"


def test_institution_save_makes_a_revision_and_raises_the_version(editor_client):
    institution = make_institution(name="Yonsei University")
    before = institution.version
    url = reverse("admin:institutions_institution_change", args=[institution.pk])
    data = admin_form_data(editor_client.get(url), short_name="Yonsei")
    assert editor_client.post(url, data).status_code == 302
    institution.refresh_from_db()
    assert institution.version == before + 1
    assert Version.objects.get_for_object(institution).count() == 1


def test_agreement_restore_brings_back_parties_and_areas(editor_client):
    first, second = make_institution(), make_institution()
    agreement = make_agreement(title="Joint research MOU", parties=[first, second])
    AgreementArea.objects.create(agreement=agreement, description="Student exchange")
    with reversion.create_revision():
        agreement.save()
    agreement.party_rows.filter(institution=second).delete()
    agreement.areas.all().delete()
    agreement.title = "Renamed MOU"
    agreement.save()

    version = Version.objects.get_for_object(agreement).get()
    url = reverse("admin:institutions_agreement_revision", args=[agreement.pk, version.pk])
    assert editor_client.get(url).status_code == 200
    current = Agreement.objects.get(pk=agreement.pk).version
    assert editor_client.post(url, {"opened_version": str(current)}).status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Joint research MOU"
    assert set(agreement.parties.all()) == {first, second}
    assert list(agreement.areas.values_list("description", flat=True)) == ["Student exchange"]


def test_person_restore_brings_back_positions(editor_client, db):
    position = make_position(title="Dean")
    person = position.person
    with reversion.create_revision():
        person.save()
    position.delete()
    person.name = "Renamed"
    with reversion.create_revision():
        person.save()
    first = Version.objects.get_for_object(person).order_by("pk").first()
    url = reverse("admin:institutions_person_revision", args=[person.pk, first.pk])
    response = editor_client.post(
        url, {"opened_version": str(Person.objects.get(pk=person.pk).version)}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name != "Renamed"
    assert list(person.positions.values_list("title", flat=True)) == ["Dean"]


def _agreement_add(client, **changes):
    url = reverse("admin:institutions_agreement_add")
    data = admin_form_data(
        client.get(url), title="Joint training MOU", slug="joint-training-mou", **changes
    )
    data["signed_on"] = "2026-03-10"
    return client.post(url, data)


def test_a_party_left_empty_takes_the_signatorys_institution_on_the_signing_date(editor_client):
    old_school = make_institution(name="Hanbit Nursing School")
    new_school = make_institution(name="Hanbit Medical School")
    other = make_institution(name="Daeil Research Institute")
    dean = make_person(name="Seo Ji-hoon")
    # Moved school a month after the signing: the party is where he was that day.
    make_position(
        person=dean, institution=old_school, started_on=None, ended_on=datetime.date(2026, 4, 1)
    )
    make_position(person=dean, institution=new_school, started_on=datetime.date(2026, 4, 2))

    response = _agreement_add(
        editor_client,
        **{"party_rows-0-signatory": str(dean.pk), "party_rows-1-institution": str(other.pk)},
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    agreement = Agreement.objects.get(title="Joint training MOU")
    assert [(p.institution, p.signatory) for p in agreement.party_rows.all()] == [
        (old_school, dean),
        (other, None),
    ]


def test_a_party_with_neither_institution_nor_a_placed_signatory_is_a_field_error(editor_client):
    other = make_institution(name="Daeil Research Institute")
    unplaced = make_person(name="Ra Eun-bi")

    response = _agreement_add(
        editor_client,
        **{"party_rows-0-signatory": str(unplaced.pk), "party_rows-1-institution": str(other.pk)},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ra Eun-bi held no recorded position on 2026-03-10" in page
    assert 'value="Joint training MOU"' in page
    assert not Agreement.objects.exists()

    response = _agreement_add(
        editor_client,
        **{"party_rows-0-title_override": "Chair", "party_rows-1-institution": str(other.pk)},
    )
    assert response.status_code == 200
    assert "Choose the institution, or a signatory to take it from." in response.content.decode()
    assert not Agreement.objects.exists()


def test_a_name_with_an_invisible_direction_control_is_refused(editor_client):
    person = make_person(name="Kim Min-ji")
    url = reverse("admin:institutions_person_change", args=[person.pk])
    data = admin_form_data(editor_client.get(url), name="\u202eij-niM miK")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "invisible direction control" in response.content.decode()
    person.refresh_from_db()
    assert person.name == "Kim Min-ji"
