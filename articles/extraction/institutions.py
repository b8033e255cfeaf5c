"""Institutions named in a text.

Two sources of evidence, both general to English news writing:

* the shape of the name: capitalised words ending in (or built around) a head
  noun such as University, Hospital, Institute, Ministry, Inc. ("Second Clinical
  Hospital of Jilin University", "Imperial College London");
* the context of a name without such a head: an appositive ("Moderna, a biotech
  company"), a title ("Group CEO of SingHealth", "IVI Director-General ..."), a
  possessive before a title ("Moderna's chief medical officer"), a party slot
  ("partnership with X"), "<unit> at X", or a stand-alone acronym ("KAIST").

Names are then merged the way the corpus lists them: first full form, without a
leading "the" or a bracketed acronym; later short forms and acronyms map to it;
a parent that occurs only inside a longer name or as a possessive modifier of
its unit is not listed; generic unit references and internal units are left out.
"""

import bisect
import itertools
import re
from dataclasses import dataclass, field

from . import lexicon
from .text import SpanSet
from .tokens import is_acronym, is_name_word, tokenize

# "de", "di", "für" ...: the connectors of names in other languages ("Istituto
# Clinico di Ricerca Pavese", "Institut für Molekulare Medizin").
CONNECTORS = frozenset(
    {"of", "for", "and", "the", "de", "&", "in", "on", "di", "del", "della", "des", "du", "für"}
)
_KEEP_POSSESSIVE = frozenset(
    {
        "children",
        "women",
        "men",
        "people",
        "veterans",
        "mary",
        "luke",
        "john",
        "paul",
        "peter",
        "vincent",
        "michael",
        "thomas",
        "joseph",
        "george",
        "james",
        "jude",
    }
)
_AMBIGUOUS_TITLE_WORDS = lexicon.AMBIGUOUS_TITLE_WORDS
STRONG_HEADS = lexicon.ORG_HEADS - lexicon.WEAK_ORG_HEADS - lexicon.COMPANY_HEADS
_ORG_NOUNS = (
    r"company|firm|organi[sz]ation|institute|institution|university|hospital|agency|"
    r"start-?up|biotech|biotechnology|pharmaceutical|drugmaker|nonprofit|non-profit|"
    r"charity|foundation|manufacturer|developer|provider|group|consortium|network|"
    r"society|association|cent(?:er|re)|school|college|maker|operator|chain|conglomerate|"
    r"body|authority|ministry|body|lab|laboratory|clinic|insurer|platform"
)
# ", a biotech company", ", the nation's largest hospital": a description in
# lowercase; ", the Asahara Foundation" is another name, not a description.
# The organisation noun must head the description: ", a doctoral researcher at
# the institute" describes a person, so no preposition comes before it.
_APPOSITIVE_ORG_RE = re.compile(
    r",\s+(?i:a|an|the|which\s+is\s+an?)\s+"
    r"(?:(?!(?i:at|of|in|for|with|from|on|by|to|who|that|whose)\b)[\w\-’']+\s+){0,5}?(?:"
    + _ORG_NOUNS
    + r")\b(?![’'])"
)
# "Dasol Cardio, founded in 2019 by ...": organisations are founded, people born.
_FOUNDED_RE = re.compile(
    r",\s+(?:which\s+was\s+)?(?:founded|established|incorporated|headquartered|spun\s+out)\s+"
    r"(?:in|by|as|from|of)\b"
)
_PARTY_BEFORE_RE = re.compile(
    r"\b(?:collaborat\w*|partner\w*|cooperat\w*|co-operat\w*|tie-?up|ties|agreement|"
    r"mou|memorandum|deal|contract|work\w*|together|alliance|affiliat\w*|jointly)\s+with\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PARTY_SIGN_AFTER_RE = re.compile(
    r"^\s+(?:(?:have|has|had|will|would|recently|officially|formally|also)\s+)*"
    r"(?:signed|inked|sign|signs|concluded|sealed|agreed|entered|forged|reached|announced\s+a)\b",
    re.IGNORECASE,
)
# "Bora Pharm said Tuesday that it signed an MOU": "it" says the subject is an
# organisation, even one shaped like a person's name.
_IT_SIGNED_AFTER_RE = re.compile(
    r"^\s+(?:said|announced|says|announces)\s+(?:on\s+)?(?:\w+\s+)?(?:that\s+)?it\s+"
    r"(?:(?:has|had|have|recently|officially|also)\s+)*(?:signed|inked|concluded|sealed|entered|agreed)\b"
)
# "signed a business agreement with the Korea Rare Disease Foundation, Hanmaeum
# Pharmaceutical and Solbit Data": every member of the partner list is a partner,
# whatever its last word.
# "signed a business agreement with Saebom Foods": the partner an agreement is
# signed with, when it is introduced ("a/an"), is an organisation.
_PARTY_SLOT_BEFORE_RE = re.compile(
    r"\b(?:signed|inked|concluded|sealed)\s+(?:a|an)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:agreement|mou|memorandum(?:\s+of\s+understanding)?|contract|deal|letter\s+of\s+intent)"
    r"\s+with\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PARTY_LIST_BEFORE_RE = re.compile(
    r"\b(?:agreement|mou|memorandum(?:\s+of\s+understanding)?|deal|contract|partnership|"
    r"signed|inked)\s+with\s+(?:the\s+)?"
    r"(?:[A-Z][\w’'.&\-]*(?:\s+(?:of|for|and|the|&|[A-Z][\w’'.&\-]*))*\s*(?:\([A-Za-z&\-]{2,12}\)\s*)?"
    r"(?:,\s*and\s+|,\s*|\s+and\s+)(?:the\s+)?)+$",
    re.IGNORECASE,
)
_GROUP_NOUNS_AFTER_RE = re.compile(
    r"^\s+(?:leaders|officials|executives|researchers|scientists|spokesperson|spokesman|"
    r"spokeswoman|staff|employees|faculty|delegation|representatives)\b"
)
_GROUP_NOUNS_BEFORE = frozenset(
    {
        "leaders",
        "officials",
        "executives",
        "representatives",
        "delegation",
        "members",
        "heads",
        "staff",
        "faculty",
    }
)


@dataclass
class OrgMention:
    name: str  # as written, without a leading "the"
    start: int
    end: int
    evidence: str  # head, context, acronym
    defines: str | None = None  # acronym defined right after it: "(SNUBH)"
    modifier: bool = False  # a parent used only as a modifier ("KAIST's GSMSE")
    canonical: str | None = None  # the listed name it stands for


@dataclass
class InstitutionIndex:
    names: list = field(default_factory=list)  # listed, in order of first mention
    mentions: list = field(default_factory=list)  # every OrgMention, by start
    aliases: dict = field(default_factory=dict)  # lowercased form -> listed name
    # Names the text shows to be another organisation's internal unit (lowercased).
    units: set = field(default_factory=set)
    _starts: list = field(default_factory=list)

    def is_unit(self, name):
        return bool(name) and _key(name) in self.units

    def canonical(self, name):
        if not name:
            return None
        key = _key(name)
        return self.aliases.get(key)

    def in_range(self, start, end):
        i = bisect.bisect_left(self._starts, start)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                found.append(self.mentions[i])
            i += 1
        return found

    def first_after(self, pos, *, head, within):
        """The first listed institution with that head word named after pos."""
        i = bisect.bisect_left(self._starts, pos)
        while i < len(self.mentions) and self.mentions[i].start <= pos + within:
            m = self.mentions[i]
            if m.canonical and re.search(rf"\b{head}\b", m.canonical, re.I):
                return m.canonical
            i += 1
        return None

    def last_before(self, pos, *, head=None):
        """The most recent listed institution before pos (with that head word)."""
        i = bisect.bisect_left(self._starts, pos) - 1
        while i >= 0:
            m = self.mentions[i]
            if m.canonical and (head is None or re.search(rf"\b{head}\b", m.canonical, re.I)):
                return m.canonical
            i -= 1
        return None


