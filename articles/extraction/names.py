"""People: names, titles and affiliations as news writing gives them.

Handles titles before names ("IVI Director-General Jerome Kim", "Dean Song"),
appositives after them ("Kim, dean of X"), possessive institutions
("Moderna's chief medical officer Paul Burton"), courtesy and academic prefixes
(Dr., Prof., Sir), letters after names (", M.D."), Korean family-name-first
order ("Choi Jae-young") and initials ("Harold M. Maurer").
"""

import bisect
import dataclasses
import re
from dataclasses import dataclass

from . import lexicon
from .text import SpanSet
from .tokens import NAME_PARTICLES, is_acronym, is_name_word, tokenize


@dataclass
class Person:
    """A reference to a person found in the text."""

    kind: str  # name, surname, pronoun, title
    name: str | None = None  # full name as written (kind == name) or surname
    title: str | None = None
    institution: str | None = None
    weak_institution: str | None = None  # a generic unit split off the title
    weak_title: str | None = None  # the title without that unit
    start: int = 0


_POSITION_RE = re.compile(
    r"\s*\((?:from\s+)?(?:left|right|center|centre|middle|front|second|third|fourth|pictured)[^)]*\)",
    re.I,
)
_DEGREE_RE = re.compile(
    r"^(?:M\.?D\.?|Ph\.?D\.?|D\.?Phil\.?|M\.?P\.?H\.?|MBA|RN|Jr\.?|Sr\.?|II|III|IV|FRCP|FACS|"
    r"DDS|DMD|D\.?O\.?|MSc|BSc|Pharm\.?D\.?|Dr\.?P\.?H\.?|Sc\.?D\.?|M\.?S\.?|M\.?A\.?|"
    r"OBE|CBE|MBE|Esq\.?)$",
    re.I,
)
_LEADING_CLAUSE_RE = re.compile(
    r"^(?:in|at|during|on|after|before|speaking|addressing|meanwhile|also|however|for|"
    r"later|earlier|then|likewise|similarly|moreover|furthermore|additionally|asked|"
    r"commenting|responding|reflecting|looking|explaining|referring|when|while|as|"
    r"with|through|since|to|under|by|following|ahead|upon|regarding|echoing|"
    r"in addition|for (?:his|her|their) part)\b",
    re.I,
)
_ADVERBS = frozenset(
    {
        "also",
        "then",
        "further",
        "later",
        "earlier",
        "again",
        "once",
        "recently",
        "previously",
        "too",
        "himself",
        "herself",
        "both",
        "similarly",
        "additionally",
    }
)


def strip_positions(value):
    return _POSITION_RE.sub("", value)


def split_pieces(chunk):
    """Split at commas that are not inside parentheses."""
    pieces, depth, current = [], 0, []
    for ch in chunk:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            pieces.append("".join(current))
            current = []
        else:
            current.append(ch)
    pieces.append("".join(current))
    return [p.strip() for p in pieces if p.strip()]


def parse_speaker(chunk, *, index=None, pos=0):
    """Parse the words that name a speaker: "Kim, dean of X", "he", "Dr. Maurer"."""
    chunk = strip_positions(chunk).strip(" ,;:-–—")
    chunk = re.sub(r"\s+", " ", chunk)
    if not chunk:
        return None
    # Degrees and an age (", 71,") are not part of the name, title or affiliation.
    pieces = [p for p in split_pieces(chunk) if not _DEGREE_RE.match(p) and not p.isdigit()]
    # "In his welcoming speech, Professor X, ..." : drop a leading adverbial clause.
    while len(pieces) > 1 and _LEADING_CLAUSE_RE.match(pieces[0]) and not _name_piece(pieces[0]):
        pieces = pieces[1:]
    if len(pieces) > 1 and _LEADING_CLAUSE_RE.match(pieces[0]):
        named = _name_piece(pieces[0])
        if (
            named
            and _LEADING_CLAUSE_RE.match(pieces[0])
            and re.match(r"^(?:at|in|during|on)\b", pieces[0], re.I)
        ):
            pieces = pieces[1:]
    for i, piece in enumerate(pieces):
        words = piece.split()
        low = [w.lower() for w in words if w.lower() not in _ADVERBS]
        if low and low[0] in lexicon.PRONOUNS and len(low) <= 2:
            return Person("pronoun", start=pos)
        # "the dean", "the university's president"
        if (
            low
            and low[0] in ("the", "its", "our", "their")
            and low[-1] in lexicon.TITLE_HEADS
            and len(low) <= 5
            and not any(_name_piece(later) for later in pieces[i + 1 :])
        ):
            title = " ".join(words[1:])
            person = Person("title", title=_title_after_possessive(title), start=pos)
            inst = _possessive_institution(words[1:])
            if inst:
                person.institution = (
                    generic_org_reference(inst, index, pos)
                    if inst.lower() in lexicon.GENERIC_ORG_NOUNS
                    else inst
                )
            return person
        parsed = _name_piece(piece)
        of_inst = None
        if parsed is None:
            match = re.match(r"^(?P<p>.+?)\s+(?:of|at|from)\s+(?:the\s+)?(?P<o>[A-Z].*)$", piece)
            if match:
                parsed = _name_piece(match.group("p"))
                org = _affiliation(match.group("o"), index)[0] if parsed else None
                if org:
                    of_inst = org
                elif not (parsed and len(parsed[2]) >= 2 and _is_unit_phrase(match.group("o"))):
                    # "Prof. Yoon Se-ra of the Division of Nephrology": a full name
                    # with only an internal unit is still the speaker.
                    parsed = None
        if parsed is None:
            continue
        pre_inst, title, name_words = parsed
        kind = "name" if len(name_words) >= 2 else "surname"
        person = Person(kind, name=" ".join(name_words), start=pos)
        if title:
            person.title = title
        if pre_inst and index is not None and index.is_unit(pre_inst):
            # "Robotic Surgery Center head Prof. X" where the text also says "the
            # Robotic Surgery Center at Y": a unit, used only when no other
            # mention of the person gives the title and institution.
            person.weak_institution, person.weak_title = pre_inst, person.title
            person.title = None
        elif pre_inst:
            # "Hospital President Nam Gi-tae" at a sentence start is "the hospital's".
            person.institution = (
                generic_org_reference(pre_inst, index, pos, not_named_within=120)
                if pre_inst.lower() in lexicon.GENERIC_ORG_NOUNS
                else pre_inst
            )
        if of_inst and person.institution is None:
            person.institution = of_inst
        # Title before the name as its own piece: "The Dean of the GSAI, Song Chong".
        for before in reversed(pieces[:i]):
            if _is_title_phrase(before):
                _apply_title_phrase(person, before, index)
                break
        rest = [_STUDY_ROLE_RE.sub("", after) for after in pieces[i + 1 :]]
        rest = [after for after in rest if after]
        for k, after in enumerate(rest):
            if _names_another_person(after):
                break  # "A, Gyeonggi Governor Lim Dong-jae, ...": the next person in a list
            if re.match(r"^(?:who|which|whose|where|when|said|says|and)\b", after, re.I):
                # "who directs the dementia program at X": where the person works.
                works = _WORKS_AT_RE.match(after)
                if works and person.institution is None:
                    person.institution = _org_prefix(works.group("org"), index)
                break
            if _is_title_phrase(after):
                if person.title is None or person.institution is None:
                    _apply_title_phrase(person, after, index, keep_title=person.title is not None)
                if person.institution is None and k + 1 < len(rest):
                    # "Lim Wei Ming, Chief Executive Officer, Changi Eastern
                    # Hospital": the institution as its own piece after the title.
                    person.institution = _org_piece(rest[k + 1], index)
                break
            org = _org_piece(after, index)
            if org and person.institution is None:
                person.institution = org
                continue
            of_at = re.match(r"^(?:of|at|from)\s+(?:the\s+)?(?=[A-Z])", after)
            if of_at and person.institution is None:
                # "Kim Hyun-woo, M.D., Ph.D., of the Department of Oncology at X"
                person.institution = _affiliation(after[of_at.end() :], index)[0]
            break
        return person
    # Only a title: "The Dean of the GSAI said".
    for piece in pieces:
        if _is_title_phrase(piece):
            person = Person("title", start=pos)
            _apply_title_phrase(
                person, re.sub(r"^(?:the|its|our)\s+", "", piece, flags=re.I), index
            )
            return person
    return None


