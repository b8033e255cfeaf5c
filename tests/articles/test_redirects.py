"""Corrected slugs and dates: every old address answers 301 with the new one."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import ArticleStatus, ArticleURL
from tests.support.admin import admin_form_data
from tests.support.factories import make_article

# Old addresses carry the Seoul date of stories published hours ago.
pytestmark = pytest.mark.clock_sensitive


def _url(day, slug):
    return reverse(
        "articles:detail",
        kwargs={"year": day.year, "month": day.month, "day": day.day, "slug": slug},
    )


@pytest.mark.django_db
def test_changed_slug_redirects_permanently(client):
    article = make_article(slug="dean-appointed")
    old = article.get_absolute_url()
    article.slug = "new-dean-appointed"
    article.save()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_changed_publication_date_redirects_permanently(client):
    article = make_article(published_at=timezone.now() - datetime.timedelta(days=10))
    old = article.get_absolute_url()
    article.published_at = timezone.now() - datetime.timedelta(days=3)
    article.save()
    assert old != article.get_absolute_url()
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


@pytest.mark.django_db
def test_every_earlier_address_leads_to_the_latest(client):
    article = make_article(slug="first")
    addresses = [article.get_absolute_url()]
    for slug in ["second", "third"]:
        article.slug = slug
        article.save()
        addresses.append(article.get_absolute_url())
    current = addresses.pop()
    for old in addresses:
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, current)
    assert ArticleURL.objects.filter(article=article).count() == 2


@pytest.mark.django_db
def test_old_address_of_an_unpublished_story_stays_hidden(client):
    article = make_article(slug="leaky")
    old = article.get_absolute_url()
    article.slug = "not-leaky"
    article.status = ArticleStatus.DRAFT
    article.save()
    assert client.get(old).status_code == 404


@pytest.mark.django_db
def test_unknown_address_and_impossible_date_are_404(client):
    make_article(slug="exists")
    assert client.get(_url(datetime.date(2026, 1, 1), "never-existed")).status_code == 404
    assert client.get("/news/2026/2/31/exists/").status_code in (301, 404)
    assert client.get("/news/2026/13/1/nothing/").status_code == 404


@pytest.mark.django_db
def test_slug_corrected_in_the_admin_redirects_and_keeps_the_feed_guid(client, editor_client):
    # A one-digit month and day: the listed address must match the URL pattern.
    article = make_article(
        slug="typo-in-slgu", published_at=datetime.datetime(2026, 8, 6, 3, tzinfo=datetime.UTC)
    )
    guid, old = article.guid, article.get_absolute_url()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(
        editor_client.get(url), slug="typo-in-slug", _publish_changes="Publish changes"
    )
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert old in editor_client.get(url).content.decode()  # listed under "old addresses"
    response = client.get(old)
    assert (response.status_code, response["Location"]) == (301, article.get_absolute_url())
    assert article.guid == guid
