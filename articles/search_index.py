"""The search index: one document per story, kept current by the database.

A story's document is its headline, standfirst and body (tags stripped) plus
what hangs off it: tag names, quoted words, agreement titles, and the names of
the people (about, quoted, bylines) and institutions (about, with up to
``ANCESTOR_LEVELS`` parents, so a story about KAIST GSMSE is found under
KAIST) linked to it. People's hyphenated names are indexed joined as well
("Jae-young" also as "jaeyoung"), so a name is found however it is typed.

Triggers keep the document current on both engines, because most of it
changes without touching the article row (a quote added, a tag renamed, a
person's name corrected) and bulk paths (``bulk_create``, ``update()``,
COPY, raw SQL) send no signals:

* PostgreSQL: ``articles_articlesearchdocument.vector`` (weighted tsvector,
  english and simple configurations), plus two columns the model does not
  declare: ``story_vector`` (the story's own text, parsed) and
  ``korean_words`` (the document's Hangul words, trigram-indexed with
  pg_trgm); and the table ``articles_search_word`` (headline, tag and name
  words, trigram-indexed, for "did you mean"). One SQL function writes the
  documents of a set of stories; statement-level triggers call it once per
  statement, however many rows it touched.
* SQLite: the FTS5 table ``articles_search_fts`` (porter stemming, rowid =
  article id) and the small FTS5 table ``articles_search_words`` whose
  vocabulary (``articles_search_words_vocab``) feeds "did you mean". Row
  triggers rewrite a story's row, or only its linked columns. They are
  taken down for every migration run and put back after it (see the end of
  this module).

Those columns and tables are made here rather than declared as models:
neither engine's objects can be expressed as Django fields. Migration 0008
installs them; change the SQL only together with a new migration. Renaming
or removing a column named here (``NAMED_TABLES``, ``LINK_TABLES``, the
text columns) needs the same. ``search_index_missing`` (checked by the
tests) and ``manage.py search_rebuild`` find and repair missing parts.

Bulk loads are slower with the triggers (each link table's COPY rewrites
every story of the batch once): 3,000 bench stories seeded in 9.8 s
without them; ``search_index_deferred`` turns them off for a load and
writes every document once at the end.
"""

import contextlib

from django.db import connections, transaction
from django.db.models.signals import post_migrate, pre_migrate
from django.db.transaction import TransactionManagementError

# A story about a department is found under its school and university.
ANCESTOR_LEVELS = 3
# Tables whose rows feed the document, with the column naming the story.
LINK_TABLES = {
    "articles_taggedarticle": "content_object_id",
    "articles_quote": "article_id",
    "articles_byline": "article_id",
    "articles_article_people": "article_id",
    "articles_article_institutions": "article_id",
    "articles_article_agreements": "article_id",
}
# Records whose names are copied into documents, and the columns copied.
NAMED_TABLES = {
    "institutions_person": ("name", "korean_name"),
    "institutions_institution": ("name", "short_name", "korean_name", "aliases", "parent_id"),
    "institutions_agreement": ("title",),
    "taggit_tag": ("name",),
}
TEXT_COLUMNS = ("headline", "standfirst", "body")

FTS_TABLE = "articles_search_fts"
FTS_COLUMNS = ("headline", "standfirst", "body", "tags", "names", "quotes", "agreements")
WORDS_TABLE = "articles_search_words"
WORDS_VOCABULARY = "articles_search_words_vocab"
WORD_TABLE = "articles_search_word"
DOCUMENT_TABLE = "articles_articlesearchdocument"
REFRESH_FUNCTION = "articles_search_documents_refresh"


def _aggregate(vendor, expression):
    if vendor == "postgresql":
        return f"string_agg({expression}, ' ')"
    return f"group_concat({expression}, ' ')"


def _contains_hyphen(vendor, column):
    return f"strpos({column}, '-') > 0" if vendor == "postgresql" else f"instr({column}, '-') > 0"