def _key(name):
    name = re.sub(r"^(?:the)\s+", "", name.strip(), flags=re.I)
    return re.sub(r"\s+", " ", name.replace("’", "'")).lower()


# ---------------------------------------------------------------- candidate runs


def _runs(tokens):
    """Maximal runs of capitalised words with connectors between them."""
    runs = []
    i = 0
    n = len(tokens)
    while i < n:
        t = tokens[i]
        if not (t.is_word and t.is_cap):
            i += 1
            continue
        run = [t]
        j = i + 1
        while j < n:
            prev = run[-1]
            if prev.is_possessive and not _possessive_continues(prev, tokens, j):
                break
            nxt = tokens[j]
            if (
                nxt.text in ("’", "'")
                and nxt.start == prev.end
                and prev.text.endswith("s")
                and j + 1 < n
                and tokens[j + 1].is_word
                and tokens[j + 1].is_cap
                and tokens[j + 1].start - nxt.end == 1
            ):
                # "Busan Seafarers’ Welfare Center", "Nurses' Association": a
                # plural possessive inside a name.
                run.append(tokens[j + 1])
                j += 2
                continue
            if nxt.start - prev.end > 1:
                break  # more than one space, or a line break
            if nxt.is_word and (nxt.is_cap or (nxt.text[:1].isdigit() and _ordinal(nxt))):
                run.append(nxt)
                j += 1
                continue
            if nxt.text in CONNECTORS or nxt.text == "&":
                # Connectors only inside a run: there must be a capital after them,
                # and not a date ("... Institute on June 27").
                k = j
                while k < n and tokens[k].text in CONNECTORS:
                    k += 1
                if (
                    k < n
                    and tokens[k].is_word
                    and tokens[k].is_cap
                    and k - j <= 2
                    and not (
                        nxt.text in ("on", "in")
                        and (
                            tokens[k].lower in lexicon.MONTHS or tokens[k].lower in lexicon.WEEKDAYS
                        )
                    )
                ):
                    run.extend(tokens[j:k])
                    j = k
                    continue
            break
        runs.append(run)
        i = j
    return runs


def _ordinal(token):
    return bool(re.fullmatch(r"\d+(?:st|nd|rd|th)", token.text))


def _possessive_continues(prev, tokens, j):
    return prev.bare.lower() in _KEEP_POSSESSIVE


def _split_and(run, text=""):
    """Split a run at "and" where a second organisation starts."""
    parts = [[]]
    for t in run:
        if t.text in ("and", "&") and t.text == "and":
            parts.append([])
        else:
            parts[-1].append(t)
    merged = [parts[0]]
    for part in parts[1:]:
        left = merged[-1]
        starts_new = bool(part) and part[0].text.lower() == "the"
        right_has_head = any(_is_head(t) for t in part)
        left_has_domain = any(t.text in ("of", "for") for t in left)
        # A weak head inside the left part is a subject word ("Health Insurance
        # Review and ..."); only a strong head or a head at its end makes a name.
        left_has_head = (
            any(_is_head(t, strong=True) for t in left)
            or _is_head(left[-1])
            or (len(left) == 1 and is_acronym(left[0].text))
        )
        # "School of Health and Social Sciences", "Faculty of Arts and Social
        # Sciences": after a domain, generic words continue the domain.
        right_generic = bool(part) and (
            all(
                t.lower in lexicon.GENERIC_WORDS
                or (_is_head(t) and not _is_head(t, strong=True))
                or t.text in CONNECTORS
                for t in part
            )
            # "School of Nursing and Allied Health Sciences", "College of Agriculture
            # and Life Sciences": an academic unit's domain ends in a field of study.
            or (
                any(t.lower in _ACADEMIC_UNITS for t in left)
                and part[-1].lower in _FIELD_TAILS
                and not any(_is_head(t, strong=True) for t in part)
            )
        )
        # "Korea Disease Control and Prevention Agency": "Prevention Agency" has a
        # head but no word that names anything; it finishes the left part.
        right_complete = (
            right_has_head and _classify(part) and not _is_unit(part) and _has_proper_word(part)
        )
        # "the Heart and Stroke Foundation of Canada", "the Lung and Sleep
        # Foundation": after a leading "the", one word without a head is no name
        # of its own.
        left_words = [
            t for t in left if t.is_word and t.lower not in lexicon.PLACES and t.lower != "the"
        ]
        left_generic = bool(left_words) and all(
            t.lower in lexicon.GENERIC_WORDS and not _is_head(t) for t in left_words
        )
        lone = left_words[-1] if len(left_words) == 1 else None
        if (
            lone is not None
            and hasattr(lone, "start")
            and (
                (len(left) == 2 and left[0].text.lower() == "the")
                or (
                    len(left) == 1
                    and re.search(r"\bthe\s+$", text[max(0, lone.start - 5) : lone.start])
                )
            )
            and not _is_head(lone)
            and not is_acronym(lone.text)
        ):
            left_generic = True
        # "Da Nang Central Women's and Children's Hospital": a left part that ends
        # in a possessive without a head of its own is the first of two owners.
        if (
            not starts_new
            and right_has_head
            and getattr(left[-1], "is_possessive", False)
            and not any(_is_head(t) for t in left)
        ):
            left_generic = True
        # "Korea Workplace Health and Safety Agency": a weak head ending the left
        # part is a subject word when the right part names nothing of its own.
        if (
            not starts_new
            and right_has_head
            and _is_head(left[-1])
            and not any(_is_head(t, strong=True) for t in left)
            and not right_complete
        ):
            left_generic = True
        if left_generic and right_has_head and not starts_new:
            # "U.S. Food and Drug Administration", "Science and Technology Policy Institute".
            left.append(_AND)
            left.extend(part)
            continue
        # "the College of Pharmacy and ILRB Director X": an acronym with a title
        # after it is another organisation ("Ministry of Science and ICT" stays one).
        titled_acronym = (
            len(part) > 1
            and is_acronym(part[0].text)
            and part[1].lower in lexicon.TITLE_WORDS
            and not _is_head(part[1])
        )
        if (
            part
            and not starts_new
            and not titled_acronym
            and not _ends_in_person(left)
            and (
                (not right_has_head and left_has_domain)
                or (right_generic and left_has_domain)
                or (not left_has_head and not right_complete)
            )
        ):
            # "Ministry of Health and Welfare": one name.
            left.append(_AND)
            left.extend(part)
        else:
            merged.append(part)
    return [p for p in merged if p]


def _has_proper_word(part):
    """Whether a name has a word besides heads, connectors and common nouns."""
    return any(
        t.text not in CONNECTORS
        and not _is_head(t)
        and t.lower not in lexicon.GENERIC_WORDS
        and not _common_noun(t.lower)
        for t in part
    )


_ACADEMIC_UNITS = frozenset({"school", "college", "faculty", "department", "division"})
_FIELD_TAILS = frozenset(
    {"sciences", "science", "studies", "arts", "humanities", "engineering", "technology"}
)


def _ends_in_person(part):
    """ "Chairwoman Cha Sun-young" before "and ...": a titled person's name ends
    the run; what follows "and" is another person or body, not more of a name."""
    real = [t for t in part if hasattr(t, "end")]
    if len(real) < 3:
        return False
    names = 0
    for t in reversed(real):
        if is_name_word(t):
            names += 1
            continue
        return names >= 2 and (t.lower in lexicon.TITLE_WORDS or t.lower in lexicon.NAME_PREFIXES)
    return False


