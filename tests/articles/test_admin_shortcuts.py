"""Fewer clicks for a story: what the admin fills in or opens ready, and what it never guesses.

The seed story took 62 clicks; the officer no longer picks again the people
a story quotes or the parties of the agreement it covers, a new story opens
in the section its writer used last, and the rows nearly every new record
needs (a quote, a position, two parties) are there at once.
"""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleStatus, Section
from institutions.models import Agreement, Institution, Person
from newsroom.validation import WARNINGS_CONFIRMED
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
    make_quote,
    make_section,
    make_staff,
)

pytestmark = pytest.mark.django_db

ADD_ARTICLE = reverse("admin:articles_article_add")


def add_page_post(client, **changes):
    page = client.get(ADD_ARTICLE)
    changes.setdefault(WARNINGS_CONFIRMED, "on")
    return client.post(ADD_ARTICLE, admin_form_data(page, **changes))


# What the story is about


def test_saving_adds_the_quoted_people_and_the_agreement_parties(editor_client):
    medicine = make_institution(name="Yonsei University College of Medicine")
    school = make_institution(name="KAIST Graduate School of Medical Science and Engineering")
    choi, park = make_person(name="Choi Jae-young"), make_person(name="Park Su-hyung")
    agreement = make_agreement(parties=[medicine, school])
    section = make_section()

    response = add_page_post(
        editor_client,
        headline="Yonsei and KAIST sign an MOU",
        slug="yonsei-kaist-mou",
        section=str(section.pk),
        body="<p>The two schools will share research staff.</p>",
        agreements=[str(agreement.pk)],
        **{
            "quotes-TOTAL_FORMS": "2",
            "quotes-0-person": str(choi.pk),
            "quotes-0-text": "An essential foundation.",
            "quotes-0-order": "0",
            "quotes-1-person": str(park.pk),
            "quotes-1-text": "A significant step forward.",
            "quotes-1-order": "1",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="yonsei-kaist-mou")
    assert set(article.people.all()) == {choi, park}
    assert set(article.institutions.all()) == {medicine, school}


def test_what_the_officer_chose_is_kept_and_nothing_is_added_twice(editor_client):
    chosen = make_institution(name="Severance Hospital")
    quoted = make_person(name="Lee Min-ho")
    other = make_person(name="Kang Hye-jin")
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)
    article.institutions.add(chosen)
    article.people.add(quoted, other)
    make_quote(article=article, person=quoted)

    page = editor_client.get(change_url(article))
    response = editor_client.post(
        change_url(article), admin_form_data(page, **{WARNINGS_CONFIRMED: "on"})
    )

    assert response.status_code == 302
    assert set(article.people.all()) == {quoted, other}
    assert list(article.institutions.all()) == [chosen]


def test_a_draft_of_a_live_story_names_the_new_speaker_and_publishing_it_links_them(
    client, editor_client
):
    live = make_article(headline="The hearing clinic opens", slug="hearing-clinic")
    newcomer = make_person(name="Yoon Ji-won")
    page = editor_client.get(change_url(live))
    data = admin_form_data(
        page,
        **{
            WARNINGS_CONFIRMED: "on",
            "quotes-TOTAL_FORMS": "1",
            "quotes-0-person": str(newcomer.pk),
            "quotes-0-text": "Patients wait less now.",
            "quotes-0-order": "0",
        },
    )

    assert editor_client.post(change_url(live), {**data, "_save_draft": "1"}).status_code == 302
    assert not live.people.exists()  # readers keep the live story until the changes go out
    assert newcomer.pk in live.live_draft.content["m2m"]["people"]

    page = editor_client.get(change_url(live))
    data = admin_form_data(page, **{WARNINGS_CONFIRMED: "on", "_publish_changes": "1"})
    assert editor_client.post(change_url(live), data).status_code == 302
    assert list(live.people.all()) == [newcomer]
    assert "Yoon Ji-won" in client.get(newcomer.get_absolute_url()).content.decode()


def test_the_add_form_says_what_is_filled_in_on_save(editor_client):
    html = editor_client.get(ADD_ARTICLE).content.decode()

    assert "The people the story quotes and the parties of the agreements it covers" in html


# The section a new story starts in


def test_a_new_story_starts_in_the_section_its_writer_used_last(client):
    writer = make_staff("Writer")
    make_section(name="Research", slug="research")
    campus = make_section(name="Campus", slug="campus")
    make_article(section=campus, created_by=writer, status=ArticleStatus.DRAFT, published_at=None)
    client.force_login(writer)

    form = client.get(ADD_ARTICLE).context["adminform"].form

    assert form["section"].value() == campus.pk


def test_with_one_section_a_new_story_starts_in_it(editor_client):
    only = make_section(name="News", slug="news")

    html = editor_client.get(ADD_ARTICLE).content.decode()

    assert f'<option value="{only.pk}" selected>News</option>' in html


def test_with_several_sections_and_no_story_yet_nothing_is_guessed(editor_client):
    make_section(name="Research", slug="research")
    make_section(name="Campus", slug="campus")

    form = editor_client.get(ADD_ARTICLE).context["adminform"].form

    assert form["section"].value() in (None, "")
    assert Section.objects.last_used_by(None) is None


# Rows ready on the add forms


def test_a_new_story_opens_with_one_quote_row_and_an_empty_one_is_not_saved(editor_client):
    section = make_section()
    page = editor_client.get(ADD_ARTICLE)
    quotes = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.prefix == "quotes"
    )
    assert len(quotes.forms) == 1

    response = editor_client.post(
        ADD_ARTICLE,
        admin_form_data(page, headline="No quote yet", slug="no-quote", section=str(section.pk)),
    )

    assert response.status_code == 302
    assert not Article.objects.get(slug="no-quote").quotes.exists()


def test_an_existing_story_opens_without_an_empty_quote_row(editor_client):
    article = make_article(status=ArticleStatus.DRAFT, published_at=None)

    page = editor_client.get(change_url(article))

    quotes = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.prefix == "quotes"
    )
    assert len(quotes.forms) == 0


def test_a_new_person_opens_with_a_position_row(editor_client):
    page = editor_client.get(reverse("admin:institutions_person_add"))
    positions = page.context["inline_admin_formsets"][0].formset

    assert len(positions.forms) == 1

    response = editor_client.post(
        reverse("admin:institutions_person_add"),
        admin_form_data(page, name="Han Seung-woo", slug="han-seung-woo"),
    )
    assert response.status_code == 302
    assert not Person.objects.get(slug="han-seung-woo").positions.exists()


def test_a_new_agreement_opens_with_two_party_rows(editor_client):
    page = editor_client.get(reverse("admin:institutions_agreement_add"))
    parties = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Agreement.party_rows.rel.related_model
    )

    assert len(parties.forms) == 2


def test_the_institution_kind_is_one_click_on_a_radio_button(editor_client):
    html = editor_client.get(reverse("admin:institutions_institution_add")).content.decode()

    assert 'type="radio" name="kind" value="college"' in html
    assert '<select name="kind"' not in html
    response = editor_client.post(
        reverse("admin:institutions_institution_add"),
        admin_form_data(
            editor_client.get(reverse("admin:institutions_institution_add")),
            name="Yonsei University College of Medicine",
            slug="yonsei-medicine",
            kind="college",
            **{WARNINGS_CONFIRMED: "on"},
        ),
    )
    assert response.status_code == 302
    assert Institution.objects.get(slug="yonsei-medicine").kind == "college"
