"""Lead-image renditions of an article: made on save, by the command, shown by the tag."""

import io
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.template import Context, Template

from articles.models import Article, article_renditions_make
from newsroom.renditions import RenditionError
from tests.support.factories import make_article
from tests.support.images import jpeg_with_gps, open_stored

pytestmark = pytest.mark.django_db


def test_saving_an_article_with_an_image_makes_every_width_in_webp_and_jpeg():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")

    article.refresh_from_db()
    renditions = article.lead_image_renditions
    assert [(r["width"], r["format"]) for r in renditions] == [
        (480, "webp"),
        (480, "jpg"),
        (800, "webp"),
        (800, "jpg"),
        (1200, "webp"),
        (1200, "jpg"),
        (1600, "webp"),
        (1600, "jpg"),
    ]
    assert (article.lead_image_width, article.lead_image_height) == (2000, 1000)
    for rendition in renditions:
        image = open_stored(rendition["name"])
        assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[rendition["format"]]
        assert image.size == (rendition["width"], rendition["height"])
        assert image.size[0] == 2 * image.size[1]
        assert image.mode == "RGB"


def test_an_ordinary_save_does_not_touch_the_image():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")

    with mock.patch("articles.models.article_renditions_make") as make:
        article.standfirst = "New standfirst"
        article.save()

    make.assert_not_called()


def test_replacing_the_image_makes_new_renditions_and_removing_it_clears_them():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")
    first = article.lead_image_renditions

    article.lead_image = jpeg_with_gps(size=(900, 900), name="square.jpg")
    article.save()
    article.refresh_from_db()
    assert article.lead_image_renditions != first
    assert {r["width"] for r in article.lead_image_renditions} == {480, 800, 900}
    assert article.lead_image_width == 900

    article.lead_image = ""
    article.save()
    article.refresh_from_db()
    assert article.lead_image_renditions == []
    assert article.lead_image_width is None


def test_an_unreadable_image_leaves_no_renditions_and_does_not_break_the_save():
    article = make_article()
    default_storage.save("articles/broken.jpg", io.BytesIO(b"not really a jpeg"))
    article.lead_image = "articles/broken.jpg"

    article.save()

    article.refresh_from_db()
    assert article.lead_image_renditions == []
    with pytest.raises(RenditionError):
        article_renditions_make(article)


def test_make_renditions_command_fills_older_articles_and_skips_done_ones():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")
    Article.objects.filter(pk=article.pk).update(
        lead_image_renditions=[], lead_image_width=None, lead_image_height=None
    )
    out = io.StringIO()

    call_command("make_renditions", stdout=out)

    article.refresh_from_db()
    assert len(article.lead_image_renditions) == 8
    assert article.lead_image_width == 2000
    assert "for 1 article(s); 0 already had them; 0 failed" in out.getvalue()

    out = io.StringIO()
    call_command("make_renditions", stdout=out)
    assert "for 0 article(s); 1 already had them" in out.getvalue()


def test_make_renditions_command_reports_a_missing_file():
    article = make_article()
    Article.objects.filter(pk=article.pk).update(lead_image="articles/gone.jpg")
    out, err = io.StringIO(), io.StringIO()

    call_command("make_renditions", stdout=out, stderr=err)

    assert "1 failed" in out.getvalue()
    assert f"Article {article.pk}" in err.getvalue()


def _render(article, arguments='sizes="(min-width: 48rem) 46rem, 100vw"'):
    template = Template("{% load renditions %}{% responsive_image article " + arguments + " %}")
    return template.render(Context({"article": article}))


def test_responsive_image_renders_a_picture_with_srcset_sizes_and_dimensions():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt='The "new" <lab>')
    article.refresh_from_db()

    with (
        mock.patch.object(FileSystemStorage, "exists", side_effect=AssertionError),
        mock.patch.object(FileSystemStorage, "open", side_effect=AssertionError),
        mock.patch.object(FileSystemStorage, "size", side_effect=AssertionError),
    ):
        html = _render(article)

    folder = "/media/" + article.lead_image_renditions[0]["name"].rsplit("/", 1)[0]
    assert html.startswith('<picture><source type="image/webp" srcset="')
    assert f"{folder}/w480.webp 480w, {folder}/w800.webp 800w" in html
    assert f"{folder}/w1600.webp 1600w" in html
    assert f'<img src="{folder}/w800.jpg" srcset="{folder}/w480.jpg 480w' in html
    assert 'sizes="(min-width: 48rem) 46rem, 100vw"' in html
    assert 'width="800" height="400"' in html
    assert 'alt="The &quot;new&quot; &lt;lab&gt;"' in html
    assert 'loading="lazy" decoding="async"' in html
    assert html.endswith("</picture>")


def test_responsive_image_takes_eager_loading_priority_and_a_class():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")

    html = _render(article, 'loading="eager" css_class="lead" fetchpriority="high"')

    assert 'class="lead" loading="eager" decoding="async" fetchpriority="high"' in html
    assert 'loading="bogus"' not in _render(article, 'loading="bogus"')


def test_responsive_image_renders_nothing_without_an_image():
    assert _render(make_article()) == ""


def test_responsive_image_never_falls_back_to_the_original_before_renditions_exist():
    article = make_article(lead_image=jpeg_with_gps(), lead_image_alt="A lab")
    Article.objects.filter(pk=article.pk).update(lead_image_renditions=[])
    article.refresh_from_db()

    assert _render(article) == ""
