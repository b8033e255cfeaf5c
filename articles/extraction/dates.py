"""Time expressions ("on Wednesday", "last month", "On 5 December 2013") and
their resolution against the release date."""

import datetime as dt
import re
from dataclasses import dataclass

from .lexicon import MONTHS, WEEKDAYS

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUM = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_REL_YEAR = r"(?:\s+(?:last|this|next)\s+year)"

_PATTERNS = [
    # on Monday, December 1st / on Wednesday, 5 June 2024
    rf"(?:[Oo]n\s+)?{_DAY}(?:,?\s+(?:{_MONTH}\s+{_NUM}(?:,?\s+{_YEAR})?|{_NUM}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?))?{_REL_YEAR}?",
    # on Dec. 5, 2014 / on June 3 / on November 7 last year
    rf"(?:[Oo]n\s+|[Ii]n\s+|[Bb]y\s+)?{_MONTH}\s+{_NUM}(?:,?\s+{_YEAR})?{_REL_YEAR}?",
    # On 5 December 2013 / on the 5th of December
    rf"(?:[Oo]n\s+)?(?:the\s+)?{_NUM}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?{_REL_YEAR}?",
    # on the 21st
    rf"on\s+the\s+{_NUM}\b(?!\s+(?:floor|anniversary|century))",
    # during an October visit
    rf"during\s+(?:a|an|the|his|her|their|its)\s+(?:(?:{_MONTH}|recent|official|\d{{4}})\s+)?(?:[a-z\-]+\s+)?(?:visit|trip|ceremony|meeting|event|conference|summit|forum|tour)",
    # last month / earlier this week / this year
    r"(?:earlier|later)\s+this\s+(?:week|month|year)|(?:last|this|next)\s+(?:week|month|year)",
    rf"(?:last|this|next)\s+(?:{_DAY}|{_MONTH})",
    rf"(?:[Ii]n\s+)?(?:early\s+|mid-|late\s+)?{_MONTH}(?:\s+{_YEAR})(?!\d)",
    rf"[Ii]n\s+(?:early\s+|mid-|late\s+)?{_MONTH}(?!\s*\d)",
    r"\b(?:today|yesterday|tomorrow|tonight)\b",
    rf"(?:[Oo]n\s+)?{_YEAR}-\d{{2}}-\d{{2}}",
]
DATE_RE = re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in _PATTERNS) + r")\b(?!-)")
_ANNOUNCE_BEFORE = re.compile(
    r"\b(?:said|says|announced|announces|reported|reports|stated|revealed|confirmed|noted|told\s+\w+|"
    r"was\s+announced|were\s+announced|announced\s+(?:on|in)|"
    # "the company said in a regulatory filing Monday", "announced in a statement on Friday"
    r"(?:said|says|announced|stated|disclosed)\s+in\s+(?:a|an|its|their)\s+(?:[\w\-]+\s+){0,2}?"
    r"(?:filing|statement|release|disclosure|notice|announcement|report))\s*(?:[Oo]n\s+)?$",
    re.IGNORECASE,
)


@dataclass
class DatePhrase:
    text: str
    start: int
    end: int


def find_dates(text, start=0, end=None):
    """Time expressions in text[start:end], announcement dates marked out."""
    end = len(text) if end is None else end
    found = []
    for match in DATE_RE.finditer(text, start, end):
        phrase = match.group().strip()
        if not phrase:
            continue
        if re.fullmatch(r"May", phrase):  # the verb "may"
            continue
        before = text[max(start, match.start() - 40) : match.start()]
        announced = bool(_ANNOUNCE_BEFORE.search(before))
        found.append((DatePhrase(phrase, match.start(), match.end()), announced))
    return found


def resolve(phrase, published):
    """The date a phrase names, as ISO text ("2024-06-03", "2024-06", "2024"), or None.

    Relative phrases need the release date; past is assumed unless the phrase
    says "next" or "tomorrow".
    """
    if not phrase:
        return None
    p = re.sub(r"\s+", " ", phrase.strip())
    low = p.lower()
    low = re.sub(r"^(?:on|in|by|during)\s+", "", low)
    year_match = re.search(r"\b((?:19|20)\d{2})\b", low)
    year = int(year_match.group(1)) if year_match else None
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", low)
    if iso:
        return _safe(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    month = _month_in(low)
    day_match = re.search(
        r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", re.sub(r"\b(?:19|20)\d{2}\b", "", low)
    )
    day = int(day_match.group(1)) if day_match else None
    if year is None and published is not None:
        if "last year" in low:
            year = published.year - 1
        elif "next year" in low:
            year = published.year + 1
        elif "this year" in low:
            year = published.year
    if month and day:
        if year is None:
            if published is None:
                return None
            year = published.year
            candidate = _safe(year, month, day, as_date=True)
            if candidate and candidate > published + dt.timedelta(days=7) and "next" not in low:
                year -= 1
        return _safe(year, month, day)
    if published is None:
        return (
            f"{year:04d}-{month:02d}"
            if (year and month)
            else (str(year) if year and re.fullmatch(r"\d{4}", low) else None)
        )
    weekday = next((WEEKDAYS[w] for w in WEEKDAYS if re.search(rf"\b{w}\b", low)), None)
    if weekday is not None:
        delta = (published.weekday() - weekday) % 7
        if low.startswith("next"):
            delta = -((weekday - published.weekday()) % 7 or 7)
        elif low.startswith("last"):
            delta = delta or 7
        return (published - dt.timedelta(days=delta)).isoformat()
    if "today" in low or "tonight" in low:
        return published.isoformat()
    if "yesterday" in low:
        return (published - dt.timedelta(days=1)).isoformat()
    if "tomorrow" in low:
        return (published + dt.timedelta(days=1)).isoformat()
    if re.search(r"\bthe \d", low) and day:
        candidate = _safe(published.year, published.month, day, as_date=True)
        if candidate is None or candidate > published:
            prev = published.replace(day=1) - dt.timedelta(days=1)
            return _safe(prev.year, prev.month, day)
        return candidate.isoformat()
    if "last month" in low:
        prev = published.replace(day=1) - dt.timedelta(days=1)
        return f"{prev.year:04d}-{prev.month:02d}"
    if "this month" in low:
        return f"{published.year:04d}-{published.month:02d}"
    if "next month" in low:
        nxt = (published.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return f"{nxt.year:04d}-{nxt.month:02d}"
    if "last year" in low:
        return str(published.year - 1)
    if "this year" in low:
        return str(published.year)
    if "this week" in low:
        return (published - dt.timedelta(days=published.weekday())).isoformat()
    if "last week" in low:
        return (published - dt.timedelta(days=published.weekday() + 7)).isoformat()
    if month:
        if year is None:
            year = published.year
            if month > published.month or (low.startswith("last") and month >= published.month):
                year -= 1
        return f"{year:04d}-{month:02d}"
    if year:
        return str(year)
    return None


def _month_in(low):
    for word in re.findall(r"[a-z]+", low):
        if word in MONTHS:
            return MONTHS[word]
    return None


def _safe(year, month, day, *, as_date=False):
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if as_date else value.isoformat()


def parse_published(value):
    """A release date from "YYYY-MM-DD", "YYYY-MM" or "YYYY" (first day assumed)."""
    if value is None or isinstance(value, dt.date):
        return value
    value = str(value).strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        try:
            return dt.datetime.strptime(value[:size], fmt).date()
        except ValueError:
            continue
    return None
