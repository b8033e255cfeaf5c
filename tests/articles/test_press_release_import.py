"""Import press release: matching, all-or-nothing creation, bad input, the whole flow.

The seed story (shared/seed) is read when present; the tests that need it
use a copy of its opening paragraphs otherwise.
"""

import datetime
import io
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from articles import press_release
from articles.models import Article, ArticleStatus, Quote
from articles.press_release import (
    InstitutionDirectory,
    PressReleaseError,
    institution_match,
    person_match,
    position_match,
    press_release_propose,
    press_release_read,
)
from institutions.models import (
    Agreement,
    AgreementParty,
    Institution,
    InstitutionKind,
    Person,
    Position,
)
from tests.support.factories import make_institution, make_person, make_position, make_section

SEED = next(
    iter(sorted((Path(__file__).resolve().parents[3] / "shared" / "seed").glob("*.txt"))), None
)
SEED_TEXT = (
    SEED.read_text(encoding="utf-8")
    if SEED
    else (
        "Yonsei University College of Medicine and the KAIST Graduate School of Medical Science "
        "and Engineering (GSMSE) signed a memorandum of understanding on Wednesday to establish a "
        "collaborative foundation for future-oriented medical research.\n"
        "“This agreement will serve as an essential foundation,” said Choi Jae-young, dean of "
        "Yonsei University College of Medicine. “We look forward to working together.”\n"
        "Park Su-hyung, dean of KAIST GSMSE, said, “This collaboration marks a significant step "
        "forward for KAIST GSMSE.”"
    )
)
RELEASE_DATE = "2025-06-05"  # a Thursday: "on Wednesday" is 2025-06-04

START = "press-release:start"
CREATE = "press-release:create"


