"""Each archive period has one address: other spellings answer 301 to it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(settings):
    settings.SITE_URL = "https://news.example.ac.kr"
    return make_article(published_at=timezone.make_aware(datetime.datetime(2025, 9, 15, 12)))


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/news/2025/09/", "/news/2025/9/"),
        ("/news/02025/", None),  # five digits: no year at all (newsroom/converters.py)
        ("/news/0999/", "/news/999/"),
        ("/news/0999/01/", "/news/999/1/"),
        ("/news/2025/09/?page=2&utm_source=mail", "/news/2025/9/?page=2&utm_source=mail"),
    ],
)
def test_other_spellings_of_a_period_answer_301_to_its_address(
    client, story, django_assert_num_queries, asked, canonical
):
    if canonical is None:
        assert client.get(asked).status_code == 404
        return
    with django_assert_num_queries(0):
        response = client.get(asked)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.head(asked)["Location"] == canonical


def test_the_canonical_addresses_answer_and_name_themselves(client, story):
    for url in [
        reverse("articles:archive-year", kwargs={"year": 2025}),
        reverse("articles:archive-month", kwargs={"year": 2025, "month": 9}),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assertContains(response, f'<link rel="canonical" href="https://news.example.ac.kr{url}">')


def test_the_redirect_leads_to_the_archive(client, story):
    response = client.get("/news/2025/09/", follow=True)

    assert response.redirect_chain == [("/news/2025/9/", 301)]
    assertContains(response, story.headline)
