"""Direct quotations and who said them.

1. Pair quote marks paragraph by paragraph. Marks are read by their context
   (a mark after a space opens, a mark before a space or punctuation closes), so
   mismatched pairs ("..." with two opening curls) still pair. A paragraph that
   ends inside a quotation continues into the next paragraph when that one
   reopens with a mark (the convention for a quotation over several paragraphs).
2. Decide what each span is: a quotation with an attribution beside it ("...,"
   said X / X said, "..." / according to X, "..." / X: "..."), a whole-sentence
   quotation that continues the previous speaker, a partial quotation inside
   reported speech (X called it a "great honor"), or a name, designation or
   scare phrase (not a quotation).
3. Resolve the speaker: a full name as written, a surname or title ("Dr. Kim",
   "the dean") to the fullest name the article gives, a pronoun to the person
   named last, and quotations without their own attribution to the speaker of
   the quotation they continue.
"""

import re
from dataclasses import dataclass, field

from . import lexicon
from .names import Person, parse_speaker
from .text import DOUBLE_MARKS, SINGLE_MARKS, SpanSet, sentence_bounds

_VERBS = "|".join(
    sorted(
        list(lexicon.SPEECH_VERBS) + [p.replace(" ", r"\s+") for p in lexicon.SPEECH_PHRASES],
        key=len,
        reverse=True,
    )
)
_PARTICIPLES = "|".join(sorted(lexicon.SPEECH_PARTICIPLES, key=len, reverse=True))
_REPORTING = "|".join(sorted(lexicon.REPORTING_VERBS, key=len, reverse=True))

# After the closing mark: ', said Kim, dean of X.' / ', Kim said.' / ' he added'
_AFTER_VERB_FIRST = re.compile(
    rf"^[\s,.!?…]*(?:[-–—]+\s*)?(?:{_VERBS})(?:\s+(?:also|then|later))?\s+(?P<who>(?!(?:that|in|at|on|during|to|of|with|when|while|after|before|as|by|for|from|about)\b)[^“”\"]+?)\s*(?:[.;!?…]*\s*$|,\s*(?=[“\"‘'])|,\s+(?:adding|noting|saying|explaining|who|which|referring|speaking|when|while|in|at|during|on)\b)",
    re.IGNORECASE,
)
# A full stop inside the speaker's words only after a courtesy prefix or an
# initial: '"...," Prof. Lee said', '"...," Harold M. Maurer said'.
_WHO_CHAR = (
    r"(?:[^,.;“”\"\n]|(?<=\bDr)\.|(?<=\bProf)\.|(?<=\bMr)\.|(?<=\bMrs)\.|(?<=\bMs)\."
    r"|(?<=\bSt)\.|(?<=\b[A-Z])\.)"
)
_ABBREVIATION_DOT = re.compile(r"\b(?:Dr|Prof|Mr|Mrs|Ms|St|[A-Z])\.")
_AFTER_WHO_FIRST = re.compile(
    rf"^[\s,.!?…]*(?:[-–—]+\s*)?(?P<who>{_WHO_CHAR}{{1,90}}?(?:,[^;“”\"\n]{{1,160}}?,)?)\s+(?:also\s+|then\s+|later\s+|further\s+)?(?:{_VERBS})\b",
    re.IGNORECASE,
)
# Before the opening mark: 'Kim, dean of X, said, ' / 'He said in a statement: '
_BEFORE_VERB = re.compile(
    rf"(?P<who>.+?)\s+(?:also\s+|then\s+|later\s+|further\s+)?(?:{_VERBS})(?:\s+[^,:“”\"]{{0,60}}?)?\s*[,:]?\s*$",
    re.IGNORECASE,
)
_BEFORE_PARTICIPLE = re.compile(
    rf"(?P<clause>.+?),?\s+(?:{_PARTICIPLES})(?:\s+that)?\s*[,:]?\s*$", re.IGNORECASE
)
_BEFORE_ACCORDING = re.compile(r"(?:^|\b)according\s+to\s+(?P<who>.+?)\s*,\s*$", re.IGNORECASE)
_BEFORE_COLON = re.compile(r"(?P<who>[^:]{2,160}?)\s*:\s*$")
_DESIGNATION_BEFORE = re.compile(
    r"(?:hereinafter(?:\s+referred\s+to\s+as)?|known\s+as|referred\s+to\s+as|so-called|dubbed|"
    r"titled|entitled|named|nicknamed|labell?ed|branded|slogan|theme|motto|under\s+the\s+name|"
    r"designated\s+as|selected\s+as|recognized\s+as|recognised\s+as)\s*$",
    re.IGNORECASE,
)
_DESIGNATION_AFTER = re.compile(
    r"^\s*(?:strategy|strategies|program|programme|project|initiative|campaign|award|prize|"
    r"symposium|conference|forum|event|plan|policy|model|system|brand|platform|slogan|category|"
    r"title|designation|status|list|ranking|series|course|project|center|centre|team|label|"
    r"vision|motto|theme|certification|mark|logo|hashtag|movement|zone|law|act|bill|report|"
    r"study|survey|index|grade|rating|seal|prize|exhibition|festival|fair)\b",
    re.IGNORECASE,
)