# "the study's senior author and a professor of X at Y": a role in the study is
# not a title; the position after it is.
_STUDY_ROLE_RE = re.compile(
    r"^(?:the\s+(?:study|paper|report|trial|article)[’']s\s+|the\s+|an?\s+)?"
    r"(?:(?:senior|first|lead|last|joint|co-?first|co-?senior|co-?corresponding|corresponding)\s+)?"
    r"(?:author|co-?author)(?:\s+of\s+the\s+(?:study|paper|report))?(?:\s+and\s+|$)"
)


_PLACE_OFFICES = frozenset({"governor", "mayor", "vice-governor", "premier"})
_STUDY_ROLE_WORDS = frozenset({"co-author", "coauthor", "author", "co-investigator", "co-lead"})

_WORKS_AT_RE = re.compile(
    r"^who\s+(?:leads|directs|heads|runs|chairs|oversees|manages|works|teaches|serves)\b"
    r"[^,;]*?\bat\s+(?:the\s+)?(?P<org>[A-Z].*)$"
)


def _title_after_possessive(title):
    match = re.match(r"^.*?[’']s\s+(.+)$", title)
    return match.group(1) if match else title


def _possessive_institution(words):
    for i, w in enumerate(words):
        if re.search(r"\w[’']s?$", w):
            return re.sub(r"[’']s?$", "", " ".join(words[: i + 1]))
    return None


def _name_piece(piece):
    """(institution, title, name words) when the piece ends in a person's name."""
    tokens = [t for t in tokenize(piece) if t.text not in ("(", ")")]
    # Trailing adverbs: "Kim also".
    while tokens and tokens[-1].text.lower() in _ADVERBS:
        tokens.pop()
    if not tokens:
        return None
    # Collect name words from the right.
    j = len(tokens)
    while j > 0:
        t = tokens[j - 1]
        # A possessive only at the very end: "Professor Lee Hyun-jung's (team)".
        if is_name_word(t) and (not t.is_possessive or j == len(tokens)):
            j -= 1
            continue
        if (
            t.text in NAME_PARTICLES
            and j < len(tokens)
            and j - 1 > 0
            and is_name_word(tokens[j - 2])
        ):
            j -= 1
            continue
        break
    name_tokens = tokens[j:]
    # "Co-author Min Kyu-ho": a role in the study, capitalised at a sentence
    # start, is no part of the name (and no title).
    while len(name_tokens) > 1 and name_tokens[0].lower in _STUDY_ROLE_WORDS:
        j += 1
        name_tokens = name_tokens[1:]
    if not name_tokens:
        return None
    if all(re.fullmatch(r"[A-Z]\.?", t.text) for t in name_tokens):
        return None
    before = tokens[:j]
    # A piece that is mostly lowercase words is narration, not a name.
    if (
        before
        and sum(1 for t in before if t.is_word and not t.is_cap) > 3
        and not any(t.lower in lexicon.TITLE_WORDS for t in before)
    ):
        return None
    if before and before[-1].text in ("of", "for", "and", "at", "in"):
        # "Vice President for Global Engagement Jane Smith": the domain words run
        # into the name; a name has two words (three with an initial).
        keep = 3 if len(name_tokens) >= 3 and re.fullmatch(r"[A-Z]\.", name_tokens[-2].text) else 2
        if len(name_tokens) <= keep:
            return None
        before = before + name_tokens[:-keep]
        name_tokens = name_tokens[-keep:]
    if len(name_tokens) > 4:
        if before and before[-1].lower in lexicon.TITLE_WORDS:
            name_tokens = name_tokens[:4]
        else:
            return None
    # Prefixes right before the name are dropped, with the rank of a
    # professorship ("Associate Professor Rajesh Pillai").
    while before and before[-1].lower in lexicon.NAME_PREFIXES:
        prefix = before.pop()
        if prefix.lower in ("professor", "prof"):
            while before and before[-1].lower in lexicon.PROFESSOR_RANKS:
                before.pop()
    inst = None
    title_tokens = before
    # "Moderna's Chief Medical Officer": the possessive is the institution.
    for k, t in enumerate(before):
        if t.is_possessive and k < len(before) - 1 and before[k + 1].lower not in lexicon.ORG_HEADS:
            inst = piece[before[0].start : t.start + len(t.bare)]
            inst = re.sub(r"^(?:the|The)\s+", "", inst)
            title_tokens = before[k + 1 :]
            break
    if title_tokens:
        # "IVI Director-General", "KAIST President", "Seoul National University President"
        k = 0
        while k < len(title_tokens) and not _starts_title(title_tokens, k):
            k += 1
        if 0 < k < len(title_tokens):
            lead = title_tokens[:k]
            if len(lead) == 1 and lead[0].lower in lexicon.NATIONALITIES:
                # "Uzbek Deputy Minister of Health X": a nationality, no institution.
                title_tokens = title_tokens[k:]
            elif (
                title_tokens[k].lower in ("minister", "secretary", "commissioner")
                and (
                    (len(lead) <= 2 and all(t.lower in lexicon.MINISTRY_DOMAINS for t in lead))
                    # "Food and Drug Safety Minister", "Oceans and Fisheries Minister": a
                    # domain joined by "and", with no organisation head in it.
                    or (
                        len(lead) <= 6
                        and any(t.text == "and" for t in lead[1:-1])
                        and all(t.is_cap or t.text == "and" for t in lead)
                        and not any(_is_head_word(t) for t in lead)
                    )
                )
            ):
                # "Education Minister X", "Health Secretary X": the office's domain is
                # part of the title (the ministry is found from it).
                pass
            elif title_tokens[k].lower in _PLACE_OFFICES and not any(
                _is_head_word(t) for t in lead
            ):
                # "Gyeonggi Governor X", "Busan Mayor Y": the place is part of the
                # office; a government of a place is no institution.
                pass
            # "KAIST's Graduate School of X Dean Nam": the unit is the institution.
            elif all(t.is_cap or t.text in ("of", "and", "the", "for") for t in lead):
                inst = piece[lead[0].start : lead[-1].end]
                inst = re.sub(r"^(?:the|The)\s+", "", inst)
                title_tokens = title_tokens[k:]
            elif (
                len(lead) <= 2
                and lead[-1].lower in lexicon.GENERIC_ORG_NOUNS
                # "medical center Director Y": a lowercase word may qualify the noun.
                and all(t.lower in ("the", "its") or not t.is_cap for t in lead[:-1])
            ):
                # "foundation Chairwoman Cha": the foundation named before (the
                # caller resolves the common noun).
                inst = lead[-1].lower
                title_tokens = title_tokens[k:]
        elif k == len(title_tokens) and inst is None:
            # No title word before the name: only capitalised words that are not a
            # title ("said Lee Kim") or narration.
            if any(t.is_word and not t.is_cap for t in title_tokens):
                title_tokens = []
                if len(name_tokens) < 2:
                    return None
            else:
                title_tokens = []
    # Drop prefixes inside the title run ("Professor Ivy Ng" -> no title).
    while title_tokens and title_tokens[-1].lower in lexicon.NAME_PREFIXES:
        title_tokens = title_tokens[:-1]
    while title_tokens and title_tokens[0].text.lower() in ("the", "a", "an"):
        title_tokens = title_tokens[1:]
    title = piece[title_tokens[0].start : title_tokens[-1].end] if title_tokens else None
    if title and not any(t.lower in lexicon.TITLE_WORDS for t in title_tokens):
        title = None
    if (
        len(name_tokens) == 1
        and title is None
        and inst is None
        and before
        and before[-1].lower not in lexicon.NAME_PREFIXES
    ):
        return None  # a lone capitalised word is a surname only with nothing around it
    words = [_clean_name_word(t.text) for t in name_tokens]
    return inst, title, words


