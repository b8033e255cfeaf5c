"""Two people editing a live story's draft: the refusal shows what differs, and the merge loses nothing."""

import pytest
from django.test import Client

from articles.models import Article, LiveDraft, Quote
from newsroom.locking import MERGE_TOKEN_FIELD, MINE, THEIRS
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import make_article, make_person, make_quote, make_staff

pytestmark = pytest.mark.django_db

LIVE_HEADLINE = "Twelve labs sign the research pact"


@pytest.fixture
def live(db):
    article = make_article(
        headline=LIVE_HEADLINE,
        slug="twelve-labs",
        standfirst="The pact covers twelve laboratories.",
        tags=["research"],
    )
    make_quote(article=article, person=make_person(name="Lee Dean"), text="A fine day.")
    # As an admin save leaves it: the quoted person among the story's links.
    article.implied_links_add()
    return Article.objects.get(pk=article.pk)


def _client(role, **names):
    client = Client()
    client.user = make_staff(role, **names)
    client.force_login(client.user)
    return client


def _opened(client, article, **changes):
    """What ``client``'s change form of ``article`` would post, with ``changes`` typed in."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    return admin_form_data(page, **changes, **{WARNINGS_CONFIRMED: "on"})


def _refused(first, second, article, first_changes, second_changes):
    """Both open the story; ``first`` saves a draft, then ``second``'s save is refused."""
    first_data = _opened(first, article, _save_draft="1", **first_changes)
    second_data = _opened(second, article, **second_changes)
    saved = first.post(change_url(article), first_data)
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    refused = second.post(change_url(article), {**second_data, "_save_draft": "1"})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.conflict is not None
    return refused


def _choose(response, **by_label):
    """The re-rendered form sent back with a choice for each difference named by label prefix."""
    conflict = response.context["adminform"].form.conflict
    chosen = {}
    for item in conflict.items:
        for label, choice in by_label.items():
            if item.label.lower().startswith(label.lower()):
                chosen[item.choice_name] = choice
    assert len(chosen) == len(by_label), [item.label for item in conflict.items]
    return admin_form_data(response, **chosen, **{WARNINGS_CONFIRMED: "on"})


def _quote_prefix(response):
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.model is Quote
    )
    return formset.prefix


def _edited_quote(client, article, text):
    page = client.get(change_url(article))
    return {f"{_quote_prefix(page)}-0-text": text}


def test_a_second_draft_save_is_refused_with_the_differences_and_needs_every_choice(live):
    first = _client("Editor", first_name="Min-ji", last_name="Kim")
    second = _client("Editor", username="second-editor")
    refused = _refused(
        first,
        second,
        live,
        {"headline": "Forty-one labs sign", **_edited_quote(first, live, "A very fine day.")},
        {"headline": "Twelve labs and a hospital sign", "standfirst": "Now with a hospital."},
    )
    conflict = refused.context["adminform"].form.conflict
    labels = [item.label for item in conflict.items]
    assert "Headline" in labels
    assert any(label.startswith("Quote") for label in labels)
    # The standfirst the draft left alone differs from the form too: theirs is the live text.
    assert "Standfirst" in labels
    assert conflict.who == "Min-ji Kim"
    assert conflict.stored_what == "the draft"
    assert not conflict.three_way
    content = refused.content.decode()
    assert "saved this story or its draft" in content
    assert "Theirs (the draft): saved by Min-ji Kim" in content
    assert "Forty-one" in content and "hospital" in content
    assert "A very fine day." in content
    assert (
        refused.context["adminform"].form["headline"].value() == "Twelve labs and a hospital sign"
    )

    # Pressing Save again without choosing is refused, and nothing is written.
    again = second.post(
        change_url(live),
        {**admin_form_data(refused, **{WARNINGS_CONFIRMED: "on"}), "_save_draft": "1"},
    )
    assert again.status_code == 200
    assert again.context["adminform"].form.conflict.unresolved
    assert "Choose theirs or mine for every difference" in again.content.decode()
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == (
        "Forty-one labs sign"
    )


