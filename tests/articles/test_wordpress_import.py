"""Importing WordPress exports: mapping, idempotence, redirects, dry runs, refusals, the admin."""

import datetime
import io
import shutil
import zipfile
from pathlib import Path

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertRedirects
from taggit.models import Tag

from articles import wordpress
from articles.management.commands.import_wordpress import ProgressBar
from articles.models import Article, ArticleStatus, Byline, ImportedAddress, Section
from articles.wordpress import ExportUnreadable, body_convert, export_read
from institutions.models import Person
from newsroom.backups import storage_names
from tests.support.factories import make_article, make_section

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "wordpress"
MAIN = EXPORTS / "newsroom-1.2.xml"
REDIRECTS = "articles.redirects.ImportedAddressRedirectMiddleware"
UTC = datetime.UTC
IMAGES = {
    "2019/05/lab.jpg": ((900, 600), (200, 40, 40)),
    "2019/06/robot.jpg": ((800, 640), (40, 40, 200)),
}


@pytest.fixture
def uploads(tmp_path):
    """The old site's wp-content/uploads, with every image but the missing one."""
    root = tmp_path / "wp-content" / "uploads"
    for name, (size, colour) in IMAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        Image.new("RGB", size, colour).save(root / name, format="JPEG")
    return root


@pytest.fixture
def imported_redirects(settings):
    """The redirect middleware where articles/redirects.py says it belongs in MIDDLEWARE."""
    if REDIRECTS not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("newsroom.pagecache.AnonymousPageCacheMiddleware"), REDIRECTS
        )
        settings.MIDDLEWARE = middleware


def run(*args, export=MAIN):
    out = io.StringIO()
    call_command("import_wordpress", str(export), *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def story(post_id, source="https://blog.example.ac.kr"):
    return ImportedAddress.objects.get(source=source, path=f"/?p={post_id}").article


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Article, Section, Person, Byline, Tag, ImportedAddress)
    }


# The mapping -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_posts_become_articles_with_statuses_and_times_mapped(uploads):
    report = run("--uploads", uploads)

    assert Article.objects.count() == 10
    published = story(101)
    assert published.status == ArticleStatus.PUBLISHED
    assert published.published_at == datetime.datetime(2019, 5, 1, 10, 0, tzinfo=UTC)
    assert published.is_published()
    scheduled = story(103)
    assert scheduled.status == ArticleStatus.PUBLISHED and scheduled.is_scheduled
    assert scheduled.published_at == datetime.datetime(2100, 1, 1, 0, 0, tzinfo=UTC)
    assert story(104).status == ArticleStatus.DRAFT  # private
    assert story(107).status == ArticleStatus.REVIEW  # pending
    assert story(109).status == ArticleStatus.DRAFT  # password-protected
    dateless = story(105)
    assert (dateless.status, dateless.published_at) == (ArticleStatus.DRAFT, None)
    assert "private in WordPress: kept as a draft" in report
    assert "password-protected in WordPress: kept as a draft" in report
    assert "no date in the export: kept as a draft" in report
    assert "10 created, 0 updated, 0 unchanged, 6 skipped, 0 failed" in report


@pytest.mark.django_db
def test_pages_menus_attachments_trash_and_comments_are_reported_as_skipped(uploads):
    report = run("--uploads", uploads)

    assert not ImportedAddress.objects.filter(source_id__in=["110", "111", "112", "201"]).exists()
    assert "1 × pages are not imported" in report
    assert "1 × menus are not imported" in report
    assert "3 × attachments are not imported as stories" in report
    assert "skipped   #112 Deleted post: WordPress status “trash”" in report
    assert "1 comment(s) skipped" in report


@pytest.mark.django_db
def test_entities_cdata_and_non_ascii_slugs_come_through(uploads):
    run("--uploads", uploads)

    assert story(101).headline == "Café opens & serves"
    assert story(101).standfirst == "A café for the lab & everyone."
    assert story(108).headline == "Rock & roll – live"
    # A Korean slug and title: the address needs ASCII, the old one is kept.
    korean = story(102)
    assert (korean.headline, korean.slug) == ("로봇 연구소 개소", "post-102")
    assert korean.imported_addresses.filter(path="/2019/06/로봇-연구").exists()
    assert Section.objects.get(slug="cafe-talk").name == "Café talk"
    assert Section.objects.get(slug="news").name == "News & Notices"
    assert "Seoul & Busan" in korean.tags.names()


