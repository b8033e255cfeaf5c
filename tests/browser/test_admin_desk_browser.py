"""The editor's desk in a real browser: the admin driven as a person would.

Debian's Chromium (``apt-get install -y chromium``) driven by Playwright's
sync API against pytest-django's ``live_server``; skipped with a reason when
either is missing. Each test signs in people made for it and works through
the admin by labels, roles and button names, with autocomplete widgets and
the + popups, as a communications officer would:

* the seed story entered from nothing (institutions with their parents, the
  deans with their positions, the article with two quotes, the agreement
  with its parties and signatories), every click and typed field counted;
* a writer submits, an editor publishes;
* a story scheduled for later is listed as Scheduled;
* a preview link opens for someone who is not signed in;
* restoring an older revision of a live story keeps it live;
* of two editors saving the same story, the second is refused and keeps
  what they typed.

With ``NEWSROOM_SCREENSHOTS=1`` (set by ``.ci/browser-checks``) the steps
are photographed into docs/screenshots/admin/, and the seed story's counts
are written to the README there.
"""

import datetime
import os
import re

import pytest

from tests.browser.admin_helpers import (
    BROWSER_TEST_MARKS,
    CHROMIUM_FLAGS,
    SCREENSHOT_DIR,
    SCREENSHOTS,
    VIEWPORT,
    Desk,
    chromium_path,
    leave_quietly,
    session_sign_in,
    sign_in,
    steps_report,
)

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the test and the live server's fixtures are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

playwright_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
pytestmark = BROWSER_TEST_MARKS

# The seed story's facts, in our own words.
YONSEI = "Yonsei University"
YONSEI_MEDICINE = "Yonsei University College of Medicine"
KAIST = "Korea Advanced Institute of Science and Technology"
GSMSE = "Graduate School of Medical Science and Engineering"
CHOI = "Choi Jae-young"
PARK = "Park Su-hyung"
HEADLINE = "Yonsei medicine and KAIST GSMSE agree to research and train together"
STANDFIRST = (
    "The two schools will swap researchers and data, run joint projects and share "
    "their laboratories and classrooms."
)
BODY = [
    "Yonsei University College of Medicine and KAIST's Graduate School of Medical "
    "Science and Engineering signed a memorandum of understanding on Wednesday.",
    "The college brings clinical and basic medicine; the graduate school brings research "
    "that joins medicine with science and engineering. Together they plan joint projects, "
    "shared facilities, exchanges of staff and a wider international network.",
]
CHOI_QUOTE = (
    "Putting what each school does best together gives medical science here a firm base "
    "for research and teaching."
)
PARK_QUOTE = (
    "Working with Yonsei's College of Medicine is a real step for our interdisciplinary "
    "research and for the people we train."
)
AGREEMENT = "Memorandum of understanding: Yonsei College of Medicine and KAIST GSMSE"
SIGNED_ON = datetime.date(2026, 1, 7)  # a Wednesday
# What the officer types into an autocomplete to find each record.
SEARCH = {YONSEI_MEDICINE: "Medicine", GSMSE: "GSMSE", CHOI: "Choi", PARK: "Park"}

SEED_REPORT_INTRO = (
    "Written by `tests/browser/test_admin_desk_browser.py` "
    "(`test_the_seed_story_entered_from_scratch`) when run with `NEWSROOM_SCREENSHOTS=1` "
    "(`.ci/browser-checks` does). An editor enters the seed MOU story from nothing: "
    "two institutions, each with its parent added from the + beside “Part of”; the two "
    "deans, each added from the + beside a quote's speaker with a position; the article "
    "with two quotes; the agreement, added from the + beside “Agreements”, with both "
    "parties and their signatories; then one save, which fills in the people and "
    "institutions the story is about from its quotes and its agreement. The newsroom's "
    "only section is preselected. Signing in is not counted. A choice from a plain list "
    "counts as two clicks (open, pick), a radio button as one; a search typed into an "
    "autocomplete counts as a typed field; moving between fields with Tab is not counted. "
    "The issue measured 62 clicks, 60 typed fields and 31 page loads for this story."
)


# What the README beside the screenshots lists: the seed story's counted
# steps, then one line per screenshot of the other flows.
REPORT = {"seed": None, "flows": []}


