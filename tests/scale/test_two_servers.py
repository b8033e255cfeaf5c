"""Two app servers on one database, one cache and one bucket behave as one site.

``.ci/two-servers`` starts gunicorn A and gunicorn B (DEBUG off) on the same
PostgreSQL database and private Redis, with media in a moto S3 bucket, and
nginx in front of both (round robin; ``/media/renditions/`` from the
bucket). These tests talk HTTP to each server directly and to the proxy, as
browsers and editors would: every change goes through the admin forms, and
nothing reads the database behind the servers' backs.

Skipped unless ``NEWSROOM_TWO_SERVERS`` is set, which only the script does.
"""

import datetime
import http.cookies
import json
import math
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from lxml import html

pytestmark = [
    pytest.mark.scale,
    pytest.mark.skipif(
        not os.environ.get("NEWSROOM_TWO_SERVERS"),
        reason="needs the servers .ci/two-servers starts (it sets NEWSROOM_TWO_SERVERS)",
    ),
]

ENV = os.environ.get
A = ENV("NEWSROOM_SCALE_A", "")
B = ENV("NEWSROOM_SCALE_B", "")
PROXY = ENV("NEWSROOM_SCALE_PROXY", "")
BUCKET_URL = ENV("NEWSROOM_SCALE_S3", "")
SERVERS = {"A": A, "B": B}
ARTICLE_LINK = "//main//a[starts-with(@href, '/news/2')]"
# The scheduled story's time must still be ahead once the admin has saved it.
SCHEDULE_AHEAD = 3
POLL_INTERVAL = 0.05
NONCE = re.compile(r"nonce(=\"[^\"]*\"|-[A-Za-z0-9_-]+)")


# --- HTTP, as a browser would speak it ---------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


@dataclass
class Answer:
    status: int
    headers: object
    body: bytes
    sent: float
    received: float

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def cookies(self):
        jar = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            parsed = http.cookies.SimpleCookie()
            parsed.load(header)
            jar.update({name: morsel.value for name, morsel in parsed.items()})
        return jar


def fetch(url, *, data=None, content_type=None, cookies=None, timeout=20):
    """One request, redirects not followed; never raises for an HTTP status."""
    headers = {}
    if cookies:
        headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
    if content_type:
        headers["Content-Type"] = content_type
    request = urllib.request.Request(url, data=data, headers=headers)
    sent = time.time()
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status, answer_headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, body = error.code, error.headers, error.read()
    return Answer(status, answer_headers, body, sent, time.time())


def form_fields(form):
    """``[(name, value)]`` that a browser would send for ``form`` untouched."""
    fields = []
    for element in form.inputs:
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.tag == "textarea":
            # HTML drops one newline right after <textarea>; so does a browser.
            fields.append((name, (element.text or "").removeprefix("\n")))
        elif element.tag == "select":
            options = element.xpath(".//option")
            chosen = [option for option in options if option.get("selected") is not None]
            if element.get("multiple") is None:
                chosen = chosen[-1:] or options[:1]
            fields.extend((name, option.get("value", option.text_content())) for option in chosen)
        else:
            kind = (element.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                continue
            if kind in {"checkbox", "radio"} and element.get("checked") is None:
                continue
            fields.append((name, element.get("value", "on" if kind == "checkbox" else "")))
    return fields


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + str(value).encode()
            + b"\r\n"
        )
    for name, (filename, content, content_type) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def page_form(answer, form_id):
    forms = [form for form in html.fromstring(answer.text).forms if form.get("id") == form_id]
    assert forms, f"no form #{form_id} (status {answer.status})"
    return forms[0]


def sign_in(base):
    """A fresh staff session made on ``base``: the cookies a browser would keep."""
    login = f"{base}/admin/login/?next=/admin/"
    page = fetch(login)
    assert page.status == 200
    cookies = page.cookies()
    fields = dict(form_fields(page_form(page, "login-form")))
    fields.update(username=ENV("NEWSROOM_SCALE_USERNAME"), password=ENV("NEWSROOM_SCALE_PASSWORD"))
    answer = fetch(
        login,
        data=urllib.parse.urlencode(fields).encode(),
        content_type="application/x-www-form-urlencoded",
        cookies=cookies,
    )
    assert answer.status == 302, answer.text[:2000]
    cookies.update(answer.cookies())
    assert "sessionid" in cookies
    return cookies


