"""Two people editing one record: the refusal shows who changed what, and the merge loses nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, ArticleStatus, Quote, Section
from institutions.models import Agreement, AgreementArea, Institution, Person, Position
from newsroom.locking import MERGE_TOKEN_FIELD, MINE, THEIRS
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
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


def conflict_of(response):
    """The refusal the re-rendered form holds (newsroom.locking.Conflict)."""
    conflict = response.context["adminform"].form.conflict
    assert conflict is not None, response.context["adminform"].form.errors
    return conflict


def choices(response, **by_label):
    """POST entries choosing theirs or mine for the differences named by label (prefix match).

    Ticks "Save anyway" too, as an editor would after reading a warning
    (a quote by someone with no recorded position warns).
    """
    data = {}
    for item in conflict_of(response).items:
        for label, choice in by_label.items():
            if item.label.lower().startswith(label.replace("_", " ").lower()):
                data[item.choice_name] = choice
    assert len(data) == len(by_label), [item.label for item in conflict_of(response).items]
    data[WARNINGS_CONFIRMED] = "on"
    return data


def refused_edit(two_editors, obj, first_changes, second_changes):
    """First editor saves ``first_changes``; the second's save of ``second_changes`` is refused."""
    first, second = two_editors
    url = change_url(obj)
    first_data = admin_form_data(first.get(url), **first_changes, **{WARNINGS_CONFIRMED: "on"})
    second_data = admin_form_data(second.get(url), **second_changes, **{WARNINGS_CONFIRMED: "on"})
    saved = first.post(url, first_data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    refused = second.post(url, second_data)
    assert refused.status_code == 200
    return refused


def test_the_refusal_shows_their_value_and_mine_with_who_saved_and_the_changed_words(
    two_editors,
):
    article = make_article(
        headline="Trial begins in Seoul", standfirst="Old standfirst", status=ArticleStatus.DRAFT
    )
    refused = refused_edit(
        two_editors,
        article,
        {"standfirst": "A new standfirst"},
        {"headline": "Trial begins in Busan"},
    )

    content = refused.content.decode()
    assert "Min-ji Kim saved this record at" in content
    assert "Theirs: saved by Min-ji Kim" in content
    # Their words and mine, each marked where they differ.
    assert "Trial begins in <del>Seoul</del>" in content
    assert "<ins>Busan</ins>" in content
    assert "<ins>Old</ins>" in content and "<del>A new</del>" in content
    labels = [item.label for item in conflict_of(refused).items]
    assert labels == ["Headline", "Standfirst"]
    assert content.count('type="radio"') == 4
    assert f'name="{MERGE_TOKEN_FIELD}"' in content


def test_choosing_per_field_saves_the_merge(two_editors):
    _first, second = two_editors
    article = make_article(
        headline="Original headline", standfirst="Original standfirst", status=ArticleStatus.DRAFT
    )
    refused = refused_edit(
        two_editors,
        article,
        {"standfirst": "Their standfirst", "body": "<p>Their body.</p>"},
        {"headline": "My headline", "body": "<p>My body.</p>"},
    )
    data = admin_form_data(refused)
    data.update(choices(refused, headline=MINE, standfirst=THEIRS, body=MINE))

    response = second.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.standfirst, article.body) == (
        "My headline",
        "Their standfirst",
        "<p>My body.</p>",
    )


def test_a_merge_is_refused_again_until_every_difference_has_a_choice(two_editors):
    _first, second = two_editors
    article = make_article(headline="Original", standfirst="Original", status=ArticleStatus.DRAFT)
    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})
    data = admin_form_data(refused)
    data.update(choices(refused, headline=MINE))

    again = second.post(change_url(article), data)

    assert again.status_code == 200
    assert "Choose theirs or mine for every difference" in again.content.decode()
    # The choice already made is still ticked.
    assert f'value="{MINE}" required checked' in again.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Original", "Theirs")