class _AndToken:
    text = "and"
    lower = "and"
    is_word = True
    is_cap = False
    is_possessive = False
    bare = "and"


_AND = _AndToken()


def _is_head(token, *, strong=False):
    low = token.lower if hasattr(token, "lower") else ""
    low = _head_form(re.sub(r"[’']s?$", "", low))
    heads = STRONG_HEADS if strong else lexicon.ORG_HEADS
    return low in heads


def _head_form(low):
    """ "consulate-general" counts as its head, "consulate"."""
    first = low.split("-")[0]
    return first if first != low and first in lexicon.ORG_HEADS else low


def _trim(part):
    """Drop leading articles, titles and common nouns; return (tokens, cut_reason)."""
    reason = None
    while part and part[0].text.lower() == "the":
        part = part[1:]
    # "US-based Corriden Therapeutics", "Boston-headquartered X": where it is based
    # describes the company and is no part of its name.
    while part and re.search(r"\w-(?:based|headquartered)$", part[0].lower):
        part = part[1:]
    while part:
        # "Leadership of X", "Director of the X", "State of X": not part of the name.
        of_at = next((i for i, t in enumerate(part) if t.text == "of"), None)
        if of_at is None or of_at == 0:
            break
        head_before = any(
            _is_head(t, strong=True) or (_is_head(t) and t.lower in lexicon.COMPANY_HEADS)
            for t in part[:of_at]
        )
        if head_before:
            break
        lead = part[of_at - 1].lower
        reason = "title" if lead in lexicon.TITLE_WORDS or lead in lexicon.TITLE_HEADS else "noun"
        part = part[of_at + 1 :]
        while part and part[0].text.lower() == "the":
            part = part[1:]
        if (
            reason == "title"
            and len(part) > 1
            and part[0].lower == "state"
            and part[1].text == "for"
        ):
            # "Senior Minister of State for Health": the office, then its domain.
            part = part[2:]
        if reason == "title" and len(part) == 1 and part[0].lower == "state":
            part = []  # "Senior Minister of State, Ministry of Health": the office only
    while (
        part
        and (
            part[0].lower in lexicon.STOP_CAPS
            or (
                part[0].lower in lexicon.TITLE_WORDS and part[0].lower not in _AMBIGUOUS_TITLE_WORDS
            )
            or part[0].lower in lexicon.NAME_PREFIXES
            or (
                # "Adjunct Associate Professor": a rank before a title or prefix
                part[0].lower in lexicon.PROFESSOR_RANKS
                and len(part) > 1
                and (part[1].lower in lexicon.TITLE_WORDS or part[1].lower in lexicon.NAME_PREFIXES)
            )
            or part[0].lower in lexicon.MONTHS
            or part[0].lower in lexicon.WEEKDAYS
        )
        and not _is_head(part[0])
    ):
        part = part[1:]
        while part and part[0].text in CONNECTORS:
            part = part[1:]
    while part and part[-1].text in CONNECTORS:
        part = part[:-1]
    return part, reason


def _cut_titles(part):
    """Split "KAIST President Kwang Hyung Lee" into ("KAIST", title follows)."""
    for i, t in enumerate(part):
        if i == 0:
            continue
        low = t.lower
        if (low in lexicon.TITLE_WORDS or low in lexicon.NAME_PREFIXES) and not _is_head(t):
            if low in (
                "general",
                "group",
                "medical",
                "academic",
                "affairs",
                "research",
                "senior",
                "junior",
                "partner",
                "member",
                "lead",
                "financial",
                "operating",
                "managing",
                "scientific",
            ) and not _title_follows(part, i):
                continue
            return part[:i], True
    return part, False


def _title_follows(part, i):
    """Whether part[i:] starts a job title ("Chief Medical Officer Paul Burton");
    an organisation head before the title word ends the name first ("Tolland
    Medical Center President X")."""
    for t in part[i : i + 4]:
        if t.lower in lexicon.TITLE_HEADS:
            return True
        if _is_head(t):
            return False
    return False


def _text_of(text, tokens):
    return text[tokens[0].start : tokens[-1].end] if tokens and hasattr(tokens[-1], "end") else ""


def _span(tokens):
    real = [t for t in tokens if hasattr(t, "end")]
    last = real[-1]
    end = last.start + len(last.bare) if last.is_possessive else last.end
    return real[0].start, end


def _classify(part):
    """Is this run an organisation name by its shape? Returns 'head', None."""
    words = [t for t in part if t.text not in CONNECTORS]
    if not words:
        return None
    lows = [_head_form(re.sub(r"[’']s?$", "", t.lower)) for t in words]
    if any(
        w in lexicon.MEDIA_WORDS and not _common_noun_before_head(lows, k)
        for k, w in enumerate(lows)
    ):
        return None
    last = lows[-1]
    if last in lexicon.NON_ORG_TAILS:
        return None
    if _is_venue_centre(lows):
        return None
    for k, t in enumerate(part[:-1]):
        if re.sub(r"[’']s?$", "", t.lower) in lexicon.NON_ORG_TAILS and part[k + 1].text in (
            "for",
            "of",
            "in",
            "on",
        ):
            return None  # "Asahara Prize for Materials Science", "Forum on ..."
    if lows[0] in lexicon.LEADING_ORG_HEADS and len(words) >= 2 and words[1].is_cap:
        return "head"
    if any(w in STRONG_HEADS for w in lows):
        # A strong head somewhere; what follows the last head must be a short
        # place or proper word ("Imperial College London") or a company suffix.
        last_head = max(
            i
            for i, w in enumerate(lows)
            if w in lexicon.ORG_HEADS
            # "Consulate General of X": "General" belongs to the head.
            or (w == "general" and i > 0 and lows[i - 1] in ("consulate", "embassy"))
        )
        tail = words[last_head + 1 :]
        if tail:
            pos = next(i for i, t in enumerate(part) if t is tail[0])
            if part[pos - 1].text in ("of", "for", "the", "de"):
                tail = []  # "School of Medical Science and Engineering"
        if len(tail) > 2 or any(
            not is_name_word(t) and t.lower not in lexicon.PLACES and not is_acronym(t.text)
            for t in tail
        ):
            return None
        return "head"
    if last in lexicon.COMPANY_HEADS and len(words) >= 2:
        return "head"
    # "Hoshizora Diagnostics Singapore", "Corvant Pharma Korea": a company and
    # the country or city of its branch.
    company_at = max((i for i, w in enumerate(lows) if w in lexicon.COMPANY_HEADS), default=0)
    if (
        company_at >= 1
        and 1 <= len(lows) - company_at - 1 <= 2
        and all(w in lexicon.PLACES for w in lows[company_at + 1 :])
        and words[0].is_cap
        and lows[0] not in lexicon.PLACES
    ):
        return "head"
    if last in lexicon.WEAK_ORG_HEADS and len(words) >= 2:
        first = lows[0]
        lead = lows[:-1]
        if not words[0].is_cap or all(
            w in lexicon.GENERIC_WORDS or w in lexicon.PLACES or _common_noun(w) for w in lead
        ):
            return None  # "Medical Service", "Korea Health", "Assessment Service"
        if (first in lexicon.GENERIC_WORDS or first in lexicon.PLACES) and len(lead) < 3:
            return None
        return "head"
    return None


def _is_venue_centre(lows):
    """ "Osong Convention Center", "Hollis Center for the Performing Arts",
    "Seaview Exhibition Centre": a centre named for what is staged in it is a
    venue, not an organisation."""
    centre_at = [i for i, w in enumerate(lows) if w in ("center", "centre", "centers", "centres")]
    return bool(centre_at) and any(w in lexicon.VENUE_WORDS for w in lows)


