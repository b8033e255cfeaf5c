"""Odd values typed in the admin get a field error and keep the input; never a 500."""

import datetime

import pytest
from django.urls import reverse

from articles.models import Article
from institutions.models import Agreement
from tests.support.admin import admin_form_data, change_url
from tests.support.factories import make_article, make_position

pytestmark = pytest.mark.django_db


def _post(client, obj, **changes):
    return client.post(change_url(obj), admin_form_data(client.get(change_url(obj)), **changes))


def _errors(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("year", ["0001", "1899", "2201", "9999"])
def test_a_publication_time_outside_1900_2200_is_a_field_error(editor_client, year):
    article = make_article(headline="Kept headline")
    response = _post(editor_client, article, published_at_0=f"{year}-01-01", headline="Typed")

    assert response.status_code == 200
    assert "between 1900 and 2200" in str(_errors(response)["published_at"])
    assert 'value="Typed"' in response.content.decode()
    assert Article.objects.get(pk=article.pk).headline == "Kept headline"
    assert editor_client.get(reverse("admin:articles_article_changelist")).status_code == 200


def test_an_agreement_signed_in_9999_with_a_term_is_a_field_error(editor_client):
    agreement = Agreement.objects.create(
        title="Exchange", slug="exchange", signed_on=datetime.date(2026, 3, 4)
    )
    response = _post(editor_client, agreement, signed_on="9999-12-31", term_years="5")

    assert response.status_code == 200
    assert "signed_on" in _errors(response)
    agreement.refresh_from_db()
    assert agreement.signed_on == datetime.date(2026, 3, 4)


def test_a_nine_thousand_year_term_is_a_field_error(editor_client):
    agreement = Agreement.objects.create(
        title="Exchange", slug="exchange", signed_on=datetime.date(2026, 3, 4)
    )
    response = _post(editor_client, agreement, term_years="9000")

    assert response.status_code == 200
    assert "term_years" in _errors(response)
    agreement.refresh_from_db()
    assert agreement.term_years is None and agreement.expires_on is None


def test_a_position_start_outside_the_range_is_refused(editor_client):
    position = make_position(title="Dean")
    response = _post(editor_client, position, started_on="0001-01-01")

    assert response.status_code == 200
    assert "started_on" in _errors(response)


def test_a_tag_longer_than_the_tag_table_holds_is_a_field_error(editor_client):
    article = make_article(headline="Kept headline")
    response = _post(editor_client, article, tags="x" * 101, headline="Typed")

    assert response.status_code == 200
    assert "at most 100 characters" in str(_errors(response)["tags"])
    assert 'value="Typed"' in response.content.decode()


def test_a_writer_cannot_coin_a_new_tag(writer_client):
    article = make_article(tags=["vaccines"], status="draft")
    article.created_by = writer_client.user
    article.save()

    response = _post(writer_client, article, tags="vaccines, brand-new-word")

    assert response.status_code == 200
    assert "brand-new-word" in str(_errors(response)["tags"])
    assert [tag.name for tag in Article.objects.get(pk=article.pk).tags.all()] == ["vaccines"]


def test_a_writer_may_choose_existing_tags(writer_client):
    make_article(tags=["genomics"])
    article = make_article(tags=["vaccines"], status="draft")
    article.created_by = writer_client.user
    article.save()

    response = _post(writer_client, article, tags="vaccines, genomics")

    assert response.status_code == 302
    assert sorted(Article.objects.get(pk=article.pk).tags.names()) == ["genomics", "vaccines"]
