"""Writers propose people and institutions; editors confirm or merge; the public waits."""

import json

import pytest
import reversion
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains
from reversion.models import Version

from articles.models import Byline
from institutions.models import (
    Institution,
    Person,
    Position,
    ProposalRefused,
    proposal_confirm,
    proposal_merge,
    unconfirmed_message,
    unconfirmed_records,
)
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.api import api_url
from tests.support.factories import (
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
    make_staff,
)
from tests.support.sitemaps import every_sitemap, locs

PERSON_ADD = reverse("admin:institutions_person_add")


def _proposal(writer, **fields):
    return make_person(confirmed=False, proposed_by=writer, **fields)


def _user(client):
    return client.get(reverse("admin:index")).wsgi_request.user


# --- Proposing -----------------------------------------------------------------


def test_the_story_form_offers_writers_the_add_buttons_for_people_and_institutions(
    writer_client,
):
    page = writer_client.get(reverse("admin:articles_article_add"))
    assert page.status_code == 200
    popup = "?_to_field=id&amp;_popup=1&amp;_source_model=articles"
    assertContains(page, f'href="{PERSON_ADD}{popup}.quote"')
    institution_add = reverse("admin:institutions_institution_add")
    assertContains(page, f'href="{institution_add}{popup}.article"')


def test_a_writer_adds_a_person_from_the_popup_as_an_unconfirmed_proposal(writer_client):
    institution = make_institution(name="Yonsei University")
    url = f"{PERSON_ADD}?_to_field=id&_popup=1"
    page = writer_client.get(url)
    assert page.status_code == 200
    assertContains(page, "You are proposing a new record")
    data = admin_form_data(
        page,
        name="Park Min-ji",
        slug="park-min-ji",
        _popup="1",
        _to_field="id",
        **{
            "positions-TOTAL_FORMS": "1",
            "positions-0-institution": str(institution.pk),
            "positions-0-title": "Professor",
        },
    )
    response = writer_client.post(url, data)
    assert response.status_code == 200  # the popup's answer, which fills the chooser
    person = Person.objects.get(slug="park-min-ji")
    assertContains(response, "popup_response")
    assert person.confirmed is False
    assert person.proposed_by == _user(writer_client)
    assert [p.title for p in person.positions.all()] == ["Professor"]
    assert person.autocomplete_label().startswith("Park Min-ji (proposed) — Professor")


def test_the_story_form_chooser_marks_proposals(writer_client):
    writer = _user(writer_client)
    dean = make_person(name="Choi Jae-young", korean_name="최재영")
    make_position(person=dean, institution=make_institution(name="Yonsei University"))
    _proposal(writer, name="Choi Jae-young")
    response = writer_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "quote", "field_name": "person", "term": "choi"},
    )
    assert response.status_code == 200
    labels = sorted(result["text"] for result in response.json()["results"])
    assert labels == [
        "Choi Jae-young (proposed) — no position recorded",
        "Choi Jae-young (최재영) — Dean, Yonsei University",
    ]


def test_an_editor_adds_confirmed_records(editor_client):
    page = editor_client.get(PERSON_ADD)
    assertNotContains(page, "You are proposing a new record")
    response = editor_client.post(
        PERSON_ADD, admin_form_data(page, name="Lee Ha-na", slug="lee-ha-na")
    )
    assert response.status_code == 302
    person = Person.objects.get(slug="lee-ha-na")
    assert person.confirmed is True
    assert person.proposed_by is None


def test_a_writer_proposes_an_institution(writer_client):
    url = reverse("admin:institutions_institution_add")
    page = writer_client.get(url)
    data = admin_form_data(page, name="Seoul Bio Institute", slug="seoul-bio-institute")
    assert writer_client.post(url, data).status_code == 302
    institution = Institution.objects.get(slug="seoul-bio-institute")
    assert (institution.confirmed, institution.proposed_by) == (False, _user(writer_client))
    assert institution.autocomplete_label() == "Seoul Bio Institute (proposed)"


def test_a_writer_corrects_their_own_proposal(writer_client):
    person = _proposal(_user(writer_client), name="Park Minji")
    page = writer_client.get(change_url(person))
    data = admin_form_data(page, name="Park Min-ji", **{WARNINGS_CONFIRMED: "on"})
    assert writer_client.post(change_url(person), data).status_code == 302
    person.refresh_from_db()
    assert (person.name, person.confirmed) == ("Park Min-ji", False)