@pytest.mark.django_db
def test_duplicate_slugs_get_a_suffix_and_the_report_says_so(uploads):
    report = run("--uploads", uploads)

    assert story(101).slug == "cafe-opens"
    assert story(106).slug == "cafe-opens-2"
    assert "slug “cafe-opens” is taken: “cafe-opens-2” instead" in report


@pytest.mark.django_db
def test_an_existing_story_keeps_its_slug(uploads):
    make_article(slug="rock-and-roll")
    run("--uploads", uploads)
    assert story(108).slug == "rock-and-roll-2"


@pytest.mark.django_db
def test_the_most_used_top_level_categories_become_sections(uploads):
    report = run("--uploads", uploads)

    assert sorted(Section.objects.values_list("slug", flat=True)) == [
        "cafe-talk",
        "events",
        "news",
        "opinion",
        "research",
    ]
    # Nested categories file the story under their top-level ancestor and become tags.
    assert story(101).section.slug == "news"
    assert story(101).tags.names().filter(name="Campus").exists()
    robots = story(102)
    assert robots.section.slug == "research"
    assert "Robotics" in robots.tags.names()
    # "Uncategorized" is neither a section nor a tag; such posts go to the most used section.
    assert story(113).section.slug == "news"
    assert not Tag.objects.filter(name="Uncategorized").exists()
    assert "the 8 most-used top-level categories become sections" in report
    assert "Posts without a section category go to: News & Notices" in report


@pytest.mark.django_db
def test_categories_past_the_section_limit_become_tags(uploads):
    report = run("--uploads", uploads, "--max-sections", "2")

    assert sorted(Section.objects.values_list("slug", flat=True)) == ["news", "research"]
    party = story(104)
    assert party.section.slug == "news"
    assert "Events" in party.tags.names()
    assert "Café talk" in story(107).tags.names()
    assert "the 2 most-used top-level categories become sections" in report
    assert (
        "Categories kept as tags: Café talk, Campus, Events, Lab notes, Opinion, Robotics" in report
    )


@pytest.mark.django_db
def test_existing_sections_are_reused_by_slug(uploads):
    news = make_section(slug="news", name="Newsroom news")
    run("--uploads", uploads)
    assert story(101).section == news
    assert Section.objects.get(slug="news").name == "Newsroom news"


@pytest.mark.django_db
def test_authors_become_people_with_bylines(uploads):
    report = run("--uploads", uploads)

    kim = Person.objects.get(slug="kim-ji-won")
    assert kim.name == "Kim Ji-won"
    assert list(story(101).bylines.values_list("person", flat=True)) == [kim.pk]
    # No display name: the login.
    assert story(103).bylines.get().person.name == "reporter2"
    # A Korean display name keeps its letters; the address uses the login.
    choi = story(102).bylines.get().person
    assert (choi.name, choi.slug) == ("최재영", "choi")
    assert "People: Kim Ji-won (new), 최재영 (new), reporter2 (new)" in report


@pytest.mark.django_db
def test_sticky_posts_are_listed_as_the_newsroom_has_no_front_page_picks(uploads):
    report = run("--uploads", uploads)
    assert "Sticky posts (no front-page picks here): Café opens & serves" in report


# The body ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_body_is_converted_and_then_sanitised_by_the_field(uploads):
    run("--uploads", uploads)

    classic = story(101).body
    assert "<script" not in classic and "onclick" not in classic and "gotcha" not in classic
    assert "<p>First line<br>\nsecond line</p>" in classic
    assert "[gallery" not in classic and "[contact-form-7" not in classic
    assert "[sic]" in classic  # a bracket that is no shortcode stays text
    assert "<strong>bold</strong>" in classic
    assert '<a href="https://www.youtube.com/watch?v=abc123">' in classic
    # The [caption] held the featured image: shown as the lead image, not twice.
    assert "lab-300x200" not in classic
    assert story(101).lead_image_caption == "The new lab, seen from the garden"

    blocks = story(102).body
    assert "wp:" not in blocks and "<!--" not in blocks
    assert "<h2>What comes next</h2>" in blocks
    assert '<a href="https://vimeo.com/123456">' in blocks

    assert (
        '<figure><img src="https://photos.example.org/pic.jpg" alt="Reopening">'
        "<figcaption>A picture from elsewhere</figcaption></figure>"
    ) in story(106).body


