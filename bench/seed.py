"""The benchmark newsroom: N realistic articles, the same every time.

Everything is drawn from ``random.Random`` seeded with a fixed number, and
each article from its own generator keyed by (seed, index), so the same seed
gives the same headlines, tags and quotes whatever the batch size. Rows go in
with ``bulk_create`` in batches, one transaction each, which is what makes
100,000 articles a matter of minutes; model ``save()`` methods are therefore
bypassed and this module fills the fields they would have derived (quote
titles, agreement expiry, lead image size).

Lead images are a pool of ``IMAGE_COUNT`` generated pictures shared by all
articles, so image files and their renditions are made once, not per story.
"""

import contextlib
import datetime
import itertools
import random
import time

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from articles.models import (
    Article,
    ArticleStatus,
    Byline,
    Quote,
    RelatedArticle,
    Section,
    TaggedArticle,
)
from articles.search_index import search_index_deferred
from bench import vocabulary as vocab
from institutions.models import (
    Agreement,
    AgreementArea,
    AgreementKind,
    AgreementParty,
    Institution,
    Person,
    Position,
)
from newsroom.renditions import image_renditions_make
from newsroom.sample import sample_image

DEFAULT_SEED = 2026
DEFAULT_ARTICLES = 2000
BATCH_SIZE = 1000
PEOPLE = 500
INSTITUTION_ROOTS = 30
UNITS_PER_ROOT = 9  # 30 roots x (1 + 9) = 300 institutions
AGREEMENTS = 150
IMAGE_COUNT = 20
STAFF_WRITERS = 20
# One story every 90 minutes: 2,000 articles span four months, 100,000 span
# seventeen years, roughly the archive of a busy university news office.
STORY_INTERVAL = datetime.timedelta(minutes=90)
RARE_WORD_STORIES = 5
SENTENCES = 4000

# The institution whose description records what was seeded; written last,
# so an interrupted seeding is never mistaken for a finished one.
SIGNATURE_SLUG = slugify(f"{vocab.PLACES[0]} {vocab.ROOT_KINDS[0][0]}")

# Apps whose tables hold no newsroom content and survive a reset.
KEPT_APPS = {"contenttypes", "auth", "sessions", "admin"}


def bench_signature(*, articles, seed):
    return f"Benchmark newsroom: seed {seed}, {articles} articles."


def bench_seeded(*, articles, seed=DEFAULT_SEED):
    """True when this database already holds exactly this seeding, complete."""
    return (
        Institution.objects.filter(
            slug=SIGNATURE_SLUG, description=bench_signature(articles=articles, seed=seed)
        ).exists()
        and Article.objects.count() == articles
    )


def bench_data_clear():
    """Empty every content table (articles, people, tags, revisions...) at once.

    A flush by table (TRUNCATE on PostgreSQL) rather than ``delete()``, which
    would load 100,000 articles to cascade through them one by one. Users,
    permissions and content types are kept.
    """
    tables = [
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in KEPT_APPS and model._meta.managed
    ]
    existing = set(connection.introspection.table_names())
    tables = [table for table in tables if table in existing]
    statements = connection.ops.sql_flush(no_style(), tables, allow_cascade=True)
    connection.ops.execute_sql_flush(statements)


def _zipf_cumulative(count, exponent=0.9):
    """Cumulative weights for a few favourites and a long tail, as in any newsroom.

    Cumulative, because ``choices(cum_weights=...)`` skips re-adding the
    weights on each of the millions of draws.
    """
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


def _sentence(words, length):
    text = " ".join(words[:length])
    return text[0].upper() + text[1:] + "."


def _sentence_pool(rng, count=SENTENCES):
    """(sentence, word count) pairs that bodies are assembled from.

    Drawing whole sentences rather than 600 single words per story is what
    keeps planning 100,000 bodies to a couple of minutes.
    """
    pool = []
    for _ in range(count):
        length = rng.randint(8, 16)
        pool.append((_sentence(rng.choices(vocab.WORDS, k=length), length), length))
    return pool


def _paragraph(rng, *, sentences, topic, size):
    """About ``size`` words of sentences, opening on the story's topic."""
    chosen, words = [topic.capitalize()], 1
    while words < size:
        sentence, length = sentences[rng.randrange(len(sentences))]
        chosen.append(sentence if len(chosen) > 1 else sentence[0].lower() + sentence[1:])
        words += length
    return " ".join(chosen)


