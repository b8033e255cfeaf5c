"""The one rule that keeps benchmark data out of real databases.

Kept free of Django imports so ``bench.run`` can apply it before anything
touches the database.
"""


def bench_database_refusal(name, *, environ):
    """Why putting bench data in database ``name`` is refused, or None if allowed.

    Seeding empties the database it is given, so only a database whose own
    name (the file name, for SQLite) says "bench" is used unless
    BENCH_ALLOW_DB=1.
    """
    name = str(name or "")
    if "bench" in name.rsplit("/", 1)[-1].lower() or environ.get("BENCH_ALLOW_DB") == "1":
        return None
    return (
        f"Refusing to put benchmark data into the database {name!r}: seeding empties it "
        'first. Use a database whose name contains "bench" (for example '
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/nr_bench), or set BENCH_ALLOW_DB=1 "
        "if you really mean this one."
    )