def _institution_family_up(story):
    """Ids of the story's institutions and of their parents, ``ANCESTOR_LEVELS`` up."""
    link = f"FROM articles_article_institutions link WHERE link.article_id = {story}"
    parts = [f"SELECT link.institution_id {link}"]
    joins, child = "", "link.institution_id"
    for level in range(1, ANCESTOR_LEVELS + 1):
        joins += f" JOIN institutions_institution up{level} ON up{level}.id = {child}"
        parts.append(
            f"SELECT up{level}.parent_id FROM articles_article_institutions link{joins} "
            f"WHERE link.article_id = {story} AND up{level}.parent_id IS NOT NULL"
        )
        child = f"up{level}.parent_id"
    return " UNION ".join(parts)


def _institution_family_down(root):
    """Ids of an institution and of its sub-units, ``ANCESTOR_LEVELS`` down."""
    parts, level_ids = [f"SELECT {root}"], f"SELECT {root}"
    for _level in range(ANCESTOR_LEVELS):
        level_ids = f"SELECT id FROM institutions_institution WHERE parent_id IN ({level_ids})"
        parts.append(level_ids)
    return " UNION ".join(parts)


def document_parts_sql(vendor, story="a.id"):
    """SQL expressions for the linked text of the story whose id is ``story``."""

    def agg(expression):
        return _aggregate(vendor, expression)

    people = (
        f"SELECT person_id FROM articles_article_people WHERE article_id = {story} "
        f"UNION SELECT person_id FROM articles_quote WHERE article_id = {story} "
        f"UNION SELECT person_id FROM articles_byline WHERE article_id = {story}"
    )
    person_text = (
        f"p.name || CASE WHEN {_contains_hyphen(vendor, 'p.name')} "
        "THEN ' ' || replace(p.name, '-', '') ELSE '' END || ' ' || p.korean_name"
    )
    institution_text = "i.name || ' ' || i.short_name || ' ' || i.korean_name || ' ' || i.aliases"
    return {
        "tags": (
            f"coalesce((SELECT {agg('t.name')} FROM articles_taggedarticle ta "
            f"JOIN taggit_tag t ON t.id = ta.tag_id WHERE ta.content_object_id = {story}), '')"
        ),
        "names": (
            f"coalesce((SELECT {agg(person_text)} FROM institutions_person p "
            f"WHERE p.id IN ({people})), '') || ' ' || "
            f"coalesce((SELECT {agg(institution_text)} FROM institutions_institution i "
            f"WHERE i.id IN ({_institution_family_up(story)})), '')"
        ),
        "quotes": (
            f"coalesce((SELECT {agg('q.text')} FROM articles_quote q "
            f"WHERE q.article_id = {story}), '')"
        ),
        "agreements": (
            f"coalesce((SELECT {agg('g.title')} FROM articles_article_agreements aa "
            f"JOIN institutions_agreement g ON g.id = aa.agreement_id "
            f"WHERE aa.article_id = {story}), '')"
        ),
    }


def stories_naming_sql(table, row):
    """Ids of the stories whose documents copy a name from ``row`` of ``table``."""
    if table == "institutions_person":
        return (
            f"SELECT article_id FROM articles_article_people WHERE person_id = {row}.id "
            f"UNION SELECT article_id FROM articles_quote WHERE person_id = {row}.id "
            f"UNION SELECT article_id FROM articles_byline WHERE person_id = {row}.id"
        )
    if table == "institutions_institution":
        return (
            "SELECT article_id FROM articles_article_institutions "
            f"WHERE institution_id IN ({_institution_family_down(f'{row}.id')})"
        )
    if table == "institutions_agreement":
        return f"SELECT article_id FROM articles_article_agreements WHERE agreement_id = {row}.id"
    return f"SELECT content_object_id FROM articles_taggedarticle WHERE tag_id = {row}.id"


def _changed(columns, *, distinct):
    return " OR ".join(f"OLD.{column} {distinct} NEW.{column}" for column in columns)


# PostgreSQL ---------------------------------------------------------------


def _postgres_vector(parts):
    """Weighted english and simple vectors of ``parts``: (SQL text, weight) pairs."""
    return " || ".join(
        f"setweight(to_tsvector('{config}', {text}), '{weight}')"
        for text, weight in parts
        for config in ("english", "simple")
    )