@dataclass
class Span:
    open: int  # offset of the opening mark
    close: int | None  # offset of the closing mark (None: runs to paragraph end)
    lines: list  # [(start, end)] content per paragraph
    paragraph: int
    single: bool = False
    last_paragraph: int = 0

    @property
    def start(self):
        return self.lines[0][0]

    @property
    def end(self):
        return self.lines[-1][1]


@dataclass
class Quote:
    text: str
    start: int
    end: int
    speaker: str | None = None
    title: str | None = None
    institution: str | None = None
    attribution: str | None = None  # after, before, according, colon, partial, inherited, none
    partial: bool = False
    _ref: Person | None = field(default=None, repr=False)
    _paragraph: int = field(default=0, repr=False)
    _bare: bool = field(default=False, repr=False)  # the attribution gave no title or institution


def _mark_role(text, pos, lo, hi):
    before = text[pos - 1] if pos > lo else " "
    after = text[pos + 1] if pos + 1 < hi else " "
    opens = (before.isspace() or before in "([{—–-/") and not after.isspace()
    closes = (not before.isspace()) and (
        after.isspace() or after in ".,;:!?)]}…—–-" or after in DOUBLE_MARKS
    )
    if opens and not closes:
        return "open"
    if closes and not opens:
        return "close"
    ch = text[pos]
    if ch in "“„«‟":
        return "open"
    if ch in "”»″":
        return "close"
    return "either"


def find_spans(text, paragraphs):
    """Quoted spans in the article, double marks first, single marks after."""
    spans = []
    carry = None  # an open span continuing from the previous paragraph
    for p in paragraphs:
        lo, hi = p.start, p.end
        marks = [i for i in range(lo, hi) if text[i] in DOUBLE_MARKS]
        current = None
        if carry is not None:
            if marks and marks[0] == lo:
                current = carry
                current.lines.append([lo + 1, None])
                current.last_paragraph = p.index
                marks = marks[1:]
            else:
                _close_at_paragraph_end(spans, carry)
            carry = None
        for m in marks:
            role = _mark_role(text, m, lo, hi)
            if current is None:
                if role == "close":
                    continue  # a stray closing mark
                current = Span(m, None, [[m + 1, None]], p.index, last_paragraph=p.index)
            else:
                if role == "open" and m + 1 < hi and _looks_like_new_quote(text, current, m):
                    # An unclosed quotation followed by a new one: close the first at
                    # the end of its last sentence.
                    current.lines[-1][1] = m
                    _finish(spans, text, current)
                    current = Span(m, None, [[m + 1, None]], p.index, last_paragraph=p.index)
                    continue
                current.close = m
                current.lines[-1][1] = m
                _finish(spans, text, current)
                current = None
        if current is not None:
            current.lines[-1][1] = hi
            carry = current
    if carry is not None:
        _close_at_paragraph_end(spans, carry)
    double = [s for s in spans if s is not None]
    singles = _single_spans(text, paragraphs, double)
    return sorted(double + singles, key=lambda s: s.open)


def _looks_like_new_quote(text, current, m):
    inside = text[current.lines[-1][0] : m].rstrip()
    return (
        len(inside) > 0
        and inside[-1] in ".!?"
        and text[m - 1].isspace()
        and len(inside.split()) >= 4
    )


def _close_at_paragraph_end(spans, span):
    # An opening mark with no closing one and no continuation: keep the quotation
    # to the paragraph end only when it reads as one (several words).
    start, end = span.lines[-1]
    if end is not None and end - start > 0:
        _finish(spans, None, span)


def _finish(spans, text, span):
    span.lines = [tuple(line) for line in span.lines if line[1] is not None and line[1] > line[0]]
    if span.lines:
        spans.append(span)


