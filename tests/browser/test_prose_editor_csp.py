"""The body editor under the admin's strict CSP, in a real browser.

Tiptap, inside django-prose-editor, writes its base rules into a ``<style>``
element at start-up unless told not to; ``style-src 'self'`` refuses that
and the browser reports a violation on every article page. The newsroom's
editor extension turns the injection off and our own stylesheet carries the
rules (newsroom/fields.py, static/admin/newsroom/body-editor.js and .css).

Debian's Chromium driven by Playwright against pytest-django's
``live_server``, as in test_admin_autosave.py; skipped with a reason when
either is missing.
"""

import os

import pytest

from tests.browser.admin_helpers import (
    BROWSER_TEST_MARKS,
    CHROMIUM_FLAGS,
    VIEWPORT,
    Desk,
    chromium_path,
    leave_quietly,
    sign_in,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the test and the live server's fixtures are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = BROWSER_TEST_MARKS

# Installed before any page script runs: every CSP violation the document
# reports, every <style> element that enters it (from the HTML or a script),
# and every prose editor that says it is ready.
WATCH = """
window.newsroomWatch = { violations: [], styles: [], editorsReady: 0 };
document.addEventListener("securitypolicyviolation", (event) => {
  window.newsroomWatch.violations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
    sample: event.sample,
  });
});
new MutationObserver((records) => {
  for (const record of records) {
    for (const node of record.addedNodes) {
      if (node.nodeName === "STYLE") {
        window.newsroomWatch.styles.push(node.outerHTML.slice(0, 200));
      }
    }
  }
}).observe(document, { childList: true, subtree: true });
document.addEventListener("prose-editor:ready", () => {
  window.newsroomWatch.editorsReady += 1;
});
"""
TYPED = "Typed under a strict policy."


@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def test_the_body_editor_types_without_breaking_the_csp(live_server, browser):
    from tests.support.factories import make_staff

    editor = make_staff("Editor")
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(WATCH)
    page = context.new_page()
    csp_console = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and csp_console.append(message),
    )
    desk = Desk(page, live_server.url)
    sign_in(desk, editor.username)

    response = page.goto(f"{live_server.url}/admin/articles/article/add/")
    # The policy under test is the real one: no inline styles allowed.
    policy = response.headers["content-security-policy"]
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    # Functions, not expressions: Playwright evaluates a bare expression with
    # eval() on every poll, which this very CSP (no 'unsafe-eval') refuses.
    page.wait_for_function("() => window.newsroomWatch.editorsReady > 0")

    body = desk.rich_text_editor("Body")
    desk.click(body)
    page.keyboard.type(TYPED)

    # Typing reached the editor and, through it, the form's hidden textarea.
    assert TYPED in body.inner_text()
    page.wait_for_function(
        "text => document.querySelector('#id_body').value.includes(text)", arg=TYPED
    )
    # Our stylesheet carries the base rules tiptap would have injected.
    looks = body.evaluate(
        """element => {
          const style = getComputedStyle(element);
          return {
            whiteSpace: style.whiteSpace,
            ligatures: style.fontVariantLigatures,
            position: style.position,
          };
        }"""
    )
    assert looks["whiteSpace"] in {"break-spaces", "pre-wrap"}
    assert looks["ligatures"] == "none"
    assert looks["position"] == "relative"

    # Let any queued violation report arrive before reading the watch.
    page.evaluate("() => new Promise(resolve => setTimeout(resolve, 100))")
    watch = page.evaluate("window.newsroomWatch")
    assert watch["violations"] == []
    assert watch["styles"] == []
    assert page.locator("style").count() == 0
    assert [message.text for message in csp_console] == []

    # The watch is not blind: an inline style added now is refused and seen.
    page.evaluate(
        "() => document.head.append(Object.assign(document.createElement('style'),"
        " { textContent: 'body { color: red; }' }))"
    )
    page.wait_for_function("() => window.newsroomWatch.violations.length > 0")
    assert page.evaluate("window.newsroomWatch.violations[0].directive").startswith("style-src")

    leave_quietly(context)
    context.close()
