"""Import a press release as a linked draft: read it, propose, create.

Three steps, each a plain function the admin views (articles/admin_press_release.py)
and the tests call:

* ``press_release_read`` turns a paste or an uploaded .txt, .docx or .html file
  into plain text (HTML, and Word converted to HTML, go through the body
  field's own sanitiser first);
* ``press_release_propose`` runs the analysis (``articles.extraction``) and
  matches what it found against stored institutions, people and positions;
  nothing is written;
* ``press_release_import`` creates what the editor confirmed (a ``DraftPlan``)
  in one transaction: the draft article, its quotes, the new people,
  positions and institutions, and the agreement with its parties.

Matching never merges silently: a stored person with the same name but
positions only at other institutions is offered as an alternative, and a new
record is proposed instead.
"""

import datetime
import html
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from articles import workflow
from articles.extraction import MAX_CHARS, analyse
from articles.extraction.dates import parse_published
from articles.models import Article, ArticleStatus, Quote
from institutions.models import (
    MAX_TERM_YEARS,
    Agreement,
    AgreementArea,
    AgreementKind,
    AgreementParty,
    Institution,
    InstitutionKind,
    Person,
    Position,
    may_confirm,
    proposal_fields,
)
from newsroom import revisions

# An upload larger than this is not a press release (5 MB: a long release with
# its pictures embedded in a .docx stays well under it).
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
READABLE_EXTENSIONS = (".txt", ".docx", ".html", ".htm")


class PressReleaseError(ValueError):
    """Input that cannot be read as a press release; the message says why, for the editor."""


# --------------------------------------------------------------------- reading


def press_release_read(*, text="", upload=None):
    """The press release as plain text, from a pasted text or an uploaded file.

    Raises ``PressReleaseError`` with a message for the editor when there is
    nothing to read or the file is not what its name says.
    """
    if upload is not None:
        text = _upload_text(upload)
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise PressReleaseError(_("Paste the press release or choose a file: there is no text."))
    return text


def _upload_text(upload):
    name = (upload.name or "").lower()
    if not name.endswith(READABLE_EXTENSIONS):
        raise PressReleaseError(
            _("Only .txt, .docx and .html files can be imported, not “%(name)s”.")
            % {"name": upload.name}
        )
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise PressReleaseError(
            _("The file is larger than %(mb)d MB; a press release is much smaller.")
            % {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if name.endswith(".docx"):
        return html_text(_docx_html(data))
    if name.endswith((".html", ".htm")):
        return html_text(_decode(data, upload.name))
    if b"\x00" in data[:4096]:
        raise PressReleaseError(
            _("“%(name)s” is not a text file (it holds binary data).") % {"name": upload.name}
        )
    return _decode(data, upload.name)


def _decode(data, name):
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PressReleaseError(
        _("“%(name)s” is not in a text encoding we can read (UTF-8 or Korean EUC-KR).")
        % {"name": name}
    )


def _docx_html(data):
    """A Word document as HTML, by mammoth (a maintained .docx reader)."""
    import mammoth

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise zipfile.BadZipFile("no word/document.xml")
    except zipfile.BadZipFile:
        raise PressReleaseError(
            _(
                "This file is not a Word document (.docx), whatever its name says. "
                "Save it from Word as .docx, or paste the text."
            )
        ) from None
    try:
        return mammoth.convert_to_html(io.BytesIO(data)).value
    except (KeyError, ValueError, zipfile.BadZipFile) as error:
        raise PressReleaseError(
            _("The Word document could not be read (%(error)s).") % {"error": error}
        ) from None


_BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "tr", "br", "hr"}
)


