"""Import press release in a real browser: from the admin index to the created draft.

Debian's Chromium (``apt-get install -y chromium``) driven by Playwright's sync
API against pytest-django's ``live_server``; skipped with a reason when either
is missing. The walk counts every click an editor makes after signing in: the
seed story must become a correct draft in at most ten, with nothing retyped
(the text goes in the way a paste does).
"""

import os
import re
from pathlib import Path

import pytest

from tests.browser.admin_helpers import BROWSER_TEST_MARKS, CHROMIUM_FLAGS

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the test and the live server's fixtures are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
MAX_CLICKS = 10
SEED_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seed"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = BROWSER_TEST_MARKS


def seed_text():
    files = sorted(SEED_DIR.glob("*.txt"))
    if not files:
        pytest.skip(f"no seed story in {SEED_DIR}")
    return files[0].read_text(encoding="utf-8")


@pytest.fixture
def browser_page():
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


class Clicks:
    """Every click the editor makes, counted."""

    def __init__(self, page):
        self.page = page
        self.count = 0

    def __call__(self, locator):
        self.count += 1
        locator.click()


def test_the_seed_story_becomes_a_draft_in_at_most_ten_clicks(live_server, browser_page):
    from django.utils import timezone

    from articles.models import Article, ArticleStatus
    from institutions.models import InstitutionKind
    from tests.support.factories import make_institution, make_section, make_staff

    text = seed_text()
    make_section(name="News", slug="news")
    kaist = make_institution(
        name="Korea Advanced Institute of Science and Technology", short_name="KAIST"
    )
    gsmse = make_institution(
        name="Graduate School of Medical Science and Engineering",
        short_name="GSMSE",
        parent=kaist,
        kind=InstitutionKind.GRADUATE_SCHOOL,
    )
    editor = make_staff("Editor")
    page = browser_page

    # Signing in is not part of the import.
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", editor.username)
    page.fill("#id_password", "pw")
    page.locator("input[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    click = Clicks(page)
    click(page.get_by_role("link", name="Import press release"))
    page.wait_for_url(re.compile(r"/admin/import/press-release/$"))
    click(page.locator("#id_text"))
    page.keyboard.insert_text(text)  # what a paste does: no typing
    click(page.get_by_role("button", name="Analyse"))
    page.wait_for_selector("#press-release-review")
    assert "KAIST GSMSE" in page.content()
    assert page.locator("#review-quotes .quote-row").count() == 3
    click(page.get_by_role("button", name="Create draft"))
    page.wait_for_url(re.compile(r"/admin/articles/article/\d+/change/$"))
    assert "Draft created from the press release" in page.content()
    assert click.count <= MAX_CLICKS, f"{click.count} clicks"

    article = Article.objects.get()
    assert page.url.endswith(f"/admin/articles/article/{article.pk}/change/")
    assert (article.status, article.created_by) == (ArticleStatus.DRAFT, editor)
    assert [q.person.name for q in article.quotes.select_related("person")] == [
        "Choi Jae-young",
        "Choi Jae-young",
        "Park Su-hyung",
    ]
    assert gsmse in article.institutions.all()
    agreement = article.agreements.get()
    assert set(agreement.parties.values_list("name", flat=True)) == {
        "Yonsei University College of Medicine",
        gsmse.name,
    }
    # "on Wednesday", read from the release date the form proposes (today).
    assert agreement.signed_on.weekday() == 2
    assert agreement.signed_on <= timezone.localdate()