# --- Refusals ------------------------------------------------------------------


@pytest.mark.parametrize("whose", ["confirmed", "another writer's"])
def test_a_writer_cannot_change_a_record_that_is_not_their_proposal(writer_client, whose):
    person = (
        make_person(name="Kim Young-tae")
        if whose == "confirmed"
        else _proposal(make_staff("Writer"), name="Kim Young-tae")
    )
    page = writer_client.get(change_url(person))
    assert page.status_code == 200  # they may read it, to choose it in a story
    assertContains(page, "Kim Young-tae")
    data = admin_form_data(page, name="Renamed", **{WARNINGS_CONFIRMED: "on"})
    response = writer_client.post(change_url(person), data)
    assert response.status_code == 403
    assertContains(response, "Your role does not allow this", status_code=403)
    assertContains(response, "change their own proposals", status_code=403)
    assertContains(response, "Writers", status_code=403)
    assert Person.objects.get(pk=person.pk).name == "Kim Young-tae"


def test_a_writer_cannot_give_a_confirmed_person_a_position(writer_client):
    person = make_person(name="Kim Young-tae")
    institution = make_institution()
    url = reverse("admin:institutions_position_add")
    page = writer_client.get(url)
    data = admin_form_data(
        page, person=str(person.pk), institution=str(institution.pk), title="President"
    )
    response = writer_client.post(url, data)
    assert response.status_code == 200
    assertContains(response, "Writers give positions only to the people they proposed")
    assert not Position.objects.filter(person=person).exists()


def test_a_writer_may_not_confirm_or_merge(writer_client):
    person = _proposal(_user(writer_client))
    confirm = reverse("admin:institutions_person_confirm", args=[person.pk])
    merge = reverse("admin:institutions_person_merge", args=[person.pk])
    for response in (writer_client.post(confirm), writer_client.get(merge)):
        assert response.status_code == 403
        assertContains(response, "Only editors confirm proposals", status_code=403)
    assert Person.objects.get(pk=person.pk).confirmed is False


def test_a_writer_may_not_recover_a_deleted_record(writer_client):
    response = writer_client.get(reverse("admin:institutions_person_recoverlist"))
    assert response.status_code == 403
    assertContains(response, "Only editors bring back deleted people", status_code=403)


# --- Confirming ----------------------------------------------------------------


def test_an_editor_sees_proposals_in_the_list_with_a_filter(editor_client):
    writer = make_staff("Writer")
    _proposal(writer, name="Proposed Person")
    make_person(name="Recorded Person")
    url = reverse("admin:institutions_person_changelist")
    listing = editor_client.get(url, {"proposal": "proposed"})
    assertContains(listing, "Proposed Person")
    assertContains(listing, f"Proposed by {writer.username}")
    assertNotContains(listing, "Recorded Person")


def test_the_confirm_action_confirms_with_a_revision(editor_client):
    proposal = _proposal(make_staff("Writer"))
    response = editor_client.post(
        reverse("admin:institutions_person_changelist"),
        {"action": "confirm_selected", "_selected_action": [proposal.pk]},
        follow=True,
    )
    assertContains(response, "Confirmed 1 proposal.")
    proposal.refresh_from_db()
    assert proposal.confirmed is True
    assert Version.objects.get_for_object(proposal).first().revision.comment == (
        "Confirmed the proposal."
    )


def test_the_confirm_button_on_the_change_page(editor_client):
    proposal = _proposal(make_staff("Writer"))
    page = editor_client.get(change_url(proposal))
    confirm = reverse("admin:institutions_person_confirm", args=[proposal.pk])
    assertContains(page, f'action="{confirm}"')
    assert editor_client.post(confirm).status_code == 302
    assert Person.objects.get(pk=proposal.pk).confirmed is True


def test_a_person_is_confirmed_only_after_the_institutions_of_their_positions(editor_client):
    writer = make_staff("Writer")
    school = make_institution(name="New School", confirmed=False, proposed_by=writer)
    person = _proposal(writer)
    make_position(person=person, institution=school)
    with pytest.raises(ProposalRefused, match="New School"):
        proposal_confirm(record=person, user=_user(editor_client))
    assert proposal_confirm(record=school, user=_user(editor_client)) is True
    assert proposal_confirm(record=person, user=_user(editor_client)) is True