class _BlockText(HTMLParser):
    """Text of sanitised HTML, one paragraph per block element."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks = [[]]

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.blocks.append([])

    def handle_data(self, data):
        self.blocks[-1].append(data)


def html_text(markup):
    """Plain text of imported HTML: first cleaned by the article body's own
    sanitiser (``newsroom.fields.SanitizedHTMLField``, the editor's allowlist),
    so scripts, styles and event handlers never get further; then one
    paragraph per block."""
    # The editor has no <h1> or <div>; keep their text as paragraphs of its own.
    markup = re.sub(
        r"<(/?)(?:h1|div|section|article|header|footer)\b[^>]*>", r"<\1p>", markup, flags=re.I
    )
    cleaned = Article._meta.get_field("body").sanitize(markup)
    parser = _BlockText()
    parser.feed(cleaned)
    parser.close()
    paragraphs = [" ".join("".join(block).split()) for block in parser.blocks]
    return "\n\n".join(p for p in paragraphs if p)


# --------------------------------------------------------------------- matching


def name_key(value):
    """The comparison form of a name: case, "the", hyphens, dots and quote marks ignored."""
    value = unicodedata.normalize("NFKC", value or "").replace("’", "'").lower().strip()
    value = re.sub(r"^the\s+", "", value)
    value = re.sub(r"[\-‐‑–—.]", " ", value)
    value = re.sub(r"[^\w\s&']", " ", value)
    return " ".join(value.split())


def person_keys(name):
    """A person's name in either order, hyphens ignored: "Choi Jae-young",
    "Jae-young Choi" and "Choi Jaeyoung" share a key."""
    words = [w.replace("-", "") for w in name_key(name.replace("-", "")).split()]
    if not words:
        return set()
    forms = {tuple(words), tuple(words[-1:] + words[:-1]), tuple(words[1:] + words[:1])}
    return {"".join(form) for form in forms}


class InstitutionDirectory:
    """Every stored institution under each form it is known by: name, short
    name, Korean name, aliases and the running-text label ("KAIST GSMSE" is
    the parent's short name and the unit's).

    Read once per analysis (one query): a newsroom keeps hundreds of
    institutions, not millions.
    """

    def __init__(self):
        self.by_key = defaultdict(list)
        for institution in Institution.objects.select_related("parent"):
            for form in self.forms_of(institution):
                key = name_key(form)
                if key and institution not in self.by_key[key]:
                    self.by_key[key].append(institution)

    @staticmethod
    def forms_of(institution):
        forms = [institution.name, institution.short_name, institution.korean_name]
        forms += institution.alias_list
        forms.append(institution.label)
        parent = institution.parent
        if parent is not None:
            for parent_form in (parent.short_name, parent.name):
                if not parent_form:
                    continue
                for own in (institution.short_name, institution.name):
                    if own and not own.startswith(parent_form):
                        forms.append(f"{parent_form} {own}")
        return [f for f in forms if f]

    def find(self, *forms):
        found = []
        for form in forms:
            for institution in self.by_key.get(name_key(form), []):
                if institution not in found:
                    found.append(institution)
        return found


def institution_match(*, directory, name, forms=()):
    """Stored institutions a name found in a text can mean, the likeliest first."""
    return directory.find(name, *forms)


def person_match(*, name, institution=None):
    """(matches, near_duplicates) for a speaker's name.

    A match has the same name (in either order, hyphens ignored, or as its
    Korean name) and, when the institution is known, a position there or no
    positions at all. A near-duplicate has the same name but positions only
    elsewhere: the same name is not enough to merge two people. A surname alone
    matches only someone with a position at the institution.
    """
    if not name or not name.strip():
        return [], []
    keys = person_keys(name)
    words = [w for w in re.split(r"[\s\-]+", name.strip()) if len(w) >= 2]
    if not words:
        return [], []
    condition = Q(korean_name=name.strip())
    for word in words:
        condition |= Q(name__icontains=word)
    candidates = Person.objects.filter(condition).prefetch_related("positions__institution")[:50]
    single = len(name_key(name).split()) == 1
    matches, near = [], []
    for person in candidates:
        same_name = bool(keys & person_keys(person.name)) or (
            person.korean_name and name_key(person.korean_name) == name_key(name)
        )
        held = {position.institution_id for position in person.positions.all()}
        if single and not same_name:
            parts = {w.replace("-", "") for w in name_key(person.name).split()}
            surname = name_key(name).replace(" ", "")
            if institution is not None and institution.pk in held and surname in parts:
                matches.append(person)
            continue
        if not same_name:
            continue
        # Unknown institution, or no positions stored: nothing contradicts the name.
        if institution is None or not held or institution.pk in held:
            matches.append(person)
        else:
            near.append(person)
    return matches, near


def position_match(*, person, institution, title):
    """The stored position of ``person`` at ``institution`` with this title
    (case ignored), else any position there, else None."""
    if person is None or institution is None:
        return None
    positions = list(person.positions.filter(institution=institution).order_by("-started_on"))
    wanted = name_key(title or "")
    for position in positions:
        if name_key(position.title) == wanted:
            return position
    return positions[0] if positions and not wanted else None


# --------------------------------------------------------------------- proposals


@dataclass
class InstitutionProposal:
    key: str  # "i0": how the form and the other proposals refer to it
    name: str  # as the article lists it
    short_name: str = ""
    kind: str = InstitutionKind.OTHER
    matches: list = field(default_factory=list)
    parent_key: str = ""  # "i1" (another proposal) or "e:<pk>" (a stored record)
    parent_name: str = ""
    listed: bool = True  # listed by the analysis (False: a speaker's institution or a parent)
    parent_only: bool = False  # proposed as the parent of a new sub-unit

    @property
    def match(self):
        return self.matches[0] if self.matches else None


@dataclass
class PersonProposal:
    key: str  # "p0"
    name: str
    title: str = ""
    institution_written: str = ""
    institution_key: str = ""  # an InstitutionProposal key
    matches: list = field(default_factory=list)
    near_duplicates: list = field(default_factory=list)
    position: Position | None = None  # the stored position found for the match
    signatory: bool = False
    quoted: bool = False

    @property
    def match(self):
        return self.matches[0] if self.matches else None


@dataclass
class QuoteProposal:
    text: str
    speaker_key: str  # a PersonProposal key, "" when nobody is named
    speaker_written: str | None
    title_written: str | None
    institution_written: str | None
    partial: bool = False

    @property
    def speaker_title(self):
        """What the page prints beside the quote, as the release wrote it."""
        return ", ".join(p for p in (self.title_written, self.institution_written) if p)


@dataclass
class PartyProposal:
    institution_key: str
    signatory_key: str = ""
    signatory_title: str = ""


@dataclass
class AgreementProposal:
    kind_written: str
    kind: str
    title: str
    date_phrase: str | None
    signed_on: datetime.date | None
    parties: list = field(default_factory=list)
    areas: list = field(default_factory=list)
    term_years: int | None = None


@dataclass
class Proposal:
    analysis: object
    published: datetime.date
    headline: str
    standfirst: str
    standfirst_derived: bool  # taken from the first paragraph, not written as one
    paragraphs: list  # ParagraphInfo of the body, captions and boilerplate, in order
    institutions: list
    people: list
    quotes: list
    agreement: AgreementProposal | None
    notes: list = field(default_factory=list)  # what the editor should know

    def institution(self, key):
        return next((i for i in self.institutions if i.key == key), None)

    def person(self, key):
        return next((p for p in self.people if p.key == key), None)


def press_release_propose(*, text, published=None, user=None):
    """Analyse ``text`` and match what it names; returns a ``Proposal``. Writes nothing."""
    published = published or timezone.localdate()
    analysis = analyse(text[:MAX_CHARS], published=published)
    directory = InstitutionDirectory()
    notes = list(analysis.warnings)
    if len(text) > MAX_CHARS:
        notes.append(
            _("Only the first %(count)s characters were analysed.") % {"count": f"{MAX_CHARS:,}"}
        )
    if not re.search(r"[A-Za-z]", text):
        notes.append(
            _(
                "The text has no English to analyse (it may be in Korean only): the body is "
                "proposed as it is, with nothing matched."
            )
        )
    institutions = _institution_proposals(analysis, directory)
    people = _people_proposals(analysis, institutions)
    quotes = []
    for quote in analysis.quotes:
        person = _person_for(people, quote.speaker)
        if person is not None:
            person.quoted = True
        quotes.append(
            QuoteProposal(
                text=quote.text,
                speaker_key=person.key if person else "",
                speaker_written=quote.speaker,
                title_written=quote.title,
                institution_written=quote.institution,
                partial=quote.partial,
            )
        )
        if person is None:
            notes.append(
                _("No speaker was found for the quote “%(quote)s…”; choose one or leave it out.")
                % {"quote": quote.text[:60]}
            )
    agreement = _agreement_proposal(analysis, institutions, people)
    headline = analysis.headline or _headline_from(analysis, institutions)
    standfirst, derived = analysis.standfirst or "", False
    if not standfirst and analysis.body:
        standfirst, derived = _first_sentence(analysis.body[0])[:600], True
    paragraphs = [
        p for p in analysis.paragraphs if p.kind in ("body", "subheading", "caption", "boilerplate")
    ]
    if user is not None:
        notes.extend(_permission_notes(user, institutions, people, agreement))
    return Proposal(
        analysis=analysis,
        published=published,
        headline=headline[:200],
        standfirst=standfirst,
        standfirst_derived=derived,
        paragraphs=paragraphs,
        institutions=institutions,
        people=people,
        quotes=quotes,
        agreement=agreement,
        notes=notes,
    )


_KIND_BY_HEAD = (
    (r"\bgraduate school\b", InstitutionKind.GRADUATE_SCHOOL),
    (r"\b(?:college|school|faculty)\b", InstitutionKind.COLLEGE),
    (
        r"\b(?:hospital|medical cent(?:er|re)|clinic|infirmary|health system)\b",
        InstitutionKind.HOSPITAL,
    ),
    (
        r"\b(?:institute|institut|laborator(?:y|ies)|research cent(?:er|re)|centre|center)\b",
        InstitutionKind.RESEARCH_INSTITUTE,
    ),
    (r"\buniversit(?:y|ies)\b|\bkaist\b|\bpolytechnic\b", InstitutionKind.UNIVERSITY),
    (
        r"\b(?:ministry|agency|administration|consulate|embassy|department of|government|"
        r"council|commission|authority)\b",
        InstitutionKind.GOVERNMENT,
    ),
    (
        r"\b(?:inc|ltd|co|corp|corporation|company|llc|plc|gmbh|therapeutics|pharma\w*|"
        r"biotech|bank|holdings|chemical|electronics|labs)\b",
        InstitutionKind.COMPANY,
    ),
)


def institution_kind_guess(name):
    low = name.lower()
    for pattern, kind in _KIND_BY_HEAD:
        if re.search(pattern, low):
            return kind
    return InstitutionKind.OTHER


def _institution_proposals(analysis, directory):
    proposals = []
    for n, name in enumerate(analysis.institutions):
        short = analysis.acronyms.get(name, "")
        written = [form for form, target in analysis.aliases.items() if target == name]
        proposals.append(
            InstitutionProposal(
                key=f"i{n}",
                name=name,
                short_name=short if len(short) <= 40 else "",
                kind=institution_kind_guess(name),
                matches=institution_match(directory=directory, name=name, forms=[short, *written]),
            )
        )
    # A speaker's institution as written that the list does not hold ("School of
    # Medicine"): proposed too, ticked only when it matches a stored record.
    for quote in analysis.quotes:
        written = quote.institution
        if not written or analysis.institution_of(written):
            continue
        if any(name_key(p.name) == name_key(written) for p in proposals):
            continue
        proposals.append(
            InstitutionProposal(
                key=f"i{len(proposals)}",
                name=written,
                kind=institution_kind_guess(written),
                matches=institution_match(directory=directory, name=written),
                listed=False,
            )
        )
    for proposal in list(proposals):
        if proposal.match is not None:
            continue
        proposal.parent_key, proposal.parent_name = _parent_of(
            proposal, proposals, directory, analysis
        )
        leading = _leading_parent(proposal.name)
        if not proposal.parent_key and leading:
            # "KAIST Graduate School of ...": the parent is named but neither
            # stored nor listed on its own; it is proposed as new too.
            parent = InstitutionProposal(
                key=f"i{len(proposals)}",
                name=leading,
                short_name=leading if leading.isupper() and len(leading) <= 40 else "",
                kind=institution_kind_guess(leading)
                if institution_kind_guess(leading) != InstitutionKind.OTHER
                else InstitutionKind.UNIVERSITY,
                listed=False,
                parent_only=True,
            )
            proposals.append(parent)
            proposal.parent_key, proposal.parent_name = parent.key, parent.name
    return proposals


_UNIT_HEADS = r"(?:Graduate\s+School|School|College|Faculty|Institute|Hospital|Department|Cent(?:er|re)|Division)"


def _leading_parent(name):
    """ "KAIST" in "KAIST Graduate School of Medical Science and Engineering": an
    acronym or a name with its own head noun, then a unit's head noun."""
    match = re.match(rf"^(?P<parent>.+?)\s+{_UNIT_HEADS}\b", name)
    if not match:
        return None
    parent = match.group("parent")
    if re.fullmatch(r"[A-Z][A-Z&\-]{1,10}", parent) or re.search(
        r"\b(?:University|Institute of Technology|Hospital)$", parent
    ):
        return parent
    return None


def _parent_of(proposal, proposals, directory, analysis):
    """The larger institution a new sub-unit belongs to: a leading name ("KAIST
    Graduate School of ..."), an "of/at X" ending, or "... at X" / "X's ..."
    in the text."""
    words = proposal.name.split()
    heads = _UNIT_HEADS
    candidates = []
    for k in range(len(words) - 1, 0, -1):
        rest = " ".join(words[k:])
        if re.match(heads, rest):
            candidates.append(" ".join(words[:k]))
    match = re.search(rf"^{heads}\b.*?\s(?:of|at)\s+(?:the\s+)?(?P<parent>[A-Z].+)$", proposal.name)
    if match:
        candidates.append(match.group("parent"))
    text = analysis_text(analysis)
    for form in filter(None, [re.escape(proposal.name), re.escape(proposal.short_name or "")]):
        found = re.search(
            rf"{form}(?:\s*\([^)]{{1,15}}\))?\s+(?:at|of)\s+(?:the\s+)?(?P<parent>[A-Z][\w’'.\- ]{{1,80}}?)(?=[,.;()]|\s+(?:signed|and|has|have|is|in|on|to|will)\b)",
            text,
        )
        if found:
            candidates.append(found.group("parent"))
        found = re.search(rf"(?P<parent>\b[A-Z][\w.\-]{{1,40}})[’']s\s+{form}\b", text)
        if found:
            candidates.append(found.group("parent"))
    for candidate in candidates:
        listed = analysis.institution_of(candidate) or candidate
        for other in proposals:
            if other is not proposal and (
                name_key(other.name) == name_key(listed)
                or name_key(other.short_name) == name_key(candidate)
            ):
                if other.match is not None:
                    return f"e:{other.match.pk}", other.match.name
                return other.key, other.name
        stored = directory.find(candidate)
        if stored:
            return f"e:{stored[0].pk}", stored[0].name
    return "", ""


def analysis_text(analysis):
    return "\n\n".join(p.text for p in analysis.paragraphs)


def _person_for(people, name):
    if not name:
        return None
    keys = person_keys(name)
    return next((p for p in people if keys & person_keys(p.name)), None)


def _institution_key(proposals, analysis, written):
    if not written:
        return ""
    listed = analysis.institution_of(written) or written
    for proposal in proposals:
        if name_key(proposal.name) == name_key(listed):
            return proposal.key
    return ""


def _people_proposals(analysis, institutions):
    people = []
    details = []
    for quote in analysis.quotes:
        if quote.speaker:
            details.append((quote.speaker, quote.title, quote.institution, False))
    if analysis.agreement is not None:
        for detail in analysis.agreement.signatory_details:
            details.append((detail["name"], detail["title"], detail["institution"], True))
    for name, title, written, signatory in details:
        existing = _person_for(people, name)
        if existing is not None:
            existing.signatory = existing.signatory or signatory
            if not existing.title and title:
                existing.title = title
            if not existing.institution_written and written:
                existing.institution_written = written
                existing.institution_key = _institution_key(institutions, analysis, written)
            continue
        people.append(
            PersonProposal(
                key=f"p{len(people)}",
                name=name,
                title=title or "",
                institution_written=written or "",
                institution_key=_institution_key(institutions, analysis, written),
                signatory=signatory,
            )
        )
    by_key = {i.key: i for i in institutions}
    for person in people:
        institution = by_key.get(person.institution_key)
        stored = institution.match if institution else None
        if institution is not None and stored is None:
            # A new institution: every stored namesake is somewhere else.
            matches, near = person_match(name=person.name, institution=None)
            near = [p for p in matches + near if p.positions.exists()]
            matches = [p for p in matches if not p.positions.exists()]
        else:
            matches, near = person_match(name=person.name, institution=stored)
        person.matches, person.near_duplicates = matches, near
        person.position = position_match(
            person=person.match, institution=stored, title=person.title
        )
    return people


def _agreement_proposal(analysis, institutions, people):
    found = analysis.agreement
    if found is None:
        return None
    parties = []
    for name in found.parties:
        key = _institution_key(institutions, analysis, name)
        if not key:
            continue
        party = PartyProposal(institution_key=key)
        for detail in found.signatory_details:
            if detail["party"] == name:
                person = _person_for(people, detail["name"])
                if person is not None:
                    party.signatory_key = person.key
                    party.signatory_title = ", ".join(
                        p for p in (detail["title"], detail["institution"]) if p
                    )
                break
        parties.append(party)
    signed_on = None
    if found.date and re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.date):
        signed_on = datetime.date.fromisoformat(found.date)
    kind = agreement_kind_guess(found.kind)
    names = [(institutions_by_key(institutions)[p.institution_key]).name for p in parties]
    title = found.kind[:1].upper() + found.kind[1:]
    if names:
        title = f"{title} between {_join(names)}"
    return AgreementProposal(
        kind_written=found.kind,
        kind=kind,
        title=title[:250],
        date_phrase=found.date_phrase,
        signed_on=signed_on,
        parties=parties,
        areas=list(found.areas),
        term_years=found.term_years
        if found.term_years and found.term_years <= MAX_TERM_YEARS
        else None,
    )


