"""Institutions, people and agreements in /sitemap.xml."""

import pytest

from tests.support.sitemaps import every_sitemap, lastmods, sitemap_entities

pytestmark = pytest.mark.django_db

BASE = "https://news.example.ac.kr"


@pytest.fixture
def site(settings):
    settings.SITE_URL = BASE
    return sitemap_entities()


def test_sitemap_lists_every_institution_person_and_agreement_with_lastmod(client, site):
    listed = lastmods(every_sitemap(client))

    for record in site.values():
        assert listed[BASE + record.get_absolute_url()], record