@pytest.fixture(scope="module", autouse=True)
def screenshots_readme():
    """With screenshots on, write docs/screenshots/admin/README.md once the flows have run."""
    yield
    if not SCREENSHOTS or REPORT["seed"] is None:
        return
    seed = REPORT["seed"]
    text = steps_report("The seed story, entered in the admin", seed, intro=SEED_REPORT_INTRO)
    text += (
        f"\nAgainst the issue's goal of half of 62 clicks and 60 typed fields: "
        f"{seed.clicks} clicks (goal 31 or fewer), {seed.fields} typed fields (goal 30 or "
        f"fewer), {seed.loads} page loads (31 before).\n"
    )
    if REPORT["flows"]:
        text += "\n## The other flows\n\n| Step | Screenshot |\n|---|---|\n"
        text += "".join(f"| {step} | [{shot}]({shot}) |\n" for step, shot in REPORT["flows"])
    (SCREENSHOT_DIR / "README.md").write_text(text, encoding="utf-8")


def flow_shot(desk, name, step):
    """A screenshot of one of the other flows, listed in the README."""
    shot = desk.shot(name)
    if shot:
        REPORT["flows"].append((step, shot))


# Function scope, not module: with a module-scoped browser fixture set up
# first, the serialized rollback's data (the role groups) was missing from
# the next test's database whenever another transactional test ran before.
@pytest.fixture
def browser():
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def open_desk(browser, live_server):
    """Open a fresh browser context (own cookies) as ``user``, or signed out without one."""
    contexts = []

    def open_desk(user=None, *, through_login_form=False):
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        desk = Desk(context.new_page(), live_server.url)
        if user is not None and through_login_form:
            sign_in(desk, user.get_username())
        elif user is not None:
            session_sign_in(desk, user)
        return desk

    yield open_desk
    for context in contexts:
        leave_quietly(context)
        context.close()


def index_add_link(desk, model_plural):
    """The "Add" link on the row of ``model_plural`` in the admin's model list."""
    page = desk.page
    row = page.locator("tr", has=page.get_by_role("link", name=model_plural, exact=True))
    return row.get_by_role("link", name="Add", exact=True)


def assert_saved(desk):
    """The admin said it saved, and showed no error."""
    page = desk.page
    page.locator(".messagelist .success, .errornote").first.wait_for()
    errors = page.locator(".errornote, .errorlist")
    assert errors.count() == 0, "\n".join(errors.all_inner_texts())


def public_status(desk, article):
    """The HTTP status a reader (this desk, signed out) gets at the story's address."""
    response = desk.page.goto(f"{desk.base_url}{article.get_absolute_url()}")
    return response.status


# 1. The seed story from scratch -------------------------------------------