_SINGLE_OPEN = re.compile(r"(?:(?<=^)|(?<=[\s(\[—–]))[‘'](?=[A-Za-z0-9])")


def _single_spans(text, paragraphs, double):
    """'British-style' quotations in single marks; kept only with an attribution."""
    spans = []
    for p in paragraphs:
        lo, hi = p.start, p.end
        if not any(text[i] in SINGLE_MARKS for i in range(lo, hi)):
            continue
        for m in _SINGLE_OPEN.finditer(text, lo, hi):
            o = m.start()
            if any(s.open <= o <= (s.close or s.end) for s in double + spans):
                continue
            # The closing mark: a single mark followed by a space, punctuation or end,
            # and not an apostrophe inside a word.
            for c in re.finditer(r"[’'](?=[\s.,;:!?)\]—–]|$)", text[o + 1 : hi]):
                k = o + 1 + c.start()
                if text[k - 1].isspace():
                    continue
                if (
                    text[k - 1] == "s"
                    and re.match(r"[’']\s+[a-z]", text[k : k + 3])
                    and not re.match(rf"[’']\s+(?:{_VERBS})\b", text[k : k + 30])
                ):
                    continue  # plural possessive: "the students' needs"
                spans.append(Span(o, k, [(o + 1, k)], p.index, single=True, last_paragraph=p.index))
                break
    return spans


# ---------------------------------------------------------------- attribution


def _span_text(text, span):
    lines = []
    for start, end in span.lines:
        line = text[start:end].strip()
        lines.append(line)
    if lines:
        lines[-1] = re.sub(r"\s*,$", "", lines[-1])
    lines = [re.sub(r"\s+", " ", line) for line in lines if line]
    return "\n".join(lines)


def extract_quotes(text, paragraphs, *, people, index):
    spans = find_spans(text, paragraphs)
    by_para = {}
    for s in spans:
        by_para.setdefault(s.paragraph, []).append(s)
    quotes = []
    para_of = {p.index: p for p in paragraphs}
    # British style: when every quoted sentence is in single marks, single
    # marks are the article's quotation marks, not only a rare variant.
    single_style = any(s.single and _is_sentence_span(text, s) for s in spans) and not any(
        not s.single and _is_sentence_span(text, s) for s in spans
    )
    for pidx in sorted(by_para):
        p = para_of[pidx]
        pspans = by_para[pidx]
        skip = [(s.open, (s.close if s.close is not None else p.end) + 1) for s in pspans]
        bounds = sentence_bounds(text, p.start, p.end, skip=skip)
        for k, s in enumerate(pspans):
            q = _analyse_span(
                text, p, s, k, pspans, bounds, people=people, index=index, single_style=single_style
            )
            if q is not None:
                quotes.append(q)
    _introduced_after(quotes, paragraphs, people, text)
    _inherit(quotes, people, text)
    for q in quotes:
        _fill_details(q, people, index)
    # A follow-up ("he added") carries the details given with the speaker's
    # earlier quotation.
    known = {}
    for q in quotes:
        if not q.speaker:
            continue
        title, inst = known.get(q.speaker, (None, None))
        if q._bare and (title or inst):
            # "Ellison said" after "Northfield's vice dean ..., Ellison, said":
            # the details written at the earlier attribution, not a later mention.
            q.title, q.institution = title, inst
            continue
        if q.title is None and title:
            q.title = title
        if q.institution is None and inst and (q.title == title or title is None):
            q.institution = inst
        if q.title or q.institution:
            known.setdefault(q.speaker, (q.title, q.institution))
    return [q for q in quotes if q.text]


def _sentence_start(bounds, pos):
    start = bounds[0]
    for b in bounds:
        if b <= pos:
            start = b
        else:
            break
    return start


def _sentence_end(bounds, pos, default):
    for b in bounds:
        if b > pos:
            return b
    return default


def _is_sentence_span(text, span):
    """A span that reads as a spoken sentence: several words ending in punctuation."""
    content = " ".join(text[a:b] for a, b in span.lines).strip()
    return len(content.split()) >= 4 and bool(re.search(r"[.!?,]$", content))


