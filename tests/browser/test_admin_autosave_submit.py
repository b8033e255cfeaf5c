"""Clicking a save button straight after typing sends no autosave beside the save.

Leaving the field for the button used to post an autosave that could land
after the save had dropped the draft; the next page then offered the typing
back as "never saved". Same browser setup as test_admin_autosave.py.
"""

import os
import re

import pytest

from tests.browser.admin_helpers import BROWSER_TEST_MARKS
from tests.browser.test_admin_autosave import browser, signed_in_page  # noqa: F401 (fixture)

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = BROWSER_TEST_MARKS


def test_save_and_continue_right_after_typing_sends_no_autosave(live_server, browser):  # noqa: F811
    from articles.models import Article, ArticleStatus
    from newsroom.models import FormAutosave
    from tests.support.factories import make_article, make_staff

    editor = make_staff("Editor")
    article = make_article(headline="Old headline", status=ArticleStatus.DRAFT)
    page = signed_in_page(browser, live_server, editor)
    autosaves = []
    page.on(
        "request",
        lambda request: "/admin/form-drafts/" in request.url and autosaves.append(request.url),
    )
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(change)

    page.fill("#id_headline", "Saved straight away")
    page.locator("input[name=_continue]").click()
    page.wait_for_url(re.compile(rf"/admin/articles/article/{article.pk}/change/$"))
    page.wait_for_load_state("networkidle")

    assert autosaves == []
    assert Article.objects.get(pk=article.pk).headline == "Saved straight away"
    assert not FormAutosave.objects.filter(user=editor).exists()
    assert "never saved" not in page.content()
