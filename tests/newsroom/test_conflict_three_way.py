"""An edit conflict compared three ways: what the editor opened, what was saved since, the form.

Where the version the editor opened is stored as a revision, each
difference says who changed it since; what only one side changed comes
with that side chosen, so pressing Save again merges, and only what both
changed waits for a choice. Without that revision the refusal is two-way,
as before.
"""

import datetime
import json
import re

import pytest
from django.utils import timezone
from reversion.models import Version

from articles.models import ArticleStatus, Quote
from institutions.models import Position
from newsroom import revisions
from newsroom.locking import BOTH, MERGE_TOKEN_FIELD, MINE, ONLY_MINE, ONLY_THEIRS, THEIRS
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import (
    make_article,
    make_institution,
    make_person,
    make_position,
    make_quote,
    make_section,
    make_staff,
)

pytestmark = pytest.mark.django_db


def recorded(make, **fields):
    """``make(**fields)`` inside a revision, as the admin would have stored it."""
    with revisions.recorded(user=make_staff("Editor"), comment="Made."):
        return make(**fields)


def story(**fields):
    """A draft story with a stored revision of the version everyone opens."""
    fields.setdefault("status", ArticleStatus.DRAFT)
    return recorded(make_article, **fields)


def conflict_of(response):
    form = response.context["adminform"].form
    assert form.conflict is not None, form.errors
    return form.conflict


def item(response, label):
    """The difference whose row is labelled ``label`` (a prefix)."""
    found = [i for i in conflict_of(response).items if i.label.startswith(label)]
    assert len(found) == 1, [i.label for i in conflict_of(response).items]
    return found[0]