def test_a_third_save_meanwhile_means_a_new_refusal_with_the_new_differences(two_editors):
    first, second = two_editors
    article = make_article(headline="Original", standfirst="Original", status=ArticleStatus.DRAFT)
    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})
    merge = admin_form_data(refused)
    merge.update(choices(refused, headline=MINE, standfirst=MINE))
    # Meanwhile the first editor saves again.
    assert (
        first.post(
            change_url(article),
            admin_form_data(first.get(change_url(article)), standfirst="Theirs, again"),
        ).status_code
        == 302
    )

    response = second.post(change_url(article), merge)

    assert response.status_code == 200
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Original", "Theirs, again")
    content = response.content.decode()
    assert "Theirs, again" in content or "<del>, again</del>" in content
    # Choices made against the older save are not carried over.
    assert " checked" not in content.split('id="edit-conflict"')[1].split("</table>")[0]
    # The form now carries the newest version.
    assert admin_form_data(response)["opened_version"] == str(article.version)


def test_a_damaged_merge_token_is_refused(two_editors):
    _first, second = two_editors
    article = make_article(headline="Original", status=ArticleStatus.DRAFT)
    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})
    data = admin_form_data(refused)
    data.update(choices(refused, headline=MINE, standfirst=MINE))
    data[MERGE_TOKEN_FIELD] = data[MERGE_TOKEN_FIELD][:-4] + "abcd"

    response = second.post(change_url(article), data)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == "Original"


def test_quote_changes_are_shown_row_by_row_and_theirs_keeps_the_colleagues_words(two_editors):
    _first, second = two_editors
    article = make_article(headline="Original", status=ArticleStatus.DRAFT)
    quote = make_quote(article=article, text="We are ready.")
    refused = refused_edit(
        two_editors,
        article,
        {"quotes-0-text": "We are ready to begin."},
        {"headline": "Mine", "quotes-0-text": "We are not ready."},
    )
    content = refused.content.decode()
    assert "<ins>not </ins>" in content or "<ins>not</ins>" in content
    row_labels = [item.label for item in conflict_of(refused).items if item.kind == "row"]
    assert len(row_labels) == 1 and row_labels[0].startswith("Quote")
    # The summary names the quote too, not only the fields.
    summary = content[content.index("differs from your form in:") :][:200]
    assert "Headline" in summary and "Quote" in summary

    # Their save also put the quoted speaker under People (Article.implied_links_add),
    # which the quote row's choice decides: no separate difference.
    assert not any(item.label == "People" for item in conflict_of(refused).items)
    data = admin_form_data(refused)
    data.update(choices(refused, headline=MINE, quote=THEIRS))
    response = second.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    quote.refresh_from_db()
    article.refresh_from_db()
    assert (article.headline, quote.text) == ("Mine", "We are ready to begin.")


def test_mine_for_a_quote_row_keeps_my_words(two_editors):
    _first, second = two_editors
    article = make_article(headline="Original", status=ArticleStatus.DRAFT)
    quote = make_quote(article=article, text="We are ready.")
    refused = refused_edit(
        two_editors,
        article,
        {"quotes-0-text": "Their words."},
        {"quotes-0-text": "My words."},
    )
    data = admin_form_data(refused)
    data.update(choices(refused, quote=MINE))
    assert second.post(change_url(article), data).status_code == 302
    quote.refresh_from_db()
    assert quote.text == "My words."


def test_a_quote_the_colleague_added_is_shown_and_kept(two_editors):
    first, second = two_editors
    article = make_article(headline="Original", status=ArticleStatus.DRAFT)
    speaker = make_person(name="Choi Jae-young")
    url = change_url(article)
    second_data = admin_form_data(second.get(url), headline="Mine")
    first_page = first.get(url)
    first_data = admin_form_data(
        first_page,
        **{
            WARNINGS_CONFIRMED: "on",
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": str(speaker.pk),
            "quotes-0-text": "A quote they added.",
            "quotes-0-order": "0",
            "quotes-0-title_override": "",
        },
    )
    assert first.post(url, first_data).status_code == 302

    refused = second.post(url, second_data)

    added = [item for item in conflict_of(refused).items if item.kind == "added"]
    assert len(added) == 1 and not added[0].needs_choice
    assert "A quote they added." in refused.content.decode()
    data = admin_form_data(refused)
    data.update(choices(refused, headline=MINE))
    assert second.post(url, data).status_code == 302
    assert list(article.quotes.values_list("text", flat=True)) == ["A quote they added."]
    # The kept quote implies its speaker's link again.
    assert list(article.people.all()) == [speaker]


