"""Institutions, people and agreements in /sitemap.xml."""

import pytest

from tests.support.sitemaps import lastmods, parse, sitemap_entities

pytestmark = pytest.mark.django_db

BASE = "https://news.example.ac.kr"


@pytest.fixture
def site(settings):
    settings.SITE_URL = BASE
    return sitemap_entities()


def test_sitemap_lists_every_institution_person_and_agreement_with_lastmod(client, site):
    listed = lastmods(parse(client.get("/sitemap.xml")))

    for record in site.values():
        assert listed[BASE + record.get_absolute_url()], record