class _Pools:
    """The records articles are drawn from, created before any article."""

    def __init__(self, rng, *, today, images):
        self.sections = self._sections()
        self.institutions = self._institutions(rng)
        self.people, self.positions = self._people(rng, today=today)
        self.agreements = self._agreements(rng, today=today)
        self.tags = self._tags()
        self.images = self._images(images)
        self.section_weights = list(itertools.accumulate([30, 12, 15, 10, 10, 8, 8, 7]))
        self.institution_weights = _zipf_cumulative(len(self.institutions))
        self.people_weights = _zipf_cumulative(len(self.people))
        self.tag_weights = _zipf_cumulative(len(self.tags), exponent=0.7)
        self.sentences = _sentence_pool(rng)
        self.topic_tags = {
            topic: [tag for tag in self.tags if tag.name.startswith(topic)]
            for topic in vocab.TOPICS
        }

    def _sections(self):
        return Section.objects.bulk_create(
            Section(name=name, slug=slug, order=order, description=f"Stories filed under {name}.")
            for order, (name, slug) in enumerate(vocab.SECTIONS)
        )

    def _institutions(self, rng):
        roots = []
        for index, place in enumerate(vocab.PLACES[:INSTITUTION_ROOTS]):
            kind_name, abbreviation, kind = vocab.ROOT_KINDS[index % len(vocab.ROOT_KINDS)]
            name = f"{place} {kind_name}"
            roots.append(
                Institution(
                    name=name,
                    slug=slugify(name),
                    short_name=f"{place.split()[0][:3].upper()}{abbreviation}",
                    kind=kind,
                    city=place.split()[0],
                    description=f"{name} is one of the newsroom's regular partners.",
                )
            )
        Institution.objects.bulk_create(roots)
        children, grandchildren = [], []
        for root in roots:
            units = rng.sample(vocab.UNITS, UNITS_PER_ROOT)
            for position, (unit, abbreviation, kind) in enumerate(units):
                name = f"{root.name} {unit}"
                record = Institution(
                    name=name,
                    slug=slugify(name),
                    short_name=abbreviation,
                    kind=kind,
                    city=root.city,
                    description=f"Part of {root.name}.",
                )
                # The last unit sits under the first one (a department in a
                # college), so some pages must walk two levels of parents.
                if position == len(units) - 1:
                    grandchildren.append(record)
                else:
                    record.parent = root
                    children.append(record)
        Institution.objects.bulk_create(children)
        for index, record in enumerate(grandchildren):
            record.parent = children[index * (UNITS_PER_ROOT - 1)]
        Institution.objects.bulk_create(grandchildren)
        everything = roots + children + grandchildren
        for record in everything:
            parent = record.parent
            record.label_text = (
                f"{parent.short_name} {record.short_name}" if parent else record.short_name
            )
        return everything

    def _people(self, rng, *, today):
        people, position_rows = [], []
        for index in range(PEOPLE):
            given = f"{rng.choice(vocab.SYLLABLES).capitalize()}-{rng.choice(vocab.SYLLABLES)}"
            name = f"{rng.choice(vocab.FAMILY_NAMES)} {given}"
            people.append(
                Person(
                    name=name,
                    slug=f"{slugify(name)}-{index}",
                    bio=f"{name} appears in the benchmark newsroom's stories.",
                )
            )
        Person.objects.bulk_create(people)
        titles = {}
        for person in people:
            started = today - datetime.timedelta(days=rng.randint(200, 4000))
            held = [(started, None, rng.choice(vocab.TITLES), rng.choice(self.institutions))]
            if rng.random() < 0.3:
                earlier = started - datetime.timedelta(days=rng.randint(400, 3000))
                ended = started - datetime.timedelta(days=1)
                held.append(
                    (earlier, ended, rng.choice(vocab.TITLES), rng.choice(self.institutions))
                )
            titles[person.pk] = [
                (start, end, f"{title}, {institution.name}")
                for start, end, title, institution in held
            ]
            position_rows.extend(
                Position(
                    person=person,
                    institution=institution,
                    title=title,
                    started_on=start,
                    ended_on=end,
                )
                for start, end, title, institution in held
            )
        Position.objects.bulk_create(position_rows)
        return people, titles

    def _agreements(self, rng, *, today):
        agreements, parties, areas = [], [], []
        plans = []
        for index in range(AGREEMENTS):
            signed_on = today - datetime.timedelta(days=rng.randint(0, 3000))
            members = rng.sample(self.institutions, rng.randint(2, 3))
            kind = rng.choice(list(AgreementKind))
            title = f"{' – '.join(member.label_text for member in members)} {kind.label.lower()}"
            agreement = Agreement(
                title=title[:250],
                slug=f"{slugify(title)[:200]}-{index}",
                kind=kind,
                signed_on=signed_on,
                place=members[0].city,
                summary=f"An agreement on {rng.choice(vocab.TOPICS)} between {len(members)} partners.",
                term_years=rng.choice([None, 3, 5]),
            )
            agreement.fill_expiry()
            agreements.append(agreement)
            plans.append((members, rng.sample(vocab.AGREEMENT_AREAS, rng.randint(2, 4))))
        Agreement.objects.bulk_create(agreements)
        for agreement, (members, area_texts) in zip(agreements, plans, strict=True):
            for order, institution in enumerate(members):
                signatory = rng.choice(self.people)
                parties.append(
                    AgreementParty(
                        agreement=agreement,
                        institution=institution,
                        signatory=signatory,
                        order=order,
                    )
                )
            areas.extend(
                AgreementArea(agreement=agreement, description=text, order=order)
                for order, text in enumerate(area_texts)
            )
        AgreementParty.objects.bulk_create(parties)
        AgreementArea.objects.bulk_create(areas)
        return agreements

    def _tags(self):
        names = [
            f"{topic} {qualifier}".strip()
            for qualifier in vocab.TAG_QUALIFIERS
            for topic in vocab.TOPICS
        ]
        return Tag.objects.bulk_create(Tag(name=name, slug=slugify(name)) for name in names)

    def _images(self, count):
        """Make the shared lead images and their renditions once per media folder.

        Returns dicts of the lead-image fields each article using the image
        gets: the name, and the size and renditions that saving an upload
        would have recorded (where the Article model has those fields).
        """
        images = []
        for index in range(count):
            name = f"bench/lead-{index:02d}.jpg"
            if not default_storage.exists(name):
                hue = (37 * index) % 200
                color = (40 + hue // 2, 90 + (index * 23) % 120, 160 - hue // 3)
                saved = default_storage.save(
                    name, ContentFile(sample_image(color, label=f"Benchmark picture {index + 1}"))
                )
                if saved != name:
                    raise RuntimeError(f"Storage renamed {name} to {saved}; clear bench/ first.")
            fields = {"lead_image": name}
            if _has_field("lead_image_bytes"):
                fields["lead_image_bytes"] = default_storage.size(name)
            if _has_field("lead_image_renditions"):
                # Reuses copies already in storage, so only the first run encodes.
                width, height, renditions = image_renditions_make(
                    Article(lead_image=name).lead_image
                )
                fields.update(
                    lead_image_width=width,
                    lead_image_height=height,
                    lead_image_renditions=renditions,
                )
            images.append(fields)
        return images


def _has_field(name):
    return any(field.name == name for field in Article._meta.get_fields())


def _article_plan(rng, index, *, pools, anchor, articles):
    """Everything about article ``index`` (0 is the newest), before it has an id."""
    topic = rng.choice(vocab.TOPICS)
    section = rng.choices(pools.sections, cum_weights=pools.section_weights)[0]
    institutions = list(
        dict.fromkeys(
            rng.choices(
                pools.institutions, cum_weights=pools.institution_weights, k=rng.randint(1, 3)
            )
        )
    )
    quoted = list(
        dict.fromkeys(
            rng.choices(pools.people, cum_weights=pools.people_weights, k=rng.randint(1, 3))
        )
    )
    tags, wanted = [rng.choice(pools.topic_tags[topic])], rng.randint(3, 5)
    while len(tags) < wanted:
        tag = rng.choices(pools.tags, cum_weights=pools.tag_weights)[0]
        if tag not in tags:
            tags.append(tag)
    headline = rng.choice(vocab.HEADLINE_PATTERNS).format(
        inst=institutions[0].label_text, topic=topic, word=rng.choice(vocab.WORDS)
    )
    headline = headline[0].upper() + headline[1:]
    published_at = anchor - index * STORY_INTERVAL - datetime.timedelta(minutes=rng.randint(0, 45))
    status, embargo_until = ArticleStatus.PUBLISHED, None
    # A few stories the public must never see, so the public gate is exercised.
    if index % 97 == 41:
        status, published_at = ArticleStatus.DRAFT, None
    elif index % 211 == 7:
        published_at = anchor + datetime.timedelta(days=1 + index % 20)
    elif index % 263 == 19:
        embargo_until = anchor + datetime.timedelta(days=2)
    paragraphs = [
        _paragraph(rng, sentences=pools.sentences, topic=topic, size=rng.randint(64, 74))
        for _ in range(8)
    ]
    if index in _rare_indexes(articles):
        paragraphs[4] += f" The {vocab.RARE_WORD} model of limb regeneration guided the work."
    article = Article(
        headline=headline,
        slug=f"{slugify(headline)[:180]}-{index}",
        standfirst=_sentence(rng.choices(vocab.WORDS, k=24), 24),
        body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
        section=section,
        status=status,
        published_at=published_at,
        embargo_until=embargo_until,
    )
    if rng.random() < 0.85 and pools.images:
        for field, value in rng.choice(pools.images).items():
            setattr(article, field, value)
        article.lead_image_alt = f"An abstract picture for a story about {topic}"
        article.lead_image_caption = f"Illustration: {topic}"
        article.lead_image_credit = "Communications Office"
    writers = pools.people[:STAFF_WRITERS]
    return {
        "article": article,
        "tags": tags,
        "institutions": institutions,
        "people": quoted,
        "quotes": [
            {
                "person": person.pk,
                "text": rng.choice(vocab.QUOTE_PATTERNS).format(
                    topic=topic, word=rng.choice(vocab.WORDS)
                ),
                "order": order,
            }
            for order, person in enumerate(quoted)
        ],
        "bylines": list(dict.fromkeys(rng.sample(writers, rng.randint(1, 2)))),
        "agreements": [rng.choice(pools.agreements)] if rng.random() < 0.06 else [],
        # Curated further reading points back to older stories (already saved).
        "related_back": sorted({rng.randint(1, 400) for _ in range(rng.randint(1, 2))})
        if rng.random() < 0.05
        else [],
    }


def _rare_indexes(articles):
    step = max(1, articles // RARE_WORD_STORIES)
    return {step * k + 3 for k in range(RARE_WORD_STORIES) if step * k + 3 < articles}


def _rows_insert(model, rows):
    """Insert plain rows (dicts of field name to value) into ``model``'s table.

    For the link tables, where ``bulk_create``'s per-object work would cost
    more than the database does: PostgreSQL gets COPY, SQLite
    ``executemany``. Fields a row leaves out get their model default, so a
    field added later still receives what the ORM would have written.
    """
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.name: field.get_default() for field in fields if field.name not in rows[0]}
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    values = (
        [
            field.get_db_prep_save(row.get(field.name, defaults.get(field.name)), connection)
            for field in fields
        ]
        for row in rows
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)


def _batch_save(plans, *, saved_ids):
    """Insert one batch of planned articles and everything hanging off them."""
    Article.objects.bulk_create([plan["article"] for plan in plans])
    tables = {
        TaggedArticle: [],
        Quote: [],
        Byline: [],
        Article.institutions.through: [],
        Article.people.through: [],
        Article.agreements.through: [],
        RelatedArticle: [],
    }
    for plan in plans:
        article = plan["article"]
        tables[TaggedArticle].extend(
            {"content_object": article.pk, "tag": tag.pk} for tag in plan["tags"]
        )
        tables[Quote].extend({**quote, "article": article.pk} for quote in plan["quotes"])
        tables[Byline].extend(
            {"article": article.pk, "person": person.pk, "order": order}
            for order, person in enumerate(plan["bylines"])
        )
        tables[Article.institutions.through].extend(
            {"article": article.pk, "institution": institution.pk}
            for institution in plan["institutions"]
        )
        tables[Article.people.through].extend(
            {"article": article.pk, "person": person.pk} for person in plan["people"]
        )
        tables[Article.agreements.through].extend(
            {"article": article.pk, "agreement": agreement.pk} for agreement in plan["agreements"]
        )
        tables[RelatedArticle].extend(
            {"article": article.pk, "related": saved_ids[-back], "order": order}
            for order, back in enumerate(plan["related_back"])
            if back <= len(saved_ids)
        )
        saved_ids.append(article.pk)
    for model, rows in tables.items():
        _rows_insert(model, rows)


@contextlib.contextmanager
def _article_indexes_deferred(progress):
    """On PostgreSQL, drop the plain indexes of the articles app's tables; rebuild after.

    Building an index once over a finished table is many times faster than
    updating it row by row during the inserts, above all a full-text GIN
    index (on the article table or on a search-document table a trigger
    fills). Indexes behind constraints (primary keys, unique slugs) stay.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index_class.relname, pg_get_indexdef(pg_index.indexrelid)
            FROM pg_index
            JOIN pg_class AS index_class ON index_class.oid = pg_index.indexrelid
            JOIN pg_class AS table_class ON table_class.oid = pg_index.indrelid
            WHERE table_class.relname = ANY(%s)
              AND NOT pg_index.indisprimary
              AND NOT EXISTS (
                  SELECT 1 FROM pg_constraint WHERE pg_constraint.conindid = pg_index.indexrelid
              )
            """,
            [
                [
                    model._meta.db_table
                    for model in apps.get_app_config("articles").get_models(
                        include_auto_created=True
                    )
                ]
            ],
        )
        deferred = cursor.fetchall()
        for name, _definition in deferred:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    if progress:
        progress(0, len(deferred), "indexes")
    with connection.cursor() as cursor:
        # Django's foreign keys are deferred; PostgreSQL will not build an
        # index on a table with checks still pending, so run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in deferred:
            cursor.execute(definition)


