"""Finding public articles, people and institutions from what a reader types.

Every story has one search document (``articles/search_index.py``): headline,
standfirst, body, tag names, quoted words, agreement titles and the names of
the people and institutions linked to it, kept current by database triggers
on both engines. The query is read here once, into terms, and written out for
each engine, so both answer the same questions:

* every word must match, as a whole word ("MOU" never matches "tumours");
  the last word may also be the start of a longer one ("organ" finds
  "organoid"), whole-word matches ranking first; ``"..."`` is a phrase;
  ``-word`` leaves out stories with it. No character the reader types
  reaches either engine's query syntax: words are quoted one by one.
* a name is found in any order, with or without hyphens ("Jae-young Choi",
  "choi jae young", "Jaeyoung Choi"): the document holds the name's parts
  and its hyphen-free form, a bare "Jae-young" asks for both parts or the
  joined word, and each typed word is matched on its own.
* Korean attaches particles to nouns ("연세대학교와"). On PostgreSQL a Korean
  word also matches by pg_trgm word similarity against the document's Korean
  words (0.6, the extension's default). On SQLite it matches as the start of
  a word, or its stem does: the first ceil(0.6 * (n + 1)) syllables, the
  shared start at which pg_trgm's similarity for an n-syllable word reaches
  the same 0.6. (FTS5's trigram tokenizer finds substrings, which would
  match a stem inside other words, and needs a second copy of every text.)

PostgreSQL ranks with ``ts_rank`` over the weighted vector (headline A;
standfirst, names, tags and agreements B; body and quotes C), stemming with
the english configuration and keeping Korean and names as written with the
simple one; the last word's longer forms come from the index's word list.
SQLite ranks with FTS5's bm25 over the same fields, stemming with the porter
tokenizer. Both rank only the newest ``SEARCH_CANDIDATES`` matches, plus the
stories of a person or institution the words name exactly, which come first.

Filters (section, dates in the newsroom's zone, an institution with its
sub-units, a person) narrow the candidates, and everything starts from
``Article.objects.published()``.

"Did you mean" corrects the words no document contains to the most similar
headline, tag or name word (trigram similarity, pg_trgm's definition and
0.3 threshold), and offers the correction only if it finds more public
stories: a word seen only in a draft never surfaces.
"""

import dataclasses
import datetime
import html
import math
import re

from django import forms
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat, Length, Lower, Replace
from django.db.models.query import ModelIterable
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleSearchDocument, Byline, Quote
from articles.search_index import FTS_TABLE, WORD_TABLE, WORDS_VOCABULARY
from institutions.models import Institution, Person
from newsroom.queries import union_of_slices

MAX_QUERY_LENGTH = 200
# Words of the query that are searched for; the rest are ignored.
MAX_TERMS = 8
MAX_NAMES = 10
# How many of the newest matching stories are ranked; the results page says
# when there were more.
SEARCH_CANDIDATES = 500
# Below this many results the page looks for a "did you mean".
FEW_RESULTS = 3
SNIPPET_LENGTH = 220
# The last word also matches longer words from this length ("organ"*), on
# PostgreSQL the first this many of them in alphabetical order.
PREFIX_MIN_LENGTH = 3
PREFIX_EXPANSIONS = 100
# pg_trgm's defaults: similarity() for suggestions, word_similarity() for
# Korean words with particles.
SUGGESTION_SIMILARITY = 0.3
KOREAN_WORD_SIMILARITY = 0.6
# SQLite scores suggestions in Python over the headline, tag and name words
# within this many letters of the typed word's length, at most this many.
SUGGESTION_LENGTH_WINDOW = 2
SUGGESTION_VOCABULARY_LIMIT = 20_000
# bm25 weights, in the FTS5 table's column order (search_index.FTS_COLUMNS):
# headline, standfirst, body, tags, names, quotes, agreements.
BM25_WEIGHTS = (10.0, 4.0, 1.0, 4.0, 4.0, 2.0, 4.0)
# Dates a filter accepts; outside them a date is a typing slip.
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2999, 12, 31)