def _common_noun(low):
    """A word shaped like an abstract common noun ("assessment", "evaluation",
    "planning"): never the proper word that makes a weak head a name."""
    return len(low) > 6 and bool(re.search(r"(?:ment|tion|sion|ance|ence|ing|ity|ness)$", low))


def _common_noun_before_head(lows, k):
    """ "Health Insurance Review and Assessment Service": a media word that an
    organisation head follows is an ordinary noun of the name; "Korea Biomedical
    Review" and "Yonhap News Agency" stay media."""
    return lows[k] in lexicon.AMBIGUOUS_MEDIA_WORDS and any(
        w in lexicon.ORG_HEADS for w in lows[k + 1 :]
    )


def _is_unit(part):
    """Internal department/office/team, or a generic unit reference."""
    words = [t for t in part if t.text not in CONNECTORS]
    lows = [re.sub(r"[’']s?$", "", t.lower) for t in words]
    if not lows:
        return True
    if lows[-1] in lexicon.UNIT_HEADS or (
        lows[0] in lexicon.UNIT_HEADS
        and len(lows) > 1
        and part[1].text == "of"
        and lows[0] != "clinic"
    ):
        return True
    if lows[0] == "ministry":
        return False  # "Ministry of Health": a government body named by its domain
    # "the Graduate School", "School of Medicine", "Medical Center"; but a head word
    # inside the name is a subject ("School of Health and Social Sciences").
    content = [
        w
        for k, w in enumerate(lows)
        if w not in lexicon.ORG_HEADS or (k < len(lows) - 1 and w not in STRONG_HEADS)
    ]
    return len(content) <= 1 and all(w in lexicon.GENERIC_WORDS for w in content)


def _owned_by_named_parent(part, text, start):
    """ "Hanul University's College of Pharmacy": a generic school or college
    written with its named parent's possessive. It is listed only as a party
    (the corpus lists an internal unit that signs), so the caller also asks
    for a signing verb after it or a partner slot before it; "ZLU's School of
    Medicine" elsewhere stays generic. Departments, offices and teams stay
    internal whoever owns them."""
    words = [t for t in part if t.text not in CONNECTORS]
    if not words or words[0].lower not in ("school", "college", "faculty", "graduate"):
        return False
    owner = re.search(r"([A-Z][\w\-]*)[’']s\s+(?:the\s+)?$", text[max(0, start - 40) : start])
    return bool(owner) and (
        _head_form(owner.group(1).lower()) in lexicon.ORG_HEADS or is_acronym(owner.group(1))
    )


def _is_internal_center(part, text, start):
    """ "the International Medical Center": a centre named only with generic words."""
    words = [t for t in part if t.text not in CONNECTORS]
    lows = [t.lower for t in words]
    if lows[-1] not in ("center", "centre") or "national" in lows:
        return False
    before = text[max(0, start - 4) : start].lower()
    return before.endswith("the ") and all(
        w in lexicon.GENERIC_WORDS or w in lexicon.ORG_HEADS for w in lows
    )


def _free_standing_clinic(part, text, start, end):
    """ "Ashby Clinic, a nonprofit medical center", "researchers at Thornbury
    Clinic": a clinic named by proper words and written without "the" is an
    organisation of its own (the Mayo Clinic pattern). A hospital's clinic takes
    the article or a possessive ("the Memory Clinic", "the hospital's Sleep
    Clinic") or its parent after it ("Lung Clinic at X")."""
    words = [t for t in part if t.text not in CONNECTORS]
    if len(words) < 2 or words[-1].lower != "clinic":
        return False
    lead = [re.sub(r"[’']s?$", "", t.lower) for t in words[:-1]]
    if all(w in lexicon.GENERIC_WORDS or w in lexicon.ORG_HEADS for w in lead):
        return False
    if re.search(r"(?:\bthe|\bThe|\bits|\bour|\btheir|[’']s)\s+$", text[max(0, start - 8) : start]):
        return False
    return not re.match(r"\s+(?:at|of)\s+(?:the\s+)?[A-Z]", text[end : end + 12])


_UNIT_AT_PARENT_HEADS = frozenset(
    {"center", "centre", "group", "clinic", "lab", "laboratory", "program", "programme"}
)


def _is_unit_at_parent(part, text, start, end):
    """ "the Heart Failure Centre at Hokusei University Hospital", "the Early
    Detection Group at NICR": a centre or group named as the place someone
    works inside another organisation is that organisation's unit. A research
    centre ("Research Center", "Institute") keeps its own listing."""
    words = [t for t in part if t.text not in CONNECTORS]
    lows = [t.lower for t in words]
    if {"research", "institute", "national"} & set(lows):
        return False
    if (
        lows[-1] in _UNIT_AT_PARENT_HEADS
        and not words[-1].is_possessive
        and re.search(r"[’']s\s+$", text[max(0, start - 3) : start])
        and not re.search(r"\b(?:[Ii]t|[Hh]e|[Ss]he)[’']s\s+$", text[max(0, start - 6) : start])
    ):
        # "the hospital's Rare Disease Center": a centre owned by the possessive
        # before it is its unit (a research centre keeps its own listing).
        return True
    centre_of = lows[0] in _UNIT_AT_PARENT_HEADS and len(part) > 2 and part[1].text in ("for", "of")
    if lows[-1] not in _UNIT_AT_PARENT_HEADS and not centre_of:
        return False
    if not text[max(0, start - 4) : start].lower().endswith("the "):
        return False
    after = re.match(r"\s+at\s+(?:the\s+|The\s+)?", text[end : end + 12])
    if not after:
        return False
    parent = [t for t in tokenize(text, end + after.end(), min(len(text), end + 160))][:8]
    run = []
    for t in parent:
        if t.is_word and (t.is_cap or t.text in CONNECTORS):
            run.append(t)
            continue
        break
    return bool(run) and (is_acronym(run[0].text) or any(_is_head(t, strong=True) for t in run))


def _acronym_after(text, end):
    match = re.match(r"\s*\(\s*([A-Za-z][A-Za-z&\-]{1,11})\s*\)", text[end : end + 20])
    if match and is_acronym(match.group(1)):
        return match.group(1), end + match.end()
    return None, end


def _initials(name):
    words = re.findall(r"[A-Za-z][\w’'\-]*", name)
    strict = "".join(
        w[0]
        for w in words
        if w.lower() not in ("of", "and", "the", "for", "de", "in", "on") and w[0].isupper()
    )
    loose = "".join(w[0] for w in words)
    # Hyphenated parts count too: "Director-General" -> DG.
    return {strict.upper(), loose.upper()}


def _is_place(name):
    """A place, or the government of one ("Daegu City", "City of Houston")."""
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w\-]*", name)]
    if (
        len(words) >= 2
        and words[-1] in ("province", "prefecture", "municipality", "county")
        and (words[0] in lexicon.PLACES or words[0] in lexicon.PLACE_GOVERNMENT_WORDS)
        and not any(w in lexicon.ORG_HEADS for w in words)
    ):
        return True  # "Jeju Special Self-Governing Province": a province's government
    return (
        bool(words)
        and any(w in lexicon.PLACES for w in words)
        and all(
            w in lexicon.PLACES or w in lexicon.PLACE_GOVERNMENT_WORDS or w in ("the", "of", "and")
            for w in words
        )
    )


# ---------------------------------------------------------------- main entry


