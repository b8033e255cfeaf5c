"""Crawl a running Newsroom site and check one page of each type in a real browser.

Run by ``.ci/browser-checks`` against a server it starts, or by hand::

    .venv/bin/python tests/browser/check_pages.py --base-url http://127.0.0.1:8000

The site is crawled from ``/``; the first URL of each page type (home, article,
section, ...) is kept, plus a search with results, an empty search and the 404
page.  For each of those pages it checks:

* HTML validity with the Nu HTML Checker (``vnu.jar``; errors fail, warnings don't);
* accessibility with axe-core in Chromium (serious and critical violations fail);
* structure: exactly one ``<h1>``, one ``<main>``, and a skip link as first tab stop;
* no JavaScript errors, no failed same-origin requests, no off-site requests;

and saves screenshots to ``docs/screenshots/``.  Exit status is 1 on any failure.

Importing this module has no side effects and does not import Playwright, so
test collection over ``tests/`` stays cheap and safe.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Route

REPO_ROOT = Path(__file__).resolve().parents[2]

# Ordered: the first pattern that matches the URL path names the page type.
PAGE_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))
    for kind, pattern in (
        ("home", r"/"),
        ("news-index", r"/news/"),
        # Month and day may or may not be zero-padded.
        ("article", r"/news/\d{4}/\d{1,2}/\d{1,2}/[^/]+/"),
        ("archive-day", r"/news/\d{4}/\d{1,2}/\d{1,2}/"),
        ("archive-month", r"/news/\d{4}/\d{1,2}/"),
        ("archive-year", r"/news/\d{4}/"),
        ("section-list", r"/news/sections?/"),
        ("section", r"/news/section/[^/]+/"),
        ("tag-list", r"/news/tags?/"),
        ("tag", r"/news/tag/[^/]+/"),
        ("institution-list", r"/institutions/"),
        ("institution", r"/institutions/[^/]+/"),
        ("people-list", r"/people/"),
        ("person", r"/people/[^/]+/"),
        ("agreement-list", r"/agreements/"),
        ("agreement", r"/agreements/[^/]+/"),
        ("search", r"/search/"),
        ("feeds", r"/feeds/"),
    )
)

# Pages no link leads to, always checked: (type, path, expected HTTP status).
EXTRA_PAGES: tuple[tuple[str, str, int], ...] = (
    ("search-results", "/search/?q=KAIST", 200),
    ("search-empty", "/search/?q=zzzznotfound", 200),
    ("not-found", "/this-page-does-not-exist/", 404),
)

# Crawled besides "/" even if no <a> leads to them (the search page is reached
# through a form, the feeds page maybe only through <link rel=alternate>).
# Unlike linked pages, a seed that does not exist is not an error.
SEED_PATHS = ("/search/", "/feeds/")
SEED = "(seed)"

# Only these get a phone-width screenshot and overflow check.
PHONE_TYPES = frozenset({"home", "article"})

SKIPPED_PREFIXES = ("/admin/", "/static/", "/media/")
# Files that are not HTML pages; fetching them would only use up the budget.
SKIPPED_SUFFIXES = (
    ".xml",
    ".rss",
    ".atom",
    ".json",
    ".txt",
    ".ics",
    ".csv",
    ".pdf",
    ".zip",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".avif",
    ".svg",
    ".ico",
)

CHROMIUM_CANDIDATES = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying to reach the
# internet, which this machine cannot (and must not) do.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
FAILING_IMPACTS = frozenset({"serious", "critical"})
USER_AGENT = "newsroom-browser-checks/1"
TIMEOUT_S = 30


@dataclass
class Fetched:
    """One HTTP answer as seen by the crawler."""

    url: str
    status: int
    content_type: str = ""
    body: bytes = b""
    error: str = ""

    @property
    def is_html(self) -> bool:
        """Whether the answer is an HTML document."""
        return self.content_type.split(";")[0].strip().lower() == "text/html"


@dataclass
class Page:
    """A page chosen to stand for its page type."""

    kind: str
    url: str
    expected_status: int = 200
    status: int = 200  # what the crawler's request actually got
    html: bytes = b""


@dataclass
class Report:
    """Collects results; each (check, page type) pair counts as one check."""

    passed: int = 0
    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def record(self, check: str, kind: str, problems: list[str]) -> None:
        """Record one check on one page type; any problem fails it.

        Only a one-line notice is printed here; the details come once, in the summary.
        """
        if problems:
            self.failures.append((check, kind, problems))
            print(f"  FAIL [{check}] {kind}: {len(problems)} problem(s)")
        else:
            self.passed += 1

    def print_summary(self) -> None:
        """Print the failures grouped by check, then a one-line count."""
        print("\n=== Summary ===")
        for note in self.notes:
            print(f"note: {note}")
        if not self.failures:
            print("All browser and HTML checks passed.")
        checks = dict.fromkeys(check for check, _, _ in self.failures)
        for check in checks:
            print(f"\nFAILED {check}:")
            for failed_check, kind, problems in self.failures:
                if failed_check != check:
                    continue
                print(f"  {kind}:")
                for problem in problems:
                    print(f"    - {problem}")
        print(f"browser-checks: {self.passed} passed, {len(self.failures)} failed")


# --------------------------------------------------------------------------
# Crawling
# --------------------------------------------------------------------------


class _LinkParser(HTMLParser):
    """Collects the href of every <a> element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Keep <a href> values."""
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href.strip())


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects only within the site: nothing off-site may be contacted."""

    def __init__(self, netloc: str) -> None:
        super().__init__()
        self.netloc = netloc

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        """Refuse (return None, so the 3xx is raised) when leaving the origin."""
        if urlsplit(newurl).netloc != self.netloc:
            return None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch(opener: urllib.request.OpenerDirector, url: str) -> Fetched:
    """GET a URL; HTTP errors and connection errors are returned, not raised."""
    request = urllib.request.Request(
        url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"}
    )
    try:
        with opener.open(request, timeout=TIMEOUT_S) as response:
            return Fetched(
                url=response.geturl(),
                status=response.status,
                content_type=response.headers.get("Content-Type", ""),
                body=response.read(),
            )
    except urllib.error.HTTPError as exc:
        return Fetched(
            url=url,
            status=exc.code,
            content_type=exc.headers.get("Content-Type", "") if exc.headers else "",
            body=exc.read() or b"",
        )
    except (urllib.error.URLError, OSError) as exc:
        return Fetched(url=url, status=0, error=str(exc))