# Private-use characters mark matches inside ts_headline's output; the text is
# escaped in Python before they become <mark> tags.
_START, _STOP = "\ue000", "\ue001"
_TAG = re.compile(r"<[^>]*>")
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")
# A bare token, or a quoted phrase (the closing quote may be missing).
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# Letters and digits: all that ever reaches a search engine.
_WORD = re.compile(r"[^\W_]+")
_HANGUL = re.compile("[\uac00-\ud7a3]")
_NAME_SEPARATORS = re.compile(r"[\s\-\u2010\u2011\u2013]+")


def search_text_clean(query):
    """The query as we search for it: one line, no NUL, at most 200 characters."""
    if not isinstance(query, str):
        return ""
    text = " ".join(query.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH].strip()


# Reading the query ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class SearchTerm:
    """One thing every result must (or, ``negated``, must not) contain."""

    words: tuple
    negated: bool = False
    quoted: bool = False
    # The last word may be the start of a longer word.
    prefix: bool = False

    @property
    def korean(self):
        """A single Korean word typed bare, which may carry a particle."""
        return len(self.words) == 1 and not self.quoted and bool(_HANGUL.search(self.words[0]))

    @property
    def korean_stem(self):
        """The start of the word that pg_trgm would still find 0.6 similar, if shorter."""
        word = self.words[0]
        length = math.ceil(KOREAN_WORD_SIMILARITY * (len(word) + 1))
        return word[:length] if 2 <= length < len(word) else None

    @property
    def joined(self):
        """ "jaeyoung" for "Jae-young" typed bare: the parts may also be one word."""
        return "".join(self.words) if len(self.words) > 1 and not self.quoted else None

    @property
    def marked_words(self):
        """The words the snippet highlights."""
        extra = self.korean_stem if self.korean else self.joined
        return [*self.words, extra] if extra else list(self.words)


def search_terms(text):
    """The terms of a cleaned query: at most ``MAX_TERMS`` words in all.

    Words are letters and digits only, lowercased; anything else separates
    them, and ``NEAR``, ``*``, ``:`` or a stray quote are nothing but text.
    A bare "Jae-young" asks for "jae" and "young" anywhere, or "jaeyoung"; a
    quoted "jae young" for the phrase. (As a phrase the bare word made
    PostgreSQL check positions in every story holding the parts: 0.4 to 1 s
    for "Jung Yun-hee" at 3,000 stories, against 0.08 s.)
    """
    terms, budget = [], MAX_TERMS
    for match in _TOKEN.finditer(text or ""):
        negated_phrase, phrase, bare = match.groups()
        if bare is not None:
            negated = bare.startswith("-") and len(bare) > 1
            source, quoted = (bare[1:] if negated else bare), False
        else:
            negated, source, quoted = bool(negated_phrase), phrase, True
        words = tuple(word.lower() for word in _WORD.findall(source))[:budget]
        if not words:
            continue
        terms.append(SearchTerm(words=words, negated=negated, quoted=quoted))
        budget -= len(words)
        if budget <= 0:
            break
    for position in range(len(terms) - 1, -1, -1):
        last = terms[position]
        if not last.negated:
            if not last.quoted and not last.korean and len(last.words[-1]) >= PREFIX_MIN_LENGTH:
                terms[position] = dataclasses.replace(last, prefix=True)
            break
    return terms


def _positive(terms):
    return [term for term in terms if not term.negated]


# PostgreSQL ----------------------------------------------------------------


def _tsquery_text(term):
    if term.quoted:
        return " <-> ".join(f"'{word}'" for word in term.words)
    every = " & ".join(f"'{word}'" for word in term.words)
    return f"({every}) | '{term.joined}'" if term.joined else every


def _postgres_prefixed(term):
    """The term's tsquery text, its last word also standing for the longer words it starts.

    The longer words come from the index's word list in a subquery, not from
    'word':*: PostgreSQL estimates a prefix scan of the GIN index so dear
    that it read every document instead, 18 to 50 ms at 3,000 stories against
    under 3 ms for the expanded query.
    """
    *first, last = term.words
    head = "(" + "".join(f"'{word}' & " for word in first) if first else ""
    tail = f") | '{term.joined}'" if term.joined else ""
    after = chr(ord(last[-1]) + 1) if ord(last[-1]) < 0x10FFFF else last[-1]
    if 0xD800 <= ord(after) <= 0xDFFF:
        after = chr(0xE000)
    return RawSQL(
        "%s || coalesce(' | ' || (SELECT string_agg(quote_literal(word), ' | ') FROM "
        f"(SELECT word FROM {WORD_TABLE} WHERE word > %s AND word < %s "
        "AND starts_with(word, %s) ORDER BY word LIMIT %s) AS longer), '') || %s",
        [f"{head}('{last}'", last, last[:-1] + after, last, PREFIX_EXPANSIONS, ")" + tail],
        output_field=TextField(),
    )