def institutions_by_key(institutions):
    return {i.key: i for i in institutions}


def agreement_kind_guess(kind):
    low = (kind or "").lower()
    if re.search(r"memorand\w* of understanding|\bmou", low):
        return AgreementKind.MOU
    if re.search(r"memorand\w* of agreement|\bmoa", low):
        return AgreementKind.MOA
    if "exchange" in low:
        return AgreementKind.EXCHANGE
    if re.search(r"research|collaborat", low):
        return AgreementKind.RESEARCH
    return AgreementKind.OTHER


def _join(names):
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _first_sentence(paragraph):
    match = re.match(r"(.+?[.!?])(?:\s+[A-Z“\"]|$)", paragraph)
    return match.group(1) if match else paragraph


def _headline_from(analysis, institutions):
    """A headline when the text has none: "A and B sign MOU" for an agreement,
    else the first sentence, cut at a word."""
    agreement = analysis.agreement
    if agreement is not None and len(agreement.parties) >= 2:
        shorts = []
        for name in agreement.parties:
            proposal = next((i for i in institutions if i.name == name), None)
            shorts.append(
                proposal.match.label
                if proposal and proposal.match
                else _short_label(analysis, name)
            )
        kind = (
            "MOU" if agreement_kind_guess(agreement.kind) == AgreementKind.MOU else agreement.kind
        )
        return f"{_join(shorts)} sign {kind}"
    if analysis.body:
        sentence = _first_sentence(analysis.body[0])
        if len(sentence) <= 120:
            return sentence.rstrip(".")
        return sentence[:117].rsplit(" ", 1)[0] + "…"
    return ""