def admin_form(base, path, cookies):
    """The fields an admin form on ``base`` would send back untouched."""
    page = fetch(base + path, cookies=cookies)
    assert page.status == 200, f"{path}: {page.status}"
    return form_fields(page_form(page, "article_form"))


def admin_send(base, path, cookies, fields, *, changes, files=None, button="_save"):
    """Send an admin form's ``fields`` with ``changes``; the redirect."""
    fields = [(name, value) for name, value in fields if name not in changes]
    fields += list(changes.items())
    # Tick "Save anyway" in case a warning would stop the save.
    fields += [("confirm_warnings", "on"), (button, "Save")]
    body, content_type = multipart(fields, files or {})
    answer = fetch(base + path, data=body, content_type=content_type, cookies=cookies)
    if answer.status != 302:
        errors = html.fromstring(answer.text).xpath("//ul[contains(@class, 'errorlist')]//text()")
        pytest.fail(f"admin save on {base}{path} answered {answer.status}: {errors}")
    return answer


def admin_save(base, path, cookies, *, changes, files=None, button="_save"):
    """Open an admin form on ``base``, change some fields, send it; the redirect."""
    fields = admin_form(base, path, cookies)
    return admin_send(base, path, cookies, fields, changes=changes, files=files, button=button)


def admin_change_path(cookies, slug):
    """The admin change page of the story with this slug (searched through A)."""
    answer = fetch(f"{A}/admin/articles/article/?q={urllib.parse.quote(slug)}", cookies=cookies)
    assert answer.status == 200
    links = html.fromstring(answer.text).xpath(
        "//table[@id='result_list']//a[contains(@href, '/change/')]/@href"
    )
    assert links, f"no story {slug!r} in the admin"
    return links[0]


def section_id(cookies):
    answer = fetch(
        f"{A}/admin/autocomplete/?app_label=articles&model_name=article&field_name=section",
        cookies=cookies,
    )
    assert answer.status == 200, answer.text[:500]
    return json.loads(answer.text)["results"][0]["id"]


def local_fields(moment):
    """The admin's date and time boxes for ``moment`` (newsroom time, whole seconds)."""
    local = moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return {"published_at_0": f"{local:%Y-%m-%d}", "published_at_1": f"{local:%H:%M:%S}"}


def story_form(cookies, *, headline, **changes):
    """A new published story's add form on A, filled in but for its time.

    Returns ``send(published_at, files=None)``, which saves it and returns
    the story's admin change path: the form and the section are fetched
    first, so a scheduled time taken just before ``send`` is still ahead.
    """
    path = "/admin/articles/article/add/"
    fields = admin_form(A, path, cookies)
    changes = {
        "headline": headline,
        "slug": re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-"),
        "section": section_id(cookies),
        "standfirst": f"Standfirst of {headline}.",
        "body": f"<p>{headline}: the body.</p>",
        "status": "published",
        **changes,
    }

    def send(published_at, files=None):
        answer = admin_send(
            A,
            path,
            cookies,
            fields,
            changes={**changes, **local_fields(published_at)},
            files=files,
            button="_continue",
        )
        location = answer.headers["Location"]
        assert re.search(r"/admin/articles/article/\d+/change/", location), location
        return location

    return send


def anonymous_home(base):
    answer = fetch(f"{base}/")
    assert answer.status == 200, f"{base}/: {answer.status}"
    assert "sessionid" not in answer.cookies()
    return answer


@pytest.fixture(scope="module")
def editor():
    """An editor's session, made by signing in through server A."""
    return sign_in(A)


# --- The tests ---------------------------------------------------------------


def test_the_proxy_takes_turns_between_the_two_servers():
    upstreams = [fetch(f"{PROXY}/robots.txt").headers.get("X-Upstream") for _ in range(6)]

    assert set(upstreams) == {A.removeprefix("http://"), B.removeprefix("http://")}