def find_institutions(text, *, person_names=(), skip_spans=()):
    """Find the institutions in text; returns an InstitutionIndex."""
    tokens = tokenize(text)
    skip_spans = SpanSet(skip_spans)
    persons = {p.lower() for p in person_names}
    mentions = []
    units = set()
    for run in _runs(tokens):
        if _inside(skip_spans, run[0].start):
            continue
        for part in _split_and(run, text):
            _candidates_from_part(text, part, mentions, persons, units)
    # "the Robotic Surgery Center at X" says the centre is X's unit; a caption's
    # "Robotic Surgery Center head Y" elsewhere names the same unit, not a body.
    mentions = [m for m in mentions if m.defines or _key(m.name) not in units]
    _context_candidates(text, tokens, mentions, persons, skip_spans)
    index = _merge(text, mentions, skip_spans.spans)
    index.units = units
    return index


def _add_repeats(text, index, skip_spans=()):
    """Every later occurrence of a listed name or alias is a mention too (outside
    the page furniture that ``skip_spans`` covers)."""
    spans = SpanSet((m.start, m.end) for m in index.mentions)
    for a, b in skip_spans:
        spans.add(a, b)
    extra = []
    for alias, target in index.aliases.items():
        if len(alias) < 2:
            continue
        pattern = re.compile(
            r"(?<![\w’'])" + re.escape(alias).replace("'", "[’']") + r"(?![\w])", re.IGNORECASE
        )
        for match in pattern.finditer(text):
            if alias.isupper() is False and match.group()[:1].islower():
                continue
            if spans.overlaps(match.start(), match.end()):
                continue
            spans.add(match.start(), match.end())
            extra.append(
                OrgMention(match.group(), match.start(), match.end(), "repeat", canonical=target)
            )
    if extra:
        index.mentions = sorted(index.mentions + extra, key=lambda m: m.start)
        index._starts = [m.start for m in index.mentions]


def _inside(spans, pos):
    if not isinstance(spans, SpanSet):
        spans = SpanSet(spans)
    return pos in spans


def _government_department(part):
    """ "U.S. Department of Energy", "Washington State Department of Health", "the
    Ohio Department of Health": a place's government department is a government
    body, not an internal unit."""
    if part and part[0].text.lower() == "the":
        part = part[1:]
    for d in range(1, min(4, len(part) - 2)):
        if part[d].lower in ("department", "office", "bureau") and part[d + 1].text == "of":
            lead = part[:d]
            return (
                all(
                    t.text in _COUNTRY_MARKERS or t.lower in lexicon.PLACES or t.lower == "state"
                    for t in lead
                )
                and any(t.text in _COUNTRY_MARKERS or t.lower in lexicon.PLACES for t in lead)
                and part
            )
    return None


def _candidates_from_part(text, part, mentions, persons, units):
    government = _government_department(part)
    if government and len(government) >= 4:
        # "U.S. Department of Energy": a national government body, not an internal unit.
        part = government
        start, end = _span(part)
        mentions.append(OrgMention(text[start:end], start, end, "head"))
        return
    part, reason = _trim(part)
    if not part:
        return
    part, titled = _cut_titles(part)
    while part and part[-1].text in CONNECTORS:
        part = part[:-1]
    if not part:
        return
    start, end = _span(part)
    name = text[start:end]
    # A person's name in a run ("Professor Ivy Ng") is never an organisation.
    if name.lower() in persons:
        return
    # "in <place>" belongs to a name only after a consulate or embassy.
    name, part = _cut_in(name, part, text)
    name, part = _cut_of_country(name, part, text)
    start, end = _span(part)
    suffix = _COMMA_SUFFIX_RE.match(text, end)
    if suffix and part[-1].lower in lexicon.COMPANY_SUFFIXES:
        end = suffix.end()  # "Kizuna Medical Co., Ltd.": the form after the comma too
        name = text[start:end]
    kind = _classify(part)
    if _is_place(name):
        return
    if _JOURNAL_BEFORE_RE.search(text, max(0, start - 50), start):
        return  # "published in The Lancet Digital Health": a journal, not a body
    if kind is None and reason == "noun":
        return
    if kind and reason == "noun" and not any(_is_head(t, strong=True) for t in part):
        return
    defines, _ = _acronym_after(text, end)
    if kind == "head":
        national = part[0].text in _COUNTRY_MARKERS and len(part) > 2
        if _free_standing_clinic(part, text, start, end):
            mentions.append(OrgMention(name, start, end, "head", defines=defines))
            return
        if (
            _is_unit(part)
            and not defines
            and not national
            and not (
                _owned_by_named_parent(part, text, start)
                and (
                    _PARTY_SIGN_AFTER_RE.match(text[end : end + 60])
                    or _PARTY_BEFORE_RE.search(text, max(0, start - 80), start)
                )
            )
        ):
            return  # but "U.S. Department of Energy" is a government body
        if (
            _is_internal_center(part, text, start) or _is_unit_at_parent(part, text, start, end)
        ) and not defines:
            units.add(_key(name))
            return
        mentions.append(OrgMention(name, start, end, "head", defines=defines))
        return
    # No head noun: an organisation only by context.
    words = [t for t in part if t.text not in CONNECTORS]
    single = len(words)
    if _is_place(name) or name.lower() in persons:
        return
    if all(is_acronym(t.text) for t in words):
        return  # acronyms are handled by _context_candidates
    if single == 1 and _surname_of_someone_named(name, text, start):
        return  # "Marquardt signed the agreement" after "Dr. Helen Marquardt, dean of X"
    if single <= 5 and (_APPOSITIVE_ORG_RE.match(text, end) or _FOUNDED_RE.match(text, end)):
        mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    lows = [re.sub(r"[’']s?$", "", t.lower) for t in words]
    if single <= 4 and _COMPANY_NOUN_BEFORE_RE.search(text, max(0, start - 40), start):
        mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    if lows[-1] in lexicon.UNIT_HEADS or lows[-1] in lexicon.NON_ORG_TAILS:
        return
    if any(
        re.sub(r"[’']s?$", "", t.lower) in lexicon.NON_ORG_TAILS and part[k + 1].text in CONNECTORS
        for k, t in enumerate(part[:-1])
    ):
        return  # "Asahara Prize for Materials Science"
    if all(w in lexicon.GENERIC_WORDS for w in lows):
        return
    if any(w in lexicon.MEDIA_WORDS for w in lows):
        return
    if (
        2 <= single <= 3
        and is_acronym(words[0].text)
        and words[0].bare.upper() not in lexicon.NON_ORG_ACRONYMS
        and all(is_name_word(t) or t.lower in lexicon.PLACES for t in words[1:])
    ):
        # "UMC Utrecht": an acronym with a place or proper word.
        mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    if titled:
        if _PLACE_OFFICE_RE.match(text, end):
            return  # "North Chungcheong Governor X": the government of a place
        if (
            single <= 4
            and (not _looks_like_person(part) or _officer_and_full_name_follow(text, end))
            and _name_follows(text, end)
        ):
            mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    if reason == "title":
        if (
            single <= 4
            and not _looks_like_person(part)
            and not (single >= 3 and all(is_name_word(t) for t in words[-2:]))
        ):
            mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    if (
        single == 1
        and re.search(r"(?:ean|ian|ese|ish)$", name)
        and re.match(r"\s+[a-z]", text[end : end + 3])
    ):
        return  # "European engineers": a nationality, not a partner
    if (
        single <= 4
        and lows[-1] not in lexicon.PLACE_GOVERNMENT_WORDS
        and (
            (_IT_SIGNED_AFTER_RE.match(text, end, end + 80) and _sentence_start(text, start))
            or (
                (
                    _PARTY_LIST_BEFORE_RE.search(text, max(0, start - 200), start)
                    or _PARTY_SLOT_BEFORE_RE.search(text, max(0, start - 80), start)
                )
                and re.match(r"\s*(?:[.;]|(?:on|to|in|at|for|,)\b)", text[end : end + 6])
            )
        )
    ):
        # A partner slot that only an organisation fills, whatever the name's shape.
        mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    if single <= 4 and _under_agreement_slot(text, start, end):
        mentions.append(OrgMention(name, start, end, "context", defines=defines))
        return
    if single <= 4 and not _looks_like_person(part):
        before = text[max(0, start - 60) : start]
        after = text[end : end + 60]
        if (
            _PARTY_BEFORE_RE.search(before)
            or (
                _GROUP_NOUNS_AFTER_RE.match(after)
                and (single > 1 or not _sentence_start(text, start))
            )
            or (part[-1].is_possessive and _title_starts(after))
            or _group_of_before(before)
            or (_PARTY_SIGN_AFTER_RE.match(after) and _sentence_start(text, start))
        ):
            mentions.append(OrgMention(name, start, end, "context", defines=defines))