def test_the_chosen_merge_is_saved_as_the_draft_and_the_public_keeps_the_live_story(client, live):
    first = _client("Editor", first_name="Min-ji", last_name="Kim")
    second = _client("Editor", username="second-editor")
    refused = _refused(
        first,
        second,
        live,
        {"headline": "Forty-one labs sign", **_edited_quote(first, live, "A very fine day.")},
        {"headline": "Twelve labs and a hospital sign", "standfirst": "Now with a hospital."},
    )
    data = _choose(refused, headline=MINE, standfirst=MINE, quote=THEIRS)
    saved = second.post(change_url(live), {**data, "_save_draft": "1"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors

    content = LiveDraft.objects.get(article=live).content
    assert content["fields"]["headline"] == "Twelve labs and a hospital sign"
    assert content["fields"]["standfirst"] == "Now with a hospital."
    assert [row["text"] for row in content["inlines"]["quotes"]] == ["A very fine day."]
    stored = Article.objects.get(pk=live.pk)
    assert stored.headline == LIVE_HEADLINE
    assert Quote.objects.get(article=live).text == "A fine day."
    public = client.get(live.get_absolute_url()).content.decode()
    assert LIVE_HEADLINE in public and "hospital" not in public


def test_choosing_theirs_keeps_the_other_draft_and_a_row_it_added(live):
    first = _client("Editor", first_name="Min-ji", last_name="Kim")
    second = _client("Editor", username="second-editor")
    first_page = first.get(change_url(live))
    prefix = _quote_prefix(first_page)
    added = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-1-person": str(make_person(name="Park Chair").pk),
        f"{prefix}-1-text": "We are ready.",
        f"{prefix}-1-order": "1",
    }
    refused = _refused(
        first, second, live, {"headline": "Forty-one labs sign", **added}, {"headline": "Mine"}
    )
    conflict = refused.context["adminform"].form.conflict
    added_items = [item for item in conflict.items if item.kind == "added"]
    assert len(added_items) == 1 and "We are ready" in added_items[0].label
    # The draft links the person its new quote quotes; that is the new row's
    # difference, not a second one under People, and the merge links him again.
    assert "People" not in [item.label for item in conflict.items]
    data = _choose(refused, headline=THEIRS)
    saved = second.post(change_url(live), {**data, "_save_draft": "1"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    content = LiveDraft.objects.get(article=live).content
    assert content["fields"]["headline"] == "Forty-one labs sign"
    assert sorted(row["text"] for row in content["inlines"]["quotes"]) == [
        "A fine day.",
        "We are ready.",
    ]
    park = Quote._meta.get_field("person").related_model.objects.get(name="Park Chair")
    assert park.pk in content["m2m"]["people"]


def test_publish_changes_after_choosing_puts_the_merge_live(live):
    first = _client("Editor", first_name="Min-ji", last_name="Kim")
    second = _client("Editor", username="second-editor")
    refused = _refused(
        first,
        second,
        live,
        {"headline": "Forty-one labs sign", **_edited_quote(first, live, "A very fine day.")},
        {"headline": "Twelve labs and a hospital sign", "standfirst": "Now with a hospital."},
    )
    data = _choose(refused, headline=THEIRS, standfirst=MINE, quote=THEIRS)
    published = second.post(change_url(live), {**data, "_publish_changes": "1"})
    assert published.status_code == 302, published.context["adminform"].form.errors

    stored = Article.objects.get(pk=live.pk)
    assert stored.headline == "Forty-one labs sign"
    assert stored.standfirst == "Now with a hospital."
    assert stored.is_published()
    assert list(Quote.objects.filter(article=live).values_list("text", flat=True)) == [
        "A very fine day."
    ]
    assert not LiveDraft.objects.filter(article=live).exists()


def test_a_tampered_merge_token_is_refused(live):
    first = _client("Editor", first_name="Min-ji", last_name="Kim")
    second = _client("Editor", username="second-editor")
    refused = _refused(
        first, second, live, {"headline": "Forty-one labs sign"}, {"headline": "Mine"}
    )
    data = _choose(refused, headline=MINE)
    data[MERGE_TOKEN_FIELD] = data[MERGE_TOKEN_FIELD][:-4] + "abcd"
    response = second.post(change_url(live), {**data, "_save_draft": "1"})
    assert response.status_code == 200
    assert response.context["adminform"].form.conflict is not None
    assert LiveDraft.objects.get(article=live).content["fields"]["headline"] == (
        "Forty-one labs sign"
    )


def test_a_writer_on_their_own_live_story_gets_the_same_merge():
    writer = _client("Writer", username="writer-park")
    story = make_article(headline="Writer's live story", created_by=writer.user)
    editor = _client("Editor", first_name="Min-ji", last_name="Kim")
    refused = _refused(
        editor, writer, story, {"headline": "Edited by the desk"}, {"standfirst": "Writer's lead."}
    )
    assert "Theirs (the draft): saved by Min-ji Kim" in refused.content.decode()
    data = _choose(refused, headline=THEIRS, standfirst=MINE)
    saved = writer.post(change_url(story), {**data, "_save_draft": "1"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    content = LiveDraft.objects.get(article=story).content
    assert content["fields"]["headline"] == "Edited by the desk"
    assert content["fields"]["standfirst"] == "Writer's lead."
    assert Article.objects.get(pk=story.pk).headline == "Writer's live story"