# --- Merging -------------------------------------------------------------------


def test_an_editor_merges_a_proposal_into_the_existing_record(editor_client):
    kept = make_person(name="Choi Jae-young", korean_name="최재영")
    proposal = _proposal(make_staff("Writer"), name="Choi Jae-young", korean_name="최재영")
    position = make_position(person=proposal, title="Dean")
    quote = make_quote(person=proposal)
    article = make_article()
    Byline.objects.create(article=article, person=proposal)
    Byline.objects.create(article=article, person=kept, order=1)  # already a byline there
    article.people.add(proposal)

    url = reverse("admin:institutions_person_merge", args=[proposal.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    assertContains(page, "1 quotes")
    assertContains(page, f'name="into" value="{kept.pk}"')  # offered as a likely duplicate
    response = editor_client.post(url, {"into": kept.pk}, follow=True)
    assertContains(response, "Merged “Choi Jae-young” into this record")

    assert not Person.objects.filter(pk=proposal.pk).exists()
    quote.refresh_from_db()
    position.refresh_from_db()
    assert (quote.person_id, position.person_id) == (kept.pk, kept.pk)
    assert list(article.bylines.values_list("person_id", flat=True)) == [kept.pk]
    assert list(article.people.all()) == [kept]
    revision = Version.objects.get_for_object(kept).first().revision
    assert "Merged the proposal" in revision.comment


def test_a_merge_is_one_step_that_leaves_everything_when_it_fails(editor_client):
    kept = make_person()
    proposal = _proposal(make_staff("Writer"))
    with pytest.raises(ProposalRefused):
        proposal_merge(proposal=kept, into=proposal, user=_user(editor_client))
    with pytest.raises(ProposalRefused):
        proposal_merge(proposal=proposal, into=proposal, user=_user(editor_client))
    assert Person.objects.filter(pk__in=[kept.pk, proposal.pk]).count() == 2


def test_merging_an_institution_moves_its_units_and_positions(editor_client):
    kept = make_institution(name="KAIST")
    proposal = make_institution(
        name="Korea Advanced Institute", confirmed=False, proposed_by=make_staff("Writer")
    )
    unit = make_institution(name="GSMSE", parent=proposal)
    position = make_position(institution=proposal)
    moved, _dropped = proposal_merge(proposal=proposal, into=kept, user=_user(editor_client))
    unit.refresh_from_db()
    position.refresh_from_db()
    assert (unit.parent_id, position.institution_id) == (kept.pk, kept.pk)
    assert moved == {"institutions": 1, "positions": 1}
    assert not Institution.objects.filter(pk=proposal.pk).exists()


@pytest.mark.parametrize("into", ["999999", "abc", "99999999999999999999999", "1.5"])
def test_the_merge_page_refuses_an_unknown_record_with_a_message(editor_client, into):
    proposal = _proposal(make_staff("Writer"))
    url = reverse("admin:institutions_person_merge", args=[proposal.pk])
    response = editor_client.post(url, {"into": into})
    assert response.status_code == 200
    assertContains(response, "Choose a confirmed record other than the proposal itself.")
    assert Person.objects.filter(pk=proposal.pk).exists()


def test_restoring_a_revision_from_before_confirmation_keeps_the_record_confirmed(
    editor_client,
):
    writer = make_staff("Writer")
    proposal = _proposal(writer, name="Park Minji")
    with reversion.create_revision():
        proposal.save()
    proposal_confirm(record=proposal, user=_user(editor_client))
    first = Version.objects.get_for_object(proposal).order_by("pk").first()
    page = editor_client.get(
        reverse("admin:institutions_person_revision", args=[proposal.pk, first.pk])
    )
    response = editor_client.post(
        page.wsgi_request.path, {"opened_version": page.context["opened_version"]}
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(proposal)  # restored, not refused
    proposal.refresh_from_db()
    assert (proposal.confirmed, proposal.proposed_by) == (True, writer)


# --- The public site -----------------------------------------------------------


@pytest.fixture
def proposed_pair(db):
    writer = make_staff("Writer")
    person = make_person(
        name="Hidden Person", slug="hidden-person", confirmed=False, proposed_by=writer
    )
    institution = make_institution(
        name="Hidden Institute", slug="hidden-institute", confirmed=False, proposed_by=writer
    )
    make_person(name="Shown Person", slug="shown-person")
    make_institution(name="Shown Institute", slug="shown-institute")
    return person, institution


def test_proposals_have_no_public_page_feed_or_api_answer(client, proposed_pair):
    person, institution = proposed_pair
    for url in [
        person.get_absolute_url(),
        institution.get_absolute_url(),
        reverse("feeds:person", kwargs={"slug": person.slug}),
        reverse("feeds:institution", kwargs={"slug": institution.slug}),
        api_url("person_detail", slug=person.slug),
        api_url("institution_detail", slug=institution.slug),
    ]:
        assert client.get(url).status_code == 404, url


def test_proposals_are_in_no_public_list_or_sitemap(client, proposed_pair):
    for url, shown in [
        (reverse("institutions:person-list"), "Shown Person"),
        (reverse("institutions:index"), "Shown Institute"),
    ]:
        page = client.get(url)
        assertContains(page, shown)
        assertNotContains(page, "Hidden")
    for name in ["person_list", "institution_list"]:
        answer = json.loads(client.get(api_url(name)).content)
        names = [item["name"] for item in answer["items"]]
        assert names and not any(name.startswith("Hidden") for name in names)
    addresses = locs(every_sitemap(client))
    assert any(address.endswith("/people/shown-person/") for address in addresses)
    assert not any("hidden" in address for address in addresses)


def test_a_proposed_unit_is_not_listed_on_its_parents_page(client, db):
    parent = make_institution(name="KAIST", slug="kaist")
    make_institution(name="Proposed Unit", parent=parent, confirmed=False)
    make_institution(name="Confirmed Unit", parent=parent)
    page = client.get(parent.get_absolute_url())
    assertContains(page, "Confirmed Unit")
    assertNotContains(page, "Proposed Unit")
    detail = json.loads(client.get(api_url("institution_detail", slug="kaist")).content)
    assert [child["name"] for child in detail["children"]] == ["Confirmed Unit"]


# --- Publishing ----------------------------------------------------------------


def test_unconfirmed_records_names_the_proposals_a_story_would_print(db):
    writer = make_staff("Writer")
    school = make_institution(name="Proposed School", confirmed=False, proposed_by=writer)
    speaker = make_person(name="Confirmed Speaker")
    make_position(person=speaker, institution=school)
    proposal = _proposal(writer, name="Proposed Person")
    recorded = make_person()
    found = unconfirmed_records(
        people_ids=[speaker.pk, proposal.pk, recorded.pk],
        institution_ids=Institution.objects.filter(pk=school.pk).values("pk"),
    )
    assert found == [proposal, school]
    assert "Proposed Person (person), Proposed School (institution)" in unconfirmed_message(found)
    assert unconfirmed_records(people_ids=[recorded.pk], institution_ids=[]) == []


# --- Roles ---------------------------------------------------------------------


WRITER_GRANTS = {
    "add_person",
    "change_person",
    "add_institution",
    "change_institution",
    "add_position",
    "change_position",
    "delete_position",
}


def _codenames(group_name):
    group = Group.objects.get(name=group_name)
    return set(group.permissions.values_list("codename", flat=True))


def test_a_fresh_migrate_gives_each_role_its_proposal_permissions(db):
    # The test database is built by a fresh ``migrate``.
    assert _codenames("Writer") >= WRITER_GRANTS
    assert not {"confirm_person", "confirm_institution", "delete_person"} & _codenames("Writer")
    for role in ["Editor", "Administrator"]:
        assert {"confirm_person", "confirm_institution"} <= _codenames(role)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_proposal_permissions_go_and_come_back_with_the_migration():
    executor = MigrationExecutor(connection)
    executor.migrate([("institutions", "0003_agreement_renews")])
    assert not WRITER_GRANTS & _codenames("Writer")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert _codenames("Writer") >= WRITER_GRANTS
    assert "confirm_person" not in _codenames("Writer")
    for role in ["Editor", "Administrator"]:
        assert {"confirm_person", "confirm_institution"} <= _codenames(role)


def test_a_story_naming_a_proposal_cannot_be_published_until_it_is_confirmed(editor_client):
    from articles.models import ArticleStatus
    from articles.workflow import article_publish
    from tests.support.factories import make_article, make_quote, make_staff

    writer = make_staff("Writer")
    proposed = make_person(name="Kim Proposed", confirmed=False, proposed_by=writer)
    article = make_article(status=ArticleStatus.REVIEW)
    make_quote(article=article, person=proposed, text="A quote by a proposal")
    editor = editor_client.user

    problems = article_publish(article=article, user=editor)
    assert "Kim Proposed" in str(problems["__all__"])
    article.refresh_from_db()
    assert article.status == ArticleStatus.REVIEW

    proposed.confirmed = True
    proposed.save()
    assert article_publish(article=article, user=editor) == {}
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED


# The publication gate judges what the publishing save itself submits.


def _publishing_post(client, article, **changes):
    from django.utils import timezone

    page = client.get(change_url(article))
    data = admin_form_data(page, **changes)
    if article.status != "published":
        data["status"] = "published"
        now = timezone.localtime()
        data["published_at_0"], data["published_at_1"] = f"{now:%Y-%m-%d}", "00:00:00"
    data[WARNINGS_CONFIRMED] = "on"
    return client.post(change_url(article), data)


@pytest.mark.parametrize("relation", ["quote", "byline", "people", "institutions", "agreement"])
def test_a_proposal_added_in_the_publishing_save_itself_is_refused(editor_client, relation):
    from articles.models import Article, ArticleStatus
    from tests.support.factories import make_agreement, make_article, make_staff

    writer = make_staff("Writer")
    person = make_person(name="Kim Proposed", confirmed=False, proposed_by=writer)
    institution = make_institution(name="Proposed Institute", confirmed=False, proposed_by=writer)
    article = make_article(status=ArticleStatus.DRAFT, headline="About to go out")
    changes = {
        "quote": {
            "quotes-0-person": str(person.pk),
            "quotes-0-text": "Words.",
            "quotes-0-order": "0",
            "quotes-TOTAL_FORMS": "1",
        },
        "byline": {
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-person": str(person.pk),
            "bylines-0-order": "0",
        },
        "people": {"people": [str(person.pk)]},
        "institutions": {"institutions": [str(institution.pk)]},
        "agreement": {
            "agreements": [str(make_agreement(parties=[institution, make_institution()]).pk)]
        },
    }[relation]

    response = _publishing_post(editor_client, article, **changes)

    assert response.status_code == 200
    assert "names records a writer proposed" in response.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT
    assert Client().get(article.get_absolute_url()).status_code == 404


def test_publishing_a_writers_draft_changes_that_quote_a_proposal_is_refused(editor_client):
    from articles.models import Article, LiveDraft, Quote
    from tests.support.factories import make_article, make_staff

    writer = make_staff("Writer")
    person = make_person(name="Kim Proposed", confirmed=False, proposed_by=writer)
    live = make_article(headline="Live story", created_by=writer)
    page = editor_client.get(change_url(live))
    data = admin_form_data(
        page,
        **{
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": str(person.pk),
            "quotes-0-text": "Words by a proposal.",
            "quotes-0-order": "0",
            WARNINGS_CONFIRMED: "on",
        },
    )
    # Saved as draft changes: allowed, nothing public.
    assert editor_client.post(change_url(live), {**data, "_save_draft": "1"}).status_code == 302
    assert LiveDraft.objects.filter(article=live).exists()

    page = editor_client.get(change_url(live))
    data = admin_form_data(page, **{WARNINGS_CONFIRMED: "on"})
    response = editor_client.post(change_url(live), {**data, "_publish_changes": "1"})

    assert response.status_code == 200
    assert "names records a writer proposed" in response.content.decode()
    assert not Quote.objects.filter(article=live).exists()
    assert "Words by a proposal" not in Article.objects.get(pk=live.pk).body


def test_a_published_story_naming_a_proposal_can_drop_it_in_one_save(editor_client):
    from articles.models import ArticleStatus, Quote
    from tests.support.factories import make_article, make_quote, make_staff

    writer = make_staff("Writer")
    person = make_person(name="Kim Proposed", confirmed=False, proposed_by=writer)
    article = make_article(status=ArticleStatus.REVIEW, headline="Almost ready")
    make_quote(article=article, person=person, text="To be dropped.")

    response = _publishing_post(editor_client, article, **{"quotes-0-DELETE": "on"})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert not Quote.objects.filter(article=article).exists()
