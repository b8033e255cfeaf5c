import time

from articles.extraction import MAX_CHARS, analyse


def test_empty_and_blank_text():
    for text in ("", "   ", "\n\n\n", None):
        result = analyse(text)
        assert result.quotes == []
        assert result.institutions == []
        assert result.agreement is None
        assert result.paragraphs == []


def test_five_megabytes_finish_quickly():
    paragraph = (
        '"We will grow the clinic," said Kim Min-seo, president of Hanbit University, who signed an '
        "MOU with Coral Bay Hospital on Monday. " * 8
    )
    text = (paragraph + "\n\n") * (5_000_000 // (len(paragraph) + 2))
    assert len(text) > 4_900_000
    started = time.perf_counter()
    result = analyse(text)
    assert time.perf_counter() - started < 10
    assert result.warnings  # told that only the start was read
    assert result.quotes and result.quotes[0].speaker == "Kim Min-seo"
    assert result.paragraphs[-1].end <= MAX_CHARS


def test_korean_only_text():
    text = "서울대학교병원은 새로운 연구소를 열었다.\n\n“환자가 먼저입니다”라고 원장은 말했다."
    result = analyse(text)
    assert result.institutions == []
    assert result.agreement is None
    for q in result.quotes:
        assert q.speaker is None


def test_text_without_quotes():
    result = analyse("Coral Bay Hospital opened a new ward on Monday. It has 40 beds.")
    assert result.quotes == []
    assert result.institutions == ["Coral Bay Hospital"]


def test_quote_with_no_speaker_anywhere():
    result = analyse('"Every patient deserves the same care." The sign hangs in the lobby.')
    assert [q.speaker for q in result.quotes] == [None]


def test_mismatched_and_unbalanced_marks_do_not_break_analysis():
    texts = [
        'He said "this is ” odd “ and "broken',
        "“Unclosed quotation at the very end of the text",
        "”Backwards marks,“ said Lena Moss.",
        '"""',
        "“”",
        "‘’‘",
        "'",
        'Lena Moss said: "First part. “Second part,” she said, "third part.',
    ]
    for text in texts:
        result = analyse(text)
        for q in result.quotes:
            assert q.text
            assert q.text[0] not in "\"“”'‘’" and q.text[-1] not in "\"“”'‘’"


def test_control_characters_and_windows_line_endings():
    text = 'Coral Bay Hospital\x00 opened.\r\n\r\n"We are ready," said Lena Moss, head of Coral Bay Hospital.'
    result = analyse(text)
    assert [q.speaker for q in result.quotes] == ["Lena Moss"]


def test_published_may_be_a_date_or_bad_text():
    import datetime as dt

    assert (
        analyse(
            "Coral Bay Hospital signed an MOU with Eastlake Institute on Monday.",
            published=dt.date(2024, 6, 5),
        ).agreement.date
        == "2024-06-03"
    )
    assert (
        analyse(
            "Coral Bay Hospital signed an MOU with Eastlake Institute on Monday.", published="soon"
        ).agreement.date
        is None
    )
