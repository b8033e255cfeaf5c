"""The agreement an article reports: kind, parties, signatories and signing date.

An agreement is reported when a sentence names one with a word that always
means a concluded agreement (memorandum of understanding, MOU, agreement,
contract, deal, pact, accord, tie-up, letter of intent), or with a weaker word
(partnership, affiliation, collaboration, alliance) together with a verb that
concludes it (sign, ink, seal, formalise, enter into, agree). Plans ("in
collaboration with") are not agreements.
"""

import re
from dataclasses import dataclass, field

from . import dates
from .names import parse_speaker, split_pieces, strip_positions
from .text import SpanSet, sentence_bounds

_STRONG = (
    r"memorand(?:um|a)\s+of\s+(?:understanding|agreement|cooperation)|MOU|MoU|MOUs|MoUs|MOA|MoA|"
    r"letters?\s+of\s+intent|(?:[a-z\-]+\s+)?agreements?|contracts?|deals?|pacts?|accords?|tie-?ups?"
)
_WEAK = r"(?:formali[sz]ed\s+|formal\s+|strategic\s+)?(?:partnerships?|affiliations?|collaborations?|alliances?)"
_NOUN_RE = re.compile(rf"\b(?:(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))\b")
_SIGN_RE = re.compile(
    r"\b(?:sign|signs|signed|signing|ink|inks|inked|inking|conclude[sd]?|concluding|seal(?:s|ed)?|"
    r"reach(?:es|ed)?|enter(?:s|ed)?\s+into|forge[sd]?|formali[sz]e[sd]?|renew(?:s|ed)?|struck|"
    r"agree[sd]?|establish(?:es|ed)?|launch(?:es|ed)?|announce[sd]?)\b",
    re.IGNORECASE,
)
_SIGNED_VERB_RE = re.compile(r"\b(?:signed|signs|sign|inked|inks)\b(?!\s+(?:up|in|on|off)\b)")
_NOT_AGREEMENT = re.compile(
    r"\b(?:in\s+agreement|great\s+deal|good\s+deal|deal\s+with|dealt|dealing|contract(?:ed|ing)?\s+(?:a|the)\s+(?:virus|disease|infection)|"
    r"(?:research|service)\s+contracts?\s+organi[sz]ation)\b",
    re.IGNORECASE,
)
_KIND_MODIFIERS = frozenset(
    {
        "affiliation",
        "collaboration",
        "collaborative",
        "cooperation",
        "cooperative",
        "partnership",
        "business",
        "research",
        "exchange",
        "license",
        "licensing",
        "framework",
        "strategic",
        "academic",
        "sister",
        "supply",
        "service",
        "consortium",
        "memorandum",
        "trilateral",
        "bilateral",
        "tripartite",
        "comprehensive",
        "exclusive",
        "joint",
        "clinical",
        "training",
        "development",
        "purchase",
    }
)
_COLLECTIVE_RE = re.compile(
    r"\b(?:both|the\s+two|all\s+three|the\s+three)\s+(?:institutions|universities|hospitals|"
    r"organi[sz]ations|parties|sides|partners|schools|centers|centres|companies|institutes)\b|"
    r"\bthe\s+(?:partners|parties)\b",
    re.IGNORECASE,
)
_INDEFINITE_RE = re.compile(
    r"\b(?:a|an|another|two|three|four|five|second|third|new|separate|additional|its\s+own)\s+(?:[\w\-]+\s+){0,3}$",
    re.IGNORECASE,
)
_COUNT_RE = re.compile(
    r"\b(?:two|three|four|five|2|3|4|5)\s+(?:separate\s+|new\s+)?(?:memorand|MOU|MoU|agreement|contract|deal)",
    re.IGNORECASE,
)


@dataclass
class Agreement:
    kind: str
    parties: list = field(default_factory=list)
    date_phrase: str | None = None
    date: str | None = None
    signatories: list = field(default_factory=list)
    sentence: tuple | None = None  # (start, end) of the sentence that reports it

    def to_dict(self):
        return {
            "kind": self.kind,
            "parties": list(self.parties),
            "date_phrase": self.date_phrase,
            "date": self.date,
            "signatories": list(self.signatories),
        }