def test_the_seed_story_entered_from_scratch(open_desk):
    from articles.models import Article
    from institutions.models import Agreement, Institution, Person
    from tests.support.factories import make_section, make_staff

    make_section(name="News", slug="news")
    editor = make_staff("Editor")
    desk = open_desk(editor)
    page, tally = desk.page, desk.tally

    # Yonsei's college, its university added from the + beside "Part of".
    desk.click(index_add_link(desk, "Institutions"))
    desk.fill(desk.labelled("Name"), YONSEI_MEDICINE)
    desk.pick("kind", "College or school")
    popup = desk.add_related(desk.labelled("Part of"))
    desk.fill(popup.labelled("Name"), YONSEI)
    shot = popup.shot("01-institution-parent-popup")
    popup.save_popup()
    page.locator("#select2-id_parent-container", has_text=YONSEI).wait_for()
    desk.save("Save and add another")
    assert_saved(desk)
    tally.step(f"{YONSEI_MEDICINE}, with {YONSEI} added from the + beside “Part of”", shot)

    # KAIST's graduate school, KAIST added the same way.
    desk.fill(desk.labelled("Name"), GSMSE)
    desk.fill(desk.labelled("Short name"), "GSMSE")
    desk.pick("kind", "Graduate school")
    popup = desk.add_related(desk.labelled("Part of"))
    desk.fill(popup.labelled("Name"), KAIST)
    desk.fill(popup.labelled("Short name"), "KAIST")
    popup.save_popup()
    page.locator("#select2-id_parent-container", has_text=KAIST).wait_for()
    shot = desk.shot("02-institution-with-parent")
    desk.save()
    assert_saved(desk)
    tally.step("GSMSE, with KAIST added from the + beside “Part of”", shot)

    # The article: headline, standfirst, body; the newsroom's one section is chosen already.
    desk.click(index_add_link(desk, "Articles"))
    page.locator("#select2-id_section-container", has_text="News").wait_for()
    desk.fill(desk.labelled("Headline"), HEADLINE)
    desk.fill(desk.labelled("Standfirst"), STANDFIRST)
    desk.type_into_editor("Body", BODY)
    tally.step(
        "Article: headline, standfirst, body (the section is preselected)",
        desk.shot("03-article-text"),
    )

    # Two quotes; each speaker added from the + beside "Person", with a position.
    speakers = [(CHOI, YONSEI_MEDICINE, CHOI_QUOTE), (PARK, GSMSE, PARK_QUOTE)]
    for number, (name, institution, words) in enumerate(speakers, start=4):
        quote = desk.inline_row("Quotes", number - 4)
        popup = desk.add_related(desk.inline_field(quote, "person"))
        desk.fill(popup.labelled("Name"), name)
        position = popup.inline_row("Positions", 0)
        popup.autocomplete(
            popup.inline_field(position, "institution"), institution, search=SEARCH[institution]
        )
        desk.fill(popup.inline_field(position, "title"), "Dean")
        shot = popup.shot(f"{number:02}-speaker-popup-{name.split()[0].lower()}")
        popup.save_popup()
        page.locator(f"#select2-id_{quote}-person-container", has_text=name).wait_for()
        desk.fill(desk.inline_field(quote, "text"), words)
        tally.step(f"Quote by {name}, added from the + beside “Person” with a position", shot)

    # The agreement, from the + beside "Agreements", with its parties and signatories.
    popup = desk.add_related(desk.labelled("Agreements"))
    desk.fill(popup.labelled("Title"), AGREEMENT)
    desk.fill(popup.labelled("Signed on"), SIGNED_ON.isoformat())
    # Each party is its signatory's institution on the signing day: only the deans are picked.
    for index, signatory in enumerate([CHOI, PARK]):
        party = popup.inline_row("Parties", index)
        popup.autocomplete(
            popup.inline_field(party, "signatory"), signatory, search=SEARCH[signatory]
        )
    shot = popup.shot("07-agreement-popup")
    popup.save_popup()
    page.locator("#id_agreements option:checked", has_text=AGREEMENT).wait_for(state="attached")
    tally.step(
        "The agreement, from the + beside “Agreements”, with its signatories "
        "(each party is the signatory's institution)",
        shot,
    )

    desk.save("Save and continue editing")
    assert_saved(desk)
    # What the story is about was filled in on save: the quoted deans and the parties.
    desk.labelled("People").scroll_into_view_if_needed()
    for name in (CHOI, PARK):
        page.locator("#id_people option:checked", has_text=name).wait_for(state="attached")
    tally.step(
        "Article saved (a draft): the quoted people and the agreement's parties are filled in",
        desk.shot("08-article-saved"),
    )

    # Every record is there, linked as the story says.
    medicine = Institution.objects.get(name=YONSEI_MEDICINE)
    school = Institution.objects.get(name=GSMSE)
    assert medicine.parent.name == YONSEI
    assert (school.parent.name, school.parent.short_name, school.label) == (
        KAIST,
        "KAIST",
        "KAIST GSMSE",
    )
    deans = {p.name: p for p in Person.objects.prefetch_related("positions__institution")}
    assert [(p.title, p.institution) for p in deans[CHOI].positions.all()] == [("Dean", medicine)]
    assert [(p.title, p.institution) for p in deans[PARK].positions.all()] == [("Dean", school)]
    article = Article.objects.get()
    assert (article.headline, article.section.name, article.created_by) == (
        HEADLINE,
        "News",
        editor,
    )
    assert [(q.person.name, q.text) for q in article.quotes.all()] == [
        (CHOI, CHOI_QUOTE),
        (PARK, PARK_QUOTE),
    ]
    assert set(article.institutions.all()) == {medicine, school}
    assert set(article.people.all()) == set(deans.values())
    agreement = Agreement.objects.get()
    assert list(article.agreements.all()) == [agreement]
    assert agreement.signed_on == SIGNED_ON
    assert [(p.institution, p.signatory) for p in agreement.party_rows.all()] == [
        (medicine, deans[CHOI]),
        (school, deans[PARK]),
    ]

    REPORT["seed"] = tally
    print(f"\nseed story: {tally.clicks} clicks, {tally.fields} typed fields, {tally.loads} loads")


# 2. A writer submits, an editor publishes ---------------------------------