def extract_links(html: bytes, page_url: str) -> list[str]:
    """Absolute link targets of a page, without fragments."""
    parser = _LinkParser()
    parser.feed(html.decode("utf-8", errors="replace"))
    links = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(page_url, href))
        links.append(urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, "")))
    return links


def is_feed_path(path: str) -> bool:
    """Feed URLs are not HTML pages; ``/feeds/`` itself is the page listing them."""
    if "/feeds/" in path and path != "/feeds/":
        return True
    return path.rstrip("/").endswith(("/rss", "/atom", "/feed"))


def should_follow(url: str, netloc: str) -> bool:
    """Whether the crawler fetches this link at all."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc != netloc:
        return False
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES) or path.lower().endswith(SKIPPED_SUFFIXES):
        return False
    return not is_feed_path(path)


def generic_kind(path: str) -> str:
    """Name an unknown page type after its first path segment and depth.

    ``/about/`` becomes ``other-about`` and ``/events/x/`` ``other-events-detail``,
    so a hundred event pages still count as one type.
    """
    segments = [s for s in path.split("/") if s]
    head = re.sub(r"[^a-z0-9]+", "-", segments[0].lower()).strip("-") or "x"
    depth = len(segments)
    suffix = "" if depth == 1 else "-detail" if depth == 2 else f"-level{depth}"
    return f"other-{head}{suffix}"


def classify(url: str) -> str:
    """Page type of a URL, from PAGE_TYPES; any page beyond the first is 'paginated'."""
    parts = urlsplit(url)
    if any(value != "1" for value in parse_qs(parts.query).get("page", [])):
        return "paginated"
    path = parts.path or "/"
    for kind, pattern in PAGE_TYPES:
        if pattern.fullmatch(path):
            return kind
    return generic_kind(path)


def crawl(base_url: str, max_fetches: int) -> tuple[dict[str, Page], list[str], int]:
    """Crawl the site from ``/`` (and SEED_PATHS) and keep the first page of each type.

    Links whose type has not been seen yet are fetched first, so every type is
    reached within the budget even on a site with hundreds of articles; the rest
    is breadth-first.  Returns the pages, the broken links and the fetch count.
    """
    netloc = urlsplit(base_url).netloc
    opener = urllib.request.build_opener(_SameOriginRedirects(netloc))
    start = urljoin(base_url, "/")
    seeds = [urljoin(base_url, path) for path in SEED_PATHS]
    novel: deque[tuple[str, str]] = deque([(start, "(start)"), *((u, SEED) for u in seeds)])
    known: deque[tuple[str, str]] = deque()
    seen = {start, *seeds}
    queued_kinds = {classify(url) for url, _ in novel}
    pages: dict[str, Page] = {}
    broken: list[str] = []
    fetches = 0
    while (novel or known) and fetches < max_fetches:
        url, referrer = (novel or known).popleft()
        fetches += 1
        result = fetch(opener, url)
        if result.status == 0 or result.status >= 400:
            if referrer == SEED:
                continue
            reason = result.error or f"HTTP {result.status}"
            broken.append(f"{url} -> {reason} (linked from {referrer})")
            continue
        if not result.is_html or urlsplit(result.url).netloc != netloc:
            continue  # a 3xx off-site, or a file that is not a page
        kind = classify(result.url)
        pages.setdefault(kind, Page(kind, result.url, 200, result.status, result.body))
        for link in extract_links(result.body, result.url):
            if link in seen or not should_follow(link, netloc):
                continue
            seen.add(link)
            kind = classify(link)
            if kind in queued_kinds:
                known.append((link, result.url))
            else:
                queued_kinds.add(kind)
                novel.append((link, result.url))
    return pages, broken, fetches


def fetch_extra_pages(base_url: str) -> tuple[dict[str, Page], dict[str, list[str]]]:
    """Fetch the pages no link leads to; check each answers its expected status."""
    opener = urllib.request.build_opener(_SameOriginRedirects(urlsplit(base_url).netloc))
    pages: dict[str, Page] = {}
    problems: dict[str, list[str]] = {}
    for kind, path, expected in EXTRA_PAGES:
        url = urljoin(base_url, path)
        result = fetch(opener, url)
        problems[kind] = []
        if result.status != expected:
            reason = result.error or f"HTTP {result.status}"
            problems[kind].append(f"{url} answered {reason}, expected {expected}")
        if result.is_html:
            pages[kind] = Page(kind, url, expected, result.status, result.body)
        else:
            problems[kind].append(f"{url} is not HTML ({result.content_type!r})")
    return pages, problems


def print_page_table(pages: dict[str, Page]) -> None:
    """Show which page types were found and the URL standing for each."""
    width = max((len(kind) for kind in pages), default=4)
    print(f"\n{'type'.ljust(width)}  status  url")
    for kind, page in pages.items():
        print(f"{kind.ljust(width)}  {page.status:<6}  {page.url}")


def save_pages(pages: dict[str, Page], out_dir: Path) -> list[Path]:
    """Write each page's HTML to ``<out_dir>/<type>.html``, removing stale ones."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.html"):
        old.unlink()
    files = []
    for kind, page in pages.items():
        path = out_dir / f"{kind}.html"
        path.write_bytes(page.html)
        files.append(path)
    return files