def refused_edit(two_editors, obj, theirs, mine):
    """Both open ``obj``; the first saves ``theirs``, the second's save of ``mine`` is refused."""
    first, second = two_editors
    url = change_url(obj)
    their_data = admin_form_data(first.get(url), **theirs, **{WARNINGS_CONFIRMED: "on"})
    my_data = admin_form_data(second.get(url), **mine, **{WARNINGS_CONFIRMED: "on"})
    saved = first.post(url, their_data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    refused = second.post(url, my_data)
    assert refused.status_code == 200
    return refused


def save_again(client, obj, refused, **changes):
    """Press Save on the refused form: what it holds, plus ``changes`` (choices, say)."""
    data = admin_form_data(refused)
    data[WARNINGS_CONFIRMED] = "on"
    data.update(changes)
    return client.post(change_url(obj), data)


def checked(row):
    """The value of the ticked radio in a row of the conflict table, "" when none is."""
    found = re.findall(r'<input type="radio"[^>]*value="(\w+)"[^>]*\schecked>', row)
    assert len(found) <= 1
    return found[0] if found else ""


def panel(response):
    return response.content.decode().split('id="edit-conflict"')[1].split("</table>")[0]


def row_html(response, label):
    """The conflict table's row whose header is ``label``."""
    for row in panel(response).split("<tr>")[1:]:
        if f'<th scope="row">{label}' in row:
            return row
    raise AssertionError(f"no row {label!r} in the conflict table")


# Fields of a story ------------------------------------------------------------


def test_what_only_one_side_changed_is_chosen_for_that_side_and_save_again_merges(two_editors):
    _first, second = two_editors
    article = story(headline="Trial begins in Seoul", standfirst="Old standfirst")

    refused = refused_edit(
        two_editors,
        article,
        {"standfirst": "A new standfirst"},
        {"headline": "Trial begins in Busan"},
    )

    assert conflict_of(refused).three_way
    assert item(refused, "Standfirst").origin == ONLY_THEIRS
    assert item(refused, "Headline").origin == ONLY_MINE
    standfirst, headline = row_html(refused, "Standfirst"), row_html(refused, "Headline")
    assert "Changed by Min-ji Kim only" in standfirst and checked(standfirst) == THEIRS
    assert "Changed by you only" in headline and checked(headline) == MINE
    assert "Nobody changed what the other changed" in refused.content.decode()

    # Just pressing Save again: the form posts no choice, the preselections count.
    response = save_again(second, article, refused)

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Trial begins in Busan", "A new standfirst")


def test_the_opened_version_is_a_column_with_each_side_s_words_marked_against_it(two_editors):
    article = story(headline="Trial begins in Seoul today")
    refused = refused_edit(
        two_editors,
        article,
        {"headline": "Trial begins in Busan today"},
        {"headline": "Trial begins in Seoul tomorrow"},
    )

    content = panel(refused)
    assert '<th scope="col">When you opened it</th>' in content
    row = row_html(refused, "Headline")
    base_cell, theirs_cell, mine_cell = row.split('<td class="newsroom-diff')[1:4]
    # Both words either side replaced are struck in the opened version...
    assert "Trial begins in <del>Seoul</del> <del>today</del>" in base_cell
    # ...and each side marks only what it put in.
    assert "Trial begins in <ins>Busan</ins> today" in theirs_cell
    assert "Trial begins in Seoul <ins>tomorrow</ins>" in mine_cell


def test_what_both_changed_waits_for_a_choice_and_blocks_a_plain_save_again(two_editors):
    _first, second = two_editors
    article = story(headline="Original", standfirst="Original standfirst")
    refused = refused_edit(
        two_editors,
        article,
        {"headline": "Their headline", "standfirst": "Their standfirst"},
        {"headline": "My headline"},
    )
    headline = item(refused, "Headline")
    assert headline.origin == BOTH and headline.default == ""
    assert "Changed by both of you" in row_html(refused, "Headline")
    assert checked(row_html(refused, "Headline")) == ""
    assert item(refused, "Standfirst").default == THEIRS

    again = save_again(second, article, refused)

    assert again.status_code == 200
    assert "Choose theirs or mine for every difference" in again.content.decode()
    article.refresh_from_db()
    assert article.headline == "Their headline"

    response = save_again(second, article, again, **{headline.choice_name: MINE})

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("My headline", "Their standfirst")


def test_a_preselected_choice_can_be_flipped(two_editors):
    _first, second = two_editors
    article = story(headline="Original", standfirst="Original standfirst")
    refused = refused_edit(
        two_editors, article, {"standfirst": "Their standfirst"}, {"headline": "Mine"}
    )
    standfirst = item(refused, "Standfirst")
    assert standfirst.default == THEIRS

    response = save_again(second, article, refused, **{standfirst.choice_name: MINE})

    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Mine", "Original standfirst")


def test_without_a_revision_of_the_opened_version_the_refusal_is_two_way(two_editors):
    """A story made outside a revision (an import, the shell): no base, no preselection."""
    _first, second = two_editors
    article = make_article(headline="Original", standfirst="Old", status=ArticleStatus.DRAFT)
    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})

    conflict = conflict_of(refused)
    assert not conflict.three_way
    assert all(i.origin == "" and i.default == "" for i in conflict.items)
    assert "When you opened it" not in panel(refused)
    assert " checked" not in panel(refused)
    assert "Changed by" not in panel(refused)
    assert save_again(second, article, refused).status_code == 200  # no choice yet


def test_a_revision_stored_before_it_held_the_version_number_means_two_way(two_editors):
    """Revisions from before the counter was recorded name no version: graceful, not guessed."""
    article = story(headline="Original", standfirst="Old")
    for version in Version.objects.get_for_object(article):
        data = json.loads(version.serialized_data)
        del data[0]["fields"]["version"]
        version.serialized_data = json.dumps(data)
        version.save()

    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})

    assert not conflict_of(refused).three_way
    assert " checked" not in panel(refused)


def test_a_third_save_meanwhile_still_compares_against_what_the_editor_first_opened(two_editors):
    """Not against the version the form was refused at: their first change stays theirs."""
    first, second = two_editors
    article = story(headline="Original", standfirst="Original standfirst", body="<p>Old.</p>")
    refused = refused_edit(
        two_editors, article, {"standfirst": "Their standfirst"}, {"headline": "Mine"}
    )
    # Meanwhile the first editor saves again.
    again_theirs = admin_form_data(first.get(change_url(article)), body="<p>Their body.</p>")
    assert first.post(change_url(article), again_theirs).status_code == 302

    restarted = save_again(second, article, refused)

    assert restarted.status_code == 200
    assert item(restarted, "Standfirst").origin == ONLY_THEIRS
    assert item(restarted, "Body").origin == ONLY_THEIRS
    assert item(restarted, "Headline").origin == ONLY_MINE
    response = save_again(second, article, restarted)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.standfirst, article.body) == (
        "Mine",
        "Their standfirst",
        "<p>Their body.</p>",
    )


