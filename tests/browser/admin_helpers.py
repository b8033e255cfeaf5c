"""A person at the Django admin, for the Playwright admin suite.

``Desk`` wraps one browser page and counts what the person does: every
click, every field typed into (a search typed into an autocomplete counts
as a field), every page load (popups included). Choosing from a plain
``<select>`` counts as two clicks (open the list, pick the entry); moving
between fields with Tab is not counted. Screenshots are written only when
``NEWSROOM_SCREENSHOTS=1``, so an ordinary test run leaves the tree as it was.

Elements are found the way a person finds them: by label, role, link text
and button name. Where the admin offers no label (rows of a tabular
inline), a field is found by its form name inside the inline group named by
its heading, never by position in the page.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "docs" / "screenshots" / "admin"
SCREENSHOTS = os.environ.get("NEWSROOM_SCREENSHOTS") == "1"
VIEWPORT = {"width": 1280, "height": 900}

# The real binary: the /usr/bin/chromium wrapper prints a harmless but noisy line.
CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# Headless as root, and never reaching out to the internet (docs: TESTING-TOOLS).
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Generous for two shared cores; every wait ends as soon as its condition holds.
TIMEOUT = 20_000
PASSWORD = "pw"  # what tests.support.factories.make_staff gives every account


def chromium_path():
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


# Every Chromium test module's marks: skipped without Chromium; transactional,
# because the live server reads what the test writes, with the serialised
# rollback bringing back the role groups the migrations made.
BROWSER_TEST_MARKS = [
    pytest.mark.skipif(
        chromium_path() is None, reason="Chromium not found (apt-get install -y chromium)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@dataclass
class Step:
    name: str
    screenshot: str
    clicks: int
    fields: int
    loads: int


@dataclass
class Tally:
    """What one person did, shared by their page and the popups it opens."""

    clicks: int = 0
    fields: int = 0
    loads: int = 0
    steps: list[Step] = field(default_factory=list)
    _marked: tuple[int, int, int] = (0, 0, 0)

    def step(self, name, screenshot=""):
        """Close a step: what was done since the previous one."""
        clicks, fields, loads = self._marked
        self.steps.append(
            Step(name, screenshot, self.clicks - clicks, self.fields - fields, self.loads - loads)
        )
        self._marked = (self.clicks, self.fields, self.loads)


def screenshot(page, name):
    """Save the viewport as docs/screenshots/admin/<name>.png when screenshots are on."""
    if not SCREENSHOTS:
        return ""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    filename = f"{name}.png"
    page.screenshot(path=str(SCREENSHOT_DIR / filename))
    return filename


class Desk:
    """One browser page driven as a person would, with everything they do counted."""

    def __init__(self, page, base_url, tally=None):
        self.page = page
        self.base_url = base_url
        self.tally = tally if tally is not None else Tally()
        page.set_default_timeout(TIMEOUT)
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.tally.loads += 1

    # Counted actions.

    def goto(self, path):
        """Type an address into the browser bar (not counted as a click)."""
        self.page.goto(f"{self.base_url}{path}")

    def click(self, locator):
        self.tally.clicks += 1
        locator.click()

    def fill(self, locator, text):
        self.tally.fields += 1
        locator.fill(text)

    def choose(self, locator, label):
        """Pick an entry of a plain <select>: open it and click the entry."""
        self.tally.clicks += 2
        locator.select_option(label=label)

    def pick(self, field_name, label):
        """Click one of a field's radio buttons by its label: one click, nothing to open."""
        self.click(self.field_row(field_name).get_by_label(label, exact=True))

    def type_into_editor(self, field_label, paragraphs):
        """Type the body into the rich-text editor under ``field_label``."""
        editor = self.rich_text_editor(field_label)
        self.click(editor)
        self.tally.fields += 1
        for index, paragraph in enumerate(paragraphs):
            if index:
                self.page.keyboard.press("Enter")
            self.page.keyboard.insert_text(paragraph)

    def autocomplete(self, select, option, *, search=None):
        """Choose ``option`` in an autocomplete widget: open it, perhaps type, click the entry.

        ``select`` is the <select> the widget stands for (find it with
        ``labelled`` or ``inline_field``). Without ``search`` the entry is
        picked from the list that opens, with nothing typed.
        """
        container = select.locator("xpath=following-sibling::span[contains(@class, 'select2')]")
        self.click(container.locator(".select2-selection"))
        results = self.page.locator(".select2-container--open .select2-results")
        if search is not None:
            self.tally.fields += 1
            self.page.keyboard.type(search)
        entry = results.get_by_role("option", name=re.compile(re.escape(option)))
        self.click(entry.first)
        selected = select.locator("option:checked", has_text=option)
        selected.first.wait_for(state="attached")

    def add_related(self, select):
        """Click the green + beside ``select``; return a Desk on the popup that opens."""
        wrapper = select.locator("xpath=ancestor::div[contains(@class, 'related-widget-wrapper')]")
        link = wrapper.first.locator("a.add-related")
        with self.page.expect_popup() as opened:
            self.click(link)
        popup = opened.value
        # Django opens it at 800x500; the screenshots are all one size.
        popup.set_viewport_size(VIEWPORT)
        desk = Desk(popup, self.base_url, self.tally)
        desk.tally.loads += 1  # the popup's first load happened before we listened
        popup.wait_for_load_state()
        return desk

    def save_popup(self, button="Save"):
        """Save the popup's form; it closes and hands the new record to its opener."""
        with self.page.expect_event("close"):
            self.click(self.page.get_by_role("button", name=button, exact=True))

    def save(self, button="Save"):
        """Press a submit button and wait for the page it leads to."""
        with self.page.expect_navigation():
            self.click(self.page.get_by_role("button", name=button, exact=True))

    # Finding things (not counted).

    def labelled(self, label, *, within=None):
        """The form control whose <label> reads ``label`` (with or without its colon).

        Found through the label's ``for``, so it also finds the <select>
        an autocomplete widget hides and the <textarea> a rich-text editor
        stands on.
        """
        scope = within if within is not None else self.page
        text = re.compile(rf"^\s*{re.escape(label)}:?\s*$", re.IGNORECASE)
        target = scope.locator("label", has_text=text).first.get_attribute("for")
        return self.page.locator(f"#{target}")

    def rich_text_editor(self, field_label):
        textarea = self.labelled(field_label)
        return textarea.locator("xpath=ancestor::div[contains(@class, 'prose-editor')]").locator(
            "[contenteditable=true]"
        )

    def inline_group(self, heading):
        """The inline formset whose heading reads ``heading`` (Quotes, Positions...)."""
        return self.page.locator(".inline-group").filter(
            has=self.page.get_by_role(
                "heading", name=re.compile(rf"^\s*{re.escape(heading)}", re.IGNORECASE)
            )
        )

    def inline_add(self, heading):
        """Click "Add another ..." under an inline group; return the new row's form prefix."""
        group = self.inline_group(heading)
        total = group.locator("input[name$='-TOTAL_FORMS']")
        before = int(total.input_value())
        self.click(group.get_by_role("button", name=re.compile(r"^Add another", re.IGNORECASE)))
        prefix = total.get_attribute("name").removesuffix("-TOTAL_FORMS")
        self.page.wait_for_function(
            "([name, count]) => Number(document.querySelector(`[name='${name}']`).value) > count",
            arg=[f"{prefix}-TOTAL_FORMS", before],
        )
        return f"{prefix}-{before}"

    def inline_row(self, heading, index):
        """The form prefix of row ``index`` of an inline group, adding rows as a person would.

        The rows a form opens with are used first; only beyond them is
        "Add another ..." clicked (and counted).
        """
        total = self.inline_group(heading).locator("input[name$='-TOTAL_FORMS']")
        prefix = total.get_attribute("name").removesuffix("-TOTAL_FORMS")
        if index < int(total.input_value()):
            return f"{prefix}-{index}"
        return self.inline_add(heading)

    def inline_field(self, form_prefix, name):
        """The control ``name`` of one inline form, by its form name (quotes-0-text)."""
        return self.page.locator(f"[name='{form_prefix}-{name}']")

    def field_row(self, name):
        """The admin's row for one model field (holds a date-and-time pair, say)."""
        return self.page.locator(f".form-row.field-{name}")

    def shot(self, name):
        return screenshot(self.page, name)


