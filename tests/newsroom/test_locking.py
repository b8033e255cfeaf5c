"""Two people editing one record: the second save is refused and nothing is lost."""

import pytest
from django.urls import reverse

from articles.models import Article, ArticleStatus
from institutions.models import Agreement, Institution, Person
from tests.support.admin import admin_form_data
from tests.support.factories import (
    make_agreement,
    make_article,
    make_institution,
    make_person,
)


def test_second_save_of_an_article_is_refused_and_both_edits_survive(two_editors):
    first, second = two_editors
    article = make_article(headline="Original headline", status=ArticleStatus.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    first_data = admin_form_data(first.get(url), headline="First editor's headline")
    second_data = admin_form_data(second.get(url), headline="Second editor's headline")

    assert first.post(url, first_data).status_code == 302
    response = second.post(url, second_data)

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == "First editor's headline"
    content = response.content.decode()
    assert "Second editor&#x27;s headline" in content  # still in the re-rendered form
    assert "Min-ji Kim saved this record at" in content
    assert "Your changes have not been saved" in content
    assert "Headline" in response.context["adminform"].form.non_field_errors()[0]


def test_a_plain_resave_after_a_refusal_is_refused_again_and_loses_nothing(two_editors):
    """The old trap: saving the re-rendered form again used to overwrite the colleague."""
    first, second = two_editors
    article = make_article(headline="Original headline", status=ArticleStatus.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    first_data = admin_form_data(first.get(url), standfirst="First standfirst")
    second_data = admin_form_data(second.get(url), headline="Merged headline")
    assert first.post(url, first_data).status_code == 302

    refused = second.post(url, second_data)
    assert refused.status_code == 200
    # The re-rendered form carries the version it was refused at...
    retry = admin_form_data(refused)
    assert retry["opened_version"] == str(Article.objects.get(pk=article.pk).version)
    # ...but saving it again without choosing is refused once more.
    again = second.post(url, retry)

    assert again.status_code == 200
    assert "Choose theirs or mine for every difference" in again.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.standfirst) == ("Original headline", "First standfirst")


def test_unchanged_version_saves_normally_and_raises_the_version(two_editors):
    first, _second = two_editors
    article = make_article(status=ArticleStatus.DRAFT)
    before = Article.objects.get(pk=article.pk).version
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert first.post(url, admin_form_data(first.get(url), headline="Fine")).status_code == 302
    assert Article.objects.get(pk=article.pk).version == before + 1


def test_post_without_version_is_refused(two_editors):
    first, _second = two_editors
    article = make_article(headline="Kept", status=ArticleStatus.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(first.get(url), headline="Sneaky")
    del data["opened_version"]
    assert first.post(url, data).status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Kept"


@pytest.mark.parametrize(
    ("model", "maker", "field", "admin_name"),
    [
        (Institution, make_institution, "name", "institutions_institution"),
        (Person, make_person, "name", "institutions_person"),
        (Agreement, make_agreement, "title", "institutions_agreement"),
    ],
)
def test_institutions_people_and_agreements_are_protected_too(
    two_editors, model, maker, field, admin_name
):
    first, second = two_editors
    obj = maker(parties=[make_institution(), make_institution()]) if model is Agreement else maker()
    url = reverse(f"admin:{admin_name}_change", args=[obj.pk])
    first_data = admin_form_data(first.get(url), **{field: "First wins"})
    second_data = admin_form_data(second.get(url), **{field: "Second waits"})
    assert first.post(url, first_data).status_code == 302
    response = second.post(url, second_data)
    assert response.status_code == 200
    assert getattr(model.objects.get(pk=obj.pk), field) == "First wins"
    assert "Second waits" in response.content.decode()
    assert "saved this record at" in response.content.decode()


def test_change_form_says_who_else_has_the_article_open(two_editors):
    first, second = two_editors
    article = make_article(status=ArticleStatus.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    first.get(url)
    response = second.get(url)
    notices = [str(m) for m in response.context["messages"]]
    assert any("Min-ji Kim opened this record at" in n for n in notices)
    # Nobody else is reported to the first editor reopening alone.
    assert not [m for m in first.get(url).context["messages"] if "Min-ji" in str(m)]


def test_derived_partial_saves_do_not_count_as_edits(two_editors):
    first, _second = two_editors
    article = make_article(status=ArticleStatus.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(first.get(url), headline="Still mine")
    version = Article.objects.get(pk=article.pk).version
    article.save(update_fields=["lead_image_bytes"])  # what a background job does
    assert Article.objects.get(pk=article.pk).version == version
    assert first.post(url, data).status_code == 302