def _short_label(analysis, name):
    """ "KAIST GSMSE" for "KAIST Graduate School of ... (GSMSE)": the leading acronym
    and the defined one, when the text gives both."""
    acronym = analysis.acronyms.get(name)
    if not acronym:
        return name
    first = name.split()[0]
    if first.isupper() and len(first) >= 2 and first != acronym:
        return f"{first} {acronym}"
    return name


def _permission_notes(user, institutions, people, agreement):
    notes = []
    if not user.has_perm("institutions.add_institution") and any(
        i.match is None and i.listed for i in institutions
    ):
        notes.append(
            _(
                "You may not add institutions: new ones will not be created and stay unlinked; "
                "choose a stored one or ask an editor."
            )
        )
    if not user.has_perm("institutions.add_person") and any(p.match is None for p in people):
        notes.append(
            _(
                "You may not add people: quotes by someone not yet stored are left out unless you "
                "choose a stored person; ask an editor to add them."
            )
        )
    if agreement is not None and not user.has_perm("institutions.add_agreement"):
        notes.append(_("You may not add agreements: the agreement will not be created."))
    return notes


# --------------------------------------------------------------------- creating


@dataclass
class InstitutionPlan:
    key: str
    existing: Institution | None
    name: str
    short_name: str = ""
    kind: str = InstitutionKind.OTHER
    parent: str = ""  # another plan's key, or "e:<pk>"
    link: bool = True  # linked to the article (a parent proposed for a unit is not)