@pytest.mark.parametrize(("choice", "kept"), [(THEIRS, []), (MINE, ["My kept quote."])])
def test_a_quote_the_colleague_deleted_is_left_deleted_or_written_again(two_editors, choice, kept):
    first, second = two_editors
    article = make_article(headline="Original", status=ArticleStatus.DRAFT)
    make_quote(article=article, text="Doomed quote.")
    url = change_url(article)
    second_data = admin_form_data(
        second.get(url), **{"quotes-0-text": "My kept quote.", WARNINGS_CONFIRMED: "on"}
    )
    first_data = admin_form_data(first.get(url), **{"quotes-0-DELETE": "on"})
    assert first.post(url, first_data).status_code == 302

    refused = second.post(url, second_data)
    gone = [item for item in conflict_of(refused).items if item.kind == "gone"]
    assert len(gone) == 1
    assert "Deleted by Min-ji Kim" in refused.content.decode()
    data = admin_form_data(refused)
    data.update(choices(refused, quote=choice))
    response = second.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Quote.objects.filter(article=article).values_list("text", flat=True)) == kept


def test_a_merge_another_check_refuses_keeps_its_choices_for_the_next_save(two_editors):
    """A complete merge whose save fails for another reason must not turn into a plain save."""
    _first, second = two_editors
    article = make_article(headline="Original", standfirst="Original", status=ArticleStatus.DRAFT)
    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})
    data = admin_form_data(refused)
    data.update(choices(refused, headline=MINE, standfirst=THEIRS))
    data["section"] = "999999"  # a section that does not exist: the form refuses it

    response = second.post(change_url(article), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "section" in form.errors
    # Theirs is now in the form, mine still chosen for the headline.
    assert form["standfirst"].value() == "Theirs"
    retry = admin_form_data(response, section=str(article.section_id))
    retry.update({k: v for k, v in data.items() if k.startswith("_merge-")})
    retry[WARNINGS_CONFIRMED] = "on"
    assert second.post(change_url(article), retry).status_code == 302
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Mine", "Theirs")


def test_staff_input_is_escaped_in_the_refusal(two_editors):
    article = make_article(headline="Original", status=ArticleStatus.DRAFT)
    refused = refused_edit(
        two_editors,
        article,
        {"headline": "<script>alert('theirs')</script>"},
        {"headline": "<img src=x onerror=alert(1)>"},
    )
    panel = refused.content.decode().split('id="edit-conflict"')[1].split("</table>")[0]
    assert "<script" not in panel and "<img" not in panel
    assert "&lt;<del>script&gt;</del>" in panel and "&lt;<ins>img src=x onerror=</ins>" in panel


@pytest.mark.parametrize(
    ("maker", "field"),
    [
        (lambda: make_institution(name="Original"), "name"),
        (lambda: make_person(name="Original"), "name"),
        (
            lambda: make_agreement(
                title="Original", parties=[make_institution(), make_institution()]
            ),
            "title",
        ),
        (lambda: make_section(name="Original"), "name"),
        (lambda: Tag.objects.create(name="original", slug="original"), "name"),
        (lambda: make_position(title="Original"), "title"),
    ],
    ids=["institution", "person", "agreement", "section", "tag", "position"],
)
def test_every_locked_record_offers_the_merge(two_editors, maker, field):
    _first, second = two_editors
    obj = maker()
    refused = refused_edit(two_editors, obj, {field: "Theirs"}, {field: "Mine"})
    assert "after you opened it" in refused.content.decode()
    plain = admin_form_data(refused)
    assert second.post(change_url(obj), plain).status_code == 200  # no choice yet

    data = admin_form_data(refused)
    data.update(choices(refused, **{field: MINE}))
    response = second.post(change_url(obj), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == "Mine"


def test_a_person_s_positions_are_compared_row_by_row(two_editors):
    _first, second = two_editors
    person = make_person(name="Kang Min-su")
    position = make_position(person=person, title="Dean")
    refused = refused_edit(
        two_editors,
        person,
        {"positions-0-title": "Vice Dean"},
        {"positions-0-title": "Acting Dean"},
    )
    data = admin_form_data(refused)
    data.update(choices(refused, position=THEIRS))
    assert second.post(change_url(person), data).status_code == 302
    position.refresh_from_db()
    assert position.title == "Vice Dean"


def test_models_used_above_are_the_locked_ones():
    """The parametrised test covers every admin that uses the lock."""
    from django.contrib import admin

    from newsroom.locking import OptimisticLockAdminMixin

    locked = {
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, OptimisticLockAdminMixin)
    }
    assert locked == {Article, Institution, Person, Agreement, Section, Tag, Position}


def test_theirs_for_links_tags_and_times_takes_the_stored_values(two_editors):
    """Select, autocomplete, tag and date-and-time widgets all carry "theirs" back intact."""
    _first, second = two_editors
    article = make_article(headline="Original", status=ArticleStatus.DRAFT, tags=["vaccines"])
    other_section = make_section(name="Campus")
    speaker = make_person(name="Choi Jae-young")
    when = timezone.localtime(article.published_at) - datetime.timedelta(days=3)
    refused = refused_edit(
        two_editors,
        article,
        {
            "section": str(other_section.pk),
            "tags": "vaccines, clinical-trials",
            "people": [str(speaker.pk)],
            "published_at_0": when.date().isoformat(),
            "published_at_1": when.strftime("%H:%M:00"),
        },
        {"headline": "Mine", "tags": "policy"},
    )
    labels = {item.label for item in conflict_of(refused).items}
    assert {"Headline", "Section", "Tags", "People", "Publication time"} <= labels, labels
    data = admin_form_data(refused)
    data.update(
        choices(
            refused,
            headline=MINE,
            section=THEIRS,
            tags=THEIRS,
            people=THEIRS,
            publication_time=THEIRS,
        )
    )

    response = second.post(change_url(article), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "Mine"
    assert article.section == other_section
    assert sorted(article.tags.names()) == ["clinical-trials", "vaccines"]
    assert list(article.people.all()) == [speaker]
    assert timezone.localtime(article.published_at).replace(
        second=0, microsecond=0
    ) == when.replace(second=0, microsecond=0)


def test_a_stale_row_in_a_list_stays_refused_until_the_list_is_reloaded(two_editors):
    """The list has no room for a merge: saving the refused list again must not win."""
    _first, second = two_editors
    section = make_section(name="Campus", order=3)
    changelist = reverse("admin:articles_section_changelist")
    stamp = second.get(changelist).context["cl"].formset.forms[0]["opened_version"].value()
    Section.objects.filter(pk=section.pk).update(order=9)
    row = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": str(section.pk),
        "form-0-order": "1",
        "form-0-opened_version": stamp,
        "_save": "Save",
    }

    refused = second.post(changelist, row)
    assert refused.status_code == 200
    assert "Reload the list" in refused.content.decode()
    resent = refused.context["cl"].formset.forms[0]["opened_version"].value()
    again = second.post(changelist, {**row, "form-0-opened_version": resent})

    assert again.status_code == 200
    section.refresh_from_db()
    assert section.order == 9


def test_an_agreement_s_areas_and_parties_are_rows_too(two_editors):
    _first, second = two_editors
    agreement = make_agreement(title="MOU", parties=[make_institution(), make_institution()])
    area = AgreementArea.objects.create(agreement=agreement, description="Joint research")
    refused = refused_edit(
        two_editors,
        agreement,
        {"areas-0-description": "Joint research and teaching", "party_rows-1-order": "5"},
        {"title": "MOU renewed", "areas-0-description": "Joint clinical research"},
    )
    kinds = {item.label.split(":")[0]: item.kind for item in conflict_of(refused).items}
    assert kinds == {"Title": "field", "Area of cooperation": "row", "Party": "row"}
    data = admin_form_data(refused)
    data.update(choices(refused, title=MINE, area=MINE, party=THEIRS))

    response = second.post(change_url(agreement), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    area.refresh_from_db()
    agreement.refresh_from_db()
    assert (agreement.title, area.description) == ("MOU renewed", "Joint clinical research")
    assert sorted(agreement.party_rows.values_list("order", flat=True)) == [0, 5]
