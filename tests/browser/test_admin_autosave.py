"""Autosave in a real browser: type, leave, come back, restore, save.

Debian's Chromium driven by Playwright against pytest-django's
``live_server``, as in test_press_release_browser.py; skipped with a reason
when either is missing. The autosave is triggered by leaving the field (the
blur save), so the test does not wait out the five-second typing pause.
"""

import os
import re
from urllib.parse import unquote_plus

import pytest

from tests.browser.admin_helpers import BROWSER_TEST_MARKS, CHROMIUM_FLAGS
from tests.browser.test_press_release_browser import CHROMIUM

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the test and the live server's fixtures are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in_page(browser, live_server, user):
    """A page of its own browser context (its own cookies), signed in as ``user``."""
    page = browser.new_context().new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def autosave_of(text):
    """A predicate for the autosave response whose request carried ``text``."""

    def matches(response):
        request = response.request
        return (
            "/admin/form-drafts/" in response.url
            and request.method == "POST"
            and text in unquote_plus(request.post_data or "")
        )

    return matches


def test_typed_headline_body_and_quotes_come_back_after_a_reload(live_server, browser):
    from articles.models import Article, ArticleStatus
    from newsroom.models import FormAutosave
    from tests.support.factories import (
        make_article,
        make_position,
        make_quote,
        make_section,
        make_staff,
    )

    editor = make_staff("Editor")
    article = make_article(headline="Old headline", status=ArticleStatus.DRAFT)
    quote = make_quote(article=article, text="Old words.")
    make_position(person=quote.person)  # a title to print: no warning to confirm
    research = make_section(name="Research")
    page = signed_in_page(browser, live_server, editor)
    dialogs = []

    def dialog_accept(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", dialog_accept)
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m))
    page_errors = []
    page.on("pageerror", lambda error: page_errors.append(error))
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    page.goto(change)

    page.locator(".prose-editor .tiptap.ProseMirror").click()
    page.keyboard.press("End")
    page.keyboard.type(" Typed into the body.")
    page.fill("#id_quotes-0-text", "Words typed into the quote.")
    page.locator("#quotes-group .add-row a").click()  # a row the page did not have
    page.fill("#id_quotes-1-text", "A second quote, not attributed yet.")
    # A chooser that loads its options on demand holds only the chosen one.
    page.locator(".field-section .select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Resea")
    page.locator(".select2-results__option", has_text="Research").click()
    # Moving to the headline saves the body already; the next save has both.
    page.fill("#id_headline", "Typed headline, never saved")
    with page.expect_response(autosave_of("Typed headline, never saved")) as autosaved:
        page.keyboard.press("Tab")  # leaving the field saves at once
    assert autosaved.value.ok
    draft = FormAutosave.objects.get(user=editor)
    assert ["headline", "Typed headline, never saved"] in draft.fields

    page.reload()
    assert "beforeunload" in dialogs  # the unsaved-changes warning
    notice = page.locator("#newsroom-autosave-notice")
    notice.wait_for(state="visible")
    assert page.input_value("#id_headline") == "Old headline"
    notice.get_by_role("button", name="Restore what you typed").click()
    assert page.input_value("#id_headline") == "Typed headline, never saved"
    assert "Typed into the body." in page.locator(".prose-editor .tiptap.ProseMirror").inner_text()
    assert page.input_value("#id_quotes-0-text") == "Words typed into the quote."
    assert page.input_value("#id_quotes-1-text") == "A second quote, not attributed yet."
    assert page.input_value("#id_section") == str(research.pk)
    assert "Research" in page.locator(".field-section .select2-selection").inner_text()
    page.locator("#quotes-1 .inline-deletelink").click()  # it has no speaker to save with
    assert notice.is_hidden()

    warnings_before_save = dialogs.count("beforeunload")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_url(re.compile(rf"/admin/articles/article/{article.pk}/change/$"))
    page.wait_for_load_state()
    assert dialogs.count("beforeunload") == warnings_before_save  # no warning on submit
    article = Article.objects.get(pk=article.pk)
    assert article.headline == "Typed headline, never saved"
    assert "Typed into the body." in article.body
    assert article.section == research
    assert [quote.text for quote in article.quotes.all()] == ["Words typed into the quote."]
    assert not FormAutosave.objects.filter(user=editor).exists()
    assert page.locator("#newsroom-autosave-notice").count() == 0

    # A form opened and left untouched asks nothing on the way out.
    page.goto(f"{live_server.url}/admin/")
    assert dialogs.count("beforeunload") == warnings_before_save
    # Our scripts break no rule of the CSP and raise nothing (the editor's
    # own injected style is switched off: tests/browser/test_prose_editor_csp.py).
    assert not [m.text for m in console_errors if "Content Security Policy" in m.text]
    assert not [m.text for m in console_errors if "/static/admin/newsroom/" in m.location["url"]]
    assert not [error for error in page_errors if "/static/admin/newsroom/" in (error.stack or "")]


def test_the_also_open_notice_ends_when_the_other_editor_leaves(live_server, browser, monkeypatch):
    from articles.models import ArticleStatus
    from newsroom import presence
    from tests.support.factories import make_article, make_staff

    # One-second heartbeats, so the page updates within the test's patience.
    monkeypatch.setattr(presence, "HEARTBEAT_SECONDS", 1)
    article = make_article(status=ArticleStatus.DRAFT)
    change = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    first = signed_in_page(browser, live_server, make_staff("Editor", first_name="Min-ji"))
    second = signed_in_page(browser, live_server, make_staff("Editor"))

    first.goto(change)
    second.goto(change)
    notice = second.locator("li.newsroom-presence")
    assert "Min-ji opened this record at" in notice.inner_text()

    first.goto(f"{live_server.url}/admin/")  # leaving sends the "left" beacon
    notice.wait_for(state="detached", timeout=5_000)
    # ...and the first editor, coming back, is announced again.
    first.goto(change)
    notice.wait_for(state="attached", timeout=5_000)