# --------------------------------------------------------------------------
# Nu HTML Checker
# --------------------------------------------------------------------------


def describe_vnu_message(message: dict[str, Any]) -> str:
    """One line for a checker message: line, column, text and the offending markup."""
    line = message.get("lastLine", message.get("firstLine", "?"))
    column = message.get("firstColumn", message.get("lastColumn", "?"))
    extract = " ".join(str(message.get("extract", "")).split())[:120]
    text = f"line {line}, col {column}: {message.get('message', '').strip()}"
    return f"{text}  [{extract}]" if extract else text


def vnu_message_key(message: dict[str, Any]) -> str:
    """The message text without the offending value, so repeats group together.

    A template bug usually yields one error per rendered item, each naming its
    own value ("Bad value “2026-…”"); one line per item would bury the rest.
    """
    text = str(message.get("message", "")).strip()
    return re.sub(r"^(Bad value|Duplicate ID) “[^”]*”", r"\1 “…”", text)


def summarise_vnu_messages(messages: list[dict[str, Any]]) -> list[str]:
    """One line per distinct error of a page: its first occurrence and where it repeats."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        groups.setdefault(vnu_message_key(message), []).append(message)
    lines = []
    for repeats in groups.values():
        line = describe_vnu_message(repeats[0])
        if len(repeats) > 1:
            where = [str(m.get("lastLine", "?")) for m in repeats[1:]]
            shown = ", ".join(where[:8]) + (", …" if len(where) > 8 else "")
            line += f"  (and {len(where)} more like it, lines {shown})"
        lines.append(line)
    return lines


def run_vnu(jar: Path, files: list[Path]) -> tuple[dict[str, list[str]], int]:
    """Check saved HTML files with vnu.jar; return errors per page type, warning count.

    The checker exits 0 when a named file is missing, so existence is checked first.
    """
    errors: dict[str, list[str]] = {path.stem: [] for path in files}
    for path in files:
        if not path.is_file() or path.stat().st_size == 0:
            errors[path.stem].append(f"{path} is missing or empty")
    if not jar.is_file():
        return {"(vnu)": [f"{jar} not found: run npm ci --ignore-scripts"]}, 0
    command = [
        "java",
        "-jar",
        str(jar),
        "--format",
        "json",
        "--stdout",
        *map(str, files),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    try:
        messages = json.loads(proc.stdout)["messages"]
    except (json.JSONDecodeError, KeyError):
        detail = (proc.stderr or proc.stdout).strip()[:800]
        return {"(vnu)": [f"no JSON report (exit {proc.returncode}): {detail}"]}, 0
    warnings = 0
    by_page: dict[str, list[dict[str, Any]]] = {}
    for message in messages:
        if message.get("type") == "info":
            warnings += 1
            continue
        # "error" and "non-document-error" (e.g. an unreadable file) both fail.
        kind = Path(urlsplit(message.get("url", "")).path).stem or "(vnu)"
        by_page.setdefault(kind, []).append(message)
    for kind, page_messages in by_page.items():
        errors.setdefault(kind, []).extend(summarise_vnu_messages(page_messages))
    return errors, warnings


# --------------------------------------------------------------------------
# Browser checks
# --------------------------------------------------------------------------

STRUCTURE_JS = """() => ({
    h1: document.querySelectorAll("h1").length,
    main: document.querySelectorAll("main, [role=main]").length,
})"""

# Runs after one Tab press from a fresh page: the focused element is the first
# tab stop a keyboard user meets.
FIRST_TAB_STOP_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return null;
    const href = el.getAttribute("href") || "";
    let target = null;
    if (href.startsWith("#") && href.length > 1) {
        target = document.getElementById(decodeURIComponent(href.slice(1)));
    }
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        href: href,
        text: (el.textContent || "").trim().slice(0, 60),
        targetExists: target !== null,
        width: box.width,
        height: box.height,
    };
}"""