def _sentences(text, paragraphs, quote_spans):
    out = []
    for p in paragraphs:
        if p.kind == "boilerplate":
            continue
        skip = [(a, b) for a, b in quote_spans if p.start <= a < p.end]
        bounds = sentence_bounds(text, p.start, p.end, skip=skip)
        for i, b in enumerate(bounds):
            e = bounds[i + 1] if i + 1 < len(bounds) else p.end
            out.append((b, e, p))
    return out


def _in_quote(pos, quote_spans):
    if not isinstance(quote_spans, SpanSet):
        quote_spans = SpanSet(quote_spans)
    return pos in quote_spans


def find_agreements(text, paragraphs, *, index, people, quote_spans=(), published=None):
    sentences = _sentences(text, paragraphs, quote_spans)
    quote_spans = SpanSet(quote_spans)
    hits = []  # (sentence index, kind text, strong?)
    for si, (s, e, _p) in enumerate(sentences):
        sentence = text[s:e]
        if _in_quote(s, quote_spans) and _in_quote(e - 1, quote_spans):
            continue
        for match in _NOUN_RE.finditer(sentence):
            if _in_quote(s + match.start(), quote_spans):
                continue
            if _NOT_AGREEMENT.search(sentence[max(0, match.start() - 15) : match.end() + 25]):
                continue
            word = match.group()
            if match.group("strong"):
                first = word.split()[0].lower()
                determiner = first in (
                    "a",
                    "an",
                    "another",
                    "two",
                    "three",
                    "new",
                    "separate",
                    "second",
                )
                if (
                    word.lower().endswith(("agreement", "agreements"))
                    and " " in word
                    and first not in _KIND_MODIFIERS
                ):
                    word = word.split()[-1]
                if word.lower() in ("deal", "deals", "contract", "contracts") and not re.search(
                    r"\b(?:a|an|the|this|its|their|new)\s+(?:[\w\-]+\s+){0,2}$",
                    sentence[: match.start()],
                ):
                    continue
                indefinite = determiner or bool(_INDEFINITE_RE.search(sentence[: match.start()]))
                hits.append((si, word, indefinite, s + match.start()))
            elif _SIGN_RE.search(sentence) and not re.search(
                r"\bin\s+(?:close\s+)?(?:collaboration|partnership)\s+with\b", sentence, re.I
            ):
                hits.append((si, word, None, s + match.start()))
    if not hits:
        return []
    kind = _best_kind([h[1] for h in hits])
    # Candidate agreement sentences, in order, each with its parties.
    candidates = []
    seen_sentences = {}
    for si, _word, strong, _pos in hits:
        if si in seen_sentences:
            if strong:
                for c in candidates:
                    if c[0] == si:
                        candidates[candidates.index(c)] = (c[0], c[1], c[2], True)
            continue
        seen_sentences[si] = True
        s, e, p = sentences[si]
        parties, groups = _parties_in(text, s, e, index)
        if len(parties) < 2 and (not parties or _COLLECTIVE_RE.search(text[s:e])):
            # "The agreement builds on ... both institutions": the parties are in the
            # sentence before.
            for back in (si - 1, si - 2):
                if (back >= 0 and sentences[back][2] is p) or (
                    back >= 0 and sentences[back][2].index == p.index - 1
                ):
                    more, _ = _parties_in(text, sentences[back][0], sentences[back][1], index)
                    for m in more:
                        if m not in parties:
                            parties.append(m)
                    if len(parties) >= 2:
                        break
        candidates.append((si, parties, groups, strong))
    agreements = []
    # Sentences in the body first, then captions and headings; each needs two
    # parties, unless no sentence has two.
    order = sorted(candidates, key=lambda c: (sentences[c[0]][2].kind != "body", c[0]))
    order = [c for c in order if len(c[1]) >= 2] or [c for c in order if c[1]][:1]
    order.sort(key=lambda c: c[0])
    for si, parties, groups, strong in order:
        s, e, p = sentences[si]
        sentence = text[s:e]
        if groups and _COUNT_RE.search(sentence):
            # "X inked two MoUs with A and B": one agreement per counterpart.
            subject, objects = groups
            for obj in objects:
                _add(agreements, [*subject, obj], kind, new_ok=True, sentence=(s, e))
            continue
        _add(
            agreements,
            parties,
            kind,
            new_ok=bool(strong) and bool(_SIGN_RE.search(sentence)),
            sentence=(s, e),
        )
    if not agreements:
        # An agreement word but no institution we could name as a party.
        agreements.append(Agreement(kind))
    # Date and signatories from the sentences that report the signing.
    sign_sentences = [sentences[si] for si, *_ in candidates]
    chosen = {si for si, *_ in candidates}
    for si, (s, e, p) in enumerate(sentences):
        if (
            si not in chosen
            and re.search(r"\bsign(?:ing|ed)\b|\binked\b", text[s:e], re.I)
            and not _in_quote(s, quote_spans)
        ):
            sign_sentences.append((s, e, p))
    sign_sentences.sort(key=lambda x: x[0])
    phrase = _date_phrase(text, sign_sentences, quote_spans)
    published_date = dates.parse_published(published)
    signatories = _signatories(text, sign_sentences, index=index, people=people)
    for i, a in enumerate(agreements):
        own = None
        if a.sentence is not None:
            own = _date_phrase(text, [(a.sentence[0], a.sentence[1], None)], quote_spans)
        a.date_phrase = own or (phrase if i == 0 else None)
        a.date = dates.resolve(a.date_phrase, published_date) if a.date_phrase else None
        if i > 0 and a.sentence is not None:
            words = [
                m.group()
                for m in _NOUN_RE.finditer(text[a.sentence[0] : a.sentence[1]])
                if m.group("strong")
            ]
            if words:
                a.kind = _best_kind(words)
        # Signatories are read from every signing sentence; they go with the
        # first agreement the article describes.
        a.signatories = list(signatories) if i == 0 else []
    return agreements