def _postgres_refresh_function():
    """The one SQL function that writes documents, for the stories ``story_ids``.

    The story's own text (headline A, standfirst B, body C) is kept parsed in
    ``story_vector`` and parsed again only when ``text_changed``: the body is
    most of the cost (1.8 of 3.2 ms a story), and link rows (tags, quotes,
    names) change far more often than the text. The Korean words come from
    the finished vector rather than a third parse, and only when it has any
    (0.57 ms a story otherwise); a document that did not change is not
    written again. No JIT: planned without knowing how many stories it
    gets, the query looked big enough to compile, 0.5 s of every call.
    """
    parts = document_parts_sql("postgresql")
    story_vector = _postgres_vector((("a.headline", "A"), ("a.standfirst", "B"), ("a.body", "C")))
    linked_vector = _postgres_vector(
        (("s.tags || ' ' || s.names || ' ' || s.agreements", "B"), ("s.quotes", "C"))
    )
    suggestable = "s.headline || ' ' || s.tags || ' ' || s.names"
    return f"""
CREATE FUNCTION {REFRESH_FUNCTION}(story_ids bigint[], text_changed boolean) RETURNS void
LANGUAGE sql SET jit = off AS $fn$
WITH s AS (
    SELECT a.id, a.headline, {parts["tags"]} AS tags, {parts["names"]} AS names,
           {parts["quotes"]} AS quotes, {parts["agreements"]} AS agreements,
           CASE WHEN text_changed OR d.story_vector IS NULL THEN {story_vector}
                ELSE d.story_vector END AS story_vector
    FROM articles_article a
    LEFT JOIN {DOCUMENT_TABLE} d ON d.article_id = a.id
    WHERE a.id = ANY(story_ids)
), parts AS (
    SELECT s.id, s.story_vector, {linked_vector} AS linked FROM s
), v AS (
    SELECT parts.id, parts.story_vector, parts.story_vector || parts.linked AS vector FROM parts
), saved AS (
    INSERT INTO {DOCUMENT_TABLE} (article_id, story_vector, vector, korean_words)
    SELECT v.id, v.story_vector, v.vector,
           CASE WHEN v.vector::text ~ '[가-힣]' THEN
               array_to_string(ARRAY(SELECT w FROM unnest(tsvector_to_array(v.vector)) AS w
                                     WHERE w ~ '[가-힣]' ORDER BY w), ' ')
           ELSE '' END
    FROM v
    ON CONFLICT (article_id) DO UPDATE
    SET story_vector = CASE WHEN text_changed OR {DOCUMENT_TABLE}.story_vector IS NULL
                            THEN EXCLUDED.story_vector ELSE {DOCUMENT_TABLE}.story_vector END,
        vector = EXCLUDED.vector, korean_words = EXCLUDED.korean_words
    WHERE {DOCUMENT_TABLE}.vector IS DISTINCT FROM EXCLUDED.vector
    RETURNING article_id
)
INSERT INTO {WORD_TABLE} (word, suggest)
SELECT w, bool_or(suggest) FROM (
    SELECT w, true AS suggest
    FROM s, unnest(tsvector_to_array(to_tsvector('simple', {suggestable}))) AS w
    UNION ALL
    SELECT w, false FROM parts, unnest(tsvector_to_array(
        CASE WHEN text_changed THEN parts.story_vector || parts.linked ELSE parts.linked END
    )) AS w
    WHERE parts.id IN (SELECT article_id FROM saved)
) AS words
WHERE char_length(w) BETWEEN 3 AND 40 AND w ~ '[[:alpha:]]'
GROUP BY w
ON CONFLICT (word) DO UPDATE SET suggest = true
WHERE EXCLUDED.suggest AND NOT {WORD_TABLE}.suggest
$fn$
"""


# Set for one transaction by search_index_deferred: the triggers do nothing.
PAUSE_SETTING = "articles.search_paused"
_PAUSED = f"IF current_setting('{PAUSE_SETTING}', true) = 'on' THEN RETURN NULL; END IF;"


