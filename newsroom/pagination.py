"""Newest-first story lists that page without counting.

A list page needs to know whether there is an older page, not how many
there are: counting every public story about a busy tag or institution cost
60-80 ms at 100,000 stories, on every request, and grew with the archive.
Each page instead reads one row more than it shows. The rows themselves
come through a subquery that pages over ids alone, which PostgreSQL answers
from the public-list indexes without touching the table, so a deep page
(``?page=1400``) skips index entries rather than whole stories.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _

# The deepest page a list answers. Past it OFFSET (page x per_page) soon
# leaves a signed 64-bit integer: ``?page=99999999999999999999999`` raised
# "bigint out of range" on PostgreSQL and OverflowError on SQLite, a 500.
# Well before that a deep page only costs: the database still walks every
# skipped index entry. 100,000 pages of 20 is two million stories, far
# beyond any archive here, with OFFSET far inside a bigint at our page sizes.
MAX_PAGE_NUMBER = 100_000


class UncountedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self):
        return self._has_next

    def start_index(self):
        if not self.object_list:
            return 0
        return self.paginator.per_page * (self.number - 1) + 1

    def end_index(self):
        return self.start_index() + len(self.object_list) - 1


class UncountedPaginator(Paginator):
    """A ``Paginator`` for ``ListView`` that never runs ``COUNT(*)``.

    ``count`` and ``num_pages`` stay available (Django's own, one query)
    but nothing in the public pages asks for them; templates check
    ``paginator.uncounted`` before printing "of N".
    """

    uncounted = True

    def validate_number(self, number):
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("That page number is not a whole number.")) from None
        if number < 1:
            raise EmptyPage(_("That page number is less than 1."))
        if number > MAX_PAGE_NUMBER:
            raise EmptyPage(_("That page contains no results."))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        window = self.object_list.values("pk")[bottom : bottom + self.per_page + 1]
        rows = list(self.rows_for(window))
        if not rows and number > 1:
            raise EmptyPage(_("That page contains no results."))
        return UncountedPage(
            rows[: self.per_page], number, self, has_next=len(rows) > self.per_page
        )

    def rows_for(self, window):
        """The window's rows, read by id alone with the list's joins and order.

        The list's own filters already chose the ids; repeating them on the
        outer query made PostgreSQL re-test every story (0.2 s for a person
        quoted in 20,000 stories). Joins, prefetches and the order are taken
        from the list itself, so nothing the view asked for is dropped.
        """
        source = self.object_list
        rows = source.model._default_manager.filter(pk__in=window)
        rows.query.select_related = source.query.select_related
        rows = rows.prefetch_related(*source._prefetch_related_lookups)
        # The list's own order; without one, the model's default applies to both.
        if order := source.query.order_by:
            rows = rows.order_by(*order)
        return rows
