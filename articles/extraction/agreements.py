"""The agreement an article reports: kind, parties, signatories and signing date.

An agreement is reported when a sentence names one with a word that always
means a concluded agreement (memorandum of understanding, MOU, agreement,
contract, deal, pact, accord, tie-up, letter of intent), or with a weaker word
(partnership, affiliation, collaboration, alliance) together with a verb that
concludes it (sign, ink, seal, formalise, enter into, agree). Plans ("in
collaboration with") are not agreements.
"""

import itertools
import re
from dataclasses import dataclass, field

from . import dates, lexicon
from .names import generic_org_reference, parse_speaker, split_pieces, strip_positions
from .text import SpanSet, sentence_bounds

_STRONG = (
    r"[Mm]emorand(?:um|a)\s+[Oo]f\s+(?:[Uu]nderstanding|[Aa]greement|[Cc]ooperation)|"
    r"MOU|MoU|MOUs|MoUs|MOA|MoA|"
    r"letters?\s+of\s+intent|(?:[a-z\-]+\s+){0,2}(?:agreements?|memorand(?:um|a)\b(?!\s+of))|"
    r"contracts?|deals?|pacts?|accords?|tie-?ups?"
)
_WEAK = r"(?:formali[sz]ed\s+|formal\s+|strategic\s+)?(?:partnerships?|affiliations?|collaborations?|alliances?)"
_NOUN_RE = re.compile(rf"\b(?:(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))\b")
_SIGN_RE = re.compile(
    r"\b(?:sign|signs|signed|signing|ink|inks|inked|inking|conclude[sd]?|concluding|seal(?:s|ed)?|"
    r"reach(?:es|ed)?|enter(?:s|ed)?\s+into|forge[sd]?|formali[sz]e[sd]?|renew(?:s|ed)?|struck|"
    r"agree[sd]?|establish(?:es|ed)?|launch(?:es|ed)?|announce[sd]?)\b",
    re.IGNORECASE,
)
# Not "signed up", "signed off", "signed on as a partner"; "signed on April 9" is.
_SIGNED_VERB_RE = re.compile(
    r"\b(?:signed|signs|sign|inked|inks)\b(?!\s+(?:up|off)\b)(?!\s+(?:in|on)\s+(?:to|as|with|for)\b)"
)
_NOT_AGREEMENT = re.compile(
    r"\b(?:in\s+agreement|(?:broad|wide|wider|general|growing|widespread|little|full|complete|"
    r"universal|near-universal|unanimous)\s+agreement|agreement\s+among\s+(?:[a-z]+\s+)?"
    r"(?:experts|scientists|doctors|physicians|researchers|clinicians|[a-z]+ists|[a-z]+ians)|great\s+deal|good\s+deal|(?:to|will|can|must|would|could|should|and)\s+deal\s+with|dealt|dealing|contract(?:ed|ing)?\s+(?:a|the)\s+(?:virus|disease|infection)|"
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
        "master",
        "student",
        "faculty",
        "transfer",
        "technology",
        "distribution",
        "co-development",
        "co-promotion",
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
# "a separate license agreement", "another MOU", "also signed an agreement":
# the sentence reports an agreement besides the one already described.
_DISTINCT_RE = re.compile(
    r"\b(?:separate|another|second|additional|further)\s+(?:[\w\-]+\s+){0,2}$"
    r"|\balso\s+(?:signed|inked|concluded|sealed)\s+(?:an?\s+)(?:[\w\-]+\s+){0,2}$",
    re.IGNORECASE,
)
# "builds on a memorandum of understanding that the two institutions signed in
# November 2022", "under an MOU signed in 2019": an agreement with its own, earlier
# signing, so another one than the agreement the article reports.
_OWN_SIGNING_AFTER_RE = re.compile(
    r"^(?:\s*\([^)]{1,20}\))?\s*,?\s*(?:(?:that|which)\s+)?(?:[\w’'\-]+\s+){0,6}?"
    r"(?:signed|inked|concluded|sealed|reached)\s+(?:in|on|last|back\s+in|(?:a|two|three|four|five|several)\s+years?\s+ago)\b",
    re.IGNORECASE,
)
# "Coastal Pediatric Hospital and the Tidewater Institute have agreed to run a joint
# service": a concluded agreement without an agreement word in the sentence; the
# word comes from a following "Under the partnership".
_AGREED_TO_RE = re.compile(
    r"\b(?:have|has|had)\s+(?:\w+\s+)?agreed\s+to\s+(?!sign\b|discuss\b|consider\b|explore\b|negotiate\b)"
)
_DEFINITE_KIND_RE = re.compile(
    rf"\b(?:the|this|their|its)\s+(?:new\s+)?(?P<kind>{_WEAK}|(?:[a-z\-]+\s+){{0,2}}agreement|MOU|deal|pact|contract)\b"
)
_COUNT_RE = re.compile(
    r"\b(?:two|three|four|five|2|3|4|5)\s+(?:separate\s+|new\s+)?(?:memorand|MOU|MoU|agreement|contract|deal)"
    # "signed MOUs with two Central Asian institutions, A and B"
    r"|\b(?:memorand\w*|MOUs|MoUs|agreements|contracts|deals)\s+with\s+(?:two|three|four|five)\b",
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
    # Each signatory's title and institution as written, and the party it signed for.
    signatory_details: list = field(default_factory=list)
    areas: list = field(default_factory=list)  # areas of cooperation, in the order given
    term_years: int | None = None  # "a five-year agreement", "runs for three years"

    def to_dict(self):
        return {
            "kind": self.kind,
            "parties": list(self.parties),
            "date_phrase": self.date_phrase,
            "date": self.date,
            "signatories": list(self.signatories),
            "signatory_details": [dict(d) for d in self.signatory_details],
            "areas": list(self.areas),
            "term_years": self.term_years,
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
    distinct = set()  # sentences that say their agreement is another one
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
                word = _kind_words(word)
                if word is None:
                    continue
                kind_start = match.end() - len(word)
                if word.lower() in ("deal", "deals", "contract", "contracts") and not re.search(
                    r"\b(?:a|an|the|this|its|their|new)\s+(?:[\w\-]+\s+){0,2}$",
                    sentence[:kind_start],
                ):
                    continue
                indefinite = bool(_INDEFINITE_RE.search(sentence[:kind_start]))
                if _DISTINCT_RE.search(sentence[:kind_start]) or (
                    indefinite and _OWN_SIGNING_AFTER_RE.match(sentence[match.end() :])
                ):
                    distinct.add(si)
                hits.append((si, word, indefinite, s + kind_start))
            elif _SIGN_RE.search(sentence) and not re.search(
                r"\bin\s+(?:close\s+)?(?:collaboration|partnership)\s+with\b", sentence, re.I
            ):
                hits.append((si, word, None, s + match.start()))
    hits.extend(_agreed_to_hits(text, sentences, hits, index, quote_spans))
    hits.sort(key=lambda h: (h[0], h[3]))
    if not hits:
        return []
    # The first agreement's kind: not from a sentence about another agreement.
    kind = _best_kind([h[1] for h in hits if h[0] not in distinct] or [h[1] for h in hits])
    coordinated = _coordinated_kinds(text, hits)
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
    fixed_kind = set()  # ids of agreements whose kind their own wording gave
    together = []  # pairs of agreements concluded in one sentence
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
        target = _add(
            agreements,
            parties,
            kind,
            new_ok=bool(strong) and bool(_SIGN_RE.search(sentence)),
            sentence=(s, e),
            distinct=si in distinct,
        )
        if si in coordinated and target is not None and len(target.parties) >= 2:
            # "concluded an academic exchange agreement and a student exchange
            # memorandum with X": two agreements, concluded together.
            first_kind, second_kind = coordinated[si]
            target.kind = first_kind
            partner = Agreement(second_kind, parties=list(target.parties), sentence=(s, e))
            agreements.insert(agreements.index(target) + 1, partner)
            fixed_kind.update({id(target), id(partner)})
            together.append((target, partner))
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
    # Several agreements with one sentence each naming only one of them: that
    # sentence's date and signers are its agreement's.
    own_signers, own_sentences = {}, {}
    if len(agreements) > 1:
        for a in agreements:
            mine = [
                x
                for x in sign_sentences
                if _distinct_party_in(text, x[0], x[1], a, agreements, index)
                and (a.sentence is None or x[0] != a.sentence[0])
            ]
            own_sentences[id(a)] = mine
            own_signers[id(a)] = [
                n for n in _signatories(text, mine, index=index, people=people) if n in signatories
            ]
    for i, a in enumerate(agreements):
        own = None
        if own_sentences.get(id(a)):
            own = _date_phrase(text, own_sentences[id(a)], quote_spans)
        if own is None and a.sentence is not None:
            own = _date_phrase(text, [(a.sentence[0], a.sentence[1], None)], quote_spans)
        a.date_phrase = own or (phrase if i == 0 else None)
        a.date = dates.resolve(a.date_phrase, published_date) if a.date_phrase else None
        if i > 0 and a.sentence is not None and id(a) not in fixed_kind:
            words = [
                _kind_words(m.group())
                for m in _NOUN_RE.finditer(text[a.sentence[0] : a.sentence[1]])
                if m.group("strong")
            ]
            words = [w for w in words if w]
            if words:
                a.kind = _best_kind(words)
        # Signatories are read from every signing sentence; they go with the
        # first agreement the article describes (and one concluded with it).
        signed_with_first = any(a is b and f is agreements[0] for f, b in together)
        a.signatories = list(signatories) if i == 0 or signed_with_first else []
        if own_signers:
            elsewhere = {n for b in agreements if b is not a for n in own_signers[id(b)]}
            if i == 0:
                a.signatories = [n for n in a.signatories if n not in elsewhere]
            elif own_signers[id(a)]:
                a.signatories = list(own_signers[id(a)])
        a.signatory_details = [
            _signatory_details(name, a.parties, index=index, people=people)
            for name in a.signatories
        ]
    if agreements:
        body = [(s, e, p) for s, e, p in sentences if not _in_quote(s, quote_spans)]
        agreements[0].areas = _areas(text, body)
        # The term is often the next sentence: "It runs for five years."
        starts = {s for s, _e, _p in sign_sentences}
        following = [
            sentences[si + 1]
            for si, *_ in candidates
            if si + 1 < len(sentences) and sentences[si + 1][0] not in starts
        ]
        agreements[0].term_years = _term_years(
            text, sorted([*sign_sentences, *following], key=lambda x: x[0])
        )
    return agreements


def _agreed_to_hits(text, sentences, hits, index, quote_spans):
    """ "A and B have agreed to run ...", with "Under the partnership" in one of the
    next two sentences: the first sentence reports the agreement, of that kind."""
    found = []
    hit_sentences = {h[0] for h in hits}
    for si, (s, e, _p) in enumerate(sentences):
        if si in hit_sentences or _in_quote(s, quote_spans):
            continue
        agreed = _AGREED_TO_RE.search(text, s, e)
        if not agreed:
            continue
        parties, _ = _parties_in(text, s, agreed.start(), index)
        if len(parties) < 2:
            continue
        for s2, e2, _p2 in sentences[si + 1 : si + 3]:
            ref = _DEFINITE_KIND_RE.search(text, s2, e2)
            if ref and not _in_quote(ref.start(), quote_spans):
                found.append((si, ref.group("kind"), True, agreed.start()))
                break
    return found


def _signatory_details(name, parties, *, index, people):
    """Title and institution as the article gives them, and the party signed for."""
    title = institution = None
    for mention in people.named(name):
        title = title or mention.title
        institution = institution or mention.institution
    party = None
    if institution:
        canonical = index.canonical(institution) or _canonical_tail(institution, index)
        party = canonical if canonical in parties else None
    return {"name": name, "title": title, "institution": institution, "party": party}


def _canonical_tail(name, index):
    """ "KAIST GSMSE": the listed name of its last words, when the whole is not one."""
    words = name.split()
    for k in range(1, len(words)):
        found = index.canonical(" ".join(words[k:]))
        if found:
            return found
    return None


_AREAS_LEAD_RE = re.compile(
    r"\b(?:under|through|with|in)\s+(?:the|this|these)\s+(?:new\s+)?(?:agreements?|mous?|memorand\w+|"
    r"partnerships?|deals?|contracts?|collaborations?)\b[^,]{0,20},",
    re.IGNORECASE,
)
_AREAS_VERB_RE = re.compile(
    r"\b(?:will|would|agreed\s+to|agree\s+to|plan\s+to|are\s+to|also\s+aim\s+to)\s+(?!also\b)|"
    r"\b(?:covers?|covering|includes?|including)\s+|"
    r"\bto\s+(?:cooperate|collaborate|work\s+together)\s+(?:in|on)\s+",
    re.IGNORECASE,
)


def _areas(text, sentences):
    """The areas of cooperation: the list after "Under the agreement, ... will"
    or "covers"/"to cooperate in", split at its commas."""
    for s, e, p in sentences:
        if p is not None and p.kind not in ("body", "standfirst"):
            continue
        sentence = text[s:e].strip()
        lead = _AREAS_LEAD_RE.search(sentence)
        verb = _AREAS_VERB_RE.search(sentence, lead.end() if lead else 0)
        if not verb or not (lead or verb.group().lower().startswith(("cover", "includ", "to "))):
            continue
        items = _split_list(sentence[verb.end() :].rstrip(" ."))
        if items:
            return items
    return []


def _split_list(phrase):
    parts = [part.strip() for part in re.split(r",\s*", phrase) if part.strip()]
    if len(parts) > 1 and " and " in parts[-1] and not parts[-1].startswith("and "):
        *first, last = parts
        parts = [*first, *last.rsplit(" and ", 1)]
    parts = [re.sub(r"^and\s+", "", part) for part in parts]
    return [part[:300] for part in parts if len(part.split()) >= 1][:12]


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
}
_TERM_RE = re.compile(
    r"\b(?P<n>\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")-years?\b(?![\s-]+old)"
    r"|\b(?:for|of|runs\s+for|valid\s+for|lasts)\s+(?P<m>\d{1,2}|"
    + "|".join(_NUMBER_WORDS)
    + r")\s+years\b",
    re.IGNORECASE,
)


def _term_years(text, sign_sentences):
    """ "a five-year agreement", "It runs for five years": the term, in years."""
    for s, e, _p in sign_sentences:
        for match in _TERM_RE.finditer(text, s, e):
            value = (match.group("n") or match.group("m")).lower()
            before = text[max(s, match.start() - 12) : match.start()].lower()
            if re.search(r"\b(?:last|past|in|over|after|within|since)\s+(?:the\s+)?$", before):
                continue  # "in the past three years": history, not a term
            return int(value) if value.isdigit() else _NUMBER_WORDS[value]
    return None


def _add(agreements, parties, kind, *, new_ok, sentence=None, distinct=False):
    """Add the agreement a sentence reports, or merge it into the one it repeats;
    returns the agreement it went to (None when it had too few parties)."""
    parties = list(dict.fromkeys(parties))
    if distinct and len(parties) >= 2 and agreements:
        # "also signed a separate license agreement with the university": another
        # agreement between the same parties.
        agreements.append(Agreement(kind, parties=parties, sentence=sentence))
        return agreements[-1]
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
            return a
    if len(parties) >= 2 or not agreements:
        agreements.append(Agreement(kind, parties=parties, sentence=sentence))
        return agreements[-1]
    return None


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


def _kind_words(word):
    """The kind as the article writes it: the run of kind words before the noun
    ("academic exchange agreement", "student exchange memorandum"), without a verb
    or article the match took in. None for a bare "memorandum" (a memo)."""
    words = word.split()
    if len(words) > 1 and words[-1].lower().startswith(("agreement", "memorand")):
        while len(words) > 1 and words[0].lower() not in _KIND_MODIFIERS:
            words = words[1:]
    if len(words) == 1 and re.fullmatch(r"memorand(?:um|a)", words[0]):
        return None
    return " ".join(words)


def _coordinated_kinds(text, hits):
    """Sentences that name two agreements joined by "and": {sentence: (first, second)}."""
    found = {}
    strong = [h for h in hits if h[2] is not None]
    for (si, w1, _i1, p1), (sj, w2, _i2, p2) in itertools.pairwise(strong):
        if (
            si == sj
            and si not in found
            and _kind_key(w1) != _kind_key(w2)
            and re.fullmatch(r"\s+and\s+(?:an?\s+|the\s+)?", text[p1 + len(w1) : p2])
        ):
            found[si] = (w1, w2)
    return found


def _kind_key(word):
    return re.sub(r"s$", "", word.lower())


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
    # "A and B have signed an agreement that will make C a teaching site": what
    # the agreement will do names others, not more parties.
    clause = _WHAT_IT_WILL_DO_RE.search(text, s, e)
    for k, m in enumerate(mentions):
        if clause and m.start > clause.start() and len(parties) >= 2:
            break
        if (
            k > 0
            and mentions[k - 1].canonical == m.canonical
            and re.fullmatch(r"\s*\(\s*", text[mentions[k - 1].end : m.start])
        ):
            continue  # "(SIST)" right after the name it abbreviates: the same mention
        before = text[max(s, m.start - 12) : m.start]
        if re.search(r"(?:\)|\b[A-Za-z]+)\s+(?:at|of|in)\s+(?:the\s+)?$", before) and _follows_org(
            text, m, mentions
        ):
            continue  # "Graduate School of AI (GSAI) at KAIST": the parent, not a party
        if _HOST_BEFORE_RE.search(text[max(s, m.start - 70) : m.start]):
            continue  # "an event hosted by X", "witnessed by X": a host or witness
        if _OWNER_BEFORE_RE.search(text[max(s, m.start - 70) : m.start]):
            continue  # "Y, a subsidiary of X,": the owner described, not a party
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
    if len(parties) < 2:
        # "signed a license agreement with the university": the university
        # named before stands for itself.
        for match in _GENERIC_PARTY_RE.finditer(text, s, e):
            referent = generic_org_reference(match.group("noun"), index, match.start())
            if referent and referent not in parties:
                parties.append(referent)
                objects.append(referent)
    groups = (subject, objects) if subject and len(objects) >= 2 else None
    return parties, groups


_HOST_BEFORE_RE = re.compile(
    r"\b(?:(?:co-)?hosted|organi[sz]ed|sponsored|funded|witnessed|attended|supported|backed|"
    r"arranged|brokered|mediated)\s+by\s+"
    # "witnessed by officials from the X"
    r"(?:(?:officials|representatives|members|staff|leaders|executives|delegates)\s+(?:from|of)\s+)?"
    r"(?:the\s+)?$|\bin\s+the\s+presence\s+of\s+(?:the\s+)?$|"
    r"\b(?:funding|support|grants?|money|sponsorship)\s+from\s+(?:the\s+)?$"
)
_OWNER_BEFORE_RE = re.compile(
    r",\s+(?:a|an|the)\s+(?:[\w\-]+\s+){0,3}?(?:subsidiary|unit|arm|affiliate|division|"
    r"spin-?off|member)\s+of\s+(?:the\s+)?$|\b(?:wholly\s+)?(?:owned|controlled)\s+by\s+(?:the\s+)?$"
)
_WHAT_IT_WILL_DO_RE = re.compile(
    r"\b(?:agreements?|MOUs?|MoUs?|memorand\w*|deals?|contracts?|partnerships?|pacts?)\s+"
    r"(?:that|which)\s+(?:will|would|is\s+to|aims|makes|lets|allows|brings|gives)\b",
    re.IGNORECASE,
)
_GENERIC_PARTY_RE = re.compile(
    r"\b(?:with|between|and)\s+the\s+(?P<noun>university|hospital|institute|foundation|college|"
    r"school|center|centre|agency|ministry|society|association|academy|council)\b(?![’']|\s+[A-Z])"
)


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


_SIGNED_BY_SOMEONE_RE = re.compile(
    r"\b(?:signed|inked|struck|concluded)\s+by\s+(?:a|an|one|other|another|some|any)\b", re.I
)


def _date_phrase(text, sign_sentences, quote_spans):
    for s, e, _p in sign_sentences:
        sentence = text[s:e]
        if not re.search(
            r"\bsign|\binked|\bconclud|\bsealed|\breach|\bceremony|\bagreement|\bmou\b|\bmemorand|\bdeal\b|\btie-?up"
            r"|\bformali[sz]|\bentered\s+into",
            sentence,
            re.I,
        ):
            continue
        if _SIGNED_BY_SOMEONE_RE.search(sentence):
            continue  # "the third deal signed by a Korean biotech this year": a tally
        found = [
            (d, ann)
            for d, ann in dates.find_dates(text, s, e)
            if not _in_quote(d.start, quote_spans) and not _in_dateline(text, d)
        ]
        # Prefer a phrase after the signing verb; skip announcement dates.
        sign = re.search(
            r"\b(?:sign(?:ed|s|ing)?|inked|concluded|sealed|reached|held|formali[sz]ed|entered)\b",
            sentence,
            re.I,
        )
        # "during the visit from Sept. 8 to 12": a span of days dates a visit,
        # not a signing.
        usable = [d for d, ann in found if not ann and not _in_range(text, d)]
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


def _in_range(text, d):
    return bool(
        re.search(r"\b(?:from|between)\s+$", text[max(0, d.start - 9) : d.start])
        and re.match(r"\s*(?:to|through|until|and|-|–)\s*\d", text[d.end : d.end + 12])
    )


def _distinct_party_in(text, s, e, agreement, agreements, index):
    """Whether a sentence names a party of this agreement that no other one has
    ("The MOU with A, signed on Sept. 9", "signed the agreement with the oncology
    centre"): what it says about dates and signers is that agreement's."""
    others = {p for a in agreements if a is not agreement for p in a.parties}
    own = [p for p in agreement.parties if p not in others]
    if not own:
        return False
    named = {m.canonical for m in index.in_range(s, e) if m.canonical}
    for match in re.finditer(r"\bthe\s+(?:[a-z]+\s+)?(?P<noun>[a-z]+)\b(?![’'])", text[s:e]):
        if match.group("noun") in lexicon.GENERIC_ORG_NOUNS:
            named.add(generic_org_reference(match.group("noun"), index, s + match.start()))
    return bool(named & set(own))


_DATELINE_BEFORE_RE = re.compile(r"(?:^|\n)[A-Z][A-Z.'’\- ]+(?:,\s*[A-Z][\w.'’\- ]*)*,\s*$")


def _in_dateline(text, d):
    """ "OSLO, 9 October 2025 – ...": the dateline dates the release."""
    return bool(
        _DATELINE_BEFORE_RE.search(text, max(0, d.start - 60), d.start)
        and re.match(r"\s*(?:–|—|--|-)", text[d.end : d.end + 4])
    )


def _signatories(text, sign_sentences, *, index, people):
    names = []
    for s, e, _p in sign_sentences:
        sentence = text[s:e]
        for match in _SIGNED_VERB_RE.finditer(sentence):
            subject = sentence[: match.start()]
            # "Dean X of Y, who signed the deal with ...": the person the relative
            # clause describes signed (what came before it is another clause).
            if re.search(r"\bwho\s*$", subject):
                clauses = re.split(r"[;:]|\b(?:who|which|that|and then)\b", subject)
                subject = clauses[-2].strip(" ,") if len(clauses) >= 2 else ""
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
            by = _BY_RE.match(sentence[match.end() :].rstrip(" ."))
            chunks = []
            if re.search(r"\b(?:was|were|been|be|is|are)\s*$", subject) and by:
                chunks = _split_people(by.group(1), index)
            elif subject:
                # Drop a leading adverbial ("At a ceremony in Seoul on Friday, ").
                clause = re.split(r",\s+(?=[A-Z])", subject)
                head = subject
                if len(clause) > 1 and re.match(
                    r"^(?:At|In|On|During|After|Before|Later|Earlier|Meanwhile|Today|Yesterday)\b",
                    clause[0],
                ):
                    head = subject[len(clause[0]) + 1 :].strip()
                chunks = _split_people(head, index)
            for chunk in chunks:
                person = _person(chunk, index=index, people=people, pos=s)
                if person and person not in names:
                    names.append(person)
        # "(From left) A, B and C, signing the MOU", "with A and B signing the
        # documents": the people before the participle signed.
        for match in _SIGNING_PARTICIPLE_RE.finditer(sentence):
            head = sentence[: match.start()]
            with_at = list(re.finditer(r"\bwith\s+", head))
            if with_at:
                head = head[with_at[-1].end() :]
            for chunk in _split_people(head, index):
                person = _person(chunk, index=index, people=people, pos=s)
                if person and person not in names:
                    names.append(person)
        # "A signed the agreement with PLSI Chief Executive Dr. B": a person after
        # "with" signed too (an institution there is a party, not a signatory).
        for match in _SIGNED_WITH_PERSON_RE.finditer(sentence):
            person = _person(match.group("who"), index=index, people=people, pos=s)
            if person and person not in names:
                names.append(person)
        # "with A signing in Dunedin and B signing in Aomori": each person before a
        # bare "signing" (an online ceremony, one side each) signed.
        previous = 0
        for match in _SIGNING_FROM_RE.finditer(sentence):
            head = sentence[previous : match.start()]
            with_at = list(re.finditer(r"\bwith\s+", head))
            if with_at:
                head = head[with_at[-1].end() :]
            head = re.sub(r"^[^,]*?\s+and\s+", "", head) if previous else head
            previous = match.end()
            for chunk in _split_people(head, index):
                person = _person(chunk, index=index, people=people, pos=s)
                if person and person not in names:
                    names.append(person)
        # Captions: "A and B pose after signing the MOU".
        after = _AFTER_SIGNING_RE.search(sentence)
        if after:
            for chunk in _split_people(sentence[: after.start()], index):
                person = _person(chunk, index=index, people=people, pos=s)
                if person and person not in names:
                    names.append(person)
    return names


_WHEN_WORD = (
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today|"
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:,?\s+\d{4})?)"
)
# "was signed [Wednesday] [in Busan] [on April 9] by A and B [at the hospital]".
_BY_RE = re.compile(
    rf"(?:\s+(?:on|in|at|during|last|this|earlier)\s+[^,;]*?|\s+{_WHEN_WORD})*?\s*,?\s+by\s+(?P<who>.+?)"
    r"(?=\s+(?:on|at|in|during|for|to|after|before|under|with|while|as|marking)\s+"
    r"(?:the\s+|a\s+|an\s+|their\s+|its\s+)?(?:[a-z]|\d)|[;]|,\s+(?:who|which|marking|in|at|on)\b|"
    # "... and B, and witnessed by C": the witnesses after the signers did not sign.
    r",?\s+(?:and\s+)?(?:was\s+|were\s+)?(?:witnessed|attended|observed|watched|overseen)\s+by\b|$)"
)
_SIGNING_PARTICIPLE_RE = re.compile(
    r"(?<!\b[Tt]he\s)(?<!\b[Aa]\s)(?<!\b(?:at|of|on)\s)(?<!\bafter\s)(?<!\bupon\s)(?<!\bbefore\s)(?<!\bwhile\s)"
    r"\bsigning\s+(?:the|an?|their|both|two|three)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:MOUs?|MoUs?|[Mm]emorand\w*|agreements?|documents?|contracts?|deals?|accords?|pacts?|letters?)\b"
)
# Definite only: "signed an MOU with X" introduces the partner organisation.
_SIGNED_WITH_PERSON_RE = re.compile(
    r"\b(?:signed|inked)\s+(?:the|this|their|both)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:MOU|MoU|[Mm]emorand\w*|agreements?|contracts?|deals?|accords?|pacts?|letters?(?:\s+of\s+intent)?)"
    r"\s+with\s+(?P<who>[^,;]+?)(?=\s+(?:during|at|in|on|for|to|after|before|under|while|as|marking)\b|[,;]|"
    r"(?<!\bDr)(?<!\bProf)(?<!\bMr)(?<!\bMs)(?<!\bMrs)(?<!\bSt)(?<!\b[A-Z])\.|$)"
)
_SIGNING_FROM_RE = re.compile(
    r"(?<=[\w.,])\s*,?\s+signing\s+(?:(?:in|from|at|for)\s+(?=[A-Z])|on\s+behalf\s+of\b|"
    r"(?:online|remotely|virtually|by\s+video)\b)"
)
_AFTER_SIGNING_RE = re.compile(
    r"\s+(?:pose[sd]?|posing|shake[sn]?|shook|shaking|smile[sd]?|stand|stands|standing|"
    r"celebrate[sd]?|exchange[sd]?)\b[^.;]{0,40}?\b(?:after|upon|following)\s+signing\b"
)


_GENERIC_NOUNS = "(?:" + "|".join(sorted(lexicon.GENERIC_ORG_NOUNS)) + ")"


def _split_people(chunk, index=None):
    chunk = re.sub(r"\([^)]*\)", "", chunk)
    # "Food and Drug Safety Minister X", "Women's and Children's Hospital Director
    # Y": an "and" between the words it joins in a listed name is no list's.
    for name in index.names if index is not None else ():
        for m in re.finditer(r"(\S+)\s+and\s+(\S+)", name):
            pair = re.escape(m.group(1)) + r"\s+and\s+" + re.escape(m.group(2))
            chunk = re.sub(rf"\b{pair}\b", lambda x: x.group(0).replace("and", "\x00"), chunk)
    # "... and medical center Director Y", "and agency President Z": a common noun
    # for an organisation before a title starts the next person too.
    parts = re.split(
        rf"\s+and\s+(?=(?:[A-Z]|the\s|(?:[a-z]+\s+)?{_GENERIC_NOUNS}\s+[A-Z]))|;\s*|,\s*(?:and\s+)?",
        chunk,
    )
    return [p.replace("\x00", "and").strip() for p in parts if p.strip()]


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
