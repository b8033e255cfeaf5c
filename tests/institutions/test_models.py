import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from institutions.models import Agreement, AgreementParty, AgreementStatus, Position
from tests.support.factories import (
    image_upload,
    make_agreement,
    make_institution,
    make_person,
    make_position,
)


def test_position_ending_before_start_fails_full_clean_without_database():
    position = Position(
        title="Dean", started_on=datetime.date(2025, 1, 1), ended_on=datetime.date(2024, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        position.clean()
    assert "ended_on" in error.value.message_dict


def test_agreement_expiring_before_signing_fails_clean_without_database():
    agreement = Agreement(
        title="x",
        slug="x",
        signed_on=datetime.date(2025, 1, 1),
        expires_on=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        agreement.clean()
    assert "expires_on" in error.value.message_dict


@pytest.mark.django_db
def test_database_enforces_agreement_and_position_date_order():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_agreement(signed_on=datetime.date(2025, 1, 1), expires_on=datetime.date(2024, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_position(started_on=datetime.date(2025, 1, 1), ended_on=datetime.date(2024, 1, 1))


@pytest.mark.django_db
def test_term_in_years_fills_expiry_and_status_follows_dates():
    agreement = make_agreement(signed_on=datetime.date(2020, 3, 4), term_years=5)
    assert agreement.expires_on == datetime.date(2025, 3, 3)
    assert agreement.status_on(datetime.date(2020, 3, 3)) == AgreementStatus.UPCOMING
    assert agreement.status_on(datetime.date(2024, 1, 1)) == AgreementStatus.IN_FORCE
    assert agreement.status_on(datetime.date(2025, 3, 4)) == AgreementStatus.EXPIRED
    assert list(Agreement.objects.in_force(on=datetime.date(2024, 1, 1))) == [agreement]
    assert list(Agreement.objects.in_force(on=datetime.date(2026, 1, 1))) == []


@pytest.mark.django_db
def test_agreement_parties_and_signatory_title_as_signed():
    dean = make_person(name="Park Su-hyung")
    school = make_institution(name="KAIST GSMSE", short_name="GSMSE")
    other = make_institution(name="Yonsei University College of Medicine")
    make_position(
        person=dean, institution=school, title="Dean", started_on=datetime.date(2023, 3, 1)
    )
    agreement = make_agreement(signed_on=datetime.date(2026, 11, 25))
    AgreementParty.objects.create(agreement=agreement, institution=school, signatory=dean)
    AgreementParty.objects.create(agreement=agreement, institution=other)
    assert set(agreement.parties.all()) == {school, other}
    party = agreement.party_rows.get(institution=school)
    assert party.printed_title == "Dean, KAIST GSMSE"


@pytest.mark.django_db
def test_institution_cannot_be_party_twice():
    school = make_institution()
    agreement = make_agreement(parties=[school])
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParty.objects.create(agreement=agreement, institution=school)


@pytest.mark.django_db
def test_title_on_any_date():
    person = make_person()
    school = make_institution(name="School")
    make_position(
        person=person,
        institution=school,
        title="Professor",
        started_on=datetime.date(2010, 1, 1),
        ended_on=datetime.date(2019, 12, 31),
    )
    make_position(
        person=person, institution=school, title="Dean", started_on=datetime.date(2020, 1, 1)
    )
    assert person.title_on(datetime.date(2015, 6, 1)) == "Professor, School"
    assert person.title_on(datetime.date(2021, 6, 1)) == "Dean, School"
    assert person.title_on(datetime.date(2005, 6, 1)) == ""


@pytest.mark.django_db
def test_institution_cannot_be_its_own_ancestor():
    parent = make_institution(name="KAIST", short_name="KAIST")
    child = make_institution(
        name="Graduate School", short_name="GSMSE", parent=parent, kind="graduate_school"
    )
    assert child.label == "KAIST GSMSE"
    parent.parent = child
    with pytest.raises(ValidationError) as error:
        parent.full_clean()
    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_image_validators_refuse_non_images_and_bombs(settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    institution = make_institution()
    institution.logo = SimpleUploadedFile(
        "logo.png", b"not an image at all", content_type="image/png"
    )
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert "logo" in error.value.message_dict

    settings.NEWSROOM_MAX_IMAGE_PIXELS = 1000
    institution.logo = image_upload(size=(100, 100))
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert "megapixels" in str(error.value)

    settings.NEWSROOM_MAX_IMAGE_PIXELS = 50_000_000
    settings.NEWSROOM_MAX_IMAGE_BYTES = 100
    institution.logo = image_upload(size=(100, 100))
    with pytest.raises(ValidationError) as error:
        institution.full_clean()
    assert "largest allowed" in str(error.value)