def _postgres_term(term):
    """(condition on the document, query for ranking, query for highlighting).

    A prefix widens the match but not the rank: ts_rank scores "organ" and
    "organoid" alike for 'organ' | 'organ':*, so the rank counts the word
    as typed and prefix-only matches come after, for one ts_rank a story.
    """
    if term.korean:
        word, stem = term.words[0], term.korean_stem
        longer = SearchQuery(_postgres_prefixed(term), search_type="raw", config="simple")
        condition = Q(vector=longer) | Q(
            RawSQL("%s <%% korean_words", [word], output_field=BooleanField())
        )
        ranked = " | ".join(f"'{part}':*" for part in (word, stem) if part)
        query = SearchQuery(ranked, search_type="raw", config="simple")
        return condition, query, query
    exact = _tsquery(_tsquery_text(term))
    query = _tsquery(_postgres_prefixed(term)) if term.prefix else exact
    return Q(vector=query), exact, query


def _tsquery(text):
    return SearchQuery(text, search_type="raw", config="english") | SearchQuery(
        text, search_type="raw", config="simple"
    )


def _postgres_search(terms):
    """(condition on the article, rank, further annotations) on PostgreSQL."""
    condition, rank_query, marked_query = Q(), None, None
    for term in terms:
        term_condition, term_rank, term_marked = _postgres_term(term)
        if term.negated:
            condition &= ~term_condition
            continue
        condition &= term_condition
        rank_query = term_rank if rank_query is None else rank_query | term_rank
        marked_query = term_marked if marked_query is None else marked_query | term_marked
    rank = Coalesce(SearchRank(F("search_document__vector"), rank_query), 0.0)
    # An EXISTS lets PostgreSQL walk the date index and stop once it has
    # enough (a common word), or start from the GIN indexes (a rare word,
    # wherever it is in the archive).
    matching = Exists(ArticleSearchDocument.objects.filter(condition, article=OuterRef("pk")))
    plain_body = Func(
        F("body"),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    snippet = SearchHeadline(
        Concat(F("standfirst"), Value(" "), plain_body, output_field=TextField()),
        marked_query,
        config="english",
        start_sel=_START,
        stop_sel=_STOP,
        max_words=35,
        min_words=15,
    )
    return matching, rank, {"snippet_raw": snippet}


# SQLite --------------------------------------------------------------------


def _fts5_term(term):
    if term.korean:
        return " OR ".join(f'"{part}"*' for part in (term.words[0], term.korean_stem) if part)
    if term.quoted:
        return '"' + " ".join(term.words) + '"'
    words = [f'"{word}"' for word in term.words]
    if term.prefix:
        words[-1] = f"({words[-1]} OR {words[-1]}*)"
    every = " AND ".join(words)
    return f'({every}) OR "{term.joined}"' if term.joined else every


def fts5_match(terms):
    """The FTS5 MATCH expression for ``terms``, or None with nothing to find.

    Every word is inside double quotes, and words hold letters and digits
    only, so FTS5's operators and column filters are never in play.
    """
    positive = [f"({_fts5_term(term)})" for term in terms if not term.negated]
    if not positive:
        return None
    match = " AND ".join(positive)
    negative = [f"({_fts5_term(term)})" for term in terms if term.negated]
    if negative:
        match = f"({match}) NOT ({' OR '.join(negative)})"
    return match


def _sqlite_search(terms):
    """(condition on the article, rank, further annotations) on SQLite."""
    match = fts5_match(terms)
    matching = Q(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [match])
    )
    weights = ", ".join(str(weight) for weight in BM25_WEIGHTS)
    # Every match scored once, in a materialised table the candidates look
    # up: a MATCH per candidate took 0.98 s for "clinical research" at 3,000
    # stories, this 23 ms. bm25 is negative, the better the lower: negated
    # so that both engines sort the rank descending.
    score = RawSQL(
        f"WITH scored AS MATERIALIZED (SELECT rowid AS story, bm25({FTS_TABLE}, {weights}) "
        f"AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) "
        "SELECT score FROM scored WHERE story = articles_article.id",
        [match],
        output_field=FloatField(),
    )
    return matching, Coalesce(score, 0.0) * Value(-1.0), {}