# "Seoul-based startup Medivision Lab", "local AI firm Neurobyte", "Japanese
# diagnostics maker X": a lowercase noun for a company right before a name says
# the name is that company's, whatever its last word ("Lab").
_COMPANY_NOUN_BEFORE_RE = re.compile(
    r"(?<![’'])\b(?:firm|company|start-?up|\w*maker|developer|biotech|manufacturer|"
    r"provider|insurer|operator|conglomerate|distributor|supplier|unicorn|spinoff|spin-off|"
    # "Daerim Group’s software arm Daerim Cloud": a company's owned company.
    r"subsidiary|affiliate|arm)\s+$"
)
_JOURNAL_BEFORE_RE = re.compile(
    r"\b(?:published|appear(?:s|ed)|reported)\s+(?:online\s+)?(?:today\s+)?in\s+"
    r"(?:the\s+journal\s+|the\s+|The\s+)?$"
)


_UNDER_AGREEMENT_RE = re.compile(
    r"\bUnder\s+(?:the|this|that|its|their|a)\s+(?:[\w\-]+\s+){0,3}?"
    r"(?:agreement|deal|MOU|MoU|memorandum(?:\s+of\s+understanding)?|partnership|contract|pact)"
    r"\s*,\s+"
)
_WILL_AFTER_RE = re.compile(
    r"\s+(?:will|would|is\s+to|are\s+to|agreed\s+to|has\s+agreed\s+to)\s+[a-z]"
)


def _under_agreement_slot(text, start, end):
    """ "Under the agreement, Ontree Medical will train the drivers, and Bluepine
    Logistics will run the vans": what each side of an agreement will do, with the
    side as the subject, names the parties, whatever their shape. A person there
    has a prefix or a Korean given name ("Dr. Kim", "Kim Min-ho"), which is cut
    or read as a person before this slot is asked."""
    if not _WILL_AFTER_RE.match(text, end):
        return False
    sentence_start = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    before = text[sentence_start:start]
    lead = _UNDER_AGREEMENT_RE.search(before)
    if lead is None:
        return False
    between = before[lead.end() :]
    # The first subject right after the comma, or another after ", and" / ", while".
    return not between.strip() or bool(re.search(r",\s+(?:and|while|whereas)\s+$", between))


_COUNTRY_MARKERS = frozenset({"U.S.", "US", "U.K.", "UK"})
_PLACE_OFFICE_RE = re.compile(
    r"\s+(?:(?:Vice|Deputy|Acting|Lieutenant)[\s\-])?(?:Governor|Mayor|Premier|Governor-General)\b"
)
_COMMA_SUFFIX_RE = re.compile(
    r",\s*(?:Ltd|Limited|Inc|LLC|PLC|GmbH|AG|S\.A|Pte\.?\s+Ltd)\.?(?![\w])"
)


def _cut_of_country(name, part, text):
    """ "Incheon Haneul Hospital of South Korea": a city-named institution with its
    country after it; the country is a description, not part of the name.
    ("National University of Singapore" and "Catholic University of Korea" keep
    theirs: one word before the head, and no city.)"""
    of_at = max((i for i, t in enumerate(part) if t.text == "of"), default=None)
    if of_at is None or of_at < 3 or not _is_head(part[of_at - 1]):
        return name, part
    tail = [t for t in part[of_at + 1 :] if t.text not in CONNECTORS]
    if not tail or not all(t.lower in lexicon.PLACES for t in tail):
        return name, part
    if part[of_at - 1].lower.rstrip(".") in {f.rstrip(".").lower() for f in lexicon.COMPANY_FORMS}:
        # "Lotus Eye Care Ltd. of Vietnam": a company form closes the name.
        part = part[:of_at]
        start, end = _span(part)
        return text[start:end], part
    before_head = [t for t in part[: of_at - 1] if t.text not in CONNECTORS]
    if len(before_head) < 2 or before_head[0].lower not in lexicon.PLACES:
        return name, part
    part = part[:of_at]
    start, end = _span(part)
    return text[start:end], part


def _cut_in(name, part, text):
    for i, t in enumerate(part):
        if t.text == "in" and i > 0:
            heads = {p.lower.split("-")[0] for p in part[:i]}
            if heads & {"consulate", "embassy", "mission", "office", "branch", "campus"}:
                return name, part
            part = part[:i]
            start, end = _span(part)
            return text[start:end], part
    return name, part


def _surname_of_someone_named(word, text, start):
    """Whether a single word is the surname of a person named earlier with a
    prefix or a title after the name ("Dr. Helen Marquardt", "Helen Marquardt,
    dean of X"): news writing's second reference to that person."""
    if not re.fullmatch(r"[A-Z][a-z][\w\-]+", word):
        return False
    prefix = r"\b(?:Dr|Prof|Professor|Mr|Ms|Mrs|Sir|Dame)\.?\s+(?:[A-Z][\w\-]+\s+){1,2}"
    if re.search(prefix + re.escape(word) + r"\b", text[:start]):
        return True
    for match in re.finditer(
        r"\b[A-Z][\w\-]+\s+" + re.escape(word) + r",\s+(?:the\s+|a\s+)?(\w+)", text[:start]
    ):
        if match.group(1).lower() in lexicon.TITLE_WORDS:
            return True
    return False


def _looks_like_person(part):
    words = [t for t in part if t.text not in CONNECTORS]
    if not 2 <= len(words) <= 4:
        return False
    return all(is_name_word(t) for t in words) and not any(_is_head(t) for t in words)


def _name_follows(text, end):
    """A title and then a person's name: "IVI Director-General Jerome Kim"."""
    after = tokenize(text, end, min(len(text), end + 80))
    i = 0
    while i < len(after) and (
        after[i].lower in lexicon.TITLE_WORDS or after[i].text in ("of", "for", "and", "-")
    ):
        i += 1
    names = 0
    while i < len(after) and is_name_word(after[i]):
        names += 1
        i += 1
    return names >= 1


_OFFICER_RE = re.compile(
    r"\s+(?:Co-?)?(?:CEO|President|Chairman|Chairwoman|Chairperson|Chair|Founder|"
    r"Chief\s+Executive(?:\s+Officer)?|Managing\s+Director|Executive\s+Director|Director)"
    r"(?:\s+and\s+(?:CEO|President|Founder))?\s+"
    r"(?:(?:Dr|Prof|Mr|Ms|Mrs)\.?\s+)?"
    r"[A-Z][\w’'\-]+(?:\s+[A-Z]\.)?\s+[A-Z][\w’'\-]+(?![\w’'\-])"
)


