"""Read a pasted press release or news story and find what it says, as data.

    >>> result = analyse(text, title="...", published="2024-06-05")
    >>> result.quotes[0].speaker, result.agreement.parties
    >>> result.to_dict()  # JSON-ready

Pure text analysis over the standard library: no Django model is imported here,
and nothing is looked up in the database. Matching the names found against
stored people and institutions happens elsewhere. See docs/extraction.md.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from .agreements import Agreement, find_agreements
from .institutions import find_institutions
from .names import People, find_person_mentions
from .quotes import Quote, extract_quotes, find_spans
from .text import about_blocks, classify_paragraphs, clean_input, split_paragraphs

__all__ = ["Agreement", "Analysis", "ParagraphInfo", "Quote", "analyse"]

# Press releases are a few thousand characters; anything past this is analysed
# only in part, so that a pasted book cannot hold a request for long.
MAX_CHARS = 100_000


@dataclass
class ParagraphInfo:
    kind: str  # headline, standfirst, body, subheading, caption, boilerplate
    text: str
    start: int
    end: int

    def to_dict(self):
        return {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end}


@dataclass
class Analysis:
    title: str | None
    published: str | None
    headline: str | None
    standfirst: str | None
    paragraphs: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    institutions: list = field(default_factory=list)
    agreement: Agreement | None = None
    other_agreements: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    # Every form an institution is written in (lowercased) -> its listed name.
    aliases: dict = field(default_factory=dict, repr=False)
    # Acronyms the text defines for listed names: "(GSMSE)".
    acronyms: dict = field(default_factory=dict, repr=False)

    def institution_of(self, written):
        """The listed name a form as written stands for ("KAIST GSMSE", "the
        university"), or None: the whole form first, then its last words."""
        if not written:
            return None
        words = re.sub(r"^(?:the)\s+", "", written.strip(), flags=re.I).split()
        for k in range(len(words)):
            key = " ".join(words[k:]).replace("’", "'").lower()
            if key in self.aliases:
                return self.aliases[key]
        return None

    @property
    def body(self):
        return [p.text for p in self.paragraphs if p.kind in ("body", "subheading")]

    @property
    def boilerplate(self):
        return [p.text for p in self.paragraphs if p.kind == "boilerplate"]

    @property
    def captions(self):
        return [p.text for p in self.paragraphs if p.kind == "caption"]

    def to_dict(self):
        return {
            "title": self.title,
            "published": self.published,
            "headline": self.headline,
            "standfirst": self.standfirst,
            "body": self.body,
            "captions": self.captions,
            "boilerplate": self.boilerplate,
            "paragraphs": [p.to_dict() for p in self.paragraphs],
            "quotes": [
                {
                    "text": q.text,
                    "speaker": q.speaker,
                    "title": q.title,
                    "institution": q.institution,
                    "attribution": q.attribution,
                    "partial": q.partial,
                    "start": q.start,
                    "end": q.end,
                }
                for q in self.quotes
            ],
            "institutions": list(self.institutions),
            "agreement": self.agreement.to_dict() if self.agreement else None,
            "other_agreements": [a.to_dict() for a in self.other_agreements],
            "warnings": list(self.warnings),
        }


def analyse(text, *, title=None, published=None):
    """Analyse one article. ``published`` is a date or "YYYY-MM-DD" ("YYYY-MM", "YYYY")."""
    if isinstance(published, dt.date):
        published = published.isoformat()
    warnings = []
    text = clean_input(text or "")
    if len(text) > MAX_CHARS:
        warnings.append(f"Only the first {MAX_CHARS:,} characters were analysed.")
        text = text[:MAX_CHARS]
    paragraphs = classify_paragraphs(split_paragraphs(text), title=title)
    headline = next((p.text for p in paragraphs if p.kind == "headline"), None)
    standfirst = "\n".join(p.text for p in paragraphs if p.kind == "standfirst") or None
    result = Analysis(
        title=title,
        published=published,
        headline=headline,
        standfirst=standfirst,
        paragraphs=[ParagraphInfo(p.kind, p.text, p.start, p.end) for p in paragraphs],
        warnings=warnings,
    )
    if not text.strip():
        return result
    content = [p for p in paragraphs if p.kind != "boilerplate"]
    spans = find_spans(text, content)
    quote_spans = [(s.open, (s.close if s.close is not None else s.end) + 1) for s in spans]
    # Institutions are read in the body and in "About X" blurbs, not in media
    # contacts and other page furniture.
    about = about_blocks(paragraphs)
    end = max([_content_end(paragraphs, text), *(p.end for p in about)])
    furniture = [
        (p.start, p.end)
        for p in paragraphs
        if p.kind == "boilerplate" and p.start < end and p not in about
    ]
    index = find_institutions(text[:end], skip_spans=furniture)
    people = People(find_person_mentions(text, index=index, skip_spans=quote_spans))
    quotes = extract_quotes(text, content, people=people, index=index)
    found = find_agreements(
        text, paragraphs, index=index, people=people, quote_spans=quote_spans, published=published
    )
    result.quotes = quotes
    result.institutions = list(index.names)
    result.aliases = dict(index.aliases)
    result.acronyms = {m.canonical: m.defines for m in index.mentions if m.defines and m.canonical}
    if found:
        result.agreement = found[0]
        result.other_agreements = found[1:]
    return result


def _content_end(paragraphs, text):
    """Where the boilerplate (media contacts, "About" blurbs) begins."""
    for p in paragraphs:
        if p.kind == "boilerplate":
            return p.start
    return len(text)