def _search_ranked(terms, narrowed):
    """The matches among ``narrowed``, best first: the engine's rank, names first.

    Only the newest SEARCH_CANDIDATES matches are ranked: a word in nearly
    every story ("research") otherwise means scoring the whole archive on
    each request (4 s at 100,000 stories). Stories linked to a person or
    institution the words name exactly are a second list of candidates and
    come first, so that a person's own stories are never cut from the
    newest few hundred that merely hold the parts of their name.
    """
    engine = _postgres_search if connection.vendor == "postgresql" else _sqlite_search
    matching, rank, annotations = engine(terms)
    named = _named_story_ids(terms)
    # A story linked to the person named holds the name: it matches unless
    # a word is excluded, and testing it again cost a second pass.
    named_stories = narrowed.filter(pk__in=named)
    if any(term.negated for term in terms):
        named_stories = named_stories.filter(matching)
    candidates = union_of_slices(
        Article,
        [narrowed.filter(matching)[:SEARCH_CANDIDATES], named_stories[:SEARCH_CANDIDATES]],
    )
    return (
        Article.objects.published()
        .filter(pk__in=candidates)
        .for_cards()
        .annotate(
            named=Case(When(pk__in=named, then=1), default=0, output_field=IntegerField()),
            rank=rank,
            **annotations,
        )
        .order_by("-named", "-rank", "-published_at", "-pk")
    )


# Filters -------------------------------------------------------------------


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def search_narrowed(*, section=None, since=None, until=None, institution=None, person=None):
    """Public stories, newest first, within the filters (ids only, for ``pk__in``).

    ``since`` and ``until`` are dates in the newsroom's zone, both included;
    an institution counts with its sub-units; a person is found in a story
    about them, quoting them or under their byline.
    """
    stories = Article.objects.published()
    if section is not None:
        stories = stories.in_section(section)
    if since is not None:
        stories = stories.filter(published_at__gte=_local_midnight(since))
    if until is not None:
        stories = stories.filter(published_at__lt=_local_midnight(until + datetime.timedelta(1)))
    if institution is not None:
        stories = stories.about_institution(institution)
    if person is not None:
        stories = stories.filter(
            Q(pk__in=Article.people.through.objects.filter(person=person).values("article_id"))
            | Q(pk__in=Quote.objects.filter(person=person).values("article_id"))
            | Q(pk__in=Byline.objects.filter(person=person).values("article_id"))
        )
    return stories.order_by("-published_at", "-pk").values("pk")