def _analyse_span(text, p, s, k, pspans, bounds, *, people, index, single_style=False):
    content = _span_text(text, s)
    if not content or not re.search(r"[A-Za-z0-9\uac00-\ud7a3]", content):
        return None
    prev_close = pspans[k - 1].close if k > 0 and pspans[k - 1].close is not None else None
    sent_start = _sentence_start(bounds, s.open)
    prefix_start = max(sent_start, prev_close + 1) if prev_close is not None else sent_start
    prefix = text[prefix_start : s.open]
    sentence_prefix = text[sent_start : s.open]
    if s.close is not None:
        after_start = s.close + 1
        nxt_open = pspans[k + 1].open if k + 1 < len(pspans) else p.end
        sent_end = _sentence_end(bounds, s.close, p.end)
        suffix = text[after_start : min(nxt_open, sent_end, p.end)]
        if s.close > p.end:
            # A quotation over several paragraphs: its attribution follows the
            # closing mark in the last one (`... offers," Jeon said.`).
            line_end = text.find("\n", after_start)
            line_end = len(text) if line_end < 0 else line_end
            reopen = re.search(r"[“\"‘]", text[after_start:line_end])
            suffix = text[after_start : after_start + reopen.start() if reopen else line_end]
    else:
        suffix = ""
    quote = Quote(content, s.start, s.end, _paragraph=s.paragraph)

    who = None
    how = None
    match = _AFTER_VERB_FIRST.match(suffix) if suffix else None
    if match:
        who = parse_speaker(match.group("who"), index=index, pos=s.close + 1 + match.start("who"))
        how = "after"
    if who is None and suffix:
        match = _AFTER_WHO_FIRST.match(suffix)
        if match and not re.search(r"[.!?]\s", _ABBREVIATION_DOT.sub("", match.group("who"))):
            who = parse_speaker(
                match.group("who"), index=index, pos=s.close + 1 + match.start("who")
            )
            how = "after"
    stripped = prefix.strip()
    if who is None and stripped and stripped[-1:] in ",:":
        for pattern, kind in ((_BEFORE_ACCORDING, "according"), (_BEFORE_VERB, "before")):
            match = pattern.search(stripped)
            if match:
                who = parse_speaker(match.group("who"), index=index, pos=prefix_start)
                if who is None and kind == "before":
                    who = _subject(match.group("who"), index, prefix_start)
                how = kind
                break
        if who is None:
            match = _BEFORE_PARTICIPLE.search(stripped)
            if match:
                who = _subject(match.group("clause"), index, prefix_start)
                how = "before"
        if who is None and stripped.endswith(":"):
            match = _BEFORE_COLON.search(stripped)
            if match and len(match.group("who").split()) <= 12:
                who = parse_speaker(match.group("who"), index=index, pos=prefix_start)
                how = "colon"
            elif match and re.search(r"[.!?…]$", content) and len(content.split()) >= 4:
                # "Professor X, head of Y, put it simply: "..."": the subject of
                # the clause the colon ends introduces the quotation.
                who = _subject(match.group("who"), index, prefix_start)
                if who is not None and who.kind in ("name", "surname", "pronoun"):
                    how = "colon"
                else:
                    who = None
    if who is None and stripped and not stripped.endswith((",", ":")):
        # "X said the step was "long overdue"": a partial quotation.
        match = _BEFORE_VERB.search(stripped)
        if not match and re.search(rf"\b(?:{_VERBS})\b", stripped, re.IGNORECASE):
            match = None
    is_partial = bool(stripped) and not (
        stripped[-1:] in ",:" and how in ("before", "according", "colon")
    )
    if s.single and who is None and not single_style:
        return None
    if is_partial and how != "after":
        if _is_designation(content, sentence_prefix, suffix):
            return None
        clause = sentence_prefix
        verb = _last_reporting_verb(clause)
        if verb is None:
            # A fragment with its attribution after it: 'called it "bold," Kim said'.
            if how == "after" and who is not None:
                quote.partial = True
            else:
                return None
        else:
            quote.partial = True
            if who is None:
                # The speaker is the subject of the sentence's first reporting
                # verb that has one: 'X said the centre reflected ... "..."'.
                for earlier in _reporting_verbs(clause):
                    who = _subject(clause[: earlier.start()], index, sent_start)
                    if who is not None:
                        break
                how = "partial"
    elif is_partial and how == "after":
        if _is_designation(content, sentence_prefix, suffix):
            return None
        quote.partial = True
    elif who is None:
        # A sentence-level quotation with no attribution of its own.
        if _is_designation(content, sentence_prefix, suffix):
            return None
        words = content.split()
        if len(words) < 4 and not re.search(r"[.!?…]$", content):
            return None
        how = "none"
    quote._ref = who
    quote.attribution = how if who is not None else ("none" if how is None else how)
    return quote