def _starts_title(tokens, k):
    low = tokens[k].lower
    if low in lexicon.NAME_PREFIXES:
        return True
    if low not in lexicon.TITLE_WORDS:
        return False
    if low in lexicon.AMBIGUOUS_TITLE_WORDS:
        # "Medical" starts a title only in "Chief Medical Officer"-like runs, and
        # never right after an organisation head ("Hanbit Medical Center CEO").
        nxt = tokens[k + 1].lower if k + 1 < len(tokens) else ""
        return nxt in lexicon.TITLE_WORDS and nxt not in lexicon.ORG_HEADS
    return True


def _clean_name_word(word):
    return re.sub(r"[’']s$", "", word)


def _is_title_phrase(piece):
    raw = re.findall(r"[A-Za-z][\w\-]*(?:[’']s?(?![A-Za-z]))?", piece)
    if not raw:
        return False
    words = [re.sub(r"[’']s?$", "", w) for w in raw]
    possessive = [w != r for w, r in zip(words, raw, strict=True)]
    lows = [w.lower() for w in words]
    i = 0
    while i < len(lows) and lows[i] in (
        "the",
        "a",
        "an",
        "its",
        "our",
        "their",
        "former",
        "then",
        "now",
        "newly",
        "appointed",
    ):
        i += 1
    if i < len(lows) and lows[i] in lexicon.TITLE_WORDS:
        return True
    # "NTU President", "UNMC's associate dean", "Brightline's chief scientific
    # officer", "the hospital's nursing director": an institution, then a title.
    for k in range(i, min(len(lows), i + 7)):
        if lows[k] in lexicon.TITLE_HEADS:
            owner = next((j for j in range(i, k) if possessive[j]), None)
            if owner is not None:
                named = all(
                    w[:1].isupper() or w.lower() in ("of", "and", "the")
                    for w in words[i : owner + 1]
                ) or (owner == i and lows[owner] in lexicon.GENERIC_ORG_NOUNS)
                return named and k - owner <= 4
            lead = words[i:k]
            if 0 < len(lead) <= 2 and all(w.islower() for w in lead):
                return True  # "research director", "managing director"
            return all(
                w[:1].isupper()
                or w.lower() in ("of", "and", "the")
                or w.lower() in lexicon.TITLE_WORDS
                for w in lead
            )
    return False


def _apply_title_phrase(person, phrase, index, *, keep_title=False):
    # "..., and Norrland Medtech's founder and CEO, Mikael Strand": the
    # conjunction joins two people and is no part of the institution.
    phrase = re.sub(r"^(?:and|or|while)\s+", "", phrase.strip())
    title, inst, weak_inst, weak_title = split_title(phrase, index, pos=person.start)
    if not keep_title:
        person.title = title
    if inst and person.institution is None:
        person.institution = inst
    if weak_inst and person.weak_institution is None:
        person.weak_institution = weak_inst
        person.weak_title = weak_title


def _org_piece(piece, index):
    piece = re.sub(r"^(?:the|The)\s+", "", piece.strip())
    piece = re.sub(r"\s*\([^)]*\)$", "", piece)
    if index is not None and index.canonical(piece):
        return piece
    words = piece.split()
    if (
        words
        and any(w.lower() in lexicon.ORG_HEADS for w in words)
        and all(w[:1].isupper() or w in ("of", "and", "the", "for") for w in words)
    ):
        return piece
    return None


_MONTH_NAMES = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_TIME_AFTER_TITLE_RE = re.compile(
    rf"\s+(?:since|from|until|till|through)\s+(?:\d{{4}}|{_MONTH_NAMES}(?:\s+\d{{1,2}},?)?(?:\s+\d{{4}})?|"
    r"[A-Z][a-z]+\s+\d{4}|(?:last|next|this)\s+(?:year|month|week))\b.*$"
)
_TEAM_AFTER_TITLE_RE = re.compile(
    r"\s+(?:on|in|with)\s+(?:the|his|her|their|our|its|[A-Z][\w\-]*[’']s)\s+"
    r"(?:[A-Z][\w\-]*\s+)?(?:research\s+)?"
    r"(?:team|group|lab|laboratory|project|study|trial|panel)\b.*$"
)