class SearchFilterForm(forms.Form):
    """The search page's filters, read from GET.

    A value that means nothing (an unknown section, a date that is no date)
    is left out of the search and explained in ``notices``; it never fails
    the page. ``sections`` is the navigation's list, so choosing one costs
    no query.
    """

    section = forms.ChoiceField(label=_("Section"), required=False)
    institution = forms.CharField(
        label=_("Institution"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Its name or short name, such as KAIST; includes its schools and institutes."),
    )
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("A name in any order, such as Choi Jae-young."),
    )

    def __init__(self, *args, sections=(), **kwargs):
        kwargs.setdefault("auto_id", "search-filter-%s")
        super().__init__(*args, **kwargs)
        self.sections = {section.slug: section for section in sections}
        self.fields["section"].choices = [("", _("Any section"))] + [
            (section.slug, section.name) for section in sections
        ]
        self.fields["section"].error_messages["invalid_choice"] = _(
            "There is no section “%(value)s”; showing every section."
        )
        # "from" and "to" are the parameters' names, and Python keywords.
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={
                    "invalid": _("“%(label)s” needs a date such as 2026-03-01; showing every date.")
                    % {"label": label}
                },
            )
        self.order_fields(["section", "from", "to", "institution", "person"])

    def clean_section(self):
        return self.sections.get(self.cleaned_data["section"])

    def clean_institution(self):
        value = search_text_clean(self.cleaned_data["institution"])
        if not value:
            return None
        found = (
            Institution.objects.filter(
                Q(slug=value)
                | Q(short_name__iexact=value)
                | Q(name__iexact=value)
                | Q(korean_name=value)
            )
            .annotate(by_slug=Case(When(slug=value, then=0), default=1))
            .order_by("by_slug", "name")
            .first()
        )
        if found is None:
            raise forms.ValidationError(
                _("No institution is called “%(value)s”; showing every institution."),
                params={"value": value},
            )
        return found

    def clean_person(self):
        value = search_text_clean(self.cleaned_data["person"])
        if not value:
            return None
        found = _people_named(value, exact=True).first()
        if found is None:
            raise forms.ValidationError(
                _("No one is called “%(value)s”; showing stories about anyone."),
                params={"value": value},
            )
        return found

    def clean(self):
        cleaned = super().clean()
        for name in ("from", "to"):
            day = cleaned.get(name)
            if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
                self.add_error(
                    name,
                    _("Give a date between %(first)s and %(last)s.")
                    % {"first": EARLIEST_DATE.year, "last": LATEST_DATE.year},
                )
        since, until = cleaned.get("from"), cleaned.get("to")
        if since and until and until < since:
            self.add_error("to", _("The end date is before the start date; showing every date."))
        return cleaned

    @property
    def notices(self):
        """What was left out of the search and why, one message per bad value."""
        if not self.is_bound:
            return []
        return [message for errors in self.errors.values() for message in errors]

    def criteria(self):
        """Keyword arguments for ``search_articles``: the valid filters only."""
        if not self.is_bound:
            return {}
        self.is_valid()
        names = {"section": "section", "from": "since", "to": "until"}
        names.update(institution="institution", person="person")
        return {
            keyword: self.cleaned_data[field]
            for field, keyword in names.items()
            if self.cleaned_data.get(field) is not None
        }


# Snippets ------------------------------------------------------------------


def _marked(text, pattern):
    """Escape ``text`` and wrap each match of ``pattern`` in <mark>."""
    pieces, position = [], 0
    if pattern is not None:
        for match in pattern.finditer(text):
            if match.start() == match.end():
                continue
            pieces.append(escape(text[position : match.start()]))
            pieces.append(f"<mark>{escape(match.group())}</mark>")
            position = match.end()
    pieces.append(escape(text[position:]))
    return "".join(pieces)