def _postgres_statements():
    statements = [
        f"ALTER TABLE {DOCUMENT_TABLE} ADD COLUMN korean_words text NOT NULL DEFAULT '', "
        "ADD COLUMN story_vector tsvector",
        # Every word of every document, for the last word's longer forms;
        # ``suggest`` marks the headline, tag and name words "did you mean"
        # may offer. Words are never removed: a search finds stories only
        # through published(), so a stale word just finds nothing.
        f"CREATE TABLE {WORD_TABLE} (word text PRIMARY KEY, suggest boolean NOT NULL)",
        _postgres_refresh_function(),
        # Stories: new rows once per statement, text edits per row, and the
        # document goes with the story (a link deleted just before the story
        # may have written it again).
        f"""CREATE FUNCTION articles_search_stories_added() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    {_PAUSED}
    PERFORM {REFRESH_FUNCTION}(ARRAY(SELECT id FROM added), true);
    RETURN NULL;
END
$fn$""",
        f"""CREATE FUNCTION articles_search_story_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    {_PAUSED}
    IF {_changed(TEXT_COLUMNS, distinct="IS DISTINCT FROM")} THEN
        PERFORM {REFRESH_FUNCTION}(ARRAY[NEW.id], true);
    END IF;
    RETURN NULL;
END
$fn$""",
        f"""CREATE FUNCTION articles_search_stories_removed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    DELETE FROM {DOCUMENT_TABLE} WHERE article_id IN (SELECT id FROM removed);
    RETURN NULL;
END
$fn$""",
        "CREATE TRIGGER articles_search_stories_added AFTER INSERT ON articles_article "
        "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
        "EXECUTE FUNCTION articles_search_stories_added()",
        f"CREATE TRIGGER articles_search_story_changed AFTER UPDATE OF {', '.join(TEXT_COLUMNS)} "
        "ON articles_article FOR EACH ROW EXECUTE FUNCTION articles_search_story_changed()",
        "CREATE TRIGGER articles_search_stories_removed AFTER DELETE ON articles_article "
        "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
        "EXECUTE FUNCTION articles_search_stories_removed()",
        # Link rows: the story column is the trigger's argument.
        f"""CREATE FUNCTION articles_search_links_changed() RETURNS trigger
LANGUAGE plpgsql AS $fn$
DECLARE
    story_ids bigint[];
BEGIN
    {_PAUSED}
    IF TG_LEVEL = 'ROW' THEN
        IF to_jsonb(NEW) IS DISTINCT FROM to_jsonb(OLD) THEN
            story_ids := ARRAY[(to_jsonb(OLD) ->> TG_ARGV[0])::bigint,
                               (to_jsonb(NEW) ->> TG_ARGV[0])::bigint];
        END IF;
    ELSIF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM added', TG_ARGV[0]) INTO story_ids;
    ELSE
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM removed', TG_ARGV[0]) INTO story_ids;
    END IF;
    IF story_ids IS NOT NULL THEN
        PERFORM {REFRESH_FUNCTION}(story_ids, false);
    END IF;
    RETURN NULL;
END
$fn$""",
    ]
    for table, column in LINK_TABLES.items():
        statements += [
            f"CREATE TRIGGER articles_search_links_added AFTER INSERT ON {table} "
            "REFERENCING NEW TABLE AS added FOR EACH STATEMENT "
            f"EXECUTE FUNCTION articles_search_links_changed('{column}')",
            f"CREATE TRIGGER articles_search_links_removed AFTER DELETE ON {table} "
            "REFERENCING OLD TABLE AS removed FOR EACH STATEMENT "
            f"EXECUTE FUNCTION articles_search_links_changed('{column}')",
            f"CREATE TRIGGER articles_search_links_changed AFTER UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION articles_search_links_changed('{column}')",
        ]
    for table, columns in NAMED_TABLES.items():
        function = f"articles_search_{table}_renamed"
        statements += [
            f"""CREATE FUNCTION {function}() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
    {_PAUSED}
    IF {_changed(columns, distinct="IS DISTINCT FROM")} THEN
        PERFORM {REFRESH_FUNCTION}(ARRAY({stories_naming_sql(table, "NEW")}), false);
    END IF;
    RETURN NULL;
END
$fn$""",
            f"CREATE TRIGGER articles_search_renamed AFTER UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
    statements += [
        f"CREATE INDEX article_search_korean_trgm ON {DOCUMENT_TABLE} "
        "USING gin (korean_words gin_trgm_ops)",
        f"CREATE INDEX article_search_word_trgm ON {WORD_TABLE} USING gin (word gin_trgm_ops) "
        "WHERE suggest",
    ]
    return statements


def _postgres_triggers():
    """(trigger, table) pairs that must exist on PostgreSQL."""
    pairs = [
        ("articles_search_stories_added", "articles_article"),
        ("articles_search_story_changed", "articles_article"),
        ("articles_search_stories_removed", "articles_article"),
    ]
    for table in LINK_TABLES:
        pairs += [
            ("articles_search_links_added", table),
            ("articles_search_links_removed", table),
            ("articles_search_links_changed", table),
        ]
    pairs += [("articles_search_renamed", table) for table in NAMED_TABLES]
    return pairs


def _postgres_uninstall_statements():
    statements = [f"DROP TRIGGER {name} ON {table}" for name, table in _postgres_triggers()]
    functions = [
        "articles_search_stories_added",
        "articles_search_story_changed",
        "articles_search_stories_removed",
        "articles_search_links_changed",
        *(f"articles_search_{table}_renamed" for table in NAMED_TABLES),
    ]
    statements += [f"DROP FUNCTION {name}()" for name in functions]
    statements += [
        f"DROP FUNCTION {REFRESH_FUNCTION}(bigint[], boolean)",
        f"DROP TABLE {WORD_TABLE}",
        f"ALTER TABLE {DOCUMENT_TABLE} DROP COLUMN korean_words, DROP COLUMN story_vector",
    ]
    return statements


# SQLite --------------------------------------------------------------------

# Tags become separators: the body is cut at every "<" and ">" into a JSON
# array, and the pieces that are tags are left out. Linear in the body's
# length, unlike stripping one tag at a time. A body JSON cannot hold (a
# stray control character) is indexed as it is rather than failing the save.
# SQL expression -> what it becomes inside a JSON string (tabs: a space).
_JSON_ESCAPES = (
    ("'\\'", "'\\\\'"),
    ("'\"'", "'\\\"'"),
    ("char(10)", "'\\n'"),
    ("char(13)", "'\\r'"),
    ("char(9)", "' '"),
)
_ENTITIES = (("&nbsp;", " "), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#39;", "'"))


def _sqlite_literal(text):
    return "'" + text.replace("'", "''") + "'"


def _sqlite_plain_body(column):
    escaped = column
    for target, replacement in _JSON_ESCAPES:
        escaped = f"replace({escaped}, {target}, {replacement})"
    array = f"""'["' || replace(replace({escaped}, '<', '","<'), '>', '>","') || '"]'"""
    pieces = (
        f"(SELECT group_concat(value, ' ') FROM json_each({array}) "
        "WHERE substr(value, 1, 1) <> '<')"
    )
    text = f"CASE WHEN json_valid({array}) THEN coalesce({pieces}, '') ELSE {column} END"
    for entity, character in _ENTITIES:
        text = f"replace({text}, {_sqlite_literal(entity)}, {_sqlite_literal(character)})"
    return f"replace({text}, '&amp;', '&')"


def sqlite_links_statements(ids):
    """Statements rewriting the linked text of the stories ``ids`` (an SQL list).

    For changes that leave the story's own row alone (a quote, a tag, a
    rename): the body is neither stripped again nor re-read, which makes a
    link row 2.5 times cheaper to index than a whole rebuild (0.6 ms against
    1.6 ms a story, 5,000-character bodies).
    """
    parts = document_parts_sql("sqlite", story=f"{FTS_TABLE}.rowid")
    linked = ", ".join(f"{column} = {parts[column]}" for column in FTS_COLUMNS[3:])
    return [
        f"UPDATE {FTS_TABLE} SET {linked} WHERE rowid IN ({ids})",
        f"UPDATE {WORDS_TABLE} SET words = (SELECT headline || ' ' || tags || ' ' || names "
        f"FROM {FTS_TABLE} WHERE {FTS_TABLE}.rowid = {WORDS_TABLE}.rowid) WHERE rowid IN ({ids})",
    ]


def sqlite_refresh_statements(ids):
    """Statements rebuilding the FTS rows of the stories ``ids`` (an SQL list)."""
    parts = document_parts_sql("sqlite")
    columns = ", ".join(FTS_COLUMNS)
    return [
        f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({ids})",
        f"DELETE FROM {WORDS_TABLE} WHERE rowid IN ({ids})",
        f"INSERT INTO {FTS_TABLE} (rowid, {columns}) "
        f"SELECT a.id, a.headline, a.standfirst, {_sqlite_plain_body('a.body')}, "
        f"{parts['tags']}, {parts['names']}, {parts['quotes']}, {parts['agreements']} "
        f"FROM articles_article a WHERE a.id IN ({ids})",
        f"INSERT INTO {WORDS_TABLE} (rowid, words) "
        f"SELECT rowid, headline || ' ' || tags || ' ' || names FROM {FTS_TABLE} "
        f"WHERE rowid IN ({ids})",
    ]


def _sqlite_trigger(name, event, table, ids, *, when=None, links_only=False):
    statements = sqlite_links_statements(ids) if links_only else sqlite_refresh_statements(ids)
    body = ";\n    ".join(statements)
    condition = f"\nWHEN {when}" if when else ""
    return f"CREATE TRIGGER {name} AFTER {event} ON {table}{condition}\nBEGIN\n    {body};\nEND"


def _sqlite_triggers():
    """name -> CREATE TRIGGER statement, for every SQLite trigger."""
    triggers = {
        "articles_search_story_added": _sqlite_trigger(
            "articles_search_story_added", "INSERT", "articles_article", "NEW.id"
        ),
        "articles_search_story_changed": _sqlite_trigger(
            "articles_search_story_changed",
            f"UPDATE OF {', '.join(TEXT_COLUMNS)}",
            "articles_article",
            "NEW.id",
            when=_changed(TEXT_COLUMNS, distinct="IS NOT"),
        ),
        "articles_search_story_removed": (
            "CREATE TRIGGER articles_search_story_removed AFTER DELETE ON articles_article\n"
            f"BEGIN\n    DELETE FROM {FTS_TABLE} WHERE rowid = OLD.id;\n"
            f"    DELETE FROM {WORDS_TABLE} WHERE rowid = OLD.id;\nEND"
        ),
    }
    for table, column in LINK_TABLES.items():
        for event, ids in (
            ("INSERT", f"NEW.{column}"),
            ("DELETE", f"OLD.{column}"),
            ("UPDATE", f"OLD.{column}, NEW.{column}"),
        ):
            name = f"{table}_search_{event.lower()}"
            triggers[name] = _sqlite_trigger(name, event, table, ids, links_only=True)
    for table, columns in NAMED_TABLES.items():
        name = f"{table}_search_renamed"
        triggers[name] = _sqlite_trigger(
            name,
            f"UPDATE OF {', '.join(columns)}",
            table,
            stories_naming_sql(table, "NEW"),
            when=_changed(columns, distinct="IS NOT"),
            links_only=True,
        )
    return triggers


def _sqlite_tables():
    columns = ", ".join(FTS_COLUMNS)
    return {
        FTS_TABLE: (
            f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({columns}, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        ),
        WORDS_TABLE: (
            f"CREATE VIRTUAL TABLE {WORDS_TABLE} USING fts5(words, "
            "tokenize = 'unicode61 remove_diacritics 2', detail = none)"
        ),
        WORDS_VOCABULARY: (
            f"CREATE VIRTUAL TABLE {WORDS_VOCABULARY} USING fts5vocab({WORDS_TABLE}, 'row')"
        ),
    }


# Install, check, rebuild ---------------------------------------------------


def search_index_missing(connection):
    """Names of the index's tables and triggers missing from the database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname, relname FROM pg_trigger JOIN pg_class ON pg_class.oid = tgrelid "
                "WHERE NOT tgisinternal"
            )
            present = set(cursor.fetchall())
            return [
                f"{name} on {table}"
                for name, table in _postgres_triggers()
                if (name, table) not in present
            ]
        if connection.vendor != "sqlite":
            return []
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in [*_sqlite_tables(), *_sqlite_triggers()] if name not in present]


def search_index_rebuild(connection):
    """Write every story's document again (after an import, or a repair)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT {REFRESH_FUNCTION}(ARRAY(SELECT id FROM articles_article), true)"
            )
            cursor.execute(f"ANALYZE {DOCUMENT_TABLE}")
            cursor.execute(f"ANALYZE {WORD_TABLE}")
        elif connection.vendor == "sqlite":
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(f"DELETE FROM {WORDS_TABLE}")
            for statement in sqlite_refresh_statements("SELECT id FROM articles_article")[2:]:
                cursor.execute(statement)


def search_index_repair(connection):
    """SQLite: create the index's missing tables and triggers, rewrite every document.

    Returns the names of what was missing. Needs no schema editor, so it can
    run inside a transaction (``manage.py search_rebuild``, tests).
    """
    missing = search_index_missing(connection)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name, statement in {**_sqlite_tables(), **_sqlite_triggers()}.items():
                if name in missing:
                    cursor.execute(statement)
    search_index_rebuild(connection)
    return missing


@contextlib.contextmanager
def search_index_deferred(connection):
    """The index's triggers idle for a bulk load, every document written once after.

    Only inside ``transaction.atomic()``: on PostgreSQL a setting local to
    the transaction idles them (no DDL, so no lock and no clash with the
    foreign-key checks still pending); on SQLite they are dropped, and a
    failed load's rollback brings them back. For loading thousands of
    stories at once (the bench seeder, an import); ordinary saves need
    nothing.
    """
    if not connection.in_atomic_block:
        raise TransactionManagementError("search_index_deferred() needs transaction.atomic().")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT set_config(%s, 'on', true)", [PAUSE_SETTING])
        elif connection.vendor == "sqlite":
            for name in _sqlite_triggers():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, 'off', true)", [PAUSE_SETTING])
        search_index_rebuild(connection)
    elif connection.vendor == "sqlite":
        search_index_repair(connection)


def search_index_install(schema_editor):
    """Create the index (migration 0008) and, on PostgreSQL, write every document."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in _postgres_statements():
            schema_editor.execute(statement, params=None)
        # The trigger of migration 0003 only ever saw the article row.
        schema_editor.execute(
            "DROP TRIGGER articles_search_document_keep ON articles_article", params=None
        )
        schema_editor.execute("DROP FUNCTION articles_search_document_keep()", params=None)
        search_index_rebuild(connection)
    elif connection.vendor == "sqlite":
        # The tables only: the triggers and the documents come once the whole
        # migration run is over (search_index_resume).
        missing = set(search_index_missing(connection))
        for name, statement in _sqlite_tables().items():
            if name in missing:
                schema_editor.execute(statement, params=None)


def search_index_uninstall(schema_editor, *, previous_trigger_sql, previous_backfill_sql):
    """Remove the index, restoring migration 0003's article-only trigger."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        for statement in _postgres_uninstall_statements():
            schema_editor.execute(statement, params=None)
        schema_editor.execute(previous_trigger_sql, params=None)
        schema_editor.execute(f"DELETE FROM {DOCUMENT_TABLE}", params=None)
        schema_editor.execute(previous_backfill_sql, params=None)
    elif connection.vendor == "sqlite":
        for name in _sqlite_triggers():
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)
        for name in reversed(list(_sqlite_tables())):
            schema_editor.execute(f"DROP TABLE IF EXISTS {name}", params=None)


