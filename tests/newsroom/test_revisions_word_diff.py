"""Changed words, highlighted: the word diff the compare page and the edit-conflict refusal share."""

import pytest
import reversion
from django.urls import reverse

from articles.models import ArticleStatus
from newsroom.revisions import html_as_text, list_diff, word_diff
from tests.support.admin import save_change, versions_of
from tests.support.factories import make_article


def test_changed_words_are_marked_and_the_rest_is_left_alone():
    old, new = word_diff("The trial begins in Seoul today.", "The trial begins in Busan today.")
    assert old == "The trial begins in <del>Seoul</del> today."
    assert new == "The trial begins in <ins>Busan</ins> today."


def test_a_changed_comma_is_marked_alone():
    old, new = word_diff("Yonsei, KAIST and POSTECH", "Yonsei; KAIST and POSTECH")
    assert old == "Yonsei<del>,</del> KAIST and POSTECH"
    assert new == "Yonsei<ins>;</ins> KAIST and POSTECH"


def test_korean_words_are_words_too():
    old, new = word_diff("연세대학교 의과대학 협약", "연세대학교 공과대학 협약")
    assert "<del>의과대학</del>" in old and "<ins>공과대학</ins>" in new


def test_every_value_is_escaped_and_only_ins_and_del_are_markup():
    old, new = word_diff("<b>bold</b> & more", '<script>alert("x")</script> & more')
    for html in (old, new):
        stripped = html.replace("<ins>", "").replace("</ins>", "")
        stripped = stripped.replace("<del>", "").replace("</del>", "")
        assert "<" not in stripped and ">" not in stripped
    assert "&amp; more" in old and "&lt;script&gt;" in new.replace("<ins>", "").replace(
        "</ins>", ""
    )


def test_a_change_of_spacing_alone_is_not_highlighted():
    old, new = word_diff("two  spaces", "two spaces")
    assert "<del>" not in old and "<ins>" not in new


def test_body_html_is_compared_as_the_words_a_reader_sees():
    text = html_as_text("<p>First &amp; <strong>bold</strong> paragraph.</p><p>Second<br>line</p>")
    assert text == "First & bold paragraph.\nSecond\nline"
    # An entity that spells a tag comes out as text, to be escaped where shown.
    assert html_as_text("<p>&lt;script&gt;</p>") == "<script>"


def test_inline_rows_only_on_one_side_are_added_or_removed_and_pairs_show_their_words():
    left, right = list_diff(
        ["Speaker: Kim; Quoted words: We are ready.", "Speaker: Lee; Quoted words: Gone."],
        ["Speaker: Kim; Quoted words: We are not ready."],
    )
    assert [state for _html, state in left] == ["changed", "removed"]
    assert [state for _html, state in right] == ["changed"]
    assert "We are <ins>not </ins>ready." in right[0][0]
    assert left[1][0] == "<del>Speaker: Lee; Quoted words: Gone.</del>"


@pytest.mark.django_db
def test_the_compare_page_highlights_changed_words_in_the_body_and_escapes_them(editor_client):
    article = make_article(
        headline="Trial begins",
        body="<p>The trial begins in Seoul.</p>",
        status=ArticleStatus.DRAFT,
    )
    with reversion.create_revision():
        article.save()
    save_change(
        editor_client,
        article,
        headline="Trial <em>halted</em>",
        body="<p>The trial begins in Busan &lt;script&gt;.</p>",
    )
    first, second = versions_of(article)[:2]
    url = reverse("admin:articles_article_compare", args=[article.pk])

    response = editor_client.get(url, {"a": first.pk, "b": second.pk})

    content = response.content.decode()
    assert "The trial begins in <del>Seoul</del>" in content
    assert "<ins>Busan" in content
    # The body's markup is not shown as text, and typed markup stays text.
    assert "&lt;p&gt;" not in content
    assert "<ins>&lt;</ins>" in content or "&lt;script&gt;" in content
    assert "<script>" not in content.split('id="revision-compare"')[1]
    assert "Trial <ins>&lt;em&gt;halted&lt;/em&gt;</ins>" in content
    assert 'href="/static/admin/newsroom/conflict.css"' in content
