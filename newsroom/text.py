"""Text helpers the apps share: slugs that work for Korean headlines too."""

import re

from django.utils.text import slugify

# Revised Romanization of Korean, letter by letter: a Hangul syllable is
# 0xAC00 + (initial * 21 + medial) * 28 + final. Sound changes across
# syllables are left out; an address needs to be readable and stable, not a
# phonetic transcription.
_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "-",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MEDIALS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_FINALS = [
    "",
    *[
        "k",
        "k",
        "k",
        "n",
        "n",
        "n",
        "t",
        "l",
        "k",
        "m",
        "l",
        "l",
        "l",
        "p",
        "l",
        "m",
        "p",
        "p",
        "t",
        "t",
        "ng",
        "t",
        "t",
        "k",
        "t",
        "p",
        "t",
    ],
]
_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3


def romanize_hangul(text):
    """``text`` with each Hangul syllable written in Latin letters, e.g. 연세 -> yeonse."""
    out = []
    for character in text:
        code = ord(character)
        if _HANGUL_FIRST <= code <= _HANGUL_LAST:
            index = code - _HANGUL_FIRST
            initial, rest = divmod(index, 21 * 28)
            medial, final = divmod(rest, 28)
            onset = _INITIALS[initial].replace("-", "")
            out.append(onset + _MEDIALS[medial] + _FINALS[final])
        else:
            out.append(character)
    return "".join(out)


def slug_from(text, *, max_length=200, fallback="story"):
    """An ASCII slug for ``text``: Hangul romanised, other letters as slugify keeps them."""
    slug = slugify(romanize_hangul(text or ""))[:max_length].strip("-")
    return slug or fallback


def free_slug_in(queryset, text, *, max_length, fallback, exclude_pk=None, field="slug"):
    """A slug for ``text`` no row of ``queryset`` holds: "-2", "-3"... when the plain one is taken.

    For records without a slug manager of their own (institutions, people,
    agreements); ``max_length`` is the slug field's, and room is kept for
    the suffix.
    """
    base = slug_from(text, max_length=max(1, max_length - 10), fallback=fallback)
    taken = set(
        queryset.filter(**{f"{field}__startswith": base})
        .exclude(pk=exclude_pk)
        .values_list(field, flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# "Photo: " is printed before every credit; a credit typed with its own
# prefix printed "Photo: Photo: Kim Min-ji" on the page.
CREDIT_PREFIX = re.compile(
    r"^\s*(?:photo(?:graph)?s?|image|picture|credit)\s*(?:by\b|:|©)\s*",
    re.IGNORECASE,
)


def credit_without_prefix(credit):
    """A picture credit as printed after "Photo: ": any typed "Photo:"/"Photo by" dropped."""
    stripped = CREDIT_PREFIX.sub("", credit or "", count=1).strip()
    return stripped or (credit or "").strip()


# Bidirectional embedding, override and isolate controls: invisible, they
# turn the rest of a line around ("a name shown reversed in lists and on
# public pages", found by an outside check). Marks (U+200E, U+200F) are left
# alone: they change no order of letters already written.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def has_bidi_controls(text):
    return isinstance(text, str) and BIDI_CONTROLS.search(text) is not None