# SQLite and migrations -----------------------------------------------------
#
# Django changes most SQLite tables by building a new one, dropping the old
# and renaming the new, and SQLite then re-checks every trigger naming the
# table: a trigger that reads articles_quote while rewriting a story made the
# rebuild of institutions_agreement fail ("error in trigger ... no such
# table"). So on SQLite the triggers are taken down before a migration run
# and put back after it, documents rewritten once. Connected here, not in
# ArticlesConfig.ready(), so that it holds wherever migrations are loaded
# (migration 0008 imports this module before any migration runs).


def search_index_pause(sender, *, using, plan=None, **kwargs):
    """pre_migrate: on SQLite, drop the index's triggers while migrations run."""
    connection = connections[using]
    if sender.label != "articles" or not plan or connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _sqlite_triggers():
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def search_index_resume(sender, *, using, **kwargs):
    """post_migrate: on SQLite, put the triggers back and rewrite every document."""
    connection = connections[using]
    if sender.label != "articles" or connection.vendor != "sqlite":
        return
    missing = search_index_missing(connection)
    if missing and FTS_TABLE not in missing:
        with transaction.atomic(using=using):
            search_index_repair(connection)


pre_migrate.connect(search_index_pause, dispatch_uid="articles-search-index-pause")
post_migrate.connect(search_index_resume, dispatch_uid="articles-search-index-resume")
