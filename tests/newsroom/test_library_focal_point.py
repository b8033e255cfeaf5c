"""A library picture's focal point decides what its 16:9 crops show.

The renditions are whole pictures at several widths; cards and the home
page's lead crop them to 16:9 in CSS (``object-fit: cover``). The focal
point reaches that crop as a class pair on the card or lead
(``focal-x-50 focal-y-13``, static/css/site.css), since the CSP refuses
style attributes. Uploaded lead images have no focal point and stay centred.

The pictures here are five times as tall as wide, so a 16:9 crop shows about
a ninth of their height: red in the top fifth, a green band around the
middle, blue elsewhere. Which colour a card shows says which part was kept;
Chromium (driven by Playwright, skipped when missing) draws the real pages.
"""

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.browser.admin_helpers import CHROMIUM_FLAGS, VIEWPORT, chromium_path
from tests.support.admin import post_change
from tests.support.factories import make_article, make_section
from tests.support.images import GPS_IFD, make_library_image, open_stored

pytestmark = pytest.mark.django_db

SIZE = (400, 2000)
RED, GREEN, BLUE = (200, 30, 30), (40, 170, 60), (30, 60, 200)
ORIGIN = "http://newsroom.test"


@pytest.fixture(autouse=True)
def _media_served_by_the_app(settings):
    settings.NEWSROOM_SERVE_MEDIA = True