def snippet_from_text(text, terms, *, length=SNIPPET_LENGTH):
    """A safe HTML excerpt of ``text`` around the first of ``terms``, matches marked."""
    text = " ".join(text.split())
    terms = [term for term in terms if term]
    pattern = (
        re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.I)
        if terms
        else None
    )
    first = pattern.search(text) if pattern else None
    start = 0
    if first and first.start() > length // 3:
        start = text.find(" ", first.start() - length // 3) + 1
    end = min(len(text), start + length)
    if end < len(text):
        cut = text.rfind(" ", start, end)
        end = cut if cut > start else end
    excerpt = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(escape(prefix) + _marked(excerpt, pattern) + escape(suffix))


def _document_text(article):
    # Tags become spaces so that paragraphs do not run into each other.
    return html.unescape(_TAG.sub(" ", f"{article.standfirst} {article.body}"))


def snippet_from_headline(raw):
    """Turn ts_headline output (our markers, body entities) into safe HTML."""
    text = " ".join(html.unescape(raw or "").split())
    pieces, position = [], 0
    for match in _MARKED.finditer(text):
        pieces.append(escape(_strip_markers(text[position : match.start()])))
        pieces.append(f"<mark>{escape(match.group(1))}</mark>")
        position = match.end()
    pieces.append(escape(_strip_markers(text[position:])))
    return mark_safe("".join(pieces))


def _strip_markers(text):
    return text.replace(_START, "").replace(_STOP, "")


def _snippet_iterable(terms):
    """Model iteration that attaches ``snippet`` to every article it yields.

    Plugged in as the queryset's iterable class so that slicing, pagination
    and ``get()`` all still produce articles with their snippet.
    """

    class SnippetIterable(ModelIterable):
        def __iter__(self):
            for article in super().__iter__():
                raw = getattr(article, "snippet_raw", None)
                if raw is not None:
                    article.snippet = snippet_from_headline(raw)
                else:
                    article.snippet = snippet_from_text(_document_text(article), terms)
                yield article

    return SnippetIterable


# Searching -----------------------------------------------------------------


def search_articles(query, *, section=None, since=None, until=None, institution=None, person=None):
    """Public articles matching ``query``, best first, each with a ``snippet``.

    ``snippet`` is safe HTML: the text around the match, escaped, with the
    matched words in <mark>. The filters (see ``search_narrowed``) narrow the
    search; with filters and no query at all they list the newest stories
    they allow. A query with nothing searchable in it (empty, only
    punctuation, only ``-excluded`` words) gives an empty queryset.
    """
    text = search_text_clean(query)
    filters = {
        "section": section,
        "since": since,
        "until": until,
        "institution": institution,
        "person": person,
    }
    narrowed = search_narrowed(**filters)
    terms = search_terms(text)
    if not _positive(terms):
        if text or all(value is None for value in filters.values()):
            return Article.objects.none()
        results = (
            Article.objects.published()
            .filter(pk__in=narrowed[:SEARCH_CANDIDATES])
            .for_cards()
            .newest_first()
        )
        results._iterable_class = _snippet_iterable([])
        return results
    results = _search_ranked(terms, narrowed)
    marked = [word for term in _positive(terms) for word in term.marked_words]
    results._iterable_class = _snippet_iterable(marked)
    return results


def search_is_capped(found):
    """Whether ``found`` results are only the newest ``SEARCH_CANDIDATES`` matches."""
    return found >= SEARCH_CANDIDATES


# Names ---------------------------------------------------------------------


def _institutions_named(text):
    matches = Q(name__icontains=text) | Q(short_name__iexact=text)
    matches |= Q(korean_name__icontains=text) | Q(aliases__icontains=text)
    # "KAIST GSMSE": the label a child institution is printed with.
    first, _space, last = text.rpartition(" ")
    if first:
        matches |= Q(short_name__iexact=last, parent__short_name__iexact=first)
    return Institution.objects.filter(matches)


def _institutions_named_exactly(text):
    matches = Q(name__iexact=text) | Q(short_name__iexact=text) | Q(korean_name=text)
    first, _space, last = text.rpartition(" ")
    if first:
        matches |= Q(short_name__iexact=last, parent__short_name__iexact=first)
    return Institution.objects.filter(matches)


def _named_story_ids(terms):
    """Ids of stories linked to someone the words name exactly (any order).

    People about, quoted or writing; institutions about, with their
    sub-units, as on an institution's page. A UNION of index lookups in the
    link tables, used as one IN test.
    """
    words = " ".join(word for term in _positive(terms) for word in term.words)
    people = _people_named(words, exact=True).values("pk")
    institutions = _institutions_named_exactly(words).values("pk")
    about = Article.institutions.through.objects
    parts = [
        about.filter(institution__in=institutions).values("article_id"),
        about.filter(institution__parent__in=institutions).values("article_id"),
        Article.people.through.objects.filter(person__in=people).values("article_id"),
        Quote.objects.filter(person__in=people).values("article_id"),
        Byline.objects.filter(person__in=people).values("article_id"),
    ]
    return parts[0].union(*parts[1:])


def _name_parts(text):
    """A typed name's parts: lowercased, split at spaces and hyphens."""
    return [part for part in _NAME_SEPARATORS.split(text.lower()) if part][:MAX_TERMS]


def _people_named(text, *, exact=False):
    """People whose name holds every typed part, in any order, hyphens ignored.

    "Jae-young Choi", "choi jae young" and "Jaeyoung Choi" all find "Choi
    Jae-young": each part is looked for in the name lowercased with its
    spaces and hyphens removed. A name with nothing left over (the parts'
    lengths add up to the name's) comes first; ``exact`` keeps only those,
    and people whose address name or Korean name is the text.
    """
    parts = _name_parts(text)
    compact = Replace(Replace(Lower("name"), Value("-"), Value("")), Value(" "), Value(""))
    people = Person.objects.annotate(compact_name=compact, compact_length=Length(compact))
    every_part = Q()
    for part in parts:
        every_part &= Q(compact_name__contains=part)
    whole = Q(compact_length=sum(len(part) for part in parts))
    korean = Q(korean_name=text.replace(" ", ""))
    if exact:
        condition = Q(slug=text) | korean
        if parts:
            condition |= every_part & whole
        return people.filter(condition).order_by("name", "pk")
    condition = Q(korean_name__icontains=text.replace(" ", "")) | Q(name__icontains=text)
    if parts:
        condition |= every_part
    return (
        people.filter(condition)
        .annotate(
            leftover=Case(When(whole & every_part, then=0), default=1, output_field=IntegerField())
        )
        .order_by("leftover", "name", "pk")
    )


def search_names(query):
    """People and institutions whose names match, for a "did you mean" panel."""
    text = search_text_clean(query)
    if not text:
        return {"people": [], "institutions": []}
    return {
        "people": list(_people_named(text)[:MAX_NAMES]),
        "institutions": list(_institutions_named(text).select_related("parent")[:MAX_NAMES]),
    }


# Did you mean --------------------------------------------------------------


def _trigrams(word):
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def trigram_similarity(first, second):
    """pg_trgm's ``similarity()`` for two single words, in Python."""
    a, b = _trigrams(first.lower()), _trigrams(second.lower())
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared) if a or b else 0.0