def _officer_and_full_name_follow(text, end):
    """ "Dasol Cardio CEO Han Ji-woo", "Mirae Wearables President Oh Sung-min": a
    run shaped like a person's name, then the title of an organisation's head and
    a full name, is the organisation the second person heads; no one writes a
    person's name before another's title."""
    return bool(_OFFICER_RE.match(text, end))


def _title_starts(after):
    match = re.match(r"\s*([A-Za-z\-]+)", after)
    return bool(match) and match.group(1).lower() in lexicon.TITLE_WORDS


def _group_of_before(before):
    match = re.search(r"\b([A-Za-z\-]+)\s+(?:of|at|from)\s+(?:the\s+)?$", before)
    if not match:
        return False
    word = match.group(1).lower()
    return word in _GROUP_NOUNS_BEFORE or word in lexicon.TITLE_HEADS


def _sentence_start(text, start):
    before = text[max(0, start - 6) : start]
    return (
        start == 0 or bool(re.search(r"(?:^|[.!?\n]\s*|\bthe\s)$", before)) or before.endswith("\n")
    )


def _context_candidates(text, tokens, mentions, persons, skip_spans):
    """Stand-alone acronyms ("KAIST said"), and "<unit> at X"."""
    covered = SpanSet((m.start, m.end) for m in mentions)
    org_defined = set()
    for m in mentions:
        if m.defines:
            org_defined.add(m.defines.upper())
    defined = set()
    for match in re.finditer(r"\(\s*([A-Za-z][A-Za-z&\-]{1,11})\s*\)", text):
        defined.add(match.group(1).upper())
    defined -= org_defined
    for i, t in enumerate(tokens):
        if not t.is_word or not is_acronym(t.text):
            continue
        core = t.bare.rstrip(".")
        if core.upper() in lexicon.NON_ORG_ACRONYMS or core.upper() in defined:
            continue
        if t.start in covered or _inside(skip_spans, t.start):
            continue
        if _spelled_out_in_lowercase(core, text):
            continue  # "respiratory syncytial virus ... RSV": a term, not a body
        if re.match(r"\s*\(", text[t.end : t.end + 3]):
            continue  # "HBCU (Historically Black ...)": an expansion follows
        # A dateline ("HOUSTON -", "SEOUL, Korea --").
        line_start = text.rfind("\n", 0, t.start) + 1
        if re.fullmatch(
            r"\s*(?:[A-Z][A-Z.\-]+\s+)*", text[line_start : t.start]
        ) and _DATELINE_RE.match(text, t.end, t.end + 80):
            continue  # "SAN DIEGO –", "LEIDEN, the Netherlands –", "BONN, 3 May 2025 –"
        if core.isupper() and len(core) >= 4 and core.lower() in lexicon.PLACES:
            continue
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        modifier = bool(
            nxt
            and nxt.start - t.end <= 1
            and (
                (is_acronym(nxt.text) and nxt.bare.upper() not in lexicon.NON_ORG_ACRONYMS)
                or (t.is_possessive and nxt.is_cap and not _title_starts(" " + nxt.text))
            )
        )
        mentions.append(
            OrgMention(core, t.start, t.start + len(core), "acronym", modifier=modifier)
        )


def _spelled_out_in_lowercase(acronym, text):
    """Whether the article spells the acronym out in lowercase words
    ("respiratory syncytial virus" for RSV, "chronic kidney disease" for CKD):
    organisations are spelled out in capitals, diseases and methods are not."""
    if not (2 <= len(acronym) <= 6 and acronym.isalpha() and acronym.isupper()):
        return False
    words = r"[\s\-]+".join(rf"{letter}[a-z]*" for letter in acronym.lower())
    return bool(re.search(rf"(?<![\w\-]){words}(?![\w\-])", text))


# The rest of a dateline after the place: more place words, a date in either
# order ("14 January 2025", "Jan. 14, 2025"), a wire credit, then a dash.
_DATELINE_RE = re.compile(
    r"[\s,]*(?:(?:the\s+)?[A-Z][\w.]*,?\s*)*"
    r"(?:\d{1,2}\s+[A-Z][a-z]+\.?,?\s+\d{4}|[A-Z][a-z]+\.?\s+\d{1,2},?\s+\d{4})?"
    r"\s*(?:/[^/\n]{1,30}/\s*)?(?:-|–|—|--)"
)


def _merge(text, mentions, skip_spans=()):
    mentions.sort(key=lambda m: (m.start, -m.end))
    index = InstitutionIndex()
    # Drop mentions nested inside a longer one.
    kept = []
    last_end = -1
    for m in mentions:
        if m.start < last_end:
            continue
        kept.append(m)
        last_end = m.end
    mentions = kept
    _mark_possessive_parents(text, mentions)
    full = [m for m in mentions if m.evidence != "acronym"]
    acronym_of = {}
    for m in full:
        if m.defines:
            acronym_of.setdefault(m.defines.upper(), m.name)
    listed = []  # names, in order
    listed_keys = {}

    def add_alias(alias, target):
        index.aliases.setdefault(_key(alias), target)

    # Full names first, in order: decide which are short forms of others.
    names_in_order = []
    for m in full:
        if _key(m.name) not in {_key(n) for n in names_in_order}:
            names_in_order.append(m.name)
    canonical_of = {}
    evidence = {}
    for m in full:
        evidence.setdefault(_key(m.name), m.evidence)
    for name in names_in_order:
        target = (
            _short_form_of(name, names_in_order)
            or _expanded_form_of(name, names_in_order)
            or _mission_variant_of(name, names_in_order)
            or _reordered_form_of(name, names_in_order)
        )
        if target is None and evidence.get(_key(name)) == "context":
            # "Riverbend President ..." after "Riverbend University"; "Under the
            # agreement, Nuvia will ..." after "Nuvia Medical, a U.S. maker of ...".
            target = next(
                (
                    o
                    for o in names_in_order
                    if evidence.get(_key(o)) in ("head", "context")
                    and _key(o).startswith(_key(name) + " ")
                ),
                None,
            )
        canonical_of[_key(name)] = target or name
    for m in mentions:
        if m.evidence == "acronym":
            continue
        target = canonical_of[_key(m.name)]
        m.canonical = target
        if _key(target) not in listed_keys and not m.modifier:
            listed_keys[_key(target)] = target
            listed.append(target)
        add_alias(m.name, target)
        if m.defines:
            add_alias(m.defines, target)
    # Acronyms: the initials of a listed name, a defined short form, or listed as written.
    for m in mentions:
        if m.evidence != "acronym":
            continue
        upper = m.name.upper()
        target = acronym_of.get(upper)
        if target is None:
            for name in listed:
                if upper in _initials(name):
                    target = canonical_of.get(_key(name), name)
                    break
        if target is None:
            # "UNP" beside "University of Northern Plains College of Medicine": the
            # parent inside a unit's name, which is not listed on its own.
            target = next((n for n in listed if upper in _parent_initials(n)), None)
        if target is not None:
            m.canonical = target
            add_alias(m.name, target)
            continue
        m.canonical = m.name
        add_alias(m.name, m.name)
        if not m.modifier and _key(m.name) not in listed_keys:
            listed_keys[_key(m.name)] = m.name
            listed.append(m.name)
    # An acronym used only as a modifier is not listed; one used alone later is.
    index.names = sorted(listed, key=lambda n: _first_pos(mentions, n))
    index.mentions = mentions
    index._starts = [m.start for m in mentions]
    _add_repeats(text, index, skip_spans)
    _add_leading_short_forms(text, index, skip_spans)
    return index