def split_title(phrase, index=None, *, pos=None):
    """Split "dean of Yonsei University College of Medicine" into title and institution.

    Returns (title, institution, weak_institution, weak_title). A generic unit
    ("Director of the Medical Center") stays in the title; it is offered as a weak
    institution in case the article names no other. "the hospital's
    superintendent" gives the hospital the article named last before ``pos``.
    """
    phrase = strip_positions(phrase).strip(" ,.;")
    owner = None
    if re.match(r"^(?:its|their)\s", phrase) and index is not None and pos is not None:
        owner = index.last_before(pos)  # "its new director": the body just named
    phrase = re.sub(r"^(?:the|The|a|an|its|our|their|former|then)\s+", "", phrase)
    phrase = re.sub(r"^(?:new|next)\s+(?=\w)", "", phrase)
    if owner is not None and not re.search(r"\s(?:of|at)\s", phrase):
        return phrase or None, owner, None, None
    # "director since 2011": the time belongs to the sentence, not the title.
    phrase = _TIME_AFTER_TITLE_RE.sub("", phrase)
    # "postdoctoral fellow on the team", "a researcher in Hartmann's group": where
    # in a team someone works is not part of the position.
    phrase = _TEAM_AFTER_TITLE_RE.sub("", phrase)
    generic = re.match(r"^([a-z]+)[’']s\s+(.+)$", phrase)
    if generic and generic.group(1) in lexicon.GENERIC_ORG_NOUNS:
        referent = generic_org_reference(generic.group(1), index, pos)
        title, _, _, _ = split_title(generic.group(2), index, pos=pos)
        return title, referent, None, None
    # "president of the society and a professor at X": a second role joined by
    # "and a" after a first one that already says where is dropped.
    second = re.match(r"^(?P<first>.+?\s(?:of|at)\s.+?)\s+and\s+(?:a|an)\s+[a-z]", phrase)
    if second:
        phrase = second.group("first")
    # "a doctoral researcher at the institute": the institute named before.
    generic_at = re.match(r"^(?P<t>.+?)\s+(?:at|of|with)\s+the\s+(?P<n>[a-z]+)$", phrase)
    if generic_at and generic_at.group("n") in lexicon.GENERIC_ORG_NOUNS:
        referent = generic_org_reference(generic_at.group("n"), index, pos)
        if referent:
            return generic_at.group("t"), referent, None, None
    # "director general of the ministry's Biopharmaceutical Bureau": a unit of
    # the body named before; the unit stays in the title, the body is the
    # institution.
    owned_unit = re.match(r"^(?P<t>.+?)\s+(?:of|at)\s+the\s+(?P<n>[a-z]+)[’']s\s+[A-Z]", phrase)
    if owned_unit and owned_unit.group("n") in lexicon.GENERIC_ORG_NOUNS:
        referent = generic_org_reference(owned_unit.group("n"), index, pos)
        if referent:
            return phrase, referent, None, None
    # "dean of BU's Office of International Affairs": an internal unit written
    # with its organisation's possessive; the unit stays in the title.
    named_unit = re.match(
        r"^(?P<t>.+?)\s+(?:of|at)\s+(?:the\s+)?(?P<o>[A-Z][\w\-&.]*(?:\s+[A-Z][\w\-&.]*){0,6})"
        r"[’']s\s+(?P<u>[A-Z].*)$",
        phrase,
    )
    if (
        named_unit
        and index is not None
        and index.canonical(named_unit.group("o"))
        and _is_unit_phrase(named_unit.group("u"))
    ):
        return phrase, named_unit.group("o"), None, None
    # "NTU President": institution first.
    words = phrase.split()
    lead = []
    for k, w in enumerate(words):
        low = w.lower()
        if low in lexicon.TITLE_WORDS and (
            low not in lexicon.AMBIGUOUS_TITLE_WORDS
            or (
                k + 1 < len(words)
                and words[k + 1].lower() in lexicon.TITLE_WORDS
                and words[k + 1].lower() not in lexicon.ORG_HEADS
            )
        ):
            break
        lead.append(w)
    pre_inst = None
    if (
        lead
        and len(lead) < len(words)
        and all(w[:1].isupper() or w in ("of", "and", "the") for w in lead)
    ):
        pre_inst = re.sub(r"[’']s?$", "", " ".join(lead))
        phrase = " ".join(words[len(lead) :])
    # A second role ("... at Duke University and president of ...") is dropped.
    for match in re.finditer(r"\s+(?:at|of|with|from|in)\s+(?:the\s+|The\s+)?", phrase):
        rest = phrase[match.end() :]
        org = _org_prefix(rest, index)
        if not org:
            continue
        word = match.group().split()[0]
        if word in ("of", "in") and re.search(
            r"\s+at\s+(?:the\s+|The\s+)?[A-Z]", phrase[match.end() :]
        ):
            continue  # "Director of the International Medical Center ... at Daedong Hospital"
        title = phrase[: match.start()].strip()
        if not title:
            continue
        listed = index is not None and index.canonical(org)
        if _is_generic_unit(org) and not listed and match.group().strip().lower().startswith("of"):
            # A generic unit the article names in its own right ("Hanul
            # University's College of Pharmacy") is an institution like any other.
            return phrase_until(phrase, match.end() + len(org)), pre_inst, org, title
        return title, pre_inst or org, None, None
    return phrase or None, pre_inst, None, None


_MINISTER_OF_RE = re.compile(
    r"\bMinister\s+(?:of|for)\s+(?P<domain>[A-Z][\w\-]*(?:\s+(?:and\s+)?[A-Z][\w\-]*)*)"
)


# "Vice Health Minister", "Foreign Minister": the domain before the office.
_DOMAIN_MINISTER_RE = re.compile(
    r"\b(?P<domain>[A-Z][a-z][\w\-]*(?:\s+and\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?)?)"
    r"\s+(?:Vice[\s\-]|Deputy\s+)?Minister\b(?!\s+(?:of|for)\b)"
)
_DOMAIN_OF_ADJECTIVE = {"foreign": "foreign affairs", "finance": "finance", "justice": "justice"}