def test_shortcodes_convert_without_the_database():
    body, caption = body_convert(
        '[caption id="x" width="300"]<img src="https://o.example/a.jpg" alt="A"> Words[/caption]'
        '\n\n[[gallery]] [video src="v.mp4"] [box]kept[/box] [1]'
    )
    assert (
        '<figure><img src="https://o.example/a.jpg" alt="A"><figcaption>Words</figcaption></figure>'
        in body
    )
    assert "[gallery]" in body  # escaped with double brackets: WordPress prints it
    assert "v.mp4" not in body and "[box]" not in body and "kept" in body and "[1]" in body
    assert caption == ""


# Images ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lead_images_come_from_the_uploads_folder_through_the_field(uploads):
    report = run("--uploads", uploads)

    featured = story(101)
    assert featured.lead_image.name.startswith("originals/")
    assert featured.lead_image_alt == "The lab & its garden"
    assert featured.lead_image_renditions
    with default_storage.open(featured.lead_image.name) as stored:
        assert Image.open(stored).size == (900, 600)
    attached = story(102)
    assert attached.lead_image
    assert attached.lead_image_alt == "Robot photo"
    assert attached.lead_image_caption == "The first robot, photographed by the lab"
    assert "has no alt text in WordPress: “Robot photo” used; check it" in report
    assert not story(108).lead_image
    assert "featured image 2019/07/missing.jpg not imported: not in the uploads folder" in report


@pytest.mark.django_db
def test_without_an_uploads_folder_no_image_is_imported_and_the_report_says_so():
    report = run()
    assert not Article.objects.exclude(lead_image="").exists()
    assert "featured image 2019/05/lab.jpg not imported: no uploads folder was given" in report


# Running again -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_running_again_duplicates_nothing(uploads):
    run("--uploads", uploads)
    before = counts()
    files = storage_names(default_storage)
    versions = {a.pk: a.version for a in Article.objects.all()}

    report = run("--uploads", uploads)

    assert counts() == before
    assert storage_names(default_storage) == files
    assert {a.pk: a.version for a in Article.objects.all()} == versions
    assert "0 created, 0 updated, 10 unchanged, 6 skipped, 0 failed" in report


@pytest.mark.django_db
def test_running_again_updates_what_changed_in_the_export(uploads, tmp_path):
    run("--uploads", uploads)
    first = story(101)
    changed = tmp_path / "changed.xml"
    changed.write_text(
        MAIN.read_text().replace("Caf&eacute; opens &amp; serves", "The café is open")
    )

    report = run("--uploads", uploads, export=changed)

    again = story(101)
    assert again.pk == first.pk
    assert again.headline == "The café is open"
    assert again.slug == "cafe-opens"
    assert again.lead_image.name == first.lead_image.name
    assert Article.objects.count() == 10
    assert "1 created" not in report and "1 updated, 9 unchanged" in report


@pytest.mark.django_db
def test_running_again_leaves_a_story_edited_here_alone(uploads, tmp_path):
    run("--uploads", uploads)
    edited = story(101)
    edited.headline = "Edited by the newsroom"
    with time_machine.travel(datetime.timedelta(minutes=5)):
        edited.save()
    changed = tmp_path / "changed.xml"
    changed.write_text(MAIN.read_text().replace("Caf&eacute; opens &amp; serves", "From WP"))

    report = run("--uploads", uploads, export=changed)

    assert story(101).headline == "Edited by the newsroom"
    assert "edited in the newsroom since it was imported; left as it is" in report


# Old addresses -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_old_permalinks_redirect_permanently_to_the_new_addresses(
    client, uploads, imported_redirects
):
    run("--uploads", uploads)
    cafe, korean, again = story(101), story(102), story(106)

    for old, new in [
        ("/?p=101", cafe),
        ("/2019/05/cafe-opens/", cafe),
        ("/2019/05/cafe-opens", cafe),
        ("/2019/05/Cafe-Opens/?utm_source=mail", cafe),
        ("/index.php?p=101", cafe),
        ("/2019/06/%EB%A1%9C%EB%B4%87-%EC%97%B0%EA%B5%AC/", korean),
        ("/2019/07/cafe-opens/", again),
    ]:
        assertRedirects(
            client.get(old), new.get_absolute_url(), status_code=301, fetch_redirect_response=False
        )


