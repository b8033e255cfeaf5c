"""Query shapes the public pages share."""


def union_of_slices(model, slices):
    """The primary keys in any of ``slices``, as one UNION ALL for a ``pk__in`` test.

    Each slice is a sliced ``values("pk")``-style queryset (the newest few
    of a section, of a tag...). One UNION of LIMITed lists lets PostgreSQL
    estimate the result's size from the LIMITs instead of assuming the whole
    table, which made it JIT-compile the related-stories query at a cost of
    most of a second. Each slice sits in an IN test of its own because
    SQLite refuses LIMIT directly inside a compound statement.
    """
    wrapped = [model._base_manager.filter(pk__in=part).values("pk") for part in slices]
    if not wrapped:
        return model._base_manager.none().values("pk")
    return wrapped[0].union(*wrapped[1:], all=True)
