"""The admin lists and forms: public state, the quote database, Korean headlines' slugs."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleStatus, Quote
from newsroom.text import romanize_hangul, slug_from
from tests.support.admin import admin_form_data
from tests.support.factories import (
    make_article,
    make_institution,
    make_person,
    make_position,
    make_section,
)

pytestmark = pytest.mark.django_db


def _changelist(client, **params):
    return client.get(reverse("admin:articles_article_changelist"), params)


def test_the_article_list_names_scheduled_and_embargoed_stories_and_filters_them(editor_client):
    now = timezone.now()
    make_article(headline="Live story")
    make_article(headline="Scheduled story", published_at=now + datetime.timedelta(days=2))
    make_article(headline="Embargoed story", embargo_until=now + datetime.timedelta(hours=5))
    make_article(headline="Draft story", status=ArticleStatus.DRAFT)

    page = _changelist(editor_client).content.decode()
    for label in ("Live", "Scheduled", "Embargoed", "Draft"):
        assert f">{label}<" in page

    for state, headline in [
        ("scheduled", "Scheduled story"),
        ("embargoed", "Embargoed story"),
        ("live", "Live story"),
        ("draft", "Draft story"),
    ]:
        listed = _changelist(editor_client, state=state).context["cl"].result_list
        assert [article.headline for article in listed] == [headline]


def test_hangul_is_romanised_for_addresses():
    assert romanize_hangul("연세대학교") == "yeonsedaehakgyo"
    assert slug_from("연세대 의대, KAIST와 MOU 체결") == "yeonsedae-uidae-kaistwa-mou-chegyeol"
    assert slug_from("!!!") == "story"


def test_a_korean_headline_with_no_slug_gets_a_usable_address(editor_client):
    section = make_section()
    url = reverse("admin:articles_article_add")
    data = admin_form_data(editor_client.get(url))
    data.update(
        {
            "headline": "연세대 의대, KAIST와 MOU 체결",
            "slug": "",
            "section": str(section.pk),
            "body": "<p>본문</p>",
            "status": ArticleStatus.DRAFT,
        }
    )

    assert editor_client.post(url, data).status_code == 302
    article = Article.objects.get()
    assert article.slug == "yeonsedae-uidae-kaistwa-mou-chegyeol"
    assert editor_client.post(url, {**data, "headline": data["headline"]}).status_code == 302
    assert Article.objects.order_by("pk").last().slug.endswith("-2")


def test_the_slug_shown_while_typing_is_the_one_saving_makes(editor_client, writer_client, client):
    url = reverse("admin:articles_article_slug")
    headline = "연세대 의대와 KAIST 의과학대학원 업무협약"

    first = editor_client.get(url, {"headline": headline}).json()["slug"]
    make_article(slug=first)
    second = writer_client.get(url, {"headline": headline}).json()["slug"]

    assert first == "yeonsedae-uidaewa-kaist-uigwahakdaehakwon-eopmuhyeopyak"
    assert second == f"{first}-2"
    assert editor_client.get(url, {"headline": "", "exclude": "x"}).json() == {"slug": "story"}
    assert client.get(url).status_code == 302  # signed out: the sign-in page


def test_the_add_form_asks_for_the_slug_as_the_headline_is_typed(editor_client):
    response = editor_client.get(reverse("admin:articles_article_add"))
    html = response.content.decode()

    assert 'data-slug-url="/admin/articles/article/slug/"' in html
    assert 'data-slug-source="headline"' in html
    assert "admin/newsroom/slug.js" in html
    # Django's own slug maker would drop the Korean letters.
    assert response.context["adminform"].prepopulated_fields == []


def test_the_quote_database_filters_by_institution_family_and_searches_words(editor_client):
    university = make_institution(name="Yonsei University", short_name="Yonsei")
    college = make_institution(name="College of Medicine", short_name="YUCM", parent=university)
    dean = make_person(name="Choi Jae-young")
    make_position(person=dean, institution=college, title="Dean")
    outsider = make_person(name="Lee Min-ho")
    story = make_article(headline="Pact signed")
    Quote.objects.create(article=story, person=dean, text="An essential foundation for research.")
    Quote.objects.create(article=story, person=outsider, text="Good news for patients.")
    url = reverse("admin:articles_quote_changelist")

    by_family = editor_client.get(url, {"institution": university.pk}).context["cl"].result_list
    assert [quote.person for quote in by_family] == [dean]
    found = editor_client.get(url, {"q": "essential foundation"}).context["cl"].result_list
    assert [quote.person for quote in found] == [dean]
    page = editor_client.get(url).content.decode()
    assert "Dean, College of Medicine" in page


def test_an_institution_page_lists_its_peoples_public_quotes(client):
    university = make_institution(name="Yonsei University", short_name="Yonsei")
    college = make_institution(name="College of Medicine", short_name="YUCM", parent=university)
    dean = make_person(name="Choi Jae-young")
    make_position(person=dean, institution=college, title="Dean")
    Quote.objects.create(article=make_article(), person=dean, text="Public words.")
    hidden = make_article(status=ArticleStatus.DRAFT)
    Quote.objects.create(article=hidden, person=dean, text="Words still in the works.")

    page = client.get(university.get_absolute_url()).content.decode()

    assert "Public words." in page
    assert "Words still in the works." not in page