def _is_designation(content, prefix, suffix):
    words = content.split()
    if _DESIGNATION_BEFORE.search(prefix.rstrip()) or (suffix and _DESIGNATION_AFTER.match(suffix)):
        return not re.search(r"[.!?]$", content) or len(words) <= 6
    if re.search(r"[.!?…]$", content) and len(words) >= 4:
        return False
    significant = [w for w in words[1:] if len(w) > 3 and w[:1].isalpha()]
    if len(words) <= 12 and significant:
        caps = sum(1 for w in significant if w[:1].isupper())
        if caps / len(significant) >= 0.6:
            return True
    return len(words) == 1 and words[0][:1].isupper()


def _reporting_verbs(clause):
    return list(re.finditer(rf"\b(?:{_REPORTING}|according\s+to)\b", clause, re.IGNORECASE))


def _last_reporting_verb(clause):
    last = None
    for match in re.finditer(rf"\b(?:{_REPORTING}|according\s+to)\b", clause, re.IGNORECASE):
        last = match
    return last


def _subject(clause, index, pos):
    """The speaker at the start of a clause: 'Kim, the dean, also ...' -> Kim."""
    clause = clause.strip()
    verb = re.search(
        rf"\s+(?:also\s+|then\s+)?(?:{_REPORTING}|expressed|explained|thanked|welcomed|hoped|shared|gave|delivered|spoke|stood|took)\b",
        clause,
        re.IGNORECASE,
    )
    head = clause[: verb.start()] if verb else clause
    person = parse_speaker(head, index=index, pos=pos)
    if person is not None:
        return person
    match = re.match(r"^(?:\w+\s+){0,1}(he|she|they|we|i)\b", clause, re.IGNORECASE)
    if match:
        return Person("pronoun", start=pos)
    return None


# ---------------------------------------------------------------- resolution


# The paragraph after an unattributed quotation that points back at it and names
# its speaker: "That is how X explains ...", "Those are the words of X", "So says X".
_POINTS_BACK_RE = re.compile(
    r"(?:That|This|Those|These|Such|So)\b[^.!?“”\"]{0,160}?\b(?:words?\s+of|says?|said|"
    r"explains?|explained|puts?\s+it|describes?|described|recalls?|recalled|tells?|told|"
    r"argues?|argued|remembers?|remembered|sums?\s+(?:it\s+)?up|summed\s+(?:it\s+)?up|"
    r"reflects?|reflected|view\s+of|verdict\s+of)\b"
)


def _introduced_after(quotes, paragraphs, people, text):
    """A paragraph that is only a quotation, with no attribution, whose speaker
    the next paragraph introduces by pointing back at it ("That is how Renata
    Villalobos, dean of ..., explains why ...")."""
    order = sorted(paragraphs, key=lambda p: p.start)
    position = {p.index: k for k, p in enumerate(order)}
    last_in_para = {}
    for q in quotes:
        last_in_para[q._paragraph] = q
    for pidx, q in last_in_para.items():
        if q._ref is not None or pidx not in position:
            continue
        k = position[pidx]
        para = order[k]
        if text[q.end : para.end].strip(" ”\"’'") or k + 1 >= len(order):
            continue
        nxt = order[k + 1]
        if nxt.kind not in ("body", "subheading") or not _POINTS_BACK_RE.match(text, nxt.start):
            continue
        first = re.search(r"[.!?](?:\s|$)", _ABBREVIATION_DOT.sub("  ", text[nxt.start : nxt.end]))
        end = nxt.start + (first.end() if first else len(text[nxt.start : nxt.end]))
        named = next(
            (m for m in people.mentions if nxt.start <= m.start < end and m.kind == "name"), None
        )
        if named is None:
            continue
        ref = Person("name", name=named.name, start=named.start)
        for other in quotes:
            if other._paragraph == pidx and other._ref is None:
                other._ref = ref
                other.attribution = "after"