def _postgres_word_lookup(words):
    """{word: (found in some document, most similar suggestable word)}: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT typed.word,
                EXISTS (
                    SELECT 1 FROM articles_articlesearchdocument document
                    WHERE document.vector @@ (
                        to_tsquery('simple', quote_literal(typed.word))
                        || to_tsquery('english', quote_literal(typed.word))
                    )
                ),
                (
                    SELECT known.word FROM {WORD_TABLE} known
                    WHERE known.suggest AND known.word %% typed.word
                      AND known.word <> typed.word
                    ORDER BY similarity(known.word, typed.word) DESC, known.word
                    LIMIT 1
                )
            FROM unnest(%s::text[]) AS typed(word)
            """,
            [list(words)],
        )
        return {word: (known, best) for word, known, best in cursor.fetchall()}


def _sqlite_word_lookup(words):
    """The same as ``_postgres_word_lookup``, scoring a bounded vocabulary in Python.

    One query: the headline, tag and name words within
    ``SUGGESTION_LENGTH_WINDOW`` letters of the typed words' lengths (from
    FTS5's own vocabulary of those fields, so it never holds a word no
    story has any more), at most ``SUGGESTION_VOCABULARY_LIMIT``, and for
    each typed word whether any document has it.
    """
    lengths = [len(word) for word in words]
    parts = [
        f"SELECT term, NULL FROM (SELECT term FROM {WORDS_VOCABULARY} "
        "WHERE length(term) BETWEEN %s AND %s LIMIT %s)"
    ]
    params = [
        min(lengths) - SUGGESTION_LENGTH_WINDOW,
        max(lengths) + SUGGESTION_LENGTH_WINDOW,
        SUGGESTION_VOCABULARY_LIMIT,
    ]
    for word in words:
        parts.append(
            f"SELECT NULL, %s WHERE EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
        )
        params += [word, f'"{word}"']
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    vocabulary = [term for term, _known in rows if term is not None]
    known = {word for _term, word in rows if word is not None}
    lookup = {}
    for word in words:
        best, best_score = None, SUGGESTION_SIMILARITY
        for term in vocabulary:
            if term == word or abs(len(term) - len(word)) > SUGGESTION_LENGTH_WINDOW:
                continue
            score = trigram_similarity(term, word)
            if score > best_score or (score == best_score and best is not None and term < best):
                best, best_score = term, score
        lookup[word] = (word in known, best)
    return lookup


def search_suggestion(query, *, found=0, **criteria):
    """A corrected query that finds more public stories than ``found``, or None.

    Only the words no document contains are corrected, each to the most
    similar headline, tag or name word. At most two queries: the word
    lookup, then the corrected search's count (through ``published()``,
    with the same filters).
    """
    text = search_text_clean(query)
    words = list(
        dict.fromkeys(word for term in _positive(search_terms(text)) for word in term.words)
    )
    if not words:
        return None
    word_lookup = (
        _postgres_word_lookup if connection.vendor == "postgresql" else _sqlite_word_lookup
    )
    lookup = word_lookup(words)
    corrected = text
    for word, (known, best) in lookup.items():
        if known or not best:
            continue
        corrected = re.sub(
            rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", best, corrected, flags=re.IGNORECASE
        )
    if corrected == text:
        return None
    if search_articles(corrected, **criteria).count() <= found:
        return None
    return corrected
