"""Edit conflicts on the small records: sections (form and list), positions, tags.

They carry no version column; their stamp is a digest of the stored row, so
a save based on a copy someone has changed since is refused all the same.
"""

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Section, tags_merge
from newsroom.locking import record_stamp
from tests.support.admin import admin_form_data
from tests.support.factories import make_article, make_position, make_section, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = make_staff("Editor")
    client.force_login(user)
    return user


def _open(client, url):
    return admin_form_data(client.get(url))


def test_a_stale_section_form_is_refused_and_keeps_the_input(client, editor):
    section = make_section(name="Research")
    url = reverse("admin:articles_section_change", args=[section.pk])
    stale = _open(client, url)
    Section.objects.filter(pk=section.pk).update(description="Changed by a colleague.")

    response = client.post(url, {**stale, "name": "Research news"})

    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert 'value="Research news"' in response.content.decode()
    section.refresh_from_db()
    assert (section.name, section.description) == ("Research", "Changed by a colleague.")


def test_a_stale_section_row_in_the_list_is_refused(client, editor):
    section = make_section(name="Campus", order=3)
    changelist = reverse("admin:articles_section_changelist")
    page = client.get(changelist)
    stamp = record_stamp(section)
    assert f'value="{stamp}"' in page.content.decode()
    Section.objects.filter(pk=section.pk).update(order=9)

    response = client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(section.pk),
            "form-0-order": "1",
            "form-0-opened_version": stamp,
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    section.refresh_from_db()
    assert section.order == 9


def test_a_fresh_section_row_in_the_list_saves(client, editor):
    section = make_section(name="Campus", order=3)
    changelist = reverse("admin:articles_section_changelist")

    response = client.post(
        changelist,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(section.pk),
            "form-0-order": "1",
            "form-0-opened_version": record_stamp(section),
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    section.refresh_from_db()
    assert section.order == 1


def test_a_stale_position_form_is_refused(client, editor):
    position = make_position(title="Dean")
    url = reverse("admin:institutions_position_change", args=[position.pk])
    stale = _open(client, url)
    type(position).objects.filter(pk=position.pk).update(title="Vice Dean")

    response = client.post(url, {**stale, "title": "Acting Dean"})

    assert response.status_code == 200
    position.refresh_from_db()
    assert position.title == "Vice Dean"


def test_a_stale_tag_form_is_refused(client, editor):
    tag = Tag.objects.create(name="vaccines", slug="vaccines")
    url = reverse("admin:taggit_tag_change", args=[tag.pk])
    stale = _open(client, url)
    Tag.objects.filter(pk=tag.pk).update(name="Vaccines")

    response = client.post(url, {**stale, "name": "vaccine research"})

    assert response.status_code == 200
    tag.refresh_from_db()
    assert tag.name == "Vaccines"


def test_a_tag_merge_makes_open_article_forms_stale(client, editor):
    article = make_article(tags=["covid", "covid-19"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    stale = _open(client, url)
    tags = list(Tag.objects.filter(name__in=["covid", "covid-19"]))
    for tag in tags:
        tag.articles_count = 1
    tags_merge(tags=tags, user=editor)

    response = client.post(url, stale)

    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    assert len(article.tags.all()) == 1
