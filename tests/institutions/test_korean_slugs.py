"""Slugs for institutions, people and agreements made on the server, Korean names included.

Django's browser slug maker dropped Hangul, so "김철수" or "서울대학교 의과대학"
left the slug empty and the admin refused the form. The slug may now be left
empty: the server romanises the name (or an agreement's title), adds "-2"
when that slug is taken, and slug.js shows it as the name is typed.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from institutions.models import Agreement, Institution, Person
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, field_errors
from tests.support.factories import make_agreement, make_institution, make_person

pytestmark = pytest.mark.django_db

INSTITUTION_ADD = reverse("admin:institutions_institution_add")
PERSON_ADD = reverse("admin:institutions_person_add")
AGREEMENT_ADD = reverse("admin:institutions_agreement_add")
POPUP = "?_to_field=id&_popup=1"


def _add(client, url, *, popup=False, **changes):
    """Open an admin add page (as the story form's "+" popup when ``popup``) and post it back."""
    if popup:
        url = f"{url}{POPUP}"
        changes.update(_popup="1", _to_field="id")
    page = client.get(url)
    assert page.status_code == 200
    data = admin_form_data(page, **changes)
    data[WARNINGS_CONFIRMED] = "on"
    return client.post(url, data)


def _saved(response, *, popup=False):
    if popup:
        assert response.status_code == 200, response.context["adminform"].form.errors
        assertContains(response, "popup_response")
    else:
        assert response.status_code == 302, response.context["adminform"].form.errors


def _signed_last_month():
    return (timezone.localdate() - datetime.timedelta(days=30)).isoformat()


@pytest.mark.parametrize("popup", [False, True], ids=["page", "popup"])
@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("서울대학교 의과대학", "seouldaehakgyo-uigwadaehak"),
        ("Yonsei University College of Medicine", "yonsei-university-college-of-medicine"),
        ("KAIST 바이오및뇌공학과", "kaist-baiomitnoegonghakgwa"),
    ],
)
def test_an_institution_left_without_a_slug_gets_one_from_its_name(
    editor_client, name, slug, popup
):
    response = _add(editor_client, INSTITUTION_ADD, popup=popup, name=name, slug="")
    _saved(response, popup=popup)
    institution = Institution.objects.get(name=name)
    assert institution.slug == slug
    assert Client().get(f"/institutions/{slug}/").status_code == 200


@pytest.mark.parametrize("popup", [False, True], ids=["page", "popup"])
@pytest.mark.parametrize(
    ("name", "slug"), [("김철수", "gimcheolsu"), ("Choi Jae-young", "choi-jae-young")]
)
def test_a_person_left_without_a_slug_gets_one_from_their_name(editor_client, name, slug, popup):
    response = _add(editor_client, PERSON_ADD, popup=popup, name=name, slug="")
    _saved(response, popup=popup)
    person = Person.objects.get(name=name)
    assert person.slug == slug
    assert Client().get(f"/people/{slug}/").status_code == 200


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("서울대-연세대 공동연구 협약", "seouldae-yeonsedae-gongdongyeongu-hyeopyak"),
        ("Joint training MOU", "joint-training-mou"),
    ],
)
def test_an_agreement_left_without_a_slug_gets_one_from_its_title(editor_client, title, slug):
    first, second = make_institution(), make_institution()
    response = _add(
        editor_client,
        AGREEMENT_ADD,
        title=title,
        slug="",
        signed_on=_signed_last_month(),
        **{
            "party_rows-TOTAL_FORMS": "2",
            "party_rows-0-institution": str(first.pk),
            "party_rows-1-institution": str(second.pk),
        },
    )
    _saved(response)
    agreement = Agreement.objects.get(title=title)
    assert agreement.slug == slug
    assert Client().get(f"/agreements/{slug}/").status_code == 200


def test_a_taken_slug_gets_a_suffix_when_left_empty(editor_client):
    make_person(name="Kim Cheol-su", slug="gimcheolsu")
    make_person(name="Kim Cheol-su (2)", slug="gimcheolsu-2")
    _saved(_add(editor_client, PERSON_ADD, name="김철수", slug=""))
    assert Person.objects.get(name="김철수").slug == "gimcheolsu-3"
    assert Client().get("/people/gimcheolsu-3/").status_code == 200


def test_a_typed_slug_is_kept(editor_client):
    _saved(_add(editor_client, INSTITUTION_ADD, name="서울대학교 의과대학", slug="snu-medicine"))
    assert Institution.objects.get(name="서울대학교 의과대학").slug == "snu-medicine"