@dataclass
class PersonPlan:
    key: str
    existing: Person | None
    name: str
    title: str = ""
    institution: str = ""  # an InstitutionPlan key
    position: str = "auto"  # "auto" (found or new), "none", or "e:<position pk>"


@dataclass
class QuotePlan:
    text: str
    person: str  # a PersonPlan key
    title_override: str = ""  # empty: the story prints the speaker's position


@dataclass
class PartyPlan:
    institution: str  # an InstitutionPlan key
    signatory: str = ""  # a PersonPlan key
    title_override: str = ""  # empty: the signatory's position on the signing date prints


@dataclass
class AgreementPlan:
    title: str
    kind: str
    signed_on: datetime.date
    parties: list
    term_years: int | None = None
    areas: list = field(default_factory=list)
    summary: str = ""


@dataclass
class DraftPlan:
    headline: str
    section: object
    standfirst: str = ""
    paragraphs: list = field(default_factory=list)  # (kind, text)
    institutions: list = field(default_factory=list)
    people: list = field(default_factory=list)
    quotes: list = field(default_factory=list)
    agreement: AgreementPlan | None = None


def press_release_import(*, plan, user):
    """Create the draft and everything it links, all or nothing; returns the article.

    New institutions, people, positions and agreements need the matching add
    permission; without it ``PermissionDenied`` is raised before anything is
    written (the review page says so first).
    """
    _check_permissions(plan, user)
    with (
        transaction.atomic(),
        revisions.recorded(user=user, comment=_("Imported from a press release.")),
    ):
        institutions = _institutions_create(plan.institutions, user=user)
        people = {p.key: (p.existing or _person_create(p, user=user)) for p in plan.people}
        # Titles a writer may not record on someone else's record: the quote
        # prints them as typed instead, and the directory stays as it was.
        typed_titles = {}
        for p in plan.people:
            if _may_add_position(user, people[p.key]):
                _position_ensure(p, people[p.key], institutions)
            elif (
                p.title
                and p.institution in institutions
                and p.position not in ("none", "held")
                and not p.position.startswith("e:")
                and not position_match(
                    person=people[p.key], institution=institutions[p.institution], title=p.title
                )
            ):
                typed_titles[p.key] = f"{p.title}, {institutions[p.institution].name}"
        article = Article(
            headline=plan.headline,
            slug=_unique_slug(Article, plan.headline),
            standfirst=plan.standfirst,
            body=body_html(plan.paragraphs),
            section=plan.section,
            status=ArticleStatus.DRAFT,
            created_by=user,
            updated_by=user,
        )
        article.save()
        workflow.status_change_record(article=article, from_status=None, user=user)
        for order, quote in enumerate(plan.quotes):
            Quote.objects.create(
                article=article,
                person=people[quote.person],
                text=quote.text,
                title_override=(quote.title_override or typed_titles.get(quote.person, ""))[:250],
                order=order,
            )
        linked = {plan.key for plan in plan.institutions if plan.link}
        article.institutions.set(i for key, i in institutions.items() if key in linked)
        article.people.set({person.pk: person for person in people.values()}.values())
        if plan.agreement is not None:
            agreement = _agreement_create(plan.agreement, institutions, people)
            article.agreements.add(agreement)
    return article