@pytest.mark.django_db
def test_old_addresses_of_stories_that_are_not_public_redirect_nowhere(
    client, uploads, imported_redirects
):
    run("--uploads", uploads)

    assert client.get("/?p=104").status_code == 200  # the front page, not the draft
    assert client.get("/2019/09/staff-party/").status_code == 404
    assert client.get("/2100/01/robots-open-day/").status_code == 404  # scheduled
    assert client.get("/?p=999").status_code == 200
    assert client.get("/2019/05/nothing-here/").status_code == 404


@pytest.mark.django_db
def test_an_older_export_format_imports_too(client, imported_redirects):
    report = run(export=EXPORTS / "newsroom-1.1.xml")

    welcome = Article.objects.get(slug="welcome")
    assert welcome.headline == "Welcome to the new term"
    assert welcome.body == "<p>Classes start on Wednesday.</p>\n<p>Bring your ID card.</p>"
    assert welcome.section.name == "Announcements"
    assert "(WXR 1.1)" in report
    for old in ("/blog/?p=7", "/blog/2011/03/welcome/"):
        assertRedirects(
            client.get(old),
            welcome.get_absolute_url(),
            status_code=301,
            fetch_redirect_response=False,
        )


# Dry runs, failures and refusals -----------------------------------------------------------


@pytest.mark.django_db
def test_the_dry_run_changes_nothing(uploads):
    before = counts()

    report = run("--uploads", uploads, "--dry-run")

    assert counts() == before
    assert storage_names(default_storage) == []
    assert report.startswith("Dry run of the WordPress import")
    assert (
        "10 created, 0 updated, 0 unchanged, 6 skipped, 0 failed (dry run: nothing was written)"
        in report
    )
    assert "5 sections and 3 people would be new" in report


@pytest.mark.django_db
def test_a_post_that_fails_leaves_nothing_behind_and_the_rest_import(uploads, monkeypatch):
    real = wordpress.status_change_record

    def failing(*, article, **kwargs):
        if article.slug == "cafe-opens":
            raise DatabaseError("disk full")
        return real(article=article, **kwargs)

    monkeypatch.setattr(wordpress, "status_change_record", failing)

    report = run("--uploads", uploads)

    assert not Article.objects.filter(slug="cafe-opens").exists()
    assert not ImportedAddress.objects.filter(source_id="101").exists()
    assert not Tag.objects.filter(name="Campus").exists()
    # Its image and renditions are gone from storage too.
    assert not [name for name in storage_names(default_storage) if "lab" in name]
    assert "failed    #101 Café opens & serves: DatabaseError: disk full" in report
    assert "9 created, 0 updated, 0 unchanged, 6 skipped, 1 failed" in report
    # The section and person it made were rolled back, and made again by later posts.
    assert story(105).section.slug == "news"
    assert story(105).bylines.get().person.slug == "kim-ji-won"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("billion-laughs.xml", "declares XML entities"),
        ("external-entity.xml", "declares XML entities"),
        ("truncated.xml", r"ends in the middle of the export \(line 100\)"),
        ("not-xml.xml", "This is not an XML file"),
    ],
)
@pytest.mark.django_db
def test_files_that_are_no_sound_export_are_refused_with_a_clear_message(name, message):
    with pytest.raises(CommandError, match=message):
        run(export=EXPORTS / name)
    assert not Article.objects.exists()


def test_an_export_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(ExportUnreadable, match="the largest export this import reads is 1000"):
        export_read(MAIN, max_bytes=1000)


def test_xml_that_is_no_wordpress_export_is_refused(tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
    )
    with pytest.raises(ExportUnreadable, match="no <wp:wxr_version>"):
        export_read(feed)
    page = tmp_path / "page.xml"
    page.write_text("<!DOCTYPE html><html><body>Sign in</body></html>")
    with pytest.raises(ExportUnreadable, match="This is a web page"):
        export_read(page)


@pytest.mark.django_db
def test_a_missing_export_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="No file at"):
        run(export=tmp_path / "nowhere.xml")


# The admin ---------------------------------------------------------------------------------


def _uploads_zip(root):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in root.rglob("*"):
            if path.is_file():
                archive.write(path, f"wp-content/uploads/{path.relative_to(root)}")
    return SimpleUploadedFile("uploads.zip", buffer.getvalue(), content_type="application/zip")


def _export_upload(path=MAIN):
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")


@pytest.fixture
def staging(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "staging")
    (tmp_path / "staging").mkdir()
    return tmp_path / "staging" / "newsroom-wordpress-imports"