# Lazy images below the fold would otherwise be missing from full-page
# screenshots and their requests would escape the failed-request check.
EAGER_IMAGES_JS = """() => document.querySelectorAll("img[loading=lazy]")
    .forEach((img) => { img.loading = "eager"; })"""

AXE_RUN_JS = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map((n) => n.target.join(" ")),
    }));
}"""


def find_chromium(explicit: str | None) -> str:
    """The Chromium binary: --chromium, $CHROMIUM_PATH, or Debian's locations."""
    for candidate in (explicit, os.environ.get("CHROMIUM_PATH"), *CHROMIUM_CANDIDATES):
        if candidate and Path(candidate).is_file():
            return candidate
    raise SystemExit("Chromium not found: apt-get install -y chromium chromium-driver")


class PageWatcher:
    """Records JavaScript errors and failed or off-site requests of one page."""

    def __init__(self, page: Page, netloc: str) -> None:
        self.page = page
        self.netloc = netloc
        self.problems: list[str] = []

    def on_console(self, message: ConsoleMessage) -> None:
        """Console errors fail, except resource-load ones reported by on_response."""
        if message.type != "error" or message.text.startswith("Failed to load resource"):
            return
        self.problems.append(f"console error: {message.text} ({message.location.get('url', '')})")

    def on_page_error(self, error: Exception) -> None:
        """Uncaught exceptions in page scripts fail."""
        self.problems.append(f"uncaught JavaScript error: {error}")

    def on_response(self, response: Any) -> None:
        """Same-origin answers >= 400 fail, except the 404 page's own document."""
        if urlsplit(response.url).netloc != self.netloc or response.status < 400:
            return
        is_document = response.request.resource_type == "document"
        if is_document and response.status == self.page.expected_status:
            return
        kind = response.request.resource_type
        self.problems.append(f"{kind} {response.url} answered HTTP {response.status}")

    def on_request_failed(self, request: Any) -> None:
        """Same-origin requests that got no answer at all fail."""
        if urlsplit(request.url).netloc == self.netloc:
            self.problems.append(f"request failed: {request.url} ({request.failure})")