def test_a_writer_submits_and_an_editor_publishes(open_desk):
    from articles.models import Article, ArticleStatus
    from tests.support.factories import make_section, make_staff

    make_section(name="News", slug="news")
    writer = make_staff("Writer")
    editor = make_staff("Editor")
    headline = "Severance opens a clinic for rare hearing disorders"

    desk = open_desk(writer, through_login_form=True)
    desk.click(index_add_link(desk, "Articles"))
    desk.fill(desk.labelled("Headline"), headline)
    desk.autocomplete(desk.labelled("Section"), "News")
    desk.type_into_editor("Body", ["The clinic sees its first patients in the spring."])
    desk.choose(desk.labelled("Status"), "In review")
    desk.labelled("Status").scroll_into_view_if_needed()
    flow_shot(desk, "09-writer-submits-for-review", "A writer sends a new story for review")
    desk.save()
    assert_saved(desk)
    article = Article.objects.get()
    assert (article.status, article.created_by) == (ArticleStatus.REVIEW, writer)

    # The editor, in a browser of their own, finds it in the review queue.
    editor_desk = open_desk(editor, through_login_form=True)
    page = editor_desk.page
    queue = page.locator("#review-queue")
    flow_shot(editor_desk, "10-editor-review-queue", "The story waits in the editor's review queue")
    editor_desk.click(queue.get_by_role("link", name=headline))
    editor_desk.choose(editor_desk.labelled("Status"), "Published")
    published_at = editor_desk.field_row("published_at")
    editor_desk.click(published_at.get_by_role("button", name=re.compile("^Today")))
    editor_desk.click(published_at.get_by_role("button", name=re.compile("^Now")))
    published_at.scroll_into_view_if_needed()
    flow_shot(editor_desk, "11-editor-publishes", "The editor publishes it now")
    editor_desk.save()
    assert_saved(editor_desk)

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.is_published()
    assert public_status(open_desk(), article) == 200


# 3. Scheduled ---------------------------------------------------------------


def test_a_story_scheduled_for_later_is_listed_as_scheduled(open_desk):
    from django.utils import timezone

    from articles.models import ArticleStatus
    from tests.support.factories import make_article, make_section, make_staff

    # A section named as a newsroom names them: the factory's "Section <n>" grows
    # with the tests run before, and the list's width with it.
    article = make_article(
        headline="Yonsei Cancer Center widens heavy ion therapy",
        status=ArticleStatus.DRAFT,
        published_at=None,
        section=make_section(name="Research", slug="research"),
    )
    desk = open_desk(make_staff("Editor"))
    page = desk.page
    desk.goto("/admin/articles/article/")
    desk.click(page.get_by_role("link", name=article.headline))
    desk.choose(desk.labelled("Status"), "Published")
    # Three days ahead in the newsroom's own zone: in the future at any hour.
    later = timezone.localdate() + datetime.timedelta(days=3)
    published_at = desk.field_row("published_at")
    desk.fill(published_at.get_by_label("Date"), later.isoformat())
    desk.fill(published_at.get_by_label("Time"), "09:00")
    desk.save()
    assert_saved(desk)

    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=article.headline))
    assert "Scheduled" in row.inner_text()
    desk.click(page.locator("#changelist-filter").get_by_role("link", name="Scheduled"))
    page.wait_for_url(re.compile(r"state=scheduled"))
    assert page.get_by_role("link", name=article.headline).count() == 1
    # Every column in view on a 1366-pixel laptop, sidebar and filters open:
    # no sideways scrolling (an outside check found the list 1374 px wide).
    page.set_viewport_size({"width": 1366, "height": 768})
    overflow = page.evaluate(
        "() => { const r = document.querySelector('#changelist .results');"
        " return r.scrollWidth - r.clientWidth; }"
    )
    widths = page.evaluate(
        "() => [...document.querySelectorAll('#result_list thead th')].map(t => t.className + ':' + t.offsetWidth)"
        " .concat([document.querySelector('#changelist .results').clientWidth])"
    )
    assert overflow <= 0, f"the story list is {overflow} px wider than its room {widths}"
    flow_shot(
        desk, "12-scheduled-in-the-list", "A story scheduled for later, under the Scheduled filter"
    )

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert timezone.localtime(article.published_at).date() == later
    assert not article.is_published()
    assert public_status(open_desk(), article) == 404


# 4. Preview link --------------------------------------------------------------