@pytest.mark.django_db
def test_admin_upload_shows_a_dry_run_and_then_imports(editor_client, uploads, staging):
    url = reverse("wordpress:import")
    assertContains(editor_client.get(url), "Upload and preview")
    before = counts()

    response = editor_client.post(
        url, {"export": _export_upload(), "uploads": _uploads_zip(uploads), "max_sections": 8}
    )

    assertContains(response, "Dry run: nothing has been imported yet.")
    assertContains(response, "10 created, 0 updated, 0 unchanged, 6 skipped, 0 failed")
    assertContains(response, "Café opens &amp; serves")
    assert counts() == before
    token = response.context["token"]
    assert (staging / token / "export.xml").is_file()

    response = editor_client.post(url, {"token": token})

    assertContains(response, "Import finished.")
    assert Article.objects.count() == 10
    assert story(101).lead_image  # read from the zip
    assert story(101).created_by == editor_client.user
    assert not (staging / token).exists()
    # The same token cannot import twice.
    response = editor_client.post(url, {"token": token})
    assertRedirects(response, url)
    assert Article.objects.count() == 10


@pytest.mark.django_db
def test_admin_upload_of_a_bad_file_shows_why_and_keeps_nothing(editor_client, staging):
    response = editor_client.post(
        reverse("wordpress:import"),
        {"export": _export_upload(EXPORTS / "billion-laughs.xml"), "max_sections": 8},
    )
    assertContains(response, "declares XML entities")
    assert not Article.objects.exists()
    assert list(staging.iterdir()) == []


@pytest.mark.django_db
def test_admin_refuses_an_uploads_file_that_is_no_zip(editor_client, staging):
    response = editor_client.post(
        reverse("wordpress:import"),
        {
            "export": _export_upload(),
            "uploads": SimpleUploadedFile("uploads.zip", b"not a zip"),
            "max_sections": 8,
        },
    )
    assertContains(response, "This is not a zip file.")


@pytest.mark.django_db
def test_admin_import_is_for_those_who_may_publish(writer_client, client):
    url = reverse("wordpress:import")
    assert writer_client.get(url).status_code == 403
    assert (
        writer_client.post(url, {"export": _export_upload(), "max_sections": 8}).status_code == 403
    )
    assert not Article.objects.exists()
    response = client.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_admin_token_from_another_session_imports_nothing(editor_client, superuser_client, staging):
    url = reverse("wordpress:import")
    response = editor_client.post(url, {"export": _export_upload(), "max_sections": 8})
    token = response.context["token"]
    assertRedirects(superuser_client.post(url, {"token": token}), url)
    assert not Article.objects.exists()
    shutil.rmtree(staging / token)


def test_the_command_draws_a_progress_bar_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal, log = Terminal(), io.StringIO()
    for done in (1, 2, 3, 4):
        ProgressBar(terminal)(done, 4)
        ProgressBar(log)(done, 4)
    assert "\r[" + "#" * 30 + "] 4/4 items\n" in terminal.getvalue()
    assert log.getvalue() == ""


def test_publication_times_follow_wordpress_rules():
    nine_hours = datetime.timedelta(hours=9)
    published = wordpress.WordPressItem(
        post_id="1", post_type="post", status="publish", post_date="2019-05-01 19:00:00"
    )
    assert wordpress.publication_time(published, offset=nine_hours)[0] == datetime.datetime(
        2019, 5, 1, 10, 0, tzinfo=UTC
    )
    published.post_date_gmt = "2019-05-01 11:00:00"
    assert wordpress.publication_time(published, offset=nine_hours) == (
        datetime.datetime(2019, 5, 1, 11, 0, tzinfo=UTC),
        "",
    )
    # A draft's post_date is when it was last saved, not a publication time.
    draft = wordpress.WordPressItem(
        post_id="2",
        post_type="post",
        status="draft",
        post_date="2019-05-01 19:00:00",
        post_date_gmt="0000-00-00 00:00:00",
    )
    assert wordpress.publication_time(draft, offset=nine_hours) == (None, "")
    # WordPress's "no date" pubDate is no year-2000 date.
    dateless = wordpress.WordPressItem(
        post_id="3", post_type="post", status="publish", pub_date="Mon, 30 Nov -0001 00:00:00 +0000"
    )
    assert wordpress.publication_time(dateless) == (None, "")


def test_the_blog_offset_comes_from_the_posts_that_have_both_dates():
    export = export_read(MAIN)
    assert wordpress.blog_utc_offset(export) == datetime.timedelta(hours=9)