def _check_permissions(plan, user):
    needed = []
    if not user.has_perm("articles.add_article"):
        needed.append("articles.add_article")
    if any(i.existing is None for i in plan.institutions) and not user.has_perm(
        "institutions.add_institution"
    ):
        needed.append("institutions.add_institution")
    if any(p.existing is None for p in plan.people) and not user.has_perm(
        "institutions.add_person"
    ):
        needed.append("institutions.add_person")
    if any(p.position == "auto" and p.institution and p.title for p in plan.people) and not (
        user.has_perm("institutions.add_position")
    ):
        needed.append("institutions.add_position")
    if plan.quotes and not user.has_perm("articles.add_quote"):
        needed.append("articles.add_quote")
    if plan.agreement is not None and not user.has_perm("institutions.add_agreement"):
        needed.append("institutions.add_agreement")
    if needed:
        raise PermissionDenied(", ".join(needed))


def _institutions_create(plans, *, user):
    created = {}
    for plan in plans:
        if plan.existing is not None:
            created[plan.key] = plan.existing
            continue
        created[plan.key] = Institution.objects.create(
            name=plan.name[:200],
            short_name=plan.short_name[:40],
            kind=plan.kind,
            slug=_unique_slug(Institution, plan.short_name or plan.name),
            **proposal_fields(user, Institution),
        )
    for plan in plans:
        if plan.existing is not None or not plan.parent:
            continue
        if plan.parent.startswith("e:"):
            parent = Institution.objects.get(pk=int(plan.parent[2:]))
        else:
            parent = created.get(plan.parent)
        if parent is not None and parent.pk != created[plan.key].pk:
            institution = created[plan.key]
            institution.parent = parent
            institution.save(update_fields=["parent"])
    return created