def test_a_damaged_token_is_refused_and_carries_no_choices(two_editors):
    _first, second = two_editors
    article = story(headline="Original", standfirst="Original standfirst")
    refused = refused_edit(
        two_editors, article, {"standfirst": "Their standfirst"}, {"headline": "Mine"}
    )
    data = admin_form_data(refused)
    data[MERGE_TOKEN_FIELD] = data[MERGE_TOKEN_FIELD][:-4] + "abcd"

    response = second.post(change_url(article), data)

    assert response.status_code == 200
    assert not conflict_of(response).three_way
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Original", "Their standfirst")


def test_the_choices_of_a_merge_another_check_refused_wait_for_the_next_save(two_editors):
    _first, second = two_editors
    article = story(headline="Original", standfirst="Original standfirst")
    refused = refused_edit(
        two_editors, article, {"standfirst": "Their standfirst"}, {"headline": "Mine"}
    )

    response = save_again(second, article, refused, section="999999")

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "section" in form.errors
    # Theirs is in the form now; mine is still chosen for the headline.
    assert form["standfirst"].value() == "Their standfirst"
    assert item(response, "Headline").choice == MINE
    retry = save_again(second, article, response, section=str(article.section_id))
    assert retry.status_code == 302, retry.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Mine", "Their standfirst")


def test_the_radios_keep_their_names_and_are_described_by_who_changed_it(two_editors):
    """The row header and the labels stay "Headline", "Theirs", "Mine"; the origin describes."""
    article = story(headline="Original", standfirst="Original standfirst")
    refused = refused_edit(two_editors, article, {"standfirst": "Theirs"}, {"headline": "Mine"})

    row = row_html(refused, "Headline")
    assert '<th scope="row">Headline</th>' in row
    origin_id = row.split('class="newsroom-conflict-origin', 1)[1].split('id="', 1)[1].split('"')[0]
    assert row.count(f'aria-describedby="{origin_id}"') == 2
    assert f">{'Theirs'}</label>" in row and f">{'Mine'}</label>" in row
    assert "style=" not in panel(refused) and "<script" not in panel(refused)


def test_links_tags_and_times_are_compared_against_the_opened_version_too(two_editors):
    """Select, autocomplete, tag and date-and-time widgets: what I left alone is not mine.

    The story was published with a time to the microsecond, as code stamps
    it; the form shows whole seconds, which must not count as my change.
    """
    _first, second = two_editors
    article = story(
        headline="Original",
        tags=["vaccines"],
        published_at=timezone.now().replace(microsecond=123456) - datetime.timedelta(days=1),
    )
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

    origins = {i.label: i.origin for i in conflict_of(refused).items}
    assert origins == {
        "Headline": ONLY_MINE,
        "Section": ONLY_THEIRS,
        "Tags": BOTH,
        "People": ONLY_THEIRS,
        "Publication time": ONLY_THEIRS,
    }
    response = save_again(second, article, refused, **{item(refused, "Tags").choice_name: MINE})

    assert response.status_code == 302, response.context["adminform"].form.errors
    article = type(article).objects.get(pk=article.pk)
    assert (article.headline, article.section) == ("Mine", other_section)
    assert sorted(article.tags.names()) == ["policy"]
    assert list(article.people.all()) == [speaker]
    assert timezone.localtime(article.published_at).replace(second=0) == when.replace(
        second=0, microsecond=0
    )


def test_tags_added_to_a_story_that_had_none_are_theirs_alone(two_editors):
    _first, second = two_editors
    article = story(headline="Original")
    refused = refused_edit(two_editors, article, {"tags": "vaccines"}, {"headline": "Mine"})

    assert item(refused, "Tags").origin == ONLY_THEIRS
    response = save_again(second, article, refused)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = type(article).objects.get(pk=article.pk)
    assert (article.headline, list(article.tags.names())) == ("Mine", ["vaccines"])