def ministry_of_title(title, index):
    """ "Deputy Minister of Health", "Vice Health Minister": the article's
    Ministry of Health (and Welfare), by its listed name."""
    match = _MINISTER_OF_RE.search(title or "") or _DOMAIN_MINISTER_RE.search(title or "")
    if not match or index is None:
        return None
    domain = match.group("domain")
    if domain.lower() in lexicon.TITLE_WORDS or domain.lower() in lexicon.PROFESSOR_RANKS:
        return None  # "Vice Minister", "Prime Minister" name no domain
    domain = _DOMAIN_OF_ADJECTIVE.get(domain.lower(), domain)
    wanted = _key_form(f"ministry of {domain}")
    best = None
    for alias, target in index.aliases.items():
        if alias.startswith(wanted) and not alias[len(wanted) : len(wanted) + 1].isalnum():
            best = best or target
    return best


def generic_org_reference(noun, index, pos, *, not_named_within=0):
    """The institution "the hospital" or "the institute's" refers to: the
    latest one named before ``pos`` whose name has that head, else the first one
    named soon after ("the ministry's vice minister, X, said ... The Ministry of
    Health ...")."""
    if index is None or pos is None:
        return None
    head = lexicon.GENERIC_ORG_NOUNS.get(noun.lower())
    if not head:
        return None
    if not_named_within:
        # "Hospital Director A and Y Hospital Director B signed": an organisation
        # the sentence goes on to name with its own head is not the one meant.
        named_next = {
            m.canonical for m in index.in_range(pos, pos + not_named_within) if m.canonical
        }
        for m in reversed([m for m in index.mentions if m.start < pos]):
            if (
                m.canonical
                and m.canonical not in named_next
                and re.search(rf"\b{head}\b", m.canonical, re.I)
            ):
                return m.canonical
    return index.last_before(pos, head=head) or index.first_after(pos, head=head, within=500)


def phrase_until(phrase, end):
    return phrase[:end].strip()


def _is_generic_unit(org):
    words = [
        w.lower() for w in re.findall(r"[A-Za-z]+", org) if w.lower() not in ("of", "the", "and")
    ]
    content = [w for w in words if w not in lexicon.ORG_HEADS]
    return len(content) <= 1 and all(w in lexicon.GENERIC_WORDS for w in content)


# An internal unit's name at the start of a phrase: "Department of Cardiology",
# "Immunology Division".
_UNIT_START = (
    r"(?:[A-Z][\w’'\-]*\s+)?(?:Department|Division|Office|Section|Unit|Bureau|Lab|"
    r"Laboratory|Program|Programme|Team|Ward|Clinic)"
)
_UNIT_AT_RE = re.compile(
    rf"^(?P<unit>{_UNIT_START}(?:\s+(?:of|for|and|on|the|&|[A-Z][\w’'\-]*))*?)"
    r",?\s+at\s+(?:the\s+|The\s+)?(?=[A-Z])"
)
_UNIT_START_RE = re.compile(rf"^{_UNIT_START}\b")


def _is_unit_phrase(rest):
    return bool(_UNIT_START_RE.match(rest))


def _affiliation(rest, index):
    """The organisation someone is "of" or "at", and how much of rest it takes.

    An internal unit followed by its parent ("Department of Cardiology at Hanbit
    University College of Medicine") gives the parent: the unit is where the
    person works inside the organisation they represent."""
    unit = _UNIT_AT_RE.match(rest)
    if unit:
        parent = _org_prefix(rest[unit.end() :], index)
        if parent:
            return parent, unit.end() + len(parent)
    org = _org_prefix(rest, index)
    return org, len(org) if org else 0


def _org_prefix(rest, index):
    """The organisation name at the start of rest, as written, if there is one."""
    found = _org_prefix_by_shape(rest, index)
    if index is not None:
        # The longest name the article lists that starts here, whatever its shape
        # ("Red River University of Medicine and Pharmacy", "Kaleva Children's Hospital").
        head = _key_form(rest[:200])
        best = None
        for alias in index.aliases:
            fits = head.startswith(alias) and not head[len(alias) : len(alias) + 1].isalnum()
            if fits and (best is None or len(alias) > len(best)):
                best = alias
        if best is not None and len(best) >= 2 and len(best) > len(found or ""):
            return rest[: len(best)]
    return found


def _org_prefix_by_shape(rest, index):
    tokens = tokenize(rest, 0, min(len(rest), 200))
    out = []
    for i, t in enumerate(tokens):
        if t.is_word and (t.is_cap or t.text[:1].isdigit()):
            out.append(t)
            if t.is_possessive:
                break
            continue
        if (
            t.text in ("of", "for", "the", "de", "&")
            and out
            and i + 1 < len(tokens)
            and tokens[i + 1].is_cap
        ):
            out.append(t)
            continue
        if (
            t.text == "and"
            and out
            and i + 1 < len(tokens)
            and tokens[i + 1].is_cap
            and not _is_head_word(out[-1])
            and tokens[i + 1].lower not in lexicon.TITLE_WORDS
            # "of the College of Pharmacy and ILRB Director X": an acronym with a
            # title after it is the next person's organisation.
            and not (
                is_acronym(tokens[i + 1].text)
                and i + 2 < len(tokens)
                and tokens[i + 2].lower in lexicon.TITLE_WORDS
            )
        ):
            out.append(t)
            continue
        if t.text == "(" and out:
            # "(Orthopedic Specialist)" after a unit name is not the institution.
            break
        break
    while out and not out[-1].is_cap:
        out.pop()
    # Cut at a title word ("Duke University President"), never inside a name.
    for k, t in enumerate(out):
        if k > 0 and t.lower in lexicon.TITLE_HEADS and not _is_head_word(t):
            out = out[:k]
            break
    if not out:
        return None
    name = rest[out[0].start : out[-1].start + len(out[-1].bare)]
    if name.lower().split()[0] in lexicon.PLACES and len(name.split()) == 1:
        return None
    if index is not None and index.canonical(name):
        return name
    if index is not None and index.is_unit(name):
        return None  # "Robotic Surgery Center head X", where the text says "... Center at Y"
    words = [t.lower for t in out]
    if any(w in lexicon.ORG_HEADS for w in words) or is_acronym(out[0].text):
        return name
    if len(out) <= 3 and all(is_name_word(t) for t in out[:1]) is not False:
        return name if index is None else None
    return None


def _key_form(value):
    """The form of ``InstitutionIndex.aliases`` keys, keeping every offset."""
    return value.replace("’", "'").lower()


def _is_head_word(token):
    return token.lower in lexicon.ORG_HEADS


# ---------------------------------------------------------------- mentions

_SAID = "|".join(sorted(lexicon.SPEECH_VERBS, key=len, reverse=True))


