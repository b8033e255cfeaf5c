"""Signed preview links: valid, expired, revoked and tampered with."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import previews
from articles.models import ArticleStatus, PreviewLink
from tests.support.admin import admin_form_data
from tests.support.factories import make_article, make_staff


@pytest.fixture
def embargoed(db):
    return make_article(
        headline="Vaccine trial results",
        status=ArticleStatus.PUBLISHED,
        published_at=timezone.now() + datetime.timedelta(days=1),
        embargo_until=timezone.now() + datetime.timedelta(days=1),
    )


def _link(article, **overrides):
    return previews.preview_link_create(
        article=article, user=make_staff("Editor"), recipient="Yonhap science desk", **overrides
    )


def test_valid_link_shows_the_story_without_login_marked_private(client, embargoed):
    response = client.get(previews.preview_link_path(_link(embargoed)))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vaccine trial results" in content
    assert "not public" in content
    assert "shared with Yonhap science desk" in content
    assert "Only editors can see this page" not in content
    assert '<meta name="robots" content="noindex' in content
    assert "noindex" in response["X-Robots-Tag"]
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response.context["is_preview"] is True


def test_the_real_address_still_hides_the_story(client, embargoed):
    _link(embargoed)
    assert client.get(embargoed.get_absolute_url()).status_code == 404


def test_expired_link_is_gone(client, embargoed):
    link = _link(embargoed, expires_at=timezone.now() + datetime.timedelta(hours=2))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=3)):
        response = client.get(previews.preview_link_path(link))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert "Vaccine trial results" not in response.content.decode()
    assert "noindex" in response["X-Robots-Tag"]


def test_default_link_lasts_seven_days(client, embargoed):
    link = _link(embargoed)
    path = previews.preview_link_path(link)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=6, hours=23)):
        # Still under embargo a day later? Move the embargo out of the way of the check.
        embargoed.embargo_until = timezone.now() + datetime.timedelta(days=30)
        embargoed.published_at = embargoed.embargo_until
        embargoed.save()
        assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        assert client.get(path).status_code == 410


def test_revoked_link_is_gone(client, embargoed):
    link = _link(embargoed)
    previews.preview_link_revoke(link=link)
    response = client.get(previews.preview_link_path(link))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "1:" + token.split(":", 1)[1],
        lambda token: "garbage",
        lambda token: token + "x",
    ],
)
def test_tampered_token_is_a_clear_404_never_500(client, embargoed, mangle):
    token = previews.preview_link_token(_link(embargoed))
    response = client.get(reverse("articles:preview", kwargs={"token": mangle(token)}))
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_token_signed_for_something_else_is_refused(client, embargoed):
    from django.core import signing

    link = _link(embargoed)
    forged = signing.dumps(link.pk)  # right key, wrong salt
    assert client.get(reverse("articles:preview", kwargs={"token": forged})).status_code == 404


def test_link_to_a_story_that_went_public_leads_to_its_address(client, embargoed):
    link = _link(embargoed)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = client.get(previews.preview_link_path(link))
    assert response.status_code == 302
    assert response["Location"] == embargoed.get_absolute_url()


def test_editor_creates_and_revokes_a_link_from_the_article_page(client, editor_client, embargoed):
    url = reverse("admin:articles_article_change", args=[embargoed.pk])
    page = editor_client.get(url)
    data = admin_form_data(page)
    expiry = timezone.localtime(timezone.now() + datetime.timedelta(days=3))
    data.update(
        {
            "preview_links-TOTAL_FORMS": "1",
            "preview_links-0-recipient": "Dean Choi's office",
            "preview_links-0-expires_at_0": f"{expiry:%Y-%m-%d}",
            "preview_links-0-expires_at_1": f"{expiry:%H:%M:%S}",
            "preview_links-0-article": str(embargoed.pk),
        }
    )
    assert editor_client.post(url, data).status_code == 302
    link = PreviewLink.objects.get(article=embargoed)
    assert (link.recipient, link.created_by) == ("Dean Choi's office", editor_client.user)
    page = editor_client.get(url)
    assert previews.preview_link_url(link) in page.content.decode()

    data = admin_form_data(page)
    data["preview_links-0-revoke"] = "on"
    assert editor_client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(previews.preview_link_path(link)).status_code == 410


def test_writers_get_no_preview_link_controls(writer_client):
    article = make_article(status=ArticleStatus.DRAFT, created_by=writer_client.user)
    page = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert not any(
        inline.formset.model is PreviewLink for inline in page.context["inline_admin_formsets"]
    )