def review_data(response, **changes):
    """The POST data the review page sends back when nothing is changed."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name.endswith("-use"):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def analyse_page(client, text=SEED_TEXT, **extra):
    return client.post(reverse(START), {"text": text, "published": RELEASE_DATE, **extra})


@pytest.fixture
def kaist(db):
    """KAIST and its GSMSE, stored the way editors enter them."""
    parent = make_institution(
        name="Korea Advanced Institute of Science and Technology", short_name="KAIST"
    )
    gsmse = make_institution(
        name="Graduate School of Medical Science and Engineering",
        short_name="GSMSE",
        parent=parent,
        kind=InstitutionKind.GRADUATE_SCHOOL,
    )
    return parent, gsmse


# --- reading --------------------------------------------------------------------


def docx_bytes(*paragraphs):
    """A minimal Word document with these paragraphs."""
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/document.xml": (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f"<w:body>{body}</w:body></w:document>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_word_document_is_read_paragraph_by_paragraph():
    upload = SimpleUploadedFile(
        "release.docx", docx_bytes("Coral Bay Hospital signed an MOU.", "“Good,” said Lena Moss.")
    )
    assert (
        press_release_read(upload=upload)
        == "Coral Bay Hospital signed an MOU.\n\n“Good,” said Lena Moss."
    )


def test_a_binary_file_renamed_docx_is_refused_with_a_reason():
    upload = SimpleUploadedFile("release.docx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
    with pytest.raises(PressReleaseError, match="not a Word document"):
        press_release_read(upload=upload)


def test_html_goes_through_the_body_sanitiser():
    upload = SimpleUploadedFile(
        "release.html",
        b"<html><head><script>alert(1)</script></head><body><h1>Coral Bay signs MOU</h1>"
        b'<p onclick="steal()">Coral Bay Hospital signed an MOU.<script>document.cookie</script></p>'
        b"<style>p{}</style><p>Second <b>paragraph</b>.</p></body></html>",
    )
    text = press_release_read(upload=upload)
    assert text == "Coral Bay signs MOU\n\nCoral Bay Hospital signed an MOU.\n\nSecond paragraph."
    assert "alert" not in text and "cookie" not in text and "steal" not in text


def test_other_files_and_empty_text_are_refused():
    with pytest.raises(PressReleaseError, match=r"Only \.txt, \.docx and \.html"):
        press_release_read(upload=SimpleUploadedFile("release.pdf", b"%PDF-1.4"))
    with pytest.raises(PressReleaseError, match="no text"):
        press_release_read(text="   \n ")
    with pytest.raises(PressReleaseError, match="binary"):
        press_release_read(upload=SimpleUploadedFile("release.txt", b"\x00\x01\x02text"))


# --- matching -------------------------------------------------------------------


@pytest.mark.django_db
def test_institutions_match_by_name_short_name_alias_korean_name_and_label(kaist):
    parent, gsmse = kaist
    yonsei = make_institution(
        name="Yonsei University College of Medicine",
        aliases="Yonsei Medicine\nYUCM",
        korean_name="연세대학교 의과대학",
    )
    directory = InstitutionDirectory()
    assert institution_match(directory=directory, name="Yonsei University College of Medicine") == [
        yonsei
    ]
    assert institution_match(
        directory=directory, name="the Yonsei University college of medicine"
    ) == [yonsei]
    assert institution_match(directory=directory, name="YUCM") == [yonsei]
    assert institution_match(directory=directory, name="연세대학교 의과대학") == [yonsei]
    assert institution_match(directory=directory, name="KAIST") == [parent]
    # The running-text label of a sub-unit: the parent's short name and its own.
    assert institution_match(directory=directory, name="KAIST GSMSE") == [gsmse]
    assert institution_match(
        directory=directory, name="KAIST Graduate School of Medical Science and Engineering"
    ) == [gsmse]
    assert institution_match(directory=directory, name="Hallym University") == []


@pytest.mark.django_db
def test_people_match_in_either_order_with_hyphens_ignored_and_by_korean_name():
    choi = make_person(name="Choi Jae-young", korean_name="최재영")
    for written in (
        "Choi Jae-young",
        "Jae-young Choi",
        "Choi Jaeyoung",
        "choi jae young",
        "최재영",
    ):
        matches, near = person_match(name=written)
        assert matches == [choi], written
        assert near == []


@pytest.mark.django_db
def test_a_surname_matches_only_with_a_position_at_the_institution():
    yonsei = make_institution(name="Yonsei University College of Medicine")
    choi = make_person(name="Choi Jae-young")
    make_position(person=choi, institution=yonsei, title="Dean")
    assert person_match(name="Choi", institution=yonsei) == ([choi], [])
    assert person_match(name="Choi", institution=make_institution()) == ([], [])


@pytest.mark.django_db
def test_a_near_duplicate_is_an_alternative_and_never_merged(superuser_client, kaist):
    make_section()
    elsewhere = make_institution(name="Hallym University")
    namesake = make_person(name="Park Su-hyung")
    make_position(person=namesake, institution=elsewhere, title="Professor")
    _parent, gsmse = kaist
    assert person_match(name="Park Su-hyung", institution=gsmse) == ([], [namesake])

    response = analyse_page(superuser_client)
    form = response.context["form"]
    park = next(p for p in response.context["proposal"].people if p.name == "Park Su-hyung")
    assert park.match is None and park.near_duplicates == [namesake]
    assert form[f"{park.key}-record"].value() == "new"
    assert (f"e:{namesake.pk}",) == tuple(
        value for value, _label in form.fields[f"{park.key}-record"].choices if value != "new"
    )
    assertContains(response, "same name, a different institution")

    created = superuser_client.post(reverse(CREATE), review_data(response))
    assert created.status_code == 302
    assert Person.objects.filter(name="Park Su-hyung").count() == 2  # a new one, not merged
    namesake.refresh_from_db()
    assert list(namesake.positions.values_list("institution", flat=True)) == [elsewhere.pk]


@pytest.mark.django_db
def test_a_position_is_found_by_title_and_institution_or_proposed():
    yonsei = make_institution(name="Yonsei University College of Medicine")
    choi = make_person(name="Choi Jae-young")
    dean = make_position(person=choi, institution=yonsei, title="Dean")
    assert position_match(person=choi, institution=yonsei, title="dean") == dean
    assert position_match(person=choi, institution=yonsei, title="vice dean") is None
    assert position_match(person=choi, institution=make_institution(), title="dean") is None


@pytest.mark.django_db
def test_the_proposal_matches_stored_records_and_proposes_the_rest(kaist):
    _parent, gsmse = kaist
    choi = make_person(name="Choi Jae-young")
    yonsei = make_institution(name="Yonsei University College of Medicine")
    dean = make_position(person=choi, institution=yonsei, title="dean")
    proposal = press_release_propose(text=SEED_TEXT, published=datetime.date(2025, 6, 5))
    by_name = {i.name: i for i in proposal.institutions}
    assert by_name["Yonsei University College of Medicine"].match == yonsei
    assert by_name["KAIST Graduate School of Medical Science and Engineering"].match == gsmse
    person = next(p for p in proposal.people if p.name == "Choi Jae-young")
    assert (person.match, person.position) == (choi, dean)
    assert [q.speaker_written for q in proposal.quotes] == [
        "Choi Jae-young",
        "Choi Jae-young",
        "Park Su-hyung",
    ]
    assert proposal.quotes[2].institution_written == "KAIST GSMSE"
    assert proposal.agreement.signed_on == datetime.date(2025, 6, 4)
    assert len(proposal.agreement.parties) == 2
    assert proposal.headline == "Yonsei University College of Medicine and KAIST GSMSE sign MOU"


@pytest.mark.django_db
def test_a_new_sub_unit_is_proposed_with_its_parent():
    proposal = press_release_propose(text=SEED_TEXT, published=datetime.date(2025, 6, 5))
    unit = next(i for i in proposal.institutions if i.name.startswith("KAIST Graduate"))
    assert unit.match is None and unit.short_name == "GSMSE"
    assert unit.kind == InstitutionKind.GRADUATE_SCHOOL
    assert unit.parent_name == "KAIST"
    assert proposal.institution(unit.parent_key).listed is False


# --- the whole flow --------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(SEED is None, reason="the seed story (shared/seed) is not beside this checkout")
def test_the_seed_story_becomes_a_linked_draft(superuser_client, kaist):
    section = make_section(name="News")
    _parent, gsmse = kaist
    index = superuser_client.get(reverse("admin:index"))
    assertContains(index, reverse(START))
    assert superuser_client.get(reverse(START)).status_code == 200

    review = analyse_page(superuser_client)
    assert review.status_code == 200
    assertContains(review, "Create draft")
    assertContains(review, "boilerplate (kept apart)")  # the "Related articles" list
    assert Article.objects.count() == 0  # nothing before confirming

    created = superuser_client.post(reverse(CREATE), review_data(review))
    article = Article.objects.get()
    assert created["Location"] == reverse("admin:articles_article_change", args=[article.pk])
    assert article.status == ArticleStatus.DRAFT
    assert article.created_by == superuser_client.user
    assert article.section == section
    assert article.headline == "Yonsei University College of Medicine and KAIST GSMSE sign MOU"
    assert "Related articles" not in article.body and "Severance" not in article.body
    assert article.body.count("<p>") == 5

    quotes = list(article.quotes.select_related("person"))
    assert [q.person.name for q in quotes] == ["Choi Jae-young", "Choi Jae-young", "Park Su-hyung"]
    assert quotes[0].printed_title == "dean, Yonsei University College of Medicine"
    assert quotes[2].printed_title == f"dean, {gsmse.name}"
    assert set(article.people.values_list("name", flat=True)) == {"Choi Jae-young", "Park Su-hyung"}
    yonsei = Institution.objects.get(name="Yonsei University College of Medicine")
    assert set(article.institutions.all()) == {yonsei, gsmse}
    agreement = article.agreements.get()
    assert agreement.signed_on == datetime.date(2025, 6, 4)
    assert agreement.kind == "mou"
    assert set(agreement.parties.all()) == {yonsei, gsmse}
    assert agreement.areas.count() == 4
    follow = superuser_client.get(created["Location"])
    assert follow.status_code == 200


@pytest.mark.django_db
def test_new_sub_unit_and_parent_are_created_and_linked(superuser_client):
    make_section()
    review = analyse_page(superuser_client)
    superuser_client.post(reverse(CREATE), review_data(review))
    unit = Institution.objects.get(name__startswith="KAIST Graduate")
    assert (unit.short_name, unit.parent.name) == ("GSMSE", "KAIST")
    assert Position.objects.filter(
        person__name="Park Su-hyung", institution=unit, title="dean"
    ).exists()


@pytest.mark.django_db
def test_signatories_are_linked_to_their_parties(superuser_client):
    make_section()
    text = (
        "Coral Bay Hospital and Eastlake Institute signed a memorandum of understanding on Monday.\n\n"
        "The MOU was signed by Coral Bay Hospital President Lena Moss and Eastlake Institute "
        "Director Omar Haddad.\n\n"
        "“It is a good day,” said Lena Moss, president of Coral Bay Hospital."
    )
    review = analyse_page(superuser_client, text=text)
    superuser_client.post(reverse(CREATE), review_data(review))
    parties = {
        p.institution.name: (p.signatory.name, p.printed_title)
        for p in AgreementParty.objects.select_related("institution", "signatory", "agreement")
    }
    assert parties == {
        "Coral Bay Hospital": ("Lena Moss", "president, Coral Bay Hospital"),
        "Eastlake Institute": ("Omar Haddad", "Director, Eastlake Institute"),
    }


@pytest.mark.django_db
def test_edits_on_the_review_page_are_what_is_created(superuser_client):
    make_section()
    review = analyse_page(superuser_client)
    data = review_data(review, headline="Yonsei and KAIST GSMSE join forces", **{"q1-use": None})
    superuser_client.post(reverse(CREATE), data)
    article = Article.objects.get()
    assert article.headline == "Yonsei and KAIST GSMSE join forces"
    assert article.quotes.count() == 2


@pytest.mark.django_db
def test_a_writer_drafts_and_the_people_they_add_are_proposals(writer_client):
    make_section()
    yonsei = make_institution(name="Yonsei University College of Medicine")
    choi = make_person(name="Choi Jae-young")
    make_position(person=choi, institution=yonsei, title="dean")
    review = analyse_page(writer_client)
    assertContains(review, "You may not add agreements")
    created = writer_client.post(reverse(CREATE), review_data(review))
    assert created.status_code == 302, created.context["form"].errors
    article = Article.objects.get()
    assert article.created_by == writer_client.user
    assert choi in [q.person for q in article.quotes.all()]
    assert Agreement.objects.count() == 0
    # The stored dean stays as he was; whoever the writer added waits for an editor.
    choi.refresh_from_db()
    assert choi.confirmed
    added = Person.objects.exclude(pk=choi.pk)
    assert all(not p.confirmed and p.proposed_by == writer_client.user for p in added)
    assert all(
        not i.confirmed and i.proposed_by == writer_client.user
        for i in Institution.objects.exclude(pk=yonsei.pk)
    )


@pytest.mark.django_db
def test_a_writer_gives_no_new_title_to_a_confirmed_person_and_the_quote_prints_it(
    writer_client,
):
    make_section()
    yonsei = make_institution(name="Yonsei University College of Medicine")
    choi = make_person(name="Choi Jae-young")
    # His stored title differs from the release's: the import would add a position.
    make_position(person=choi, institution=yonsei, title="Vice dean")
    review = analyse_page(writer_client)
    created = writer_client.post(reverse(CREATE), review_data(review))
    assert created.status_code == 302, created.context["form"].errors

    assert list(choi.positions.values_list("title", flat=True)) == ["Vice dean"]
    overrides = set(Quote.objects.filter(person=choi).values_list("title_override", flat=True))
    assert len(overrides) == 1
    (override,) = overrides
    assert override.lower().startswith("dean")
    assert "Yonsei University College of Medicine" in override
    # The people the writer added get their titles recorded, as proposals.
    added = Person.objects.exclude(pk=choi.pk)
    assert added and all(p.positions.exists() for p in added)


@pytest.mark.django_db
def test_choosing_new_without_the_permission_creates_nothing(client):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission

    # A desk role that may draft stories but not add people at all.
    drafter = Group.objects.create(name="Drafter")
    drafter.permissions.set(
        Group.objects.get(name="Writer")
        .permissions.exclude(content_type__app_label="institutions", codename="add_person")
        .values_list("pk", flat=True)
    )
    assert not drafter.permissions.filter(codename="add_person").exists()
    assert Permission.objects.filter(codename="add_person").exists()
    user = get_user_model().objects.create_user("drafter", password="pw", is_staff=True)
    user.groups.add(drafter)
    client.force_login(user)
    make_section()
    review = analyse_page(client)
    assertContains(review, "You may not add people")
    person = review.context["proposal"].people[0]
    data = review_data(
        review, **{f"{person.key}-use": "on", "q0-use": "on", "q0-speaker": person.key}
    )
    response = client.post(reverse(CREATE), data)
    assert response.status_code == 400
    assertContains(response, "You may not add people", status_code=400)
    assert Article.objects.count() == 0 and Person.objects.count() == 0


@pytest.mark.django_db
def test_only_staff_with_the_add_permission_reach_the_import(client, django_user_model):
    assert client.get(reverse(START)).status_code == 302  # to the admin login
    viewer = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    client.force_login(viewer)
    assert client.get(reverse(START)).status_code == 403
    assert client.post(reverse(CREATE), {}).status_code == 403


# --- all or nothing ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_failure_half_way_leaves_no_rows(superuser_client):
    make_section()
    review = analyse_page(superuser_client)
    data = review_data(review)
    with (
        mock.patch.object(
            press_release, "_agreement_create", side_effect=RuntimeError("disk full")
        ),
        pytest.raises(RuntimeError),
    ):
        superuser_client.post(reverse(CREATE), data)
    assert Article.objects.count() == 0
    assert Quote.objects.count() == 0
    assert Person.objects.count() == 0
    assert Institution.objects.count() == 0
    assert Position.objects.count() == 0
    assert Agreement.objects.count() == 0


@pytest.mark.django_db
def test_a_database_refusal_half_way_is_reported_and_leaves_no_rows(superuser_client):
    make_section()
    review = analyse_page(superuser_client)
    data = review_data(review)
    with mock.patch.object(
        AgreementParty.objects, "create", side_effect=IntegrityError("party twice")
    ):
        response = superuser_client.post(reverse(CREATE), data)
    assert response.status_code == 409
    assertContains(response, "Nothing was created", status_code=409)
    assert (Article.objects.count(), Person.objects.count(), Institution.objects.count()) == (
        0,
        0,
        0,
    )
    assert Agreement.objects.count() == 0


# --- bad input ---------------------------------------------------------------------


@pytest.mark.django_db
def test_empty_text_is_a_message(superuser_client):
    response = analyse_page(superuser_client, text="")
    assert response.status_code == 200
    assertContains(response, "there is no text")


@pytest.mark.django_db
def test_five_megabytes_of_text_give_a_partial_proposal(superuser_client):
    make_section()
    text = SEED_TEXT + "\n\n" + ("Filler words about nothing in particular. " * 120_000)[:5_000_000]
    response = analyse_page(superuser_client, text=text)
    assert response.status_code == 200
    assertContains(response, "Only the first 100,000 characters were analysed.")
    assert len(response.context["form"]["source"].value()) == 100_000
    created = superuser_client.post(reverse(CREATE), review_data(response))
    assert created.status_code == 302


@pytest.mark.django_db
def test_more_than_the_request_limit_is_a_message_not_an_error(superuser_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = analyse_page(superuser_client, text="x" * 20_000)
    assert response.status_code == 413
    assertContains(response, "too large to send", status_code=413)


@pytest.mark.django_db
def test_a_binary_docx_upload_is_a_message(superuser_client):
    upload = SimpleUploadedFile("release.docx", bytes(range(256)) * 50)
    response = superuser_client.post(reverse(START), {"upload": upload, "published": RELEASE_DATE})
    assert response.status_code == 200
    assertContains(response, "not a Word document")


@pytest.mark.django_db
def test_a_real_docx_upload_is_analysed(superuser_client):
    make_section()
    upload = SimpleUploadedFile(
        "release.docx",
        docx_bytes(
            "Coral Bay Hospital signed an MOU with Eastlake Institute on Monday.",
            "“It is a good day,” said Lena Moss, president of Coral Bay Hospital.",
        ),
    )
    response = superuser_client.post(reverse(START), {"upload": upload, "published": RELEASE_DATE})
    assert [q.speaker_written for q in response.context["proposal"].quotes] == ["Lena Moss"]


@pytest.mark.django_db
def test_korean_only_text_is_a_partial_proposal(superuser_client):
    make_section()
    text = "연세대 의대와 카이스트 의과학대학원이 업무협약을 맺었다.\n\n“좋은 협력이 될 것”이라고 말했다."
    response = analyse_page(superuser_client, text=text)
    assert response.status_code == 200
    assertContains(response, "no English to analyse")
    created = superuser_client.post(
        reverse(CREATE), review_data(response, headline="연세대-카이스트 협약")
    )
    assert created.status_code == 302
    assert "연세대" in Article.objects.get().body


@pytest.mark.django_db
def test_a_release_without_quotes_or_agreement(superuser_client):
    make_section()
    text = "Hanbit University opened a new library on Monday.\n\nThe library holds 200,000 books."
    response = analyse_page(superuser_client, text=text)
    assertContains(response, "The text has no direct quotations.")
    assertNotContains(response, "review-agreement")
    superuser_client.post(reverse(CREATE), review_data(response))
    article = Article.objects.get()
    assert article.quotes.count() == 0 and article.agreements.count() == 0


@pytest.mark.django_db
def test_a_quote_without_a_speaker_is_left_out_by_default(superuser_client):
    make_section()
    text = (
        "Hanbit University opened a new library on Monday.\n\n"
        "“Books are still the heart of a university, and always will be.”"
    )
    response = analyse_page(superuser_client, text=text)
    assertContains(response, "No speaker was found")
    assert response.context["form"]["q0-use"].value() is False
    created = superuser_client.post(reverse(CREATE), review_data(response))
    assert created.status_code == 302
    # Ticking it without a speaker is refused with a message.
    response = superuser_client.post(reverse(CREATE), review_data(response, **{"q0-use": "on"}))
    assertContains(response, "A quote needs a speaker", status_code=400)


@pytest.mark.django_db
def test_mismatched_quote_marks_still_give_the_quote(superuser_client):
    make_section()
    text = '"We are ready,” said Lena Moss, president of Coral Bay Hospital.'
    response = analyse_page(superuser_client, text=text)
    [quote] = response.context["proposal"].quotes
    assert (quote.text, quote.speaker_written) == ("We are ready", "Lena Moss")


@pytest.mark.django_db
def test_html_with_scripts_never_reaches_the_page_or_the_draft(superuser_client):
    make_section()
    upload = SimpleUploadedFile(
        "release.html",
        b"<p>Coral Bay Hospital opened a ward.</p><script>alert('x')</script>"
        b"<p><img src=x onerror=alert(1)>Second paragraph.</p>",
    )
    response = superuser_client.post(reverse(START), {"upload": upload, "published": RELEASE_DATE})
    assertNotContains(response, "alert(")
    superuser_client.post(reverse(CREATE), review_data(response))
    body = Article.objects.get().body
    assert "script" not in body and "onerror" not in body
    assert "Second paragraph." in body


@pytest.mark.django_db
def test_a_tampered_review_page_is_refused_without_a_500(superuser_client):
    make_section()
    response = superuser_client.post(reverse(CREATE), {"source": "", "published": "x"})
    assert response.status_code == 302
    review = analyse_page(superuser_client)
    person = review.context["proposal"].people[0]
    bad = review_data(review, **{f"{person.key}-record": "e:999999"})
    response = superuser_client.post(reverse(CREATE), bad)
    assert response.status_code == 400
    assert Article.objects.count() == 0


def test_the_command_line_analysis_still_works(tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "release.txt"
    path.write_text(SEED_TEXT, encoding="utf-8")
    call_command("analyse_press_release", str(path), "--published", RELEASE_DATE)
    out = capsys.readouterr().out
    assert '"speaker": "Choi Jae-young"' in out
    assert '"areas"' in out