def find_person_mentions(text, *, index=None, skip_spans=()):
    """Every place a person is named with enough around it to be sure it is a person.

    Returns a list of Person (kind "name" or "surname") sorted by position.
    """
    mentions = []
    # Words inside an organisation's name are never a person ("... Institute
    # for Ageing Research, said").
    org_spans = [
        (m.start, m.end)
        for m in (index.mentions if index is not None else [])
        if m.evidence in ("head", "context")
    ]
    skip_spans = SpanSet(list(skip_spans) + org_spans)
    tokens = tokenize(text)
    n = len(tokens)
    i = 0
    while i < n:
        t = tokens[i]
        if not is_name_word(t) or t.start in skip_spans:
            i += 1
            continue
        j = i
        while (
            j < n
            and (
                is_name_word(tokens[j])
                or (tokens[j].text in NAME_PARTICLES and j + 1 < n and is_name_word(tokens[j + 1]))
            )
            and j - i < 5
        ):
            if tokens[j].is_possessive:
                j += 1
                break
            if j > i and tokens[j].start - tokens[j - 1].end > 1:
                break
            j += 1
        name_tokens = tokens[i:j]
        cue = _mention_cue(text, tokens, i, j)
        if cue and 1 <= len(name_tokens) <= 4:
            chunk_start = cue[0]
            if len(name_tokens) >= 2:
                chunk_start = _title_before(text, chunk_start)
            name_end = name_tokens[-1].end
            # "Elena Marsh (left), president of X": a caption's position
            # marker stands between the name and its appositive.
            marker = _PHOTO_POSITION_RE.match(text, name_end)
            if marker:
                name_end = marker.end()
            chunk_end = _appositive_end(text, name_end)
            of_match = re.match(
                r"\s+(?:of|at|from)\s+(?:the\s+)?(?=[A-Z])", text[chunk_end : chunk_end + 12]
            )
            if of_match:
                org, used = _affiliation(text[chunk_end + of_match.end() : chunk_end + 300], index)
                if org:
                    chunk_end = chunk_end + of_match.end() + used
            if not of_match and chunk_end > name_end:
                chunk_end = _institution_piece_end(text, chunk_end, index)
            shared = None
            if not of_match:
                # "Professors Choi Ji-hye and Park Sang-woo of the Department of X
                # at Y": the affiliation after the second name is both people's.
                pair = _SHARED_AFFILIATION_RE.match(text, chunk_end, chunk_end + 90)
                if pair:
                    shared = _affiliation(text[pair.end() : pair.end() + 300], index)[0]
            chunk = text[chunk_start:chunk_end]
            person = parse_speaker(chunk, index=index, pos=name_tokens[0].start)
            if person is not None and person.institution:
                person.institution = _whole_name_around(person.institution, chunk_start, index)
            if person is not None and person.institution is None and person.title:
                person.institution = ministry_of_title(person.title, index)
            if person is not None and shared and person.institution is None:
                person.institution = shared
            if person is not None and person.institution is None and person.title:
                person.institution = _bracketed_head_of(text, chunk_start, index)
            if (
                person is not None
                and person.kind == "surname"
                and re.match(r",\s+(?:a|an)\s", text[name_tokens[-1].end :])
            ):
                # "Baek, a nuclear medicine specialist, said": a description on a
                # second reference, not the position the first mention gave.
                person.title = None
            if (
                person is not None
                and person.kind in ("name", "surname")
                and person.name
                and person.name.split()[-1] == _clean_name_word(name_tokens[-1].text)
            ):
                if person.kind == "name" and person.title is None:
                    _apply_appointment(
                        text, person, name_tokens[0].start, name_tokens[-1].end, index
                    )
                mentions.append(person)
        i = max(j, i + 1)
    return mentions


_PHOTO_POSITION_RE = re.compile(
    r"\s*\((?:left|right|center|centre|front|back|middle|(?:second|third|fourth|fifth|sixth)"
    r"\s+from\s+(?:left|right))\)",
    re.IGNORECASE,
)
_APPOINTED = (
    r"(?:appointed|named|elected|selected|chosen|inaugurated|installed|confirmed|"
    r"(?:took|taken|has\s+taken|assumed|has\s+assumed)\s+office)"
)
_APPOINTED_SUBJECT_RE = re.compile(
    r"(?:\s+of\s+(?:the\s+)?[A-Z][^,.;]{0,80}?)?\s+(?:(?:has|have|had|was|were|is|will\s+be)\s+)?"
    rf"(?:been\s+)?{_APPOINTED}\s+(?:as\s+)?(?P<t>(?:(?:the|its|their)\s+)?[^,.;]{{2,120}}?)"
    r"(?=[,.;]|\s+(?:effective|from|on|starting|succeeding|after|for\s+a)\b|$)"
)
_APPOINTED_OBJECT_RE = re.compile(rf"\b{_APPOINTED}\s+(?:(?:Professor|Prof\.|Dr\.?|Dr)\s+)?$")
_AS_TITLE_RE = re.compile(
    r"\s+as\s+(?P<t>(?:the\s+|its\s+|their\s+)?[^,.;]{2,120}?)"
    r"(?=[,.;]|\s+(?:effective|from|on|starting|succeeding|after|for\s+a)\b|$)"
)


_SHARED_AFFILIATION_RE = re.compile(
    r"\s+and\s+(?:(?:Prof\.|Professor|Dr\.?)\s+)?(?:[A-Z][\w’'\-]*\s+){1,3}?(?:of|at)\s+"
    r"(?:the\s+)?(?=[A-Z])"
)


def _bracketed_head_of(text, pos, index):
    """ "Gyeongdong Hospital (Director Yoon Sang-cheol) signed ...": Korean
    releases put the head of an organisation in brackets after its name; the
    person there is that organisation's."""
    if index is None or not re.search(r"\(\s*$", text[max(0, pos - 3) : pos]):
        return None
    for m in reversed(index.in_range(max(0, pos - 160), pos)):
        if m.canonical and re.fullmatch(r"\s*\(\s*", text[m.end : pos]):
            return text[m.start : m.end]
    return None


def _institution_piece_end(text, pos, index):
    """ "Mr Kenji Arakawa, Managing Director, Hoshizora Diagnostics Singapore, said
    ...": in Singapore style the institution is the comma piece after the title;
    the mention runs to its end when an organisation fills that whole piece."""
    comma = re.match(r",\s+(?:the\s+)?", text[pos : pos + 8])
    if comma is None or index is None:
        return pos
    begin = pos + comma.end()
    for m in index.in_range(begin, begin + 120):
        if m.start == begin and re.match(r"\s*,|\s+(?:said|says|added|noted)\b", text[m.end :]):
            return m.end
    return pos


