"""Security headers and the Content Security Policy: nonced scripts, no inline styles."""

import json
import re

import pytest
from django.urls import reverse

from tests.support.factories import make_article, make_institution, make_person

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(
    r'<script type="application/ld\+json" nonce="([^"]+)">(.*?)</script>', re.DOTALL
)


def _nonce_from_policy(response):
    policy = response["Content-Security-Policy"]
    match = re.search(r"script-src [^;]*'nonce-([^']+)'", policy)
    assert match, policy
    return match.group(1)


def test_pages_send_the_production_security_headers(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_article_json_ld_carries_the_request_nonce_and_parses(client):
    person = make_person(name="Kim </script><script>alert(1)</script>")
    article = make_article(headline='Quotes " and <tags> & ampersands')
    article.people.add(person)

    response = client.get(article.get_absolute_url())
    body = response.content.decode()

    blocks = JSON_LD.findall(body)
    assert len(blocks) == 1
    nonce, payload = blocks[0]
    assert nonce == _nonce_from_policy(response)
    data = json.loads(payload)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == 'Quotes " and <tags> & ampersands'
    assert data["mentions"][0]["name"] == "Kim </script><script>alert(1)</script>"
    assert "</script><script>" not in payload  # escaped, cannot close the element


def test_person_and_organization_pages_carry_nonced_json_ld(client):
    for url in [make_person().get_absolute_url(), make_institution().get_absolute_url()]:
        response = client.get(url)
        blocks = JSON_LD.findall(response.content.decode())
        assert len(blocks) == 1, url
        assert blocks[0][0] == _nonce_from_policy(response)
        assert json.loads(blocks[0][1])["@context"] == "https://schema.org"


def test_no_page_uses_inline_styles_or_unnonced_scripts(client):
    article = make_article(tags=["x"])
    pages = [
        "/",
        reverse("articles:index"),
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        reverse("articles:search") + "?q=headline",
        reverse("institutions:index"),
        reverse("institutions:person-list"),
        reverse("institutions:agreement-list"),
        "/no-such-page/",
    ]
    for url in pages:
        response = client.get(url)
        body = response.content.decode()
        assert " style=" not in body, url
        assert "<style" not in body, url
        for tag in re.findall(r"<script[^>]*>", body):
            assert f'nonce="{_nonce_from_policy(response)}"' in tag, (url, tag)
