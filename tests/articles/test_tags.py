"""Every tag has a usable slug, so every tag page and feed reverses."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from taggit.models import Tag

from articles.tags import tag_slug_choose, tag_slug_is_usable
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

repair = importlib.import_module("articles.migrations.0004_tag_slugs").tag_slugs_repair


@pytest.mark.parametrize("name", ["!!!", "???", "…", "★", "-", "_", "  "])
def test_a_name_without_letters_gets_a_short_stable_slug(name):
    tag = Tag.objects.create(name=name)

    assert tag.slug.startswith("tag-")
    assert tag_slug_is_usable(tag.slug)


def test_names_without_letters_get_distinct_slugs_and_pages(client):
    article = make_article(tags=["!!!", "???", "research"])
    slugs = {tag.name: tag.slug for tag in Tag.objects.all()}

    assert len(set(slugs.values())) == 3
    assert slugs["research"] == "research"
    assert client.get(article.get_absolute_url()).status_code == 200
    for slug in slugs.values():
        assert client.get(reverse("articles:tag", kwargs={"slug": slug})).status_code == 200
        assert client.get(reverse("feeds:tag", kwargs={"slug": slug})).status_code == 200
        assert client.get(reverse("feeds:tag-atom", kwargs={"slug": slug})).status_code == 200


def test_korean_names_keep_their_letters():
    assert Tag.objects.create(name="의학 연구").slug == "의학-연구"


def test_korean_names_get_a_slug_when_unicode_is_stripped(settings):
    settings.TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

    tag = Tag.objects.create(name="의학")

    assert tag.slug
    assert tag.slug.isascii()


def test_a_slug_with_a_slash_is_replaced():
    tag = Tag.objects.create(name="AI/ML", slug="ai/ml")

    assert tag.slug == "aiml"
    tag.slug = ""
    tag.save()
    assert tag.slug == "aiml"


def test_a_replaced_slug_never_takes_another_tags():
    Tag.objects.create(name="Taken", slug="aiml")

    tag = Tag.objects.create(name="AI/ML", slug="ai/ml")

    assert tag.slug == "aiml-2"


def test_choose_keeps_a_usable_slug_and_fits_the_column():
    assert tag_slug_choose(name="x", slug="research_1", taken=lambda s: True) == "research_1"
    long = tag_slug_choose(name="a" * 100, slug="", taken=lambda s: not s.endswith("-3"))
    assert len(long) == 100
    assert long.endswith("-3")


def test_migration_repairs_empty_and_slashed_slugs():
    good = Tag.objects.create(name="Good")
    empty = Tag.objects.create(name="!!!")
    slashed = Tag.objects.create(name="a/b")
    # Saved before the receiver existed: written past it.
    Tag.objects.filter(pk=empty.pk).update(slug="")
    Tag.objects.filter(pk=slashed.pk).update(slug="a/b")

    repair(apps, type("SchemaEditor", (), {"connection": connection})())

    slugs = dict(Tag.objects.values_list("pk", "slug"))
    assert slugs[good.pk] == "good"
    assert slugs[empty.pk].startswith("tag-")
    assert slugs[slashed.pk] == "ab"


def _tag_post(client, article, tags, **extra):
    from newsroom.validation import WARNINGS_CONFIRMED
    from tests.support.admin import admin_form_data, change_url

    data = admin_form_data(
        client.get(change_url(article)), tags=tags, **{WARNINGS_CONFIRMED: "on"}, **extra
    )
    return client.post(change_url(article), data)


def test_a_writer_typing_a_tag_in_another_case_gets_the_stored_tag(writer_client):
    from articles.models import ArticleStatus

    Tag.objects.create(name="kaist")
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer_client.user)

    response = _tag_post(writer_client, article, "KAIST")

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(article.tags.names()) == ["kaist"]
    assert Tag.objects.count() == 1


def test_an_editor_typing_one_tag_in_two_cases_makes_no_new_tags(editor_client):
    Tag.objects.create(name="kaist")
    article = make_article()

    response = _tag_post(
        editor_client, article, "KAIST, Kaist, vaccines, Vaccines", _publish_changes="1"
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    # The stored spelling wins; a new tag typed twice is made once.
    names = sorted(Tag.objects.values_list("name", flat=True), key=str.lower)
    assert [name.lower() for name in names] == ["kaist", "vaccines"] and names[0] == "kaist"
