"""A refusal is a page that says what the role may do, never a bare 403."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_writer_adding_a_tag_is_told_what_writers_may_do(writer_client):
    # (People and institutions a writer adds are proposals: tests/institutions.)
    response = writer_client.get(reverse("admin:taggit_tag_add"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Your role does not allow this" in page
    assert "You are signed in as Writer." in page
    assert "ask an editor to add it" in page


def test_the_refusal_sits_in_the_newsrooms_admin_frame(writer_client):
    page = writer_client.get(reverse("admin:taggit_tag_add")).content.decode()

    assert '<div id="site-name"><a href="/admin/">Newsroom</a></div>' in page
    assert "Django administration" not in page
    assert "Log out" in page or "Sign out" in page