def test_a_typed_slug_another_record_holds_is_refused_with_a_link(editor_client):
    holder = make_institution(name="Seoul National University", slug="snu")
    response = _add(editor_client, INSTITUTION_ADD, name="서울대학교", slug="snu")
    assert response.status_code == 200
    [error] = field_errors(response, "slug")
    assert "snu" in error
    assert reverse("admin:institutions_institution_change", args=[holder.pk]) in error


def test_a_name_with_nothing_to_spell_gets_the_kind_of_record(editor_client):
    _saved(_add(editor_client, INSTITUTION_ADD, name="…", slug=""))
    assert Institution.objects.get(name="…").slug == "institution"


def test_clearing_the_slug_on_a_change_form_makes_it_again_from_the_name(editor_client):
    person = make_person(name="이민지", slug="old-slug")
    url = reverse("admin:institutions_person_change", args=[person.pk])
    data = admin_form_data(editor_client.get(url), slug="")
    data[WARNINGS_CONFIRMED] = "on"
    assert editor_client.post(url, data).status_code == 302
    person.refresh_from_db()
    assert person.slug == "iminji"


@pytest.mark.parametrize(
    ("add_url", "source"),
    [(INSTITUTION_ADD, "name"), (PERSON_ADD, "name"), (AGREEMENT_ADD, "title")],
)
def test_the_add_form_shows_the_slug_as_the_name_is_typed_not_with_djangos_slug_maker(
    editor_client, add_url, source
):
    page = editor_client.get(add_url)
    form = page.context["adminform"].form
    assert form.fields["slug"].required is False
    assert page.context["adminform"].prepopulated_fields == []
    model = form._meta.model._meta.model_name
    slug_url = reverse(f"admin:institutions_{model}_slug")
    assertContains(page, f'data-slug-url="{slug_url}"')
    assertContains(page, f'data-slug-source="{source}"')
    assertContains(page, "admin/newsroom/slug.js")


@pytest.mark.parametrize(
    ("model", "text", "slug"),
    [
        ("institution", "서울대학교 의과대학", "seouldaehakgyo-uigwadaehak"),
        ("person", "김철수", "gimcheolsu"),
        ("agreement", "Joint training MOU", "joint-training-mou"),
    ],
)
def test_the_slug_view_answers_what_saving_would_make(editor_client, model, text, slug):
    url = reverse(f"admin:institutions_{model}_slug")
    response = editor_client.get(url, {"headline": text})
    assert response.status_code == 200
    assert response.json() == {"slug": slug}
    assert "no-store" in response["Cache-Control"]


def test_the_slug_view_adds_a_suffix_and_leaves_out_the_record_being_edited(editor_client):
    agreement = make_agreement(title="Joint training MOU", slug="joint-training-mou")
    url = reverse("admin:institutions_agreement_slug")
    assert editor_client.get(url, {"headline": "Joint training MOU"}).json() == {
        "slug": "joint-training-mou-2"
    }
    assert editor_client.get(
        url, {"headline": "Joint training MOU", "exclude": str(agreement.pk)}
    ).json() == {"slug": "joint-training-mou"}


def test_a_writer_may_ask_the_person_slug_view_and_propose_a_korean_name(writer_client):
    url = reverse("admin:institutions_person_slug")
    assert writer_client.get(url, {"headline": "박민지"}).json() == {"slug": "bakminji"}
    _saved(_add(writer_client, PERSON_ADD, popup=True, name="박민지", slug=""), popup=True)
    person = Person.objects.get(name="박민지")
    assert (person.slug, person.confirmed) == ("bakminji", False)


def test_the_slug_view_is_for_staff_only(db):
    response = Client().get(reverse("admin:institutions_person_slug"), {"headline": "김철수"})
    assert response.status_code == 302  # to the sign-in page


# Not about slugs, but checked on the same admin pages: the admin's base
# template (templates/admin/base_site.html) links the site's icon, so no
# admin page asks for a missing /favicon.ico.


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:index"),
        INSTITUTION_ADD,
        f"{PERSON_ADD}{POPUP}",
        reverse("admin:institutions_institution_changelist"),
    ],
)
def test_admin_pages_link_the_site_icon(editor_client, url):
    page = editor_client.get(url)
    assert page.status_code == 200
    assertContains(page, '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">')
    assert "Content-Security-Policy" in page


def test_the_admin_sign_in_page_links_the_site_icon(db):
    page = Client().get(reverse("admin:login"))
    assertContains(page, 'rel="icon" href="/static/favicon.svg"')
