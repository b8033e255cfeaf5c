import datetime as dt

import pytest

from articles.extraction import analyse
from articles.extraction.dates import find_dates, parse_published, resolve

WEDNESDAY = dt.date(2024, 6, 5)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("on Wednesday", "2024-06-05"),  # the release day itself
        ("on Monday", "2024-06-03"),
        ("Thursday", "2024-05-30"),  # the most recent one before the release
        ("last Friday", "2024-05-31"),
        ("next Tuesday", "2024-06-11"),
        ("today", "2024-06-05"),
        ("yesterday", "2024-06-04"),
        ("last month", "2024-05"),
        ("this month", "2024-06"),
        ("last year", "2023"),
        ("on June 3", "2024-06-03"),
        ("on Dec. 5, 2014", "2014-12-05"),
        ("On 5 December 2013", "2013-12-05"),
        ("on Monday, December 1st", "2023-12-01"),  # December is still to come: last year's
        ("on November 7 last year", "2023-11-07"),
        ("on the 21st", "2024-05-21"),  # the 21st has not come yet this month
        ("on the 2nd", "2024-06-02"),
        ("in March", "2024-03"),
        ("during an October visit", "2023-10"),
        ("in July 2022", "2022-07"),
    ],
)
def test_resolve_against_release_date(phrase, expected):
    assert resolve(phrase, WEDNESDAY) == expected


def test_relative_phrases_need_a_release_date():
    assert resolve("on Wednesday", None) is None
    assert resolve("last month", None) is None
    assert resolve("on Dec. 5, 2014", None) == "2014-12-05"


def test_parse_published_accepts_partial_dates():
    assert parse_published("2024-06-05") == WEDNESDAY
    assert parse_published("2024-06") == dt.date(2024, 6, 1)
    assert parse_published("2024") == dt.date(2024, 1, 1)
    assert parse_published("not a date") is None


def test_announcement_dates_are_marked():
    text = "The ministry said Friday that it had signed the deal on Tuesday."
    found = {d.text: announced for d, announced in find_dates(text)}
    assert found == {"Friday": True, "on Tuesday": False}


def test_signing_date_not_announcement_date():
    text = (
        "Riverbend University said on Thursday it has signed a memorandum of understanding with "
        "Hanbit Medical Center.\n\nThe agreement, signed Monday, covers joint training."
    )
    agreement = analyse(text, published="2024-06-06").agreement
    assert agreement.date_phrase == "Monday"
    assert agreement.date == "2024-06-03"


def test_only_an_announcement_date_gives_no_phrase():
    text = "Riverbend University announced Friday that it has signed an agreement with Hanbit Hospital."
    assert analyse(text).agreement.date_phrase is None