def sign_in(desk, username, *, password=PASSWORD):
    """Sign in through the admin's login page; not part of any count."""
    tally = desk.tally
    marked = (tally.clicks, tally.fields, tally.loads)
    desk.goto("/admin/login/?next=/admin/")
    desk.page.get_by_label("Username").fill(username)
    desk.page.get_by_label("Password").fill(password)
    with desk.page.expect_navigation():
        desk.page.get_by_role("button", name="Log in").click()
    tally.clicks, tally.fields, tally.loads = marked
    tally._marked = marked


def leave_quietly(context):
    """Leave every page of ``context`` and wait until its goodbye requests are answered.

    Admin pages tell the server when they are left (who has a record open,
    the form's autosaved draft). Sent as the browser closes, those requests
    reach the live server after the test's database is gone and print
    tracebacks; sent from here, they are answered while it is still there.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    pending = set()
    context.on("request", lambda request: pending.add(request))
    context.on("requestfinished", lambda request: pending.discard(request))
    context.on("requestfailed", lambda request: pending.discard(request))
    for page in context.pages:
        if not page.is_closed():
            page.goto("about:blank")
    # The sync API handles events only inside its own calls, so nothing can
    # finish between this test and the wait.
    while pending:
        try:
            context.wait_for_event("requestfinished", timeout=5_000)
        except PlaywrightTimeoutError:
            break


def session_sign_in(desk, user):
    """Give the desk's browser a signed-in session cookie, without a page load.

    For flows where signing in is not what is tested: two page loads fewer
    per person, which matters on two shared cores.
    """
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    desk.page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": desk.base_url, "httpOnly": True}]
    )
    desk.goto("/admin/")
    desk.tally.loads = 0


def steps_report(title, tally, *, intro=""):
    """The README beside the screenshots: one row per step, then the totals."""
    lines = [f"# {title}", ""]
    if intro:
        lines += [intro, ""]
    lines += [
        "| Step | Screenshot | Clicks | Typed fields | Page loads |",
        "|---|---|---:|---:|---:|",
    ]
    for step in tally.steps:
        shot = f"[{step.screenshot}]({step.screenshot})" if step.screenshot else "—"
        lines.append(f"| {step.name} | {shot} | {step.clicks} | {step.fields} | {step.loads} |")
    lines.append(f"| **Total** | | **{tally.clicks}** | **{tally.fields}** | **{tally.loads}** |")
    return "\n".join(lines) + "\n"