def test_a_time_only_i_moved_is_mine_though_their_save_dropped_its_fraction_of_a_second(
    two_editors,
):
    _first, second = two_editors
    article = story(
        headline="Original",
        published_at=timezone.now().replace(microsecond=654321) - datetime.timedelta(days=1),
    )
    when = timezone.localtime(article.published_at) + datetime.timedelta(hours=2)
    refused = refused_edit(
        two_editors,
        article,
        {"headline": "Theirs"},
        {"published_at_0": when.date().isoformat(), "published_at_1": when.strftime("%H:%M:00")},
    )

    assert item(refused, "Publication time").origin == ONLY_MINE
    response = save_again(second, article, refused)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.headline == "Theirs"
    assert timezone.localtime(article.published_at) == when.replace(second=0, microsecond=0)


# Inline rows of a story -----------------------------------------------------


def quoted_story(*texts):
    """A draft story with quotes, all in the stored revision everyone opens."""
    speaker = make_person(name="Choi Jae-young")
    make_position(person=speaker, title="Dean")
    with revisions.recorded(user=make_staff("Editor"), comment="Made."):
        article = make_article(headline="Original", status=ArticleStatus.DRAFT)
        quotes = [make_quote(article=article, person=speaker, text=text) for text in texts]
    return article, quotes


def test_a_quote_only_they_changed_is_chosen_as_theirs(two_editors):
    _first, second = two_editors
    article, [quote] = quoted_story("We are ready.")
    refused = refused_edit(
        two_editors, article, {"quotes-0-text": "We are ready to begin."}, {"headline": "Mine"}
    )

    row = item(refused, "Quote")
    assert (row.kind, row.origin, row.default) == ("row", ONLY_THEIRS, THEIRS)
    assert "Changed by Min-ji Kim only" in row_html(refused, "Quote")
    assert "We are ready<ins> to begin</ins>." in row_html(refused, "Quote")

    response = save_again(second, article, refused)

    assert response.status_code == 302, response.context["adminform"].form.errors
    quote.refresh_from_db()
    article.refresh_from_db()
    assert (article.headline, quote.text) == ("Mine", "We are ready to begin.")


def test_a_quote_only_i_changed_is_chosen_as_mine(two_editors):
    _first, second = two_editors
    article, [quote] = quoted_story("We are ready.")
    refused = refused_edit(
        two_editors, article, {"headline": "Theirs"}, {"quotes-0-text": "We are not ready."}
    )

    assert item(refused, "Quote").origin == ONLY_MINE
    response = save_again(second, article, refused)

    assert response.status_code == 302, response.context["adminform"].form.errors
    quote.refresh_from_db()
    article.refresh_from_db()
    assert (article.headline, quote.text) == ("Theirs", "We are not ready.")


def test_a_quote_both_changed_waits_for_a_choice(two_editors):
    _first, second = two_editors
    article, [quote] = quoted_story("We are ready.")
    refused = refused_edit(
        two_editors, article, {"quotes-0-text": "Their words."}, {"quotes-0-text": "My words."}
    )
    row = item(refused, "Quote")
    assert (row.origin, row.default) == (BOTH, "")
    assert save_again(second, article, refused).status_code == 200

    response = save_again(second, article, refused, **{row.choice_name: MINE})

    assert response.status_code == 302, response.context["adminform"].form.errors
    quote.refresh_from_db()
    assert quote.text == "My words."


def test_a_quote_they_deleted_and_i_left_alone_stays_deleted(two_editors):
    _first, second = two_editors
    article, _quotes = quoted_story("Doomed quote.", "Kept quote.")
    refused = refused_edit(two_editors, article, {"quotes-0-DELETE": "on"}, {"headline": "Mine"})

    [gone] = [i for i in conflict_of(refused).items if i.kind == "gone"]
    assert (gone.kind, gone.origin, gone.default) == ("gone", ONLY_THEIRS, THEIRS)
    assert "Doomed quote." in row_html(refused, gone.label)

    response = save_again(second, article, refused)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Quote.objects.filter(article=article).values_list("text", flat=True)) == [
        "Kept quote."
    ]


def test_a_quote_they_deleted_that_i_edited_waits_for_a_choice(two_editors):
    _first, second = two_editors
    article, [_doomed] = quoted_story("Doomed quote.")
    refused = refused_edit(
        two_editors, article, {"quotes-0-DELETE": "on"}, {"quotes-0-text": "My rescued quote."}
    )
    gone = [i for i in conflict_of(refused).items if i.kind == "gone"]
    assert len(gone) == 1 and gone[0].origin == BOTH
    assert save_again(second, article, refused).status_code == 200

    response = save_again(second, article, refused, **{gone[0].choice_name: MINE})

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(Quote.objects.filter(article=article).values_list("text", flat=True)) == [
        "My rescued quote."
    ]