def _inherit(quotes, people, text):
    """Quotations without an attribution take the speaker they continue."""
    by_para = {}
    for q in quotes:
        by_para.setdefault(q._paragraph, []).append(q)
    # Within a paragraph: "A," he said, "B." / X said: "A." "B."
    for qs in by_para.values():
        for i, q in enumerate(qs):
            if q._ref is not None:
                continue
            source = next((o for o in reversed(qs[:i]) if o._ref is not None), None)
            if source is None:
                source = next(
                    (o for o in qs[i + 1 :] if o._ref is not None and not o.partial), None
                )
            if source is not None:
                q._ref = source._ref
                q.attribution = "inherited"
    # Across paragraphs: the last speaker, unless someone was named since.
    previous = None
    for q in quotes:
        if q._ref is None and previous is not None:
            named = people.last_before(q.start)
            if (
                named is not None
                and named.start > previous.end
                and not _named_inside_quotes(named, quotes)
            ):
                q._ref = Person("name", name=named.name, start=named.start)
            else:
                q._ref = previous._ref
                q._resolved_from = previous
            q.attribution = "inherited"
        elif q._ref is None:
            named = people.last_before(q.start)
            if named is not None:
                q._ref = Person("name", name=named.name, start=named.start)
                q.attribution = "inherited"
        if q._ref is not None:
            previous = q


def _fuller_office(full_title, title):
    """Whether ``full_title`` is ``title`` with a place or domain before it
    ("Gyeonggi Governor" for "governor", "Health Minister" for "minister")."""
    if not full_title or not title:
        return False
    words, short = full_title.split(), title.split()
    if len(words) <= len(short) or [w.lower() for w in words[-len(short) :]] != [
        w.lower() for w in short
    ]:
        return False
    lead = words[: -len(short)]
    return all(
        (w[:1].isupper() and w.lower() not in lexicon.TITLE_WORDS) or w == "and" for w in lead
    )


def _named_inside_quotes(person, quotes):
    return person.start in SpanSet((q.start, q.end) for q in quotes)


def _fill_details(q, people, index):
    ref = q._ref
    if ref is None:
        return
    full = None
    if ref.kind == "pronoun":
        full = people.last_before(ref.start)
        ref_title = ref_inst = None
    elif ref.kind == "surname":
        full = people.resolve_surname(ref.name, ref.start)
        ref_title, ref_inst = ref.title, ref.institution
    elif ref.kind == "title":
        full = people.with_title(ref.title, ref.start) or people.last_before(ref.start)
        ref_title, ref_inst = ref.title, ref.institution
        if full is not None and _fuller_office(full.title, ref_title):
            # "the governor said" for "Gyeonggi Governor Lim": the office as the
            # mention writes it, with its place or domain.
            ref_title = full.title
    else:
        full = ref
        ref_title, ref_inst = ref.title, ref.institution
    if full is None:
        q.speaker = ref.name if ref.kind in ("surname", "name") else None
        q.title = ref_title
        q.institution = ref_inst
        return
    q._bare = ref_title is None and ref_inst is None and (ref.kind != "name" or ref is not full)
    name = full.name
    if ref.kind == "name" and ref.name:
        name = ref.name
        longer = people.resolve_surname(ref.name.split()[-1], ref.start)
        if longer and longer.name != ref.name and ref.name in longer.name:
            name = longer.name
    q.speaker = name
    mentions = list(people.named(name))
    if ref is not full:
        mentions = [full, *mentions] if full not in mentions else mentions
    if ref.kind == "name":
        mentions = [ref, *mentions]
    title = ref_title
    inst = ref_inst
    weak = None
    for m in mentions:
        if title is not None and inst is not None:
            break
        if title is None and m.title:
            title = m.title
            if m.weak_institution and m.institution is None:
                weak = (m.weak_title, m.weak_institution)
        if inst is None and m.institution:
            inst = m.institution
    if ref.kind == "name" and ref.weak_institution and ref.institution is None:
        weak = weak or (ref.weak_title, ref.weak_institution)
    if inst is None and weak is not None:
        title, inst = weak
    if inst is None and title and title.lower().split()[-1] in _UNIVERSITY_OFFICES:
        # "The Vice-Chancellor, Professor X, said": an office only a university
        # has is the one of the university the article named.
        inst = _main_university(index)
    q.title = title
    q.institution = inst


def _main_university(index):
    """The university the article is about: the one named most often (the first
    of those on a tie)."""
    if index is None:
        return None
    counts = {}
    for m in index.mentions:
        if m.canonical and re.search(r"\buniversit", m.canonical, re.I):
            counts[m.canonical] = counts.get(m.canonical, 0) + 1
    return max(counts, key=counts.get) if counts else None


_UNIVERSITY_OFFICES = frozenset({"vice-chancellor", "provost", "rector", "pro-vice-chancellor"})