def test_a_session_made_on_one_server_is_valid_on_the_other():
    cookies = sign_in(A)

    for base in (B, A, B):
        answer = fetch(f"{base}/admin/", cookies=cookies)
        assert answer.status == 200, f"{base}: {answer.status} {answer.headers.get('Location')}"
        assert ENV("NEWSROOM_SCALE_USERNAME") in answer.text
    # Through the proxy, whichever server answers.
    answered_by = set()
    for _ in range(4):
        answer = fetch(f"{PROXY}/admin/", cookies=cookies)
        assert answer.status == 200
        answered_by.add(answer.headers["X-Upstream"])
    assert len(answered_by) == 2
    # Signing out on B ends the session on A too.
    page = fetch(f"{B}/admin/", cookies=cookies)
    token = dict(form_fields(page_form(page, "logout-form")))["csrfmiddlewaretoken"]
    signed_out = fetch(
        f"{B}/admin/logout/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
        content_type="application/x-www-form-urlencoded",
        cookies=cookies,
    )
    assert signed_out.status == 200
    answer = fetch(f"{A}/admin/", cookies=cookies)
    assert answer.status == 302
    assert "/admin/login/" in answer.headers["Location"]


def test_an_edit_through_one_server_invalidates_the_pages_the_other_cached(editor):
    first = anonymous_home(B)
    second = anonymous_home(B)
    assert second.headers["X-Page-Cache"] == "hit", first.headers.get("X-Page-Cache")
    # One cache: through the proxy (one host name, so one entry) the page
    # one server stored is the page the other serves.
    through_proxy = [anonymous_home(PROXY) for _ in range(4)]
    hits = {answer.headers["X-Upstream"] for answer in through_proxy[1:]}
    assert len(hits) == 2
    assert all(answer.headers["X-Page-Cache"] == "hit" for answer in through_proxy[1:])
    # The same page, each with a fresh CSP nonce.
    assert len({NONCE.sub("", answer.text) for answer in through_proxy}) == 1
    link = html.fromstring(second.text).xpath(ARTICLE_LINK)[0]
    old_headline = link.text_content().strip()
    slug = link.get("href").rstrip("/").rsplit("/", 1)[-1]
    new_headline = f"{old_headline} (updated {uuid.uuid4().hex[:8]})"

    # A live story: a plain save would only draft the change.
    admin_save(
        A,
        admin_change_path(editor, slug),
        editor,
        changes={"headline": new_headline},
        button="_publish_changes",
    )

    after = anonymous_home(B)
    assert after.headers["X-Page-Cache"] == "miss"
    assert new_headline in after.text
    again = anonymous_home(B)
    assert again.headers["X-Page-Cache"] == "hit"
    assert new_headline in again.text
    assert new_headline in anonymous_home(A).text
    for answer in [anonymous_home(PROXY) for _ in range(2)]:
        assert new_headline in answer.text, answer.headers["X-Upstream"]


def test_a_scheduled_story_goes_live_on_both_servers_in_the_same_second(editor):
    headline = f"Scheduled story {uuid.uuid4().hex[:8]}"
    send = story_form(editor, headline=headline)
    # Both pages cached before the save, so it is the cache that must let go.
    for base in SERVERS.values():
        anonymous_home(base)
    # Whole seconds, as the admin's time box has them.
    target = math.ceil(time.time() + SCHEDULE_AHEAD)
    send(datetime.datetime.fromtimestamp(target, datetime.UTC))
    assert time.time() < target - 0.5, "the admin took too long to schedule ahead"

    def poll(base):
        """Ask ``base`` for the home page until it has shown the story for a while."""
        answers = []
        while time.time() < target + 4:
            answers.append(anonymous_home(base))
            if headline in answers[-1].text and answers[-1].sent > target + 0.5:
                break
            time.sleep(POLL_INTERVAL)
        return answers

    # Both servers at once, each with its own client.
    with ThreadPoolExecutor(max_workers=len(SERVERS)) as pool:
        polls = {name: pool.submit(poll, base) for name, base in SERVERS.items()}
        answers = {name: future.result() for name, future in polls.items()}

    first_shown = {}
    for name, items in answers.items():
        early = [answer for answer in items if answer.received < target]
        late = [answer for answer in items if answer.sent >= target]
        assert early, f"{name} was not asked before the story's time"
        assert not [answer for answer in early if headline in answer.text], (
            f"{name} showed the story before its time"
        )
        # Served from the cache until then: time alone must stale it.
        assert any(answer.headers.get("X-Page-Cache") == "hit" for answer in early)
        assert late, f"{name} was not asked after the story's time"
        assert all(headline in answer.text for answer in late), (
            f"{name} still served the page without the story after its time"
        )
        first_shown[name] = min(answer.received for answer in items if headline in answer.text)
    # Both within the story's first second, so within the same second as each other.
    delays = {name: round(moment - target, 3) for name, moment in first_shown.items()}
    print(f"first shown, seconds after the story's time: {delays}")
    assert all(0 <= delay < 1 for delay in delays.values()), delays


