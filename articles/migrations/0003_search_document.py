"""PostgreSQL full-text search: a trigger keeps one weighted document per article.

Its own migration because it is PostgreSQL-only SQL; SQLite skips it and
searches with a plain match instead.
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

# The weighted document: headline A, standfirst B, body C, each parsed with
# the english configuration (stems) and with simple (Korean words and names
# kept as written). Tags in the HTML body are skipped by the parser.
DOCUMENT_SQL = " || ".join(
    f"setweight(to_tsvector('{config}', coalesce({{row}}.{column}, '')), '{weight}')"
    for column, weight in (("headline", "A"), ("standfirst", "B"), ("body", "C"))
    for config in ("english", "simple")
)

TRIGGER_SQL = """
CREATE FUNCTION articles_search_document_keep() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.headline IS NOT DISTINCT FROM OLD.headline
       AND NEW.standfirst IS NOT DISTINCT FROM OLD.standfirst
       AND NEW.body IS NOT DISTINCT FROM OLD.body THEN
        RETURN NULL;
    END IF;
    INSERT INTO articles_articlesearchdocument (article_id, vector)
    VALUES (NEW.id, DOCUMENT)
    ON CONFLICT (article_id) DO UPDATE SET vector = EXCLUDED.vector;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_search_document_keep
AFTER INSERT OR UPDATE OF headline, standfirst, body ON articles_article
FOR EACH ROW EXECUTE FUNCTION articles_search_document_keep();
""".replace("DOCUMENT", DOCUMENT_SQL.format(row="NEW"))

BACKFILL_SQL = (
    "INSERT INTO articles_articlesearchdocument (article_id, vector) "
    f"SELECT a.id, {DOCUMENT_SQL.format(row='a')} FROM articles_article a "
    "ON CONFLICT (article_id) DO NOTHING"
)

GIN_INDEX = GinIndex(fields=["vector"], name="article_search_doc_gin")


def search_document_install(apps, schema_editor):
    """PostgreSQL only: the trigger, the GIN index and a document per article.

    A stored document rather than a functional index over the article:
    ranking needs the vector of every match, and recomputing it from the body
    per row made a common word take seconds on 10,000 articles.
    """
    if schema_editor.connection.vendor != "postgresql":
        return
    Document = apps.get_model("articles", "ArticleSearchDocument")
    schema_editor.execute(TRIGGER_SQL)
    schema_editor.execute(BACKFILL_SQL)
    schema_editor.add_index(Document, GIN_INDEX)
    # Statistics now, so the planner knows the table is no longer empty.
    schema_editor.execute("ANALYZE articles_articlesearchdocument")


def search_document_uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    Document = apps.get_model("articles", "ArticleSearchDocument")
    schema_editor.remove_index(Document, GIN_INDEX)
    schema_editor.execute("DROP TRIGGER articles_search_document_keep ON articles_article")
    schema_editor.execute("DROP FUNCTION articles_search_document_keep()")


class Migration(migrations.Migration):
    dependencies = [("articles", "0002_roles")]

    operations = [
        migrations.RunPython(search_document_install, search_document_uninstall, elidable=False),
    ]