def _apply_appointment(text, person, start, end, index):
    """The office a person is appointed to, when the article gives no other title:
    "X has taken office as the 14th president of Y", "appointed X as its next director"."""
    match = _APPOINTED_SUBJECT_RE.match(text, end, min(len(text), end + 260))
    if match is None and _APPOINTED_OBJECT_RE.search(text[max(0, start - 40) : start]):
        match = _AS_TITLE_RE.match(text, end, min(len(text), end + 200))
    if match is None:
        return
    phrase = re.sub(r"^(the\s+)?\d+(?:st|nd|rd|th)\s+", r"\1", match.group("t"))
    first = phrase.split()[0].lower() if phrase.split() else ""
    if first not in ("the", "its", "their") and first not in lexicon.TITLE_WORDS:
        return  # "was named a finalist", "was selected for the program"
    title, inst, _weak, _weak_title = split_title(phrase, index, pos=start)
    if title and any(w.lower() in lexicon.TITLE_WORDS for w in title.split()):
        person.title = title
        if person.institution is None and inst:
            person.institution = inst


def _title_before(text, start):
    """Where a title phrase set off by a comma before a name begins ("The
    foundation's chair, Emiko Sato", "led by its new director, Professor X");
    ``start`` when there is none."""
    window_start = max(0, start - 140)
    window = text[window_start:start]
    comma = re.search(r",\s*$", window)
    if not comma:
        return start
    before = window[: comma.start()]
    cut = max(before.rfind(c) for c in '.;:!?\n“”"(),')
    if cut >= 0 and before[cut] == "." and re.search(r"\b(?:St|Dr|Prof|Mr|Ms|Mrs)$", before[:cut]):
        cut = max(before.rfind(c, 0, cut) for c in ';:!?\n“”"(),')
    words = list(re.finditer(r"\S+", before[cut + 1 :]))
    found = None
    for n in range(1, min(8, len(words)) + 1):
        first = words[-n]
        phrase = before[cut + 1 + first.start() :]
        if _is_title_phrase(phrase) and not _ends_in_full_name(phrase):
            found = window_start + cut + 1 + first.start()
    return found if found is not None else start


def _whole_name_around(inst, chunk_start, index):
    """ "Da Nang Central Women's and Children's Hospital Director X": when the
    words before a title begin inside a longer organisation name (cut at its
    "and"), the institution is that whole name."""
    if index is None:
        return inst
    for m in index.mentions:
        if m.start < chunk_start < m.end and _key_form(m.name).endswith(_key_form(inst)):
            return m.canonical or m.name
    return inst


def _names_another_person(piece):
    """ "Gyeonggi Governor Lim Dong-jae": a piece after a name that is itself a
    title and a full name is the next person of a list, not an appositive."""
    parsed = _name_piece(piece)
    return bool(parsed and parsed[1] and len(parsed[2]) >= 2 and _ends_in_full_name(piece))


def _ends_in_full_name(phrase):
    """ "CEO Park Ji-hoon": a phrase before a comma that ends in someone's full
    name is that person's mention, not a title set off before the next name."""
    tokens = [t for t in tokenize(phrase) if t.is_word]
    return len(tokens) >= 3 and is_name_word(tokens[-1]) and is_name_word(tokens[-2])


def _mention_cue(text, tokens, i, j):
    """Why the capitalised words tokens[i:j] are a person; returns (chunk_start,)."""
    first = tokens[i]
    # Title or prefix words right before the name.
    k = i
    while (
        k > 0
        and tokens[k - 1].is_word
        and (
            tokens[k - 1].lower in lexicon.TITLE_WORDS
            or tokens[k - 1].lower in lexicon.NAME_PREFIXES
            or (
                tokens[k - 1].text in ("of", "for", "and")
                and k - 2 >= 0
                and tokens[k - 2].is_cap
                # "A and Professor B": a prefix after "and" starts another person,
                # and so does a title after a name ("X President A and Dean B").
                and not (tokens[k - 1].text == "and" and tokens[k].lower in lexicon.NAME_PREFIXES)
                and not (
                    tokens[k - 1].text == "and"
                    and tokens[k].lower in lexicon.TITLE_WORDS
                    and tokens[k - 2].lower not in lexicon.TITLE_WORDS
                    and is_name_word(tokens[k - 2])
                    and k - 3 >= 0
                    and is_name_word(tokens[k - 3])
                )
            )
            # "Deputy Minister of Health Akmal Yusupov": the domain of a title.
            or (
                tokens[k - 1].is_cap
                and k - 3 >= 0
                and tokens[k - 2].text in ("of", "for")
                and tokens[k - 3].lower in lexicon.TITLE_HEADS
            )
        )
    ):
        k -= 1
    if k < i:
        # Extend over an institution before the title ("IVI Director-General").
        m = k
        while (
            m > 0
            and tokens[m - 1].is_word
            and tokens[m - 1].is_cap
            and tokens[m - 1].lower not in lexicon.STOP_CAPS
        ):
            m -= 1
        # "Food and Drug Safety Minister X": a domain joined by "and" that opens
        # the sentence or a list item belongs to the office.
        if (
            m < k
            and m >= 2
            and tokens[k].lower in ("minister", "secretary", "commissioner")
            and tokens[m - 1].text == "and"
            and tokens[m - 2].is_cap
            and (m - 2 == 0 or re.search(r"(?:^|[.,;:!?\n])\s*$", text[: tokens[m - 2].start]))
        ):
            m -= 2
        if m == k and k > 0 and tokens[k - 1].text in lexicon.GENERIC_ORG_NOUNS:
            m = k - 1  # "foundation Chairwoman Cha Sun-young": the foundation named before
        if any(
            tokens[x].lower in lexicon.TITLE_HEADS or tokens[x].lower in lexicon.NAME_PREFIXES
            for x in range(k, i)
        ):
            return (tokens[m].start,)
    after = text[tokens[j - 1].end : tokens[j - 1].end + 60]
    if j - i < 2:
        # A surname alone is a mention when it speaks ("Vogel said", "Zhou
        # told reporters"); it stands for the full name given elsewhere.
        if re.match(rf"\s+(?:also\s+|then\s+|later\s+)?(?:{_SAID})\b", after) and not re.match(
            r"[’']s\b", text[first.end - 2 : first.end]
        ):
            return (first.start,)
        # "Baek, a nuclear medicine specialist, said ...": a surname that speaks
        # after a description set off by commas.
        described = re.match(
            r",\s+(?:a|an|the|who)\s[^,.;:“”\"]{2,100},\s+(?:also\s+)?(\w+)",
            text[first.end : first.end + 140],
        )
        if described and described.group(1).lower() in lexicon.SPEECH_VERBS:
            return (first.start,)
        return None
    if re.match(
        r",\s*(?:(?:M\.?D\.?|Ph\.?D\.?|MD|PhD|M\.D|MPH)[,.]?\s*)*(?:the\s+|a\s+|an\s+)?(?:[A-Z]{2,}\s+|[A-Z][a-z]+\s+(?:of\s+)?)?[A-Za-z\-]+",
        after,
    ):
        word = re.match(
            r",\s*(?:(?:M\.?D\.?|Ph\.?D\.?|MD|PhD|M\.D|MPH)[,.]?\s*)*(?:the\s+|a\s+|an\s+)?(?:([A-Z]{2,}|[A-Z][a-z]+)\s+(?:of\s+)?)?([A-Za-z\-]+)",
            after,
        )
        words = [w.lower() for w in word.groups() if w]
        if any(w in lexicon.TITLE_WORDS for w in words) or re.match(
            r",\s*(?:M\.?D|Ph\.?D|MD|PhD)\b", after
        ):
            return (first.start,)
    if re.match(rf"\s*,?\s+(?:also\s+)?(?:{_SAID})\b", after):
        return (first.start,)
    # "Lumen Bio's head of research, Søren Østergaard, presented ...": a full name
    # set off by commas after a title phrase.
    if re.match(r",", after) and text[max(0, first.start - 2) : first.start] == ", ":
        titled = _title_before(text, first.start)
        if titled != first.start:
            return (titled,)
    # "Yuki Harada, 71, who ...": an age after a name is news writing's sign
    # of a person.
    if re.match(r",\s*\d{1,3},", after):
        return (first.start,)
    # "According to Lin Mei-hua, ...": the source of reported speech.
    if re.search(
        r"(?i:\baccording\s+to)\s+(?:[A-Z][a-z]*\.?\s+)?$",
        text[max(0, first.start - 30) : first.start],
    ):
        return (first.start,)
    # "Jamal Whitaker, a doctoral student at X and a co-author, says ...":
    # the subject of a speech verb after an appositive.
    appositive = re.match(
        r",[^,.;:“”\"]{2,120},\s+(?:also\s+)?(\w+)",
        text[tokens[j - 1].end : tokens[j - 1].end + 140],
    )
    if appositive and appositive.group(1).lower() in lexicon.SPEECH_VERBS:
        return (first.start,)
    if re.match(r"\s*\((?:left|right|center|centre|second|third)", after, re.I):
        return (first.start,)
    # A full name as the subject of a sentence: "Omar Haddad then spoke ...".
    before = text[max(0, first.start - 3) : first.start]
    sentence_start = first.start == 0 or before.endswith(("\n", ". ", "! ", "? "))
    if (
        2 <= j - i <= 3
        and sentence_start
        and re.match(
            r"\s+(?:(?:also|then|now|later|recently|has|had|was|is|will|who|spoke|led|met|gave|took|told|wrote)\b|[a-z]+(?:s|ed)\b)",
            after,
        )
        and not any(t.lower in lexicon.PLACES for t in tokens[i:j])
    ):
        return (first.start,)
    # Two people as the subject: "Pia Lindqvist and Arjun Mehta lead the project".
    if 2 <= j - i <= 3 and not any(t.lower in lexicon.PLACES for t in tokens[i:j]):
        pair = r"(?:[A-Z][\w’'\-]*\s+){2,3}"
        if (sentence_start and re.match(rf"\s+and\s+{pair}{_PLURAL_VERB}", after)) or (
            re.search(
                rf"(?:^|[.!?]\s+|\n){pair}and\s+$", text[max(0, first.start - 60) : first.start]
            )
            and re.match(rf"\s+{_PLURAL_VERB}", after)
        ):
            return (first.start,)
    return None