def _person_create(plan, *, user):
    return Person.objects.create(
        name=plan.name[:200],
        slug=_unique_slug(Person, plan.name),
        **proposal_fields(user, Person),
    )


def _may_add_position(user, person):
    """Editors record titles on anyone; writers only on the people they proposed.

    The position admin's rule: a new title on a confirmed record prints at
    once on the person's page and every story quoting them.
    """
    return may_confirm(user, Person) or (not person.confirmed and person.proposed_by_id == user.pk)


def _position_ensure(plan, person, institutions):
    if plan.position == "none" or not plan.institution or plan.institution not in institutions:
        return None
    if plan.position.startswith("e:"):
        return person.positions.get(pk=int(plan.position[2:]))
    institution = institutions[plan.institution]
    found = position_match(person=person, institution=institution, title=plan.title)
    if found is not None or not plan.title or plan.position == "held":
        return found  # "held": link a position already stored, create none
    return Position.objects.create(person=person, institution=institution, title=plan.title[:200])


def _agreement_create(plan, institutions, people):
    agreement = Agreement(
        title=plan.title[:250],
        kind=plan.kind,
        slug=_unique_slug(Agreement, plan.title),
        signed_on=plan.signed_on,
        term_years=plan.term_years,
        summary=plan.summary,
    )
    agreement.full_clean(exclude=["slug", "parties"])
    agreement.save()
    seen = set()
    for order, party in enumerate(plan.parties):
        institution = institutions.get(party.institution)
        if institution is None or institution.pk in seen:
            continue
        seen.add(institution.pk)
        AgreementParty.objects.create(
            agreement=agreement,
            institution=institution,
            signatory=people.get(party.signatory),
            title_override=party.title_override[:200],
            order=order,
        )
    for order, area in enumerate(plan.areas):
        AgreementArea.objects.create(agreement=agreement, description=area[:300], order=order)
    return agreement


def body_html(paragraphs):
    """The body as the editor stores it: one <p> per paragraph, <h2> for sub-headings."""
    parts = []
    for kind, text in paragraphs:
        text = " ".join(text.split())
        if not text:
            continue
        tag = "h2" if kind == "subheading" else "p"
        parts.append(f"<{tag}>{html.escape(text, quote=False)}</{tag}>")
    return "\n".join(parts)


def _unique_slug(model, value):
    base = slugify(value, allow_unicode=False)[:180].strip("-") or model._meta.model_name
    slug, n = base, 2
    while model._default_manager.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def published_date(value):
    """A release date typed as YYYY-MM-DD, or None."""
    parsed = parse_published(value) if isinstance(value, str) else value
    return parsed if isinstance(parsed, datetime.date) else None
