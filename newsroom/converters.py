"""Path converters that match only values a page could answer.

Django's ``int`` converter takes any run of digits, so
``/news/99999999999999999999/1/1/x/`` reached ``datetime.date`` and raised
OverflowError: a 500 for a made-up address. These bound each date part
where the address is matched, so an impossible value is simply no match
(404) before any view or query runs. Registered in ``newsroom.urls``.

Parsing and formatting follow the ``int`` converter: ``/news/2026/9/`` and
``/news/2026/09/`` both match, and ``reverse()`` writes ``/news/2026/9/`` as
it always has.
"""


class BoundedIntConverter:
    """Digits, at most as many as ``maximum`` has, read as an int in range."""

    minimum = 0
    maximum = 0
    regex = "[0-9]+"

    def to_python(self, value):
        return self.checked(int(value))

    def to_url(self, value):
        # A ValueError here makes reverse() raise NoReverseMatch.
        self.checked(int(value))
        return str(value)

    def checked(self, number):
        if not self.minimum <= number <= self.maximum:
            raise ValueError(f"{number} is outside {self.minimum}-{self.maximum}.")
        return number


class YearConverter(BoundedIntConverter):
    """1-9999: the years ``datetime.date`` can hold."""

    regex = "[0-9]{1,4}"
    minimum, maximum = 1, 9999


class MonthConverter(BoundedIntConverter):
    regex = "[0-9]{1,2}"
    minimum, maximum = 1, 12


class DayConverter(BoundedIntConverter):
    """1-31; whether the month has that day is the view's question (404)."""

    regex = "[0-9]{1,2}"
    minimum, maximum = 1, 31