_PLURAL_VERB = (
    r"(?:lead|led|co-lead|co-led|run|ran|head|headed|direct|directed|founded|have|had|are|were|"
    r"will|spoke|met|signed|[a-z]+ed)\b"
)


def _appositive_end(text, pos):
    """End of the appositive after a name: up to the clause's closing comma."""
    window = text[pos : pos + 300]
    match = re.match(
        r"((?:,\s*(?:M\.?D\.?|Ph\.?D\.?|MD|PhD|MPH|M\.D)\.?|,\s*\d{1,3}(?=,))*),", window
    )
    if not match:
        return pos
    rest_start = match.end()
    depth = 0
    for k in range(rest_start, len(window)):
        ch = window[k]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth <= 0 and (
            ch in ",;\n" or window.startswith(". ", k) or ch in '“”"' or k == len(window) - 1
        ):
            if ch == "." and re.search(r"(?:\b[A-Z]|\bM\.D|\bDr|\bSt|\bInc|\bU\.S)$", window[:k]):
                continue
            # A two-role appositive keeps going past "and": stop at its end.
            return pos + k
    return pos + len(window)


class People:
    """The people an article names, to resolve pronouns and surnames."""

    def __init__(self, mentions):
        self.mentions = sorted(mentions, key=lambda p: p.start)
        self._starts = [p.start for p in self.mentions]
        self._by_name = {}
        self._by_part = {}
        for m in self.mentions:
            if m.kind != "name":
                continue
            self._by_name.setdefault(m.name, []).append(m)
            parts = m.name.split()
            for part in {parts[0], parts[-1], m.name}:
                self._by_part.setdefault(part, []).append(m)

    def named(self, name):
        """Every mention of the person with this full name, in order."""
        return self._by_name.get(name, [])

    def last_before(self, pos):
        i = bisect.bisect_left(self._starts, pos) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.kind == "name":
                return m
            if m.kind == "surname":
                resolved = self.resolve_surname(m.name, m.start)
                if resolved:
                    # The full name, placed where the surname was written, with
                    # the title and institution written there ("Hanmaeum CEO Jo
                    # said ... she said" gives "Hanmaeum").
                    return dataclasses.replace(
                        resolved,
                        start=m.start,
                        title=m.title or resolved.title,
                        institution=m.institution or resolved.institution,
                    )
            i -= 1
        return None

    def resolve_surname(self, surname, pos):
        """The fullest name with this surname (or family name first): the most
        recent one before pos, else the first one after it."""
        found = self._by_part.get(surname)
        if not found:
            return None
        starts = [m.start for m in found] if len(found) < 64 else self._part_starts(surname)
        i = bisect.bisect_right(starts, pos) - 1
        return found[i] if i >= 0 else found[0]

    def _part_starts(self, part):
        cache = self.__dict__.setdefault("_starts_cache", {})
        if part not in cache:
            cache[part] = [m.start for m in self._by_part[part]]
        return cache[part]

    def with_title(self, title, pos):
        i = bisect.bisect_left(self._starts, pos) - 1
        head = title.split()[-1].lower() if title else ""
        while i >= 0:
            m = self.mentions[i]
            if m.kind == "name" and m.title and head in m.title.lower():
                return m
            i -= 1
        return None