def _add(agreements, parties, kind, *, new_ok, sentence=None):
    parties = list(dict.fromkeys(parties))
    for a in agreements:
        shared = set(a.parties) & set(parties)
        if (
            set(parties) <= set(a.parties)
            or len(shared) >= 2
            or not new_ok
            or _similar(a.parties, parties)
        ):
            for party in parties:
                if party not in a.parties and not new_ok and len(a.parties) < 2:
                    a.parties.append(party)
            return
    if len(parties) >= 2 or not agreements:
        agreements.append(Agreement(kind, parties=parties, sentence=sentence))


def _similar(existing, parties):
    """A party written another way ("Consulate General of X" / "Consulate of X")."""
    new = [p for p in parties if p not in existing]
    old = [p for p in existing if p not in parties]
    for a in new:
        for b in old:
            wa = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", a)}
            wb = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", b)}
            proper = (wa & wb) - {
                "university",
                "hospital",
                "school",
                "college",
                "institute",
                "center",
                "centre",
                "medical",
                "national",
                "general",
                "consulate",
                "embassy",
                "health",
                "science",
                "research",
                "korea",
                "korean",
            }
            if proper:
                return True
    return not new


def _best_kind(words):
    def rank(word):
        low = word.lower()
        if low.startswith("memorand"):
            return 0
        if low.rstrip("s") in ("mou", "moa"):
            return 1
        if "agreement" in low and " " in low:
            return 2
        if "agreement" in low:
            return 3
        if re.match(r"(?:contract|deal|pact|accord|letter|tie)", low):
            return 4
        return 5

    best = min(words, key=rank)
    if re.fullmatch(r"MOUs|MoUs|agreements|contracts|deals", best):
        best = best[:-1]
    return best


def _parties_in(text, s, e, index):
    """Institutions in a sentence that can be parties, with (subject, objects) groups
    when the sentence says "X ... with A and B"."""
    mentions = [m for m in index.in_range(s, e) if m.canonical]
    parties = []
    subject, objects = [], []
    with_pos = None
    match = re.search(r"\b(?:with|between)\b", text[s:e])
    if match:
        with_pos = s + match.start()
    for m in mentions:
        before = text[max(s, m.start - 12) : m.start]
        if re.search(r"(?:\)|\b[A-Za-z]+)\s+(?:at|of|in)\s+(?:the\s+)?$", before) and _follows_org(
            text, m, mentions
        ):
            continue  # "Graduate School of AI (GSAI) at KAIST": the parent, not a party
        if m.modifier or (
            re.search(r"[’']s\s*$", text[m.end : m.end + 3]) and _unit_follows(text, m.end)
        ):
            continue  # "KAIST's GSMSE", "KAIST GSMSE": a modifier of its unit
        if m.canonical not in parties:
            parties.append(m.canonical)
            if with_pos is not None and m.start > with_pos:
                objects.append(m.canonical)
            else:
                subject.append(m.canonical)
    groups = (subject, objects) if subject and len(objects) >= 2 else None
    return parties, groups


