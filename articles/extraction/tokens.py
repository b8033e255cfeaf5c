"""Word tokens with offsets, and what kind of word each one is."""

import re
from dataclasses import dataclass

from . import lexicon

# A word: letters/digits with inner apostrophes, hyphens and ampersands. A full
# stop is attached to initials and known abbreviations ("M.", "Inc.", "U.S.").
_TOKEN_RE = re.compile(r"[^\W_](?:[\w’'&\-]*[^\W_])?(?:\.(?:[A-Za-z]\.)*)?|[^\w\s]")
_ATTACH_DOT = frozenset(
    {
        "inc",
        "ltd",
        "co",
        "corp",
        "st",
        "jr",
        "sr",
        "dr",
        "prof",
        "mr",
        "mrs",
        "ms",
        "no",
        "dept",
        "univ",
        "gen",
        "gov",
        "sen",
        "rep",
        "lt",
        "col",
        "capt",
        "mt",
        "sgt",
        "rev",
        "hon",
        "assoc",
        "asst",
        "adj",
        "vs",
        "etc",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self):
        return self.text.lower().rstrip(".")

    @property
    def is_word(self):
        return self.text[:1].isalnum()

    @property
    def is_cap(self):
        return self.text[:1].isupper()

    @property
    def bare(self):
        """The word without a possessive ending."""
        return re.sub(r"[’']s?$", "", self.text) if self.is_possessive else self.text

    @property
    def is_possessive(self):
        return bool(re.search(r"\w[’'](?:s)?$", self.text)) and not re.fullmatch(
            r"[A-Z][’'][A-Z]\w*", self.text
        )


def tokenize(text, start=0, end=None):
    end = len(text) if end is None else end
    tokens = []
    for match in _TOKEN_RE.finditer(text, start, end):
        value = match.group()
        s, e = match.start(), match.end()
        if value.endswith(".") and len(value) > 1 and not _keeps_dot(value):
            tokens.append(Token(value[:-1], s, e - 1))
            tokens.append(Token(".", e - 1, e))
            continue
        tokens.append(Token(value, s, e))
    return tokens


def _keeps_dot(value):
    core = value[:-1]
    if "." in core:  # U.S. / M.D. / Ph.D.
        return True
    if len(core) == 1 and core.isupper():  # an initial
        return True
    return core.lower() in _ATTACH_DOT


def is_acronym(word):
    """KAIST, SNUBH, UH, R&D, YLLSoM: mostly capitals, at least two."""
    core = word.rstrip(".")
    core = re.sub(r"[’']s$", "", core)
    if len(core) < 2 or not core[:1].isupper():
        return False
    capitals = sum(1 for c in core if c.isupper())
    return (capitals >= 2 and capitals >= len(core.replace("&", "")) * 0.6 and core.isalnum()) or (
        "&" in core and core.replace("&", "").isupper()
    )


_NAME_SHAPE_RE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:[-’'][A-Za-z][a-z]*)*")


def _accented_name_shape(text):
    """The shape of a name word in letters beyond ASCII ("Hélène", "Müller",
    "Søren-Åke"): a capital, then lower-case letters (one inner capital, as in
    "McAllister"), and hyphenated or apostrophised parts."""
    first, *rest = re.split(r"[-’']", text)
    if len(first) < 2 or not first[0].isupper() or not first.isalpha():
        return False
    inner = [k for k, c in enumerate(first[1:], 1) if c.isupper()]
    if len(inner) > 1 or (inner and not 1 < inner[0] < len(first) - 1):
        return False
    if any(not c.islower() for k, c in enumerate(first[1:], 1) if k not in inner):
        return False
    return all(part[:1].isalpha() and (part[1:] == "" or part[1:].islower()) for part in rest)


def is_name_word(token):
    """A word that can be part of a person's name."""
    text = token.bare
    if not text[:1].isupper():
        return False
    if re.fullmatch(r"[A-Z]\.(?:[A-Z]\.?)*", text) or re.fullmatch(r"[A-Z]\.[A-Z]", text):
        return True  # initials
    if not _NAME_SHAPE_RE.fullmatch(text) and (text.isascii() or not _accented_name_shape(text)):
        return False
    low = text.lower()
    return not (
        low in lexicon.TITLE_WORDS
        or low in lexicon.ORG_HEADS
        or low in lexicon.STOP_CAPS
        or low in lexicon.MONTHS
        or low in lexicon.WEEKDAYS
        or low in lexicon.NAME_PREFIXES
        or low in lexicon.PLACES
        or low in lexicon.UNIT_HEADS
    )


NAME_PARTICLES = frozenset(
    {
        "de",
        "van",
        "von",
        "der",
        "den",
        "da",
        "di",
        "du",
        "le",
        "la",
        "bin",
        "al",
        "el",
        "ibn",
        "dos",
        "del",
    }
)