def banded_jpeg(name="tall.jpg"):
    """Red top fifth, green from 40% to 60% down, blue elsewhere; with GPS in its EXIF."""
    width, height = SIZE
    image = Image.new("RGB", SIZE, BLUE)
    image.paste(RED, (0, 0, width, height // 5))
    image.paste(GREEN, (0, height * 2 // 5, width, height * 3 // 5))
    exif = Image.Exif()
    exif[GPS_IFD] = {1: "N", 2: (37.0, 33.0, 59.0), 3: "E", 4: (126.0, 56.0, 24.0)}
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, quality=95)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def library_led_story(**focal):
    picture = make_library_image(image=banded_jpeg(), **focal)
    return picture, make_article(lead_library_image=picture, section=make_section())


def section_url(article):
    return reverse("articles:section", kwargs={"slug": article.section.slug})


def card_classes(html):
    return re.search(r'<article class="(card[^"]*)"', html)[1]


def lead_classes(html):
    return re.search(r'<section class="(lead[^"]*)"', html)[1]


# The markup


def test_a_card_and_the_lead_carry_the_library_pictures_focal_point(client):
    _picture, article = library_led_story(focal_x=50, focal_y=13)

    assert card_classes(client.get(section_url(article)).content.decode()) == (
        "card focal-x-50 focal-y-13"
    )
    assert lead_classes(client.get("/").content.decode()) == "lead focal-x-50 focal-y-13"


def test_fractions_are_rounded_to_the_whole_percent_the_stylesheet_knows(client):
    _picture, article = library_led_story(focal_x="25.5", focal_y="99.49")

    html = client.get(section_url(article)).content.decode()

    assert card_classes(html) == "card focal-x-26 focal-y-99"


def test_an_uploaded_lead_image_has_no_focal_point(client):
    article = make_article(lead_image=banded_jpeg(), lead_image_alt="A tall banner")

    assert card_classes(client.get(section_url(article)).content.decode()) == "card"
    assert lead_classes(client.get("/").content.decode()) == "lead"


def test_the_stylesheet_places_every_crop_at_the_focal_point():
    css = (Path(django_settings.BASE_DIR) / "static/css/site.css").read_text()

    for selector in (".card__image", ".lead__image"):
        rule = re.search(rf"^{re.escape(selector)} {{([^}}]*)}}", css, re.M)[1]
        assert "object-fit: cover" in rule
        assert "object-position: var(--focal-x) var(--focal-y)" in rule
    assert ".card, .lead { --focal-x: 50%; --focal-y: 50%; }" in css
    for axis in "xy":
        for percent in range(101):
            assert f".focal-{axis}-{percent} {{ --focal-{axis}: {percent}%; }}" in css


def test_moving_the_focal_point_keeps_the_renditions_and_clean_of_camera_data(editor_client):
    picture, _article = library_led_story(focal_y=5)
    before = picture.renditions

    response = post_change(editor_client, picture, focal_x="50", focal_y="95")

    assert response.status_code == 302
    picture.refresh_from_db()
    assert float(picture.focal_y) == 95
    # Whole pictures, not crops: the same files stay right for any focal point.
    assert picture.renditions == before
    for item in picture.renditions:
        assert GPS_IFD not in open_stored(item["name"]).getexif()


def test_an_edited_focal_point_is_not_hidden_by_the_page_cache(client, editor_client, settings):
    settings.NEWSROOM_PAGE_CACHE = True
    picture, article = library_led_story(focal_y=5)
    assert "focal-y-5" in lead_classes(client.get("/").content.decode())

    post_change(editor_client, picture, focal_x="50", focal_y="95")

    assert lead_classes(client.get("/").content.decode()) == "lead focal-x-50 focal-y-95"
    assert card_classes(client.get(section_url(article)).content.decode()).endswith("focal-y-95")


# What a reader sees


def _serve(route, pages):
    path = unquote(urlsplit(route.request.url).path)
    if path in pages:
        return route.fulfill(status=200, content_type="text/html", body=pages[path])
    if path.startswith(django_settings.STATIC_URL):
        found = finders.find(path.removeprefix(django_settings.STATIC_URL))
        if found:
            return route.fulfill(status=200, path=found)
    if path.startswith(django_settings.MEDIA_URL):
        name = path.removeprefix(django_settings.MEDIA_URL)
        if default_storage.exists(name):
            with default_storage.open(name) as handle:
                return route.fulfill(status=200, content_type="image/jpeg", body=handle.read())
    return route.fulfill(status=404, body="")


def shown_colours(pages, selector):
    """The colour each page shows inside its ``selector`` image, as Chromium draws it.

    ``pages`` maps a path to HTML fetched beforehand; the browser gets those
    and the stylesheet and renditions they name, and nothing else.
    """
    if chromium_path() is None:
        pytest.skip("Chromium not found (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed")
    colours = {}
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.route("**/*", lambda route: _serve(route, pages))
            for path in pages:
                page.goto(ORIGIN + path)
                image = page.locator(selector).first
                image.scroll_into_view_if_needed()
                page.wait_for_function(
                    "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
                )
                colours[path] = _one_colour(Image.open(io.BytesIO(image.screenshot())))
        finally:
            browser.close()
    return colours


def _one_colour(shot):
    """The colour filling the screenshot (inset past rounded corners), or None if mixed."""
    shot = shot.convert("RGB")
    inset = 6
    region = shot.crop((inset, inset, shot.width - inset, shot.height - inset))
    found = [pixel for _count, pixel in region.getcolors(region.width * region.height)]
    for colour in (RED, GREEN, BLUE):
        if all(max(abs(a - b) for a, b in zip(pixel, colour, strict=True)) < 40 for pixel in found):
            return colour
    return None


def test_a_focal_point_near_the_top_keeps_the_top_in_the_card_and_lead(client):
    _picture, article = library_led_story(focal_x=50, focal_y=5)
    pages = {"/": client.get("/").content, "/section/": client.get(section_url(article)).content}

    lead = shown_colours({"/": pages["/"]}, ".lead__image")
    card = shown_colours({"/section/": pages["/section/"]}, ".card__image")

    assert lead == {"/": RED}
    assert card == {"/section/": RED}


def test_moving_the_focal_point_to_the_bottom_shows_the_bottom(client, editor_client):
    picture, article = library_led_story(focal_x=50, focal_y=5)
    post_change(editor_client, picture, focal_x="50", focal_y="95")
    pages = {"/": client.get("/").content}
    card_page = {"/section/": client.get(section_url(article)).content}

    assert shown_colours(pages, ".lead__image") == {"/": BLUE}
    assert shown_colours(card_page, ".card__image") == {"/section/": BLUE}


def test_the_default_focal_point_and_an_uploaded_lead_image_stay_centred(client):
    _picture, library_article = library_led_story()
    uploaded = make_article(
        lead_image=banded_jpeg(), lead_image_alt="A tall banner", section=make_section()
    )
    pages = {
        "/library/": client.get(section_url(library_article)).content,
        "/uploaded/": client.get(section_url(uploaded)).content,
    }

    assert shown_colours(pages, ".card__image") == {"/library/": GREEN, "/uploaded/": GREEN}