def _follows_org(text, m, mentions):
    for other in mentions:
        if other is m:
            continue
        if 0 <= m.start - other.end <= 16:
            return True
    return False


def _unit_follows(text, end):
    return bool(
        re.match(
            r"[’']s\s+(?:[A-Z]{2,}|(?:[A-Z]\w+\s+)*(?:School|College|Institute|Center|Centre|Hospital|Department))",
            text[end : end + 60],
        )
    )


def _date_phrase(text, sign_sentences, quote_spans):
    for s, e, _p in sign_sentences:
        sentence = text[s:e]
        if not re.search(
            r"\bsign|\binked|\bconclud|\bsealed|\breach|\bceremony|\bagreement|\bmou\b|\bmemorand|\bdeal\b|\btie-?up",
            sentence,
            re.I,
        ):
            continue
        found = [
            (d, ann)
            for d, ann in dates.find_dates(text, s, e)
            if not _in_quote(d.start, quote_spans)
        ]
        # Prefer a phrase after the signing verb; skip announcement dates.
        sign = re.search(
            r"\b(?:sign(?:ed|s|ing)?|inked|concluded|sealed|reached|held)\b", sentence, re.I
        )
        usable = [d for d, ann in found if not ann]
        if not usable:
            continue
        if sign:
            after = [d for d in usable if d.start >= s + sign.start()]
            before = [d for d in usable if d.start < s + sign.start()]
            chosen = after[0] if after else before[-1]
        else:
            chosen = usable[0]
        return chosen.text
    return None


def _signatories(text, sign_sentences, *, index, people):
    names = []
    for s, e, _p in sign_sentences:
        sentence = text[s:e]
        for match in _SIGNED_VERB_RE.finditer(sentence):
            subject = sentence[: match.start()]
            # "..., who signed": not the clause's own subject.
            subject = (
                re.split(r"[;:]|\b(?:who|which|that|and then)\b", subject)[-1]
                if re.search(r"\bwho\s*$", subject)
                else subject
            )
            subject = re.sub(
                r"\s+(?:has|have|had|will|would|also|officially|formally|jointly|recently|then)\s*$",
                "",
                subject.strip(),
            )
            subject = re.sub(
                r"\s+(?:has|have|had|will|would|also|officially|formally|jointly|recently|then)\s*$",
                "",
                subject,
            )
            by = re.match(
                r"\s*(?:by)\s+(.+?)(?:[.;]|\s+(?:on|at|in|during|for|to)\s|$)",
                sentence[match.end() :],
            )
            chunks = []
            if re.search(r"\b(?:was|were|been|be|is|are)\s*$", subject) and by:
                chunks = _split_people(by.group(1))
            elif subject:
                # Drop a leading adverbial ("At a ceremony in Seoul on Friday, ").
                clause = re.split(r",\s+(?=[A-Z])", subject)
                head = subject
                if len(clause) > 1 and re.match(
                    r"^(?:At|In|On|During|After|Before|Later|Earlier|Meanwhile|Today|Yesterday)\b",
                    clause[0],
                ):
                    head = subject[len(clause[0]) + 1 :].strip()
                chunks = _split_people(head)
            for chunk in chunks:
                person = _person(chunk, index=index, people=people, pos=s)
                if person and person not in names:
                    names.append(person)
    return names


def _split_people(chunk):
    chunk = re.sub(r"\([^)]*\)", "", chunk)
    parts = re.split(r"\s+and\s+(?=(?:[A-Z]|the\s))|;\s*", chunk)
    return [p.strip() for p in parts if p.strip()]


def _person(chunk, *, index, people, pos):
    chunk = strip_positions(chunk)
    pieces = split_pieces(chunk)
    if not pieces:
        return None
    first = pieces[0]
    if index.canonical(first) or index.canonical(re.sub(r"^(?:the|The)\s+", "", first)):
        return None
    ref = parse_speaker(chunk, index=index, pos=pos)
    if ref is None:
        return None
    if ref.kind == "name":
        if index.canonical(ref.name):
            return None
        return ref.name
    if ref.kind == "surname":
        full = people.resolve_surname(ref.name, pos)
        return full.name if full else None
    return None
