"""Text plumbing: quote-mark folding, paragraphs, sentences, boilerplate.

Offsets are always into the text as given (after ``\\r\\n`` became ``\\n``),
so spans found here can be shown back to an editor.
"""

import bisect
import re
import unicodedata
from dataclasses import dataclass

DOUBLE_MARKS = frozenset('"“”„‟″«»')
SINGLE_MARKS = frozenset("'‘’‚‛′")
QUOTE_CHARS = DOUBLE_MARKS | SINGLE_MARKS

_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
    }
)


def fold_marks(value):
    """Curly and other quote marks as straight ones."""
    return value.translate(_FOLD)


def normalise(value):
    """The comparison form used by the corpus: NFC, straight marks, single spaces."""
    value = unicodedata.normalize("NFC", value).translate(_FOLD)
    return re.sub(r"\s+", " ", value).strip()


def clean_input(text):
    """Line endings and stray control characters made harmless; length kept stable."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)


# ---------------------------------------------------------------- paragraphs


@dataclass
class Paragraph:
    index: int
    start: int
    end: int
    text: str
    kind: str = "body"  # headline, standfirst, body, subheading, caption, boilerplate


def split_paragraphs(text):
    """Paragraphs separated by blank lines; single line breaks also split when the
    text has no blank lines at all (a paste from a page that used one per line)."""
    separator = r"\n[ \t]*\n\s*" if re.search(r"\n[ \t]*\n", text) else r"\n\s*"
    paragraphs = []
    pos = 0
    for match in re.finditer(separator, text):
        _append(paragraphs, text, pos, match.start())
        pos = match.end()
    _append(paragraphs, text, pos, len(text))
    return paragraphs


def _append(paragraphs, text, start, end):
    chunk = text[start:end]
    stripped = chunk.strip()
    if not stripped:
        return
    lead = len(chunk) - len(chunk.lstrip())
    start += lead
    paragraphs.append(Paragraph(len(paragraphs), start, start + len(stripped), stripped))


_CAPTION_RE = re.compile(
    r"\((?:from\s+)?(?:left|right|center|centre|middle|front|back|pictured|top|bottom)"
    r"(?:\s+(?:to\s+right|to\s+left|row|\d+(?:st|nd|rd|th)?))?\)"
    r"|^(?:photo|caption|image|pictured|above|below|top|left|right)\b\s*[:\-–—|]"
    r"|\b(?:photo|image|picture)\s+(?:by|courtesy|credit|provided)\b"
    r"|^[<▲△▶►■□◆◇※\[]\s*.*[>\]]?$"
    r"|\bpose[sd]?\s+for\s+a\s+(?:group\s+)?photo",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"^(?:media\s+(?:contact|inquiries|enquiries|relations)|press\s+(?:contact|office)|"
    r"contacts?|for\s+(?:more|further)\s+information|source|editor'?s?\s+note|"
    r"notes?\s+to\s+editors|follow\s+us|copyright|©|disclaimer|tel|phone|e-?mail|"
    r"story\s+source|journal\s+reference|related\s+(?:articles|stories)|"
    r"sign\s+up|subscribe)\b",
    re.IGNORECASE,
)
_END_MARKER_RE = re.compile(r"^(?:#{3,}|-\s*30\s*-|\*{3,}|—\s*end\s*—|-end-|end)$", re.IGNORECASE)
_ABOUT_RE = re.compile(r"^[Aa]bout\s+(?:the\s+)?[A-Z][\w’'&.\- ]{1,80}$")
_ABOUT_INLINE_RE = re.compile(
    r"^About\s+(?:the\s+)?[A-Z][\w’'&.\-]*(?:\s+[A-Z&][\w’'&.\-]*){0,8}\s*[:\n]"
)
_EMAIL_PHONE_RE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?:\+\d{1,3}[\s.-]?)?\(?\b\d{2,4}\)?[\s.-]\d{3,4}[\s.-]\d{4}\b"
)


def classify_paragraphs(paragraphs, *, title=None):
    """Mark headline, standfirst, captions, sub-headings and boilerplate in place."""
    if not paragraphs:
        return paragraphs
    texts = [p.text for p in paragraphs]
    seen = {}
    for p in paragraphs:
        seen.setdefault(normalise(p.text), []).append(p.index)
    in_boilerplate = False
    first_body = 0
    if (title is None and len(paragraphs) > 1 and _looks_like_headline(texts[0])) or (
        title is not None and normalise(texts[0]).lower() == normalise(title).lower()
    ):
        paragraphs[0].kind = "headline"
        first_body = 1
    for p in paragraphs[first_body:]:
        t = p.text
        if in_boilerplate:
            p.kind = "boilerplate"
            continue
        if _END_MARKER_RE.match(t):
            p.kind = "boilerplate"
            in_boilerplate = True
            continue
        if _CONTACT_RE.match(t) or (_EMAIL_PHONE_RE.search(t) and len(t) < 200):
            p.kind = "boilerplate"
            # Everything after a contact block or a "Related articles" list is page furniture.
            if re.match(
                r"^media|^press|^contacts?\b|^related\s+(?:articles|stories)", t, re.IGNORECASE
            ):
                in_boilerplate = True
            continue
        if _ABOUT_RE.match(t) and len(t.split()) <= 10:
            p.kind = "boilerplate"
            in_boilerplate = True
            continue
        if _ABOUT_INLINE_RE.match(t):
            p.kind = "boilerplate"
            in_boilerplate = True
            continue
        if _CAPTION_RE.search(t) or (
            len(seen[normalise(t)]) > 1 and seen[normalise(t)][0] != p.index
        ):
            p.kind = "caption"
            continue
        if len(seen[normalise(t)]) > 1 and len(t) < 400:
            # A caption repeated on the page: both copies are captions.
            p.kind = "caption"
            continue
    # The standfirst: the first body paragraph when it is a short summary without a
    # closing full stop, or a run of bullet points at the top.
    for p in paragraphs[first_body:]:
        if p.kind != "body":
            continue
        if re.match(r"^[•\-\*▪●·]\s", p.text) or (
            len(p.text.split()) <= 45 and not re.search(r"[.!?\"”’)]$", p.text)
        ):
            p.kind = "standfirst"
            continue
        break
    for p in paragraphs[first_body:]:
        if p.kind == "body" and _looks_like_subheading(p.text):
            p.kind = "subheading"
    return paragraphs


def about_blocks(paragraphs):
    """The boilerplate paragraphs that describe an organisation: an "About X"
    heading (or "About X: ...") and the paragraphs after it, up to a media
    contact, an end marker or a contact line. They name institutions as the body
    does; contact lines name only offices and people."""
    found = []
    inside = False
    for p in paragraphs:
        if p.kind != "boilerplate":
            inside = False
            continue
        t = p.text
        if (_ABOUT_RE.match(t) and len(t.split()) <= 10) or _ABOUT_INLINE_RE.match(t):
            inside = True
        elif (
            _END_MARKER_RE.match(t)
            or _CONTACT_RE.match(t)
            or (_EMAIL_PHONE_RE.search(t) and len(t) < 200)
        ):
            inside = False
        if inside:
            found.append(p)
    return found


def _looks_like_headline(text):
    words = text.split()
    if not 2 <= len(words) <= 16 or re.search(r"[.!?:;,\"”’)]$", text) or not text[:1].isupper():
        return False
    return not _CAPTION_RE.search(text)


def _looks_like_subheading(text):
    words = text.split()
    return 1 <= len(words) <= 8 and not re.search(r"[.!?:;,\"”]$", text) and text[:1].isupper()


# ---------------------------------------------------------------- sentences

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    [
        "dr",
        "prof",
        "mr",
        "mrs",
        "ms",
        "mx",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "no",
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
        "gov",
        "sen",
        "rep",
        "gen",
        "lt",
        "col",
        "capt",
        "mt",
        "ave",
        "dept",
        "univ",
        "approx",
        "fig",
        "est",
        "vol",
        "pp",
        "ph",
        "m.d",
        "ph.d",
        "u.s",
        "u.k",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "n.c",
        "d.c",
        "mass",
        "calif",
        "sgt",
        "messrs",
        "rev",
        "hon",
        "adm",
        "brig",
        "cmdr",
        "maj",
        "assoc",
        "asst",
        "adj",
    ]
)

_SENT_END_RE = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9]|\s*$)")


def sentence_bounds(text, start=0, end=None, *, skip=()):
    """Start offsets of sentences in text[start:end].

    ``skip`` is a list of (start, end) spans (quotations) inside which a full stop
    does not end the surrounding sentence.
    """
    end = len(text) if end is None else end
    starts = [start]
    for match in _SENT_END_RE.finditer(text, start, end):
        pos = match.start()
        # A full stop inside a quotation ends the sentence only when the
        # quotation closes right after it.
        if any(a < pos < b and match.end() < b for a, b in skip):
            continue
        if _is_abbreviation(text, pos) and not _ends_before_quotation(text, pos, match.end()):
            continue
        nxt = match.end()
        while nxt < end and text[nxt].isspace():
            nxt += 1
        if nxt < end:
            starts.append(nxt)
    return starts


# Abbreviations that stand before a name ("Dr. Kim"), never at the end of a sentence.
_PREFIX_ABBREVIATIONS = frozenset(
    {"dr", "prof", "mr", "mrs", "ms", "mx", "st", "gov", "sen", "rep", "gen", "lt", "col", "capt"}
    | {"sgt", "rev", "hon", "adm", "brig", "cmdr", "maj", "messrs", "no", "vs", "assoc", "asst"}
)


def _ends_before_quotation(text, dot, after):
    """A degree or company form closes a sentence when a new quotation opens
    after it: 'said Teresa Alvarez, Ph.D. “He grew ...”'."""
    if not re.match(r"\s+[\"“]\s*[A-Z]", text[after : after + 4]):
        return False
    begin = dot
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    word = text[begin:dot].lower()
    return len(word) > 1 and word not in _PREFIX_ABBREVIATIONS


def _is_abbreviation(text, dot):
    if text[dot] != ".":
        return False
    begin = dot
    while begin > 0 and (text[begin - 1].isalpha() or text[begin - 1] == "."):
        begin -= 1
    word = text[begin:dot].lower()
    if not word:
        return False
    if word in ABBREVIATIONS:
        return True
    # Single initials ("Harold M. Maurer") and dotted initialisms ("M.D").
    return bool(re.fullmatch(r"[a-z](?:\.[a-z])*", word)) and text[begin].isupper()


def sentence_around(text, pos, bounds):
    """(start, end) of the sentence containing pos, given sentence starts (end is
    None for the last sentence)."""
    i = bisect.bisect_right(bounds, pos) - 1
    start = bounds[max(i, 0)]
    end = bounds[i + 1] if i + 1 < len(bounds) else None
    return start, end


class SpanSet:
    """Non-overlapping (start, end) spans with a fast "is pos inside one?"."""

    def __init__(self, spans=()):
        self.spans = sorted(spans)
        self._starts = [a for a, _ in self.spans]

    def __contains__(self, pos):
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]

    def overlaps(self, start, end):
        i = bisect.bisect_right(self._starts, end) - 1
        while i >= 0:
            a, b = self.spans[i]
            if b <= start:
                # Spans are sorted by start; a long earlier one may still reach.
                if i == 0 or self.spans[i - 1][1] <= start:
                    return False
            elif a < end:
                return True
            i -= 1
            if i >= 0 and self.spans[i][1] <= start and self.spans[i][0] < start - 10_000:
                return False
        return False

    def add(self, start, end):
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self.spans.insert(i, (start, end))