def make_context(
    browser: Browser, netloc: str, blocked: set[str], **options: Any
) -> BrowserContext:
    """A browser context whose off-site requests are blocked and added to ``blocked``.

    This machine must send no traffic beyond loopback, and a page that needs
    another site (fonts, trackers, embeds) is worth knowing about anyway.
    """
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT_S * 1000)

    def guard(route: Route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == netloc or not url.startswith(("http:", "https:")):
            route.continue_()
        else:
            blocked.add(url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)
    return context


def open_watched(context: BrowserContext, page: Page, netloc: str) -> tuple[Any, PageWatcher]:
    """Open a page with all watchers attached and wait until it has settled."""
    watcher = PageWatcher(page, netloc)
    tab = context.new_page()
    tab.on("console", watcher.on_console)
    tab.on("pageerror", watcher.on_page_error)
    tab.on("response", watcher.on_response)
    tab.on("requestfailed", watcher.on_request_failed)
    tab.goto(page.url, wait_until="load")
    tab.evaluate(EAGER_IMAGES_JS)
    settle(tab)
    return tab, watcher


def settle(tab: Any) -> None:
    """Wait briefly for late requests; a page that never idles is not an error here."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    with contextlib.suppress(PlaywrightTimeoutError):
        tab.wait_for_load_state("networkidle", timeout=5000)


def check_structure(tab: Any) -> list[str]:
    """One <h1>, one <main>, and a visible skip link as the first tab stop."""
    problems = []
    counts = tab.evaluate(STRUCTURE_JS)
    if counts["h1"] != 1:
        problems.append(f"expected exactly one <h1>, found {counts['h1']}")
    if counts["main"] != 1:
        problems.append(f"expected exactly one <main> landmark, found {counts['main']}")
    tab.keyboard.press("Tab")
    stop = tab.evaluate(FIRST_TAB_STOP_JS)
    if stop is None:
        problems.append("skip link: nothing receives focus on the first Tab")
    elif stop["tag"] != "a" or not stop["href"].startswith("#"):
        problems.append(
            f"skip link: first tab stop is <{stop['tag']} href={stop['href']!r}> "
            f"{stop['text']!r}, not an in-page link"
        )
    elif not stop["targetExists"]:
        problems.append(f"skip link: {stop['href']} points to no element with that id")
    elif stop["width"] <= 1 or stop["height"] <= 1:
        problems.append(f"skip link {stop['href']} stays invisible when focused")
    return problems


def run_axe(context: BrowserContext, page: Page, axe_js: Path) -> tuple[list[str], list[str]]:
    """Serious and critical axe-core violations of a page, and the lesser ones."""
    tab = context.new_page()
    try:
        tab.goto(page.url, wait_until="load")
        tab.add_script_tag(path=str(axe_js))
        violations = tab.evaluate(AXE_RUN_JS)
    finally:
        tab.close()
    problems = []
    lesser = []
    for violation in violations:
        if violation["impact"] not in FAILING_IMPACTS:
            lesser.append(f"{violation['id']} ({violation['impact']}, {violation['help']})")
            continue
        targets = ", ".join(violation["targets"][:3])
        more = len(violation["targets"]) - 3
        extra = f" (+{more} more)" if more > 0 else ""
        problems.append(
            f"{violation['id']} [{violation['impact']}] {violation['help']} -> {targets}{extra}"
        )
    return problems, lesser


def check_phone(context: BrowserContext, page: Page, netloc: str, shot: Path) -> list[str]:
    """Phone-width screenshot; the page must not scroll sideways at 390 px."""
    tab, watcher = open_watched(context, page, netloc)
    try:
        width = tab.evaluate("() => document.documentElement.scrollWidth")
        tab.screenshot(path=str(shot), full_page=True, animations="disabled")
    finally:
        tab.close()
    problems = list(watcher.problems)
    if width > PHONE["width"]:
        problems.append(f"page is {width}px wide on a {PHONE['width']}px phone screen")
    return problems


def check_page_in_browser(
    contexts: dict[str, BrowserContext],
    page: Page,
    args: argparse.Namespace,
    report: Report,
) -> None:
    """Run every browser check on one page and record the results."""
    netloc = urlsplit(page.url).netloc
    shots = Path(args.screenshots_dir)
    tab, watcher = open_watched(contexts["real"], page, netloc)
    try:
        # Screenshot before pressing Tab, so a focused skip link is not in it.
        tab.screenshot(path=str(shots / f"{page.kind}.png"), full_page=True, animations="disabled")
        structure = check_structure(tab)
    finally:
        tab.close()
    report.record("structure", page.kind, structure)
    report.record("runtime", page.kind, watcher.problems)
    axe_problems, lesser = run_axe(contexts["axe"], page, Path(args.axe_js))
    report.record("axe", page.kind, axe_problems)
    if lesser:
        report.notes.append(f"{page.kind}: axe, not failed: {'; '.join(lesser)}")
    if page.kind in PHONE_TYPES:
        shot = shots / f"{page.kind}-phone.png"
        phone = check_phone(contexts["phone"], page, netloc, shot)
        # Errors the desktop run already reported are not repeated.
        report.record("phone", page.kind, [p for p in phone if p not in watcher.problems])


def run_browser_checks(pages: dict[str, Page], args: argparse.Namespace, report: Report) -> None:
    """Check every chosen page in headless Chromium."""
    # Imported here so that importing this module never needs Playwright.
    from playwright.sync_api import sync_playwright

    shots = Path(args.screenshots_dir)
    shots.mkdir(parents=True, exist_ok=True)
    for old in shots.glob("*.png"):
        old.unlink()
    netloc = urlsplit(args.base_url).netloc
    blocked: set[str] = set()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=find_chromium(args.chromium),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        try:
            contexts = {
                # The real site, Content-Security-Policy enforced: what a reader gets.
                "real": make_context(browser, netloc, blocked, viewport=DESKTOP),
                # The policy would block the injected axe-core script.
                "axe": make_context(browser, netloc, blocked, viewport=DESKTOP, bypass_csp=True),
                "phone": make_context(
                    browser,
                    netloc,
                    blocked,
                    viewport=PHONE,
                    is_mobile=True,
                    has_touch=True,
                ),
            }
            for page in pages.values():
                print(f"browser: {page.kind} {page.url}")
                check_page_in_browser(contexts, page, args, report)
            report.record(
                "off-site",
                "(all pages)",
                [f"blocked request to {u}" for u in sorted(blocked)],
            )
        finally:
            browser.close()


# --------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options; paths default to the repository's own layout."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--max-fetches", type=int, default=300)
    parser.add_argument("--pages-dir", default=str(REPO_ROOT / "build" / "pages"))
    parser.add_argument("--screenshots-dir", default=str(REPO_ROOT / "docs" / "screenshots"))
    parser.add_argument(
        "--vnu-jar", default=str(REPO_ROOT / "node_modules/vnu-jar/build/dist/vnu.jar")
    )
    parser.add_argument("--axe-js", default=str(REPO_ROOT / "node_modules/axe-core/axe.min.js"))
    parser.add_argument("--chromium", help="Chromium binary (default: Debian's)")
    return parser.parse_args(argv)


def discover_pages(args: argparse.Namespace, report: Report) -> dict[str, Page]:
    """Crawl, add the extra pages, print the table and record crawl results."""
    print(f"Crawling {args.base_url} (at most {args.max_fetches} fetches)...")
    crawled, broken, fetches = crawl(args.base_url, args.max_fetches)
    print(f"{fetches} URLs fetched, {len(crawled)} page types found by crawling")
    report.record("links", "(crawl)", broken)
    if len(crawled) < 2:
        report.record("crawl", "(crawl)", [f"only {len(crawled)} page type(s) found"])
    extra, extra_problems = fetch_extra_pages(args.base_url)
    for kind, problems in extra_problems.items():
        report.record("status", kind, problems)
    pages = {**crawled, **extra}
    print_page_table(pages)
    return pages


def main(argv: list[str] | None = None) -> int:
    """Run every check; 0 when all pass, 1 otherwise."""
    args = parse_args(argv)
    args.base_url = args.base_url.rstrip("/") + "/"
    report = Report()
    pages = discover_pages(args, report)
    if "home" not in pages:
        report.record("crawl", "home", [f"{args.base_url} did not answer with an HTML page"])
        report.print_summary()
        return 1

    print("\nNu HTML Checker...")
    files = save_pages(pages, Path(args.pages_dir))
    errors, warnings = run_vnu(Path(args.vnu_jar), files)
    for kind, problems in errors.items():
        report.record("nu-html", kind, problems)
    if warnings:
        report.notes.append(f"{warnings} Nu HTML Checker warning(s) not failed")

    print("\nBrowser checks...")
    run_browser_checks(pages, args, report)
    report.print_summary()
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