def test_a_preview_link_opens_for_someone_signed_out(open_desk, live_server, settings):
    from articles.models import ArticleStatus
    from tests.support.factories import make_article, make_staff

    # The address the site is served on, as an operator sets it.
    settings.SITE_URL = live_server.url
    article = make_article(
        headline="Severance team grows organoids to test pancreatic cancer drugs",
        status=ArticleStatus.DRAFT,
        published_at=None,
    )
    desk = open_desk(make_staff("Editor"))
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    link = desk.inline_add("Preview links")
    desk.fill(desk.inline_field(link, "recipient"), "Dean Choi's office")
    desk.save("Save and continue editing")
    assert_saved(desk)
    group = desk.inline_group("Preview links")
    address = group.get_by_role("link", name=re.compile(r"preview")).first.get_attribute("href")
    group.scroll_into_view_if_needed()
    flow_shot(desk, "13-preview-link", "A preview link made for an official")

    reader = open_desk()
    response = reader.page.goto(address)
    assert response.status == 200
    reader.page.get_by_role("heading", name=article.headline).wait_for()
    flow_shot(reader, "14-preview-signed-out", "The preview link, opened by someone not signed in")
    assert public_status(reader, article) == 404


# 5. Restore keeps a live story live ---------------------------------------------


def test_restoring_an_old_revision_keeps_a_live_story_live(open_desk):
    from articles.models import ArticleStatus
    from newsroom import revisions
    from tests.support.factories import make_article, make_staff

    editor = make_staff("Editor")
    with revisions.recorded(user=editor, comment="First version."):
        article = make_article(headline="Severance tops a workplace list again")
    article.headline = "Severance tops a workplace list for the 19th year"
    with revisions.recorded(user=editor, comment="Headline made precise."):
        article.save()

    desk = open_desk(editor)
    page = desk.page
    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    desk.click(page.get_by_role("link", name="History"))
    first = page.get_by_role("row").filter(has_text="First version.")
    desk.click(first.get_by_role("link").first)
    flow_shot(desk, "15-restore-compare", "An older revision of a live story, before restoring")
    desk.save("Restore version A")
    assert_saved(desk)
    flow_shot(desk, "16-restored-still-live", "Restored: the story stays live")

    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.is_published()
    assert public_status(open_desk(), article) == 200


# 6. Two editors at once -----------------------------------------------------------


def test_of_two_editors_saving_at_once_the_second_is_refused_and_keeps_the_input(open_desk):
    from articles.models import ArticleStatus
    from newsroom import revisions
    from tests.support.factories import make_article, make_staff

    article = make_article(
        headline="Researchers find a new role for the Huntington's protein",
        standfirst="A first standfirst.",
        status=ArticleStatus.DRAFT,
        published_at=None,
    )
    with revisions.recorded(user=None, comment="First version."):
        article.save()  # the version both editors open, kept as a revision
    first, second = make_staff("Editor"), make_staff("Editor")
    change = f"/admin/articles/article/{article.pk}/change/"
    first_desk, second_desk = open_desk(first), open_desk(second)
    first_desk.goto(change)
    second_desk.goto(change)

    first_desk.fill(first_desk.labelled("Standfirst"), "The protein also holds cells in shape.")
    first_desk.save()
    assert_saved(first_desk)

    typed = "Huntington's protein turns out to hold cells in shape"
    second_desk.fill(second_desk.labelled("Headline"), typed)
    second_desk.save()
    page = second_desk.page
    page.locator(".errornote").first.wait_for()
    assert page.url.endswith(change)
    assert first.get_username() in page.content()
    assert second_desk.labelled("Headline").input_value() == typed
    flow_shot(
        second_desk, "17-edit-conflict", "The second editor's save is refused, their input kept"
    )

    article.refresh_from_db()
    assert article.headline == "Researchers find a new role for the Huntington's protein"
    assert article.standfirst == "The protein also holds cells in shape."

    # Three-way: against the version both opened, each change is one side's
    # alone, so the choices come made (mine for the headline, theirs for the
    # standfirst) and saving again keeps both.
    conflict = page.locator("#edit-conflict")
    assert "when you opened it" in conflict.inner_text().lower()

    def choice(field, side):
        row = conflict.locator("tr", has=page.get_by_role("rowheader", name=field, exact=True))
        return row.get_by_label(side, exact=True)

    assert choice("Headline", "Mine").is_checked()
    assert choice("Standfirst", "Theirs").is_checked()
    second_desk.save()
    assert_saved(second_desk)
    article.refresh_from_db()
    assert article.headline == typed
    assert article.standfirst == "The protein also holds cells in shape."


