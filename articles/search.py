"""Finding public articles, people and institutions from what a reader types.

Two engines behind one function. On PostgreSQL the article text is matched
with full-text search: headline weighted A, standfirst B, body C, each parsed
twice, once with the ``english`` configuration (stemming: "signs" finds
"signed") and once with ``simple`` (no stemming, so Korean words and names
survive as written). Korean attaches particles to nouns ("연세대학교와"), so
every Korean word typed is also tried as a prefix in the ``simple`` vector.

The vectors live in ``ArticleSearchDocument``, one row per article, written
by a database trigger (migration 0006) whenever the text changes, however
it changes, and indexed with GIN. A stored vector rather than an index on
an expression because ranking needs the vector of every match: recomputing
it from the body made a common word take seconds on 10,000 articles.

Names are matched apart from the text, against the people and institution
tables (names, short names, Korean names, aliases), so a story about KAIST
GSMSE or quoting Choi Jae-young is found by those names even when the words
never appear in it, and a renamed institution is found under its new name at
once.

SQLite, used in development, gets a simpler search: every typed word must
appear in the headline, standfirst or body (or the whole text must name a
linked person or institution); headline matches come first, then the newest.
"""

import html
import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
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
from django.db.models.functions import Coalesce, Concat
from django.db.models.query import ModelIterable
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.models import Article, ArticleSearchDocument, Quote
from institutions.models import Institution, Person
from newsroom.queries import union_of_slices

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MAX_NAMES = 10
# How many of the newest matching stories are ranked; the results page says
# when there were more.
SEARCH_CANDIDATES = 500
SNIPPET_LENGTH = 220
# Private-use characters mark matches inside ts_headline's output; the text is
# escaped in Python before they become <mark> tags.
_START, _STOP = "\ue000", "\ue001"
# A story linked to a matching name ranks as if its headline had matched.
NAME_MATCH_BONUS = 0.5
_TAG = re.compile(r"<[^>]*>")
_MARKED = re.compile(f"{_START}([^{_START}{_STOP}]*){_STOP}")


def search_text_clean(query):
    """The query as we search for it: one line, no NUL, at most 200 characters."""
    if not isinstance(query, str):
        return ""
    text = " ".join(query.replace("\x00", " ").split())
    return text[:MAX_QUERY_LENGTH].strip()


def _words(text):
    """Letters and digits only, as used for prefix matching and highlighting."""
    return re.findall(r"\w+", text)[:MAX_TERMS]


def _institutions_named(text):
    matches = Q(name__icontains=text) | Q(short_name__iexact=text)
    matches |= Q(korean_name__icontains=text) | Q(aliases__icontains=text)
    # "KAIST GSMSE": the label a child institution is printed with.
    first, _space, last = text.rpartition(" ")
    if first:
        matches |= Q(short_name__iexact=last, parent__short_name__iexact=first)
    return Institution.objects.filter(matches)


def _people_named(text):
    return Person.objects.filter(Q(name__icontains=text) | Q(korean_name__icontains=text))


def _named_article_ids(text):
    """Ids of articles about or quoting someone the text names, or None.

    Articles about an institution's sub-units count, as on its own page. A
    UNION of index lookups in the link tables, used as one IN test, so the
    cost follows the number of links rather than the number of articles.
    """
    if len(text) < 2:
        return None
    institutions = _institutions_named(text).values("pk")
    people = _people_named(text).values("pk")
    about = Article.institutions.through.objects
    parts = [
        about.filter(institution__in=institutions).values("article_id"),
        about.filter(institution__parent__in=institutions).values("article_id"),
        Article.people.through.objects.filter(person__in=people).values("article_id"),
        Quote.objects.filter(person__in=people).values("article_id"),
    ]
    return parts[0].union(*parts[1:])


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


def _postgres_search(text):
    words = _words(text)
    query = SearchQuery(text, search_type="websearch", config="english")
    if words:
        # Words outside ASCII (Korean) match as prefixes, to get past the
        # particles; English words match exactly here, the english query
        # above having handled their other forms. Prefix scans are slow on
        # GIN, so they are kept to the words that need them.
        terms = " & ".join(f"'{word}'" + ("" if word.isascii() else ":*") for word in words)
        query |= SearchQuery(terms, search_type="raw", config="simple")
    # Only the newest SEARCH_CANDIDATES matches are ranked. A word in nearly
    # every story ("research") otherwise means scoring the whole archive on
    # each request (4 s at 100,000 stories). Text and name matches are two
    # separate newest-first lists, each an EXISTS that PostgreSQL can run
    # either way round: walking the date index and stopping once it has
    # enough (a common word), or starting from the GIN index (a rare word,
    # found wherever it is in the archive). An OR of the two would force it
    # to test every story.
    newest = Article.objects.published().order_by("-published_at", "-pk").values("pk")
    text_matches = newest.filter(
        Exists(ArticleSearchDocument.objects.filter(article=OuterRef("pk"), vector=query))
    )[:SEARCH_CANDIDATES]
    candidates = text_matches
    names = _named_article_ids(text)
    name_bonus = Value(0.0, output_field=FloatField())
    if names is not None:
        candidates = union_of_slices(
            Article, [text_matches, newest.filter(pk__in=names)[:SEARCH_CANDIDATES]]
        )
        name_bonus = Case(
            When(pk__in=names, then=Value(NAME_MATCH_BONUS)),
            default=Value(0.0),
            output_field=FloatField(),
        )
    plain_body = Func(
        F("body"),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return (
        Article.objects.published()
        .filter(pk__in=candidates)
        .select_related("section")
        .annotate(
            rank=Coalesce(SearchRank(F("search_document__vector"), query), 0.0) + name_bonus,
            snippet_raw=SearchHeadline(
                Concat(F("standfirst"), Value(" "), plain_body, output_field=TextField()),
                query,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
            ),
        )
        .order_by("-rank", "-published_at", "-pk")
    )


def _simple_search(text):
    condition = Q()
    for term in text.split()[:MAX_TERMS]:
        condition &= (
            Q(headline__icontains=term) | Q(standfirst__icontains=term) | Q(body__icontains=term)
        )
    names = _named_article_ids(text)
    if names is not None:
        condition |= Q(pk__in=names)
    headline_hit = Q()
    for term in text.split()[:MAX_TERMS]:
        headline_hit |= Q(headline__icontains=term)
    return (
        Article.objects.published()
        .filter(condition)
        .select_related("section")
        .annotate(
            headline_hit=Case(When(headline_hit, then=1), default=0, output_field=IntegerField())
        )
        .order_by("-headline_hit", "-published_at", "-pk")
    )


def search_articles(query):
    """Public articles matching ``query``, best first, each with a ``snippet``.

    ``snippet`` is safe HTML: the text around the match, escaped, with the
    matched words in <mark>. An empty query gives an empty queryset; the
    query is cut to 200 characters and only ever reaches the database as a
    parameter (websearch syntax on PostgreSQL, quotes and minus allowed).
    """
    text = search_text_clean(query)
    if not text:
        return Article.objects.none()
    engine = _postgres_search if connection.vendor == "postgresql" else _simple_search
    results = engine(text)
    results._iterable_class = _snippet_iterable(text.split()[:MAX_TERMS])
    return results


def search_names(query):
    """People and institutions whose names match, for a "did you mean" panel."""
    text = search_text_clean(query)
    if not text:
        return {"people": [], "institutions": []}
    return {
        "people": list(_people_named(text)[:MAX_NAMES]),
        "institutions": list(_institutions_named(text).select_related("parent")[:MAX_NAMES]),
    }