def _mark_possessive_parents(text, mentions):
    """ "Hanbyeol University Health System's Seoyeon Hospital", "Cheonmyeong
    University's Institute of Reproductive Medicine": a full name whose
    possessive owns the next organisation named is a modifier of it, like
    "KAIST's GSMSE"; it is listed only if the text also names it on its own."""
    for m, nxt in itertools.pairwise(mentions):
        if m.evidence == "acronym" or nxt.evidence == "acronym":
            continue
        if re.fullmatch(
            r"[’']s\s+(?:the\s+)?", text[m.end : nxt.start]
        ) or _OWNED_COMPANY_RE.fullmatch(text, m.end, nxt.start):
            m.modifier = True


# "Seokwang Holdings’ biotech arm Seokwang Life Sciences", "X’s US subsidiary, Y":
# the parent owns the company named next.
_OWNED_COMPANY_RE = re.compile(
    r"[’']s?\s+(?:[\w\-]+\s+){0,2}?(?:subsidiary|subsidiaries|arm|unit|affiliate|division|spin-?off)"
    r",?\s+(?:the\s+)?"
)


def _leading_short_forms(name):
    """ "Halvorsen" for "Halvorsen University", "Cedar Valley" for "Cedar Valley
    University": the proper words before the head noun, as US releases shorten
    a name on second reference; "Marbury State" and "Marbury" both for "Marbury
    State University". Nothing when those words are places or generic."""
    words = name.split()
    head_at = next(
        (i for i, w in enumerate(words) if re.sub(r"[’']s?$", "", w).lower() in lexicon.ORG_HEADS),
        None,
    )
    if not head_at:
        return []
    lead = words[:head_at]
    if not all(w[:1].isupper() and re.fullmatch(r"[\w\-.’']+", w) for w in lead):
        return []
    forms = []
    while True:
        lows = [w.lower().rstrip(".") for w in lead]
        if not (
            all(
                w in lexicon.PLACES or w in lexicon.GENERIC_WORDS or w in lexicon.STOP_CAPS
                for w in lows
            )
            or any(is_acronym(w) for w in lead)
        ):
            forms.append(" ".join(lead))
        if len(lead) > 1 and lead[-1].lower() in lexicon.SHORT_FORM_DROPS:
            lead = lead[:-1]  # "Marbury" for "Marbury State University"
            continue
        return forms


def _add_leading_short_forms(text, index, skip_spans=()):
    """Second references by the leading words alone ("Halvorsen's", "at Cedar
    Valley") stand for the one listed name they begin; shared ones are left."""
    owners = {}
    for name in index.names:
        for short in _leading_short_forms(name):
            if _key(short) not in index.aliases:
                owners.setdefault(short, []).append(name)
    spans = SpanSet((m.start, m.end) for m in index.mentions)
    for a, b in skip_spans:
        spans.add(a, b)
    extra = []
    for short, names in owners.items():
        if len(names) != 1:
            continue
        pattern = re.compile(r"(?<![\w’'\-])" + re.escape(short) + r"(?![\w\-])(?!\s+[A-Z])")
        found = [m for m in pattern.finditer(text) if not spans.overlaps(m.start(), m.end())]
        if not found:
            continue
        index.aliases.setdefault(_key(short), names[0])
        for match in found:
            spans.add(match.start(), match.end())
            extra.append(
                OrgMention(short, match.start(), match.end(), "repeat", canonical=names[0])
            )
    if extra:
        index.mentions = sorted(index.mentions + extra, key=lambda m: m.start)
        index._starts = [m.start for m in index.mentions]


def _first_pos(mentions, name):
    key = _key(name)
    return min((m.start for m in mentions if m.canonical and _key(m.canonical) == key), default=0)


def _mission_key(name):
    return re.sub(r"\b(consulate|embassy)(?:[\s\-]+general)?\b", r"\1", _key(name))


def _mission_variant_of(name, names):
    """ "Consulate General of Mongolia in Busan" after "Consulate of Mongolia in
    Busan": one mission written two ways; the first form is the listed one."""
    if not re.search(r"\b(?:consulate|embassy)\b", name, re.I):
        return None
    key = _mission_key(name)
    for other in names:
        if other == name:
            return None  # only an earlier form counts
        if _mission_key(other) == key:
            return other
    return None


def _reordered_form_of(name, names):
    """ "Daegyeong University College of Medicine" after "College of Medicine of
    Daegyeong University": a unit and its parent written the other way round."""
    key = _key(name)
    for other in names:
        if other == name:
            return None  # only an earlier form counts
        unit, of, parent = _key(other).partition(" of ")
        while of:
            if key == f"{parent} {unit}":
                return other
            more, of, parent = parent.partition(" of ")
            unit = f"{unit} of {more}"
    return None


def _expanded_form_of(name, names):
    """ "SNU College of Medicine" -> "Seoul National University College of Medicine"
    (also when the university itself is named only there)."""
    first, _, rest = name.partition(" ")
    if not rest or not is_acronym(first):
        return None
    for other in names:
        if other == name or first.upper() not in _initials(other):
            continue
        expanded = _key(other + " " + rest)
        for candidate in names:
            if _key(candidate) == expanded:
                return candidate
    for candidate in names:
        key = _key(candidate)
        if candidate != name and key.endswith(" " + _key(rest)):
            parent = candidate[: len(candidate) - len(rest)].strip()
            if parent and first.upper() in _initials(parent) and _is_head_name(parent):
                return candidate
    return None


def _is_head_name(name):
    words = name.split()
    if not words:
        return False
    last = re.sub(r"[’']s?$", "", words[-1]).lower()
    return last in lexicon.ORG_HEADS or any(w.lower() in STRONG_HEADS for w in words[:2])


def _parent_initials(name):
    """The initials of the parent at the start of a unit's name: "University of
    Northern Plains" in "University of Northern Plains College of Medicine"."""
    words = name.split()
    found = set()
    for k in range(2, len(words)):
        unit = [re.sub(r"[’']s?$", "", w).lower() for w in words[k:]]
        if unit[0] in ("college", "school", "faculty", "graduate", "institute", "hospital") and (
            len(unit) == 1 or unit[1] in ("of", "for") or unit[-1] in lexicon.ORG_HEADS
        ):
            parent = " ".join(words[:k])
            if _is_head_name(parent):
                found |= _initials(parent)
    return found


def _short_form_of(name, names):
    """The longer listed name that `name` is a later short form of, if any.

    "Moderna" -> "Moderna Inc." (company suffix); "Imperial College" -> "Imperial
    College London" (trailing place); "M. D. Anderson Cancer Center" -> "University
    of Texas M. D. Anderson Cancer Center" (same head, more modifiers). A parent
    ("Jilin University" in "Second Clinical Hospital of Jilin University") is not
    a short form: it is its own institution.
    """
    key = _key(name)
    for other in names:
        okey = _key(other)
        if okey == key or len(okey) <= len(key):
            continue
        if okey.startswith(key + " for ") and key.split()[-1] in lexicon.ORG_HEADS and " " in key:
            return other  # "Van Leeuwen Institute" for "Van Leeuwen Institute for Neuroscience"
        if (
            okey.startswith(key + " of ")
            and " " in key
            and key.split()[-1] in lexicon.ORG_HEADS
            and _is_head_name(other[len(name) + 4 :])
            and other[len(name) + 4 :].split()[-1].lower() in STRONG_HEADS
        ):
            return other  # "Seorabeol Hospital" for "Seorabeol Hospital of Gyerim University"
        if okey.startswith(key + " ") or okey.startswith(key + ","):
            rest = okey[len(key) :].replace(",", " ").split()
            if all(w.rstrip(".") in lexicon.COMPANY_SUFFIXES or w in lexicon.PLACES for w in rest):
                return other
        elif okey.endswith(" " + key):
            before = okey[: -len(key)].split()
            if before and before[-1] not in ("of", "the", "at", "for", "and"):
                return other
    return None