def bench_newsroom_seed(
    *,
    articles=DEFAULT_ARTICLES,
    seed=DEFAULT_SEED,
    batch_size=BATCH_SIZE,
    images=IMAGE_COUNT,
    progress=None,
    now=None,
):
    """Fill an empty database with the benchmark newsroom; return counts and seconds.

    ``progress(done, total, stage)`` is called after each batch of articles
    (stage "articles") and before the article indexes are rebuilt ("indexes"). The caller is
    responsible for the database being one meant for benchmark data.
    """
    if articles < 1:
        raise ValueError("The benchmark needs at least one article.")
    if Article.objects.exists():
        raise ValueError("The database already holds articles; clear it before seeding.")
    started = time.monotonic()
    now = now or timezone.now()
    anchor = now.replace(second=0, microsecond=0) - datetime.timedelta(hours=1)
    # One transaction: an interrupted seeding leaves nothing behind, not even
    # the dropped indexes (PostgreSQL's DDL is transactional). On SQLite the
    # search index's triggers idle during the inserts and every document is
    # written once at the end: 3,000 stories took 55 s with the triggers, 20 s
    # without. On PostgreSQL the triggers stay: there, with the indexes already
    # dropped, one rebuild at the end measured slower (127 s against 64 s).
    with (
        transaction.atomic(),
        _article_indexes_deferred(progress),
        search_index_deferred(connection)
        if connection.vendor == "sqlite"
        else contextlib.nullcontext(),
    ):
        pools = _Pools(random.Random(seed), today=timezone.localdate(now), images=images)
        saved_ids = []
        # Oldest first, so curated links can point at stories already saved.
        indexes = list(range(articles - 1, -1, -1))
        for start in range(0, articles, batch_size):
            plans = [
                _article_plan(
                    random.Random(seed * 1_000_003 + index),
                    index,
                    pools=pools,
                    anchor=anchor,
                    articles=articles,
                )
                for index in indexes[start : start + batch_size]
            ]
            _batch_save(plans, saved_ids=saved_ids)
            if progress:
                progress(min(start + batch_size, articles), articles, "articles")
        Institution.objects.filter(slug=SIGNATURE_SLUG).update(
            description=bench_signature(articles=articles, seed=seed)
        )
        rows_done = time.monotonic()
    indexes_done = time.monotonic()
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner judges 100,000 rows by an empty
        # table; and the visibility map that lets list pages count from an
        # index alone. Autovacuum does both on a live site, but would do them
        # in the middle of the measurements here.
        with connection.cursor() as cursor:
            # VACUUM cannot run inside a transaction (as in the test suite).
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return {
        "articles": Article.objects.count(),
        "public_articles": Article.objects.published().count(),
        "tags": len(pools.tags),
        "people": len(pools.people),
        "institutions": len(pools.institutions),
        "agreements": len(pools.agreements),
        "seconds": round(time.monotonic() - started, 1),
        "seconds_rows": round(rows_done - started, 1),
        "seconds_indexes": round(indexes_done - rows_done, 1),
        "seconds_analyze": round(time.monotonic() - indexes_done, 1),
    }