# 7. Correcting a live story through a draft -------------------------------------


def test_a_live_story_is_corrected_through_draft_changes(open_desk):
    from tests.support.factories import make_article, make_staff

    live_headline = "Severance opens a ward for rare diseases"
    corrected = "Severance opens a ward for rare and undiagnosed diseases"
    article = make_article(headline=live_headline, slug="rare-disease-ward")
    desk = open_desk(make_staff("Editor"))
    reader = open_desk()
    change = f"/admin/articles/article/{article.pk}/change/"

    desk.goto(change)
    desk.fill(desk.labelled("Headline"), corrected)
    desk.save("Save draft changes")
    assert_saved(desk)
    # Readers still get the live words while the correction waits.
    reader.page.goto(f"{reader.base_url}{article.get_absolute_url()}")
    assert live_headline in reader.page.content()
    assert corrected not in reader.page.content()

    desk.goto(change)
    assert desk.labelled("Headline").input_value() == corrected
    flow_shot(desk, "18-live-draft", "A correction to a live story, waiting as draft changes")
    desk.save("Publish changes")
    assert_saved(desk)
    article.refresh_from_db()
    assert article.headline == corrected
    reader.page.goto(f"{reader.base_url}{article.get_absolute_url()}")
    assert corrected in reader.page.content()


# 8. The lead image from the media library ---------------------------------------


def test_the_lead_image_is_chosen_from_the_media_library(open_desk, settings):
    from articles.models import ArticleStatus
    from tests.support.factories import make_article, make_staff
    from tests.support.images import make_library_image

    settings.NEWSROOM_SERVE_MEDIA = True
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    picture = make_library_image(alt_text="The two deans exchange the signed agreement")
    make_library_image(alt_text="An empty lecture hall", caption="", credit="")
    article = make_article(
        headline="Yonsei and KAIST open a shared laboratory",
        slug="shared-laboratory",
        status=ArticleStatus.DRAFT,
        published_at=None,
    )
    desk = open_desk(make_staff("Editor"))
    page = desk.page

    desk.goto(f"/admin/articles/article/{article.pk}/change/")
    field = page.locator("[data-library-field]")
    desk.click(field.get_by_role("button", name="Choose from library"))
    dialog = page.get_by_role("dialog", name="Choose the lead image")
    desk.fill(dialog.get_by_role("searchbox"), "deans")
    playwright_api.expect(dialog.locator("[data-library-choice]")).to_have_count(1)
    desk.click(dialog.locator(f'[data-library-choice="{picture.pk}"]'))
    playwright_api.expect(field.locator("img")).to_be_visible()
    assert picture.alt_text in field.inner_text()
    flow_shot(desk, "19-lead-image-from-library", "The lead image, chosen from the media library")
    desk.save("Save and continue editing")
    assert_saved(desk)
    article.refresh_from_db()
    assert article.lead_library_image == picture

    # Published, the reader's page leads with the picture's rendition and words.
    article.status, article.published_at = ArticleStatus.PUBLISHED, article.created_at
    article.save()
    reader = open_desk()
    reader.page.goto(f"{reader.base_url}{article.get_absolute_url()}")
    shown = reader.page.locator(".article__figure img")
    assert shown.get_attribute("alt") == picture.alt_text
    assert shown.evaluate("image => image.complete && image.naturalWidth > 0")
    assert "Photo: Kim Min-ji" in reader.page.locator(".article__figure").inner_text()


# 9. A Korean headline's address -------------------------------------------------


def test_a_korean_headline_gets_its_romanised_slug_as_it_is_typed(open_desk):
    from tests.support.factories import make_section, make_staff

    make_section(name="News", slug="news")
    desk = open_desk(make_staff("Writer"))
    desk.goto("/admin/articles/article/add/")
    desk.fill(desk.labelled("Headline"), "연세대 의대와 KAIST 의과학대학원 업무협약")

    slug = desk.labelled("Slug")
    playwright_api.expect(slug).to_have_value(
        "yeonsedae-uidaewa-kaist-uigwahakdaehakwon-eopmuhyeopyak"
    )
    # Typed by the officer, the slug is theirs: later headline edits leave it.
    desk.fill(slug, "yonsei-kaist-mou")
    desk.fill(desk.labelled("Headline"), "연세대 의대와 KAIST 업무협약 체결")
    desk.page.wait_for_timeout(600)
    assert slug.input_value() == "yonsei-kaist-mou"