def test_a_quote_they_added_is_kept_and_shown_as_not_there_when_i_opened_it(two_editors):
    first, second = two_editors
    article, _quotes = quoted_story()
    speaker = make_person(name="Kang Min-su")
    make_position(person=speaker, title="Provost")
    url = change_url(article)
    my_data = admin_form_data(second.get(url), headline="Mine")
    their_data = admin_form_data(
        first.get(url),
        **{
            WARNINGS_CONFIRMED: "on",
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": str(speaker.pk),
            "quotes-0-text": "A quote they added.",
            "quotes-0-order": "0",
            "quotes-0-title_override": "",
        },
    )
    assert first.post(url, their_data).status_code == 302

    refused = second.post(url, my_data)

    added = [i for i in conflict_of(refused).items if i.kind == "added"]
    assert len(added) == 1 and not added[0].needs_choice
    assert added[0].details[0][1] == "—"  # not there when I opened it
    # Nothing else needs a choice: a plain save again merges.
    response = save_again(second, article, refused)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.headline == "Mine"
    assert list(article.quotes.values_list("text", flat=True)) == ["A quote they added."]


# An institutions record: a person with positions ------------------------------


def test_a_person_s_name_and_positions_merge_three_ways(two_editors):
    _first, second = two_editors
    with revisions.recorded(user=make_staff("Editor"), comment="Made."):
        person = make_person(name="Kang Min-su", bio="Dean of medicine.")
        position = make_position(person=person, title="Dean", institution=make_institution())

    refused = refused_edit(
        two_editors,
        person,
        {"positions-0-title": "Vice Dean"},
        {"name": "Kang Min-soo"},
    )

    assert conflict_of(refused).three_way
    assert item(refused, "Name").origin == ONLY_MINE
    assert item(refused, "Position").origin == ONLY_THEIRS
    response = save_again(second, person, refused)

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    position.refresh_from_db()
    assert (person.name, position.title) == ("Kang Min-soo", "Vice Dean")


def test_a_person_s_name_both_changed_waits_for_a_choice(two_editors):
    _first, second = two_editors
    person = recorded(make_person, name="Kang Min-su")
    refused = refused_edit(two_editors, person, {"name": "Kang Minsu"}, {"name": "Kang Min-soo"})
    name = item(refused, "Name")
    assert name.origin == BOTH
    assert save_again(second, person, refused).status_code == 200

    response = save_again(second, person, refused, **{name.choice_name: THEIRS})

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.name == "Kang Minsu"


def test_a_position_stamped_by_digest_keeps_the_two_way_refusal(two_editors):
    """Positions have no version counter, so no revision names the one opened."""
    position = make_position(title="Dean")
    refused = refused_edit(two_editors, position, {"title": "Vice Dean"}, {"title": "Acting Dean"})
    assert not conflict_of(refused).three_way
    assert Position.objects.get(pk=position.pk).title == "Vice Dean"


# The helpers in newsroom.revisions --------------------------------------------


def test_revision_at_version_finds_the_revision_of_that_version_only():
    article = story(headline="One")
    article.headline = "Two"
    with revisions.recorded(user=None, comment="Second."):
        article.save()

    opened = revisions.revision_at_version(article, str(article.version - 1))

    assert opened is not None
    assert revisions.revision_held(opened).values["headline"] == "One"
    assert revisions.revision_at_version(article, str(article.version)).pk != opened.pk
    for stamp in ("", "0", "-1", "abc", "3-0", str(article.version + 5), "9" * 40):
        assert revisions.revision_at_version(article, stamp) is None


def test_word_diff_from_escapes_every_side():
    base, (theirs, mine) = revisions.word_diff_from(
        "<b>old</b> words", "<b>new</b> words", "<i>old</i> words"
    )
    assert "<b>" not in base and "<i>" not in mine
    assert base == "&lt;<del>b</del>&gt;<del>old</del>&lt;/<del>b</del>&gt; words"
    assert theirs == "&lt;b&gt;<ins>new</ins>&lt;/b&gt; words"
    assert mine == "&lt;<ins>i</ins>&gt;old&lt;/<ins>i</ins>&gt; words"