def test_media_uploaded_through_one_server_is_served_by_the_other(editor):
    from tests.newsroom.test_exif import TELLTALES, assert_pixels_only, camera_jpeg

    headline = f"Story with a photo {uuid.uuid4().hex[:8]}"
    upload = camera_jpeg(name="field-trip.jpg")
    send = story_form(editor, headline=headline, lead_image_alt="Students on a field trip")
    change_path = send(
        datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5),
        files={"lead_image": (upload.name, upload.read(), "image/jpeg")},
    )

    home = anonymous_home(B)
    links = [
        link.get("href")
        for link in html.fromstring(home.text).xpath(ARTICLE_LINK)
        if link.text_content().strip() == headline
    ]
    assert links, "the new story is not on B's home page"
    page = fetch(B + links[0])
    assert page.status == 200
    assert "originals/" not in page.text
    tree = html.fromstring(page.text)
    addresses = {
        candidate.strip().split()[0]
        for srcset in tree.xpath("//picture//source/@srcset | //picture//img/@srcset")
        for candidate in srcset.split(",")
    } | set(tree.xpath("//picture//img/@src"))
    # The lead image's folder: sharing names its largest JPEG.
    (og_image,) = tree.xpath('//meta[@property="og:image"]/@content')
    folder = og_image.rsplit("/", 1)[0] + "/"
    assert re.fullmatch(rf"{re.escape(PROXY)}/media/renditions/[0-9a-f]{{32}}/", folder), og_image
    renditions = sorted(address for address in addresses if address.startswith(folder))
    # 1000 wide once upright: 480, 800 and 1000 in WebP and JPEG.
    assert len(renditions) == 6, addresses

    for address in renditions:
        # Where readers fetch it: the proxy, which reads the bucket.
        answer = fetch(address)
        assert answer.status == 200, address
        assert answer.headers["X-Upstream"] == "bucket"
        assert answer.headers["Content-Type"] in {"image/jpeg", "image/webp"}
        assert_pixels_only(answer.body)
        assert not any(telltale in answer.body for telltale in TELLTALES)
        # And from either server's own media route, which reads the bucket too.
        name = address.removeprefix(f"{PROXY}/media/")
        for base in (B, A):
            direct = fetch(f"{base}/media/{name}")
            assert direct.status == 200, f"{base}/media/{name}"
            assert direct.body == answer.body

    # The original: staff read it through either server; nobody else anywhere.
    change_page = fetch(B + change_path, cookies=editor)
    assert change_page.status == 200
    staff_links = html.fromstring(change_page.text).xpath(
        "//a[contains(@href, '/admin/media/originals/')]/@href"
    )
    assert staff_links
    original = staff_links[0].removeprefix("/admin/media/")
    staff = fetch(f"{B}/admin/media/{original}", cookies=editor)
    assert staff.status == 200
    assert_pixels_only(staff.body)
    assert fetch(f"{B}/admin/media/{original}").status == 302
    assert fetch(f"{PROXY}/media/{original}").status == 404
    assert fetch(f"{B}/media/{original}").status == 404
    assert fetch(f"{BUCKET_URL}/{original}").status == 403
    # Nothing reached either server's local disk.
    media_root = Path(ENV("NEWSROOM_SCALE_MEDIA_ROOT", "/nonexistent"))
    assert not media_root.exists() or not any(media_root.rglob("*"))
