import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from articles.models import Article, ArticleStatus, Quote, RelatedArticle
from tests.support.factories import (
    image_upload,
    make_article,
    make_institution,
    make_person,
    make_position,
    make_section,
)


@pytest.mark.django_db
def test_body_loses_scripts_event_handlers_and_javascript_links_on_save():
    article = make_article(
        body='<p onclick="steal()">Hello <a href="javascript:alert(1)">link</a></p>'
        '<script>alert(1)</script><img src="/x.png" alt="x" onerror="bad()">'
        '<a href="https://example.org/">safe</a>'
    )
    article.refresh_from_db()
    assert "<script" not in article.body
    assert "onclick" not in article.body
    assert "onerror" not in article.body
    assert "javascript:" not in article.body
    assert '<a href="https://example.org/">safe</a>' in article.body
    assert "Hello" in article.body


@pytest.mark.django_db
def test_full_clean_sanitises_body_too():
    article = make_article()
    article.body = '<p>Fine</p><iframe src="https://evil.example"></iframe><p style="x">Ok</p>'
    article.full_clean()
    assert "iframe" not in article.body
    assert "style" not in article.body


@pytest.mark.django_db
def test_slug_is_unique_in_the_database():
    make_article(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(slug="same")


@pytest.mark.django_db
def test_duplicate_slug_is_a_field_error_in_full_clean():
    first = make_article(slug="taken")
    second = Article(
        headline="Other", slug="taken", section=first.section, body="<p>x</p>", status="draft"
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "slug" in error.value.message_dict


@pytest.mark.django_db
def test_database_refuses_published_article_without_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_article(status=ArticleStatus.PUBLISHED, published_at=None)


@pytest.mark.django_db
def test_lead_image_needs_alt_text():
    article = make_article()
    article.lead_image = image_upload()
    article.lead_image_alt = ""
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert "lead_image_alt" in error.value.message_dict


@pytest.mark.django_db
def test_publishing_needs_body_and_time():
    article = Article(headline="Empty", slug="empty", section=make_section(), status="published")
    with pytest.raises(ValidationError) as error:
        article.full_clean()
    assert {"body", "published_at"} <= set(error.value.message_dict)


@pytest.mark.django_db
def test_absolute_url_uses_newsroom_local_date():
    # 20:00 UTC on 1 March is already 2 March in Seoul.
    moment = datetime.datetime(2026, 3, 1, 20, 0, tzinfo=datetime.UTC)
    article = make_article(slug="late-story", published_at=moment)
    assert article.get_absolute_url() == "/news/2026/3/2/late-story/"


@pytest.mark.django_db
def test_quote_takes_speaker_title_from_position_at_publication():
    person = make_person(name="Choi Jae-young")
    school = make_institution(name="Yonsei University College of Medicine")
    make_position(
        person=person,
        institution=school,
        title="Vice Dean",
        started_on=datetime.date(2021, 3, 1),
        ended_on=datetime.date(2024, 7, 31),
    )
    make_position(
        person=person, institution=school, title="Dean", started_on=datetime.date(2024, 8, 1)
    )
    old = make_article(published_at=datetime.datetime(2023, 5, 1, 9, tzinfo=datetime.UTC))
    new = make_article(published_at=datetime.datetime(2025, 5, 1, 9, tzinfo=datetime.UTC))
    old_quote = Quote.objects.create(article=old, person=person, text="Then.")
    new_quote = Quote.objects.create(article=new, person=person, text="Now.")
    assert old_quote.printed_title == "Vice Dean, Yonsei University College of Medicine"
    assert new_quote.printed_title == "Dean, Yonsei University College of Medicine"


@pytest.mark.django_db
def test_quote_keeps_title_the_editor_typed():
    quote = Quote.objects.create(
        article=make_article(), person=make_person(), text="Hi.", title_override="Guest speaker"
    )
    assert quote.printed_title == "Guest speaker"


@pytest.mark.django_db
def test_article_cannot_be_related_to_itself():
    article = make_article()
    with pytest.raises(ValidationError):
        RelatedArticle(article=article, related=article).full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        RelatedArticle.objects.create(article=article, related=article)
