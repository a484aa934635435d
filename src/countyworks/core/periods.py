"""Statistical periods (统计口径): a year, a quarter or a month, with year-over-year helpers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext

_PATTERN = re.compile(r"^(?P<year>\d{4})(?:(?:-(?P<month>\d{1,2}))|(?:[Qq](?P<quarter>[1-4])))?$")


class InvalidPeriod(ValueError):
    """A period string that is not ``YYYY``, ``YYYY-MM`` or ``YYYYQn``."""


@dataclass(frozen=True, order=True)
class Period:
    """A calendar period. ``kind`` is ``year``, ``quarter`` or ``month``; ``number`` is 0 for a year."""

    year: int
    kind: str
    number: int = 0

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2023``, ``2023-06`` or ``2023Q2``."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise InvalidPeriod(f"period {text!r} must look like 2023, 2023-06 or 2023Q2")
        year = int(match["year"])
        if match["month"]:
            month = int(match["month"])
            if not 1 <= month <= 12:
                raise InvalidPeriod(f"period {text!r}: month must be 1–12")
            return cls(year, "month", month)
        if match["quarter"]:
            return cls(year, "quarter", int(match["quarter"]))
        return cls(year, "year")

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The first day *after* the period (half-open interval)."""
        if self.kind == "month":
            return date(self.year + (self.number == 12), self.number % 12 + 1, 1)
        if self.kind == "quarter":
            return date(self.year + (self.number == 4), (3 * self.number) % 12 + 1, 1)
        return date(self.year + 1, 1, 1)

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def previous_year(self) -> Period:
        """The same period one year earlier (同期)."""
        return Period(self.year - 1, self.kind, self.number)

    def __str__(self) -> str:
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.number}"
        return str(self.year)

    def label(self) -> str:
        """The period for display in the active language (briefs use :meth:`label_zh`)."""
        if self.kind == "month":
            return gettext("%(year)d年%(month)d月") % {"year": self.year, "month": self.number}
        if self.kind == "quarter":
            return gettext("%(year)d年第%(quarter)d季度") % {"year": self.year, "quarter": self.number}
        return gettext("%(year)d年") % {"year": self.year}

    def label_zh(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年"


def yoy_percent(current: Decimal | int | float, previous: Decimal | int | float) -> Decimal | None:
    """Year-over-year change (this − last) / last in %, one decimal, half-up; None when last is 0.

    >>> yoy_percent(304, 184)
    Decimal('65.2')
    >>> yoy_percent(123, 96)
    Decimal('28.1')
    """
    prev = Decimal(str(previous))
    if prev == 0:
        return None
    change = (Decimal(str(current)) - prev) / prev * 100
    return change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Headline:
    """The period a headline figure is shown for, and a later period still in progress.

    A dashboard that takes "the latest period with any record" headlines a period whose data is
    only partly in (one small batch of a new year) as if it were complete: a pool of 304
    enterprises becomes "2家，同比-99.3%". :func:`headline_period` chooses the latest *complete*
    period instead; ``complete`` is False when no period is complete yet, and the headline then
    shows the period in progress, labelled as such (:meth:`label`).
    """

    period: Period
    complete: bool
    in_progress: Period | None = None

    def label(self) -> str:
        """The headline period in the active language, ``2023年（进行中）`` when partial."""
        if self.complete:
            return self.period.label()
        return progress_label(self.period)


def progress_label(period: Period) -> str:
    """``2023年（进行中）``: a period whose data is not all in yet."""
    return gettext("%(period)s（进行中）") % {"period": period.label()}


def headline_period(*, complete: Iterable[Period], started: Iterable[Period], default: Period) -> Headline:
    """The latest complete period, and the latest later period already started (to label).

    ``complete`` are the periods whose data is all in (for evaluations: a confirmed campaign
    that closed its year), ``started`` those with any data. Without a complete period the latest
    started one is headlined as partial; without either, ``default`` (as partial).

    >>> h = headline_period(complete=[Period(2022, "year")], started=[Period(2023, "year")],
    ...                     default=Period(2026, "year"))
    >>> str(h.period), h.complete, str(h.in_progress)
    ('2022', True, '2023')
    """
    done = max(complete, default=None)
    later = max((p for p in started if done is None or p > done), default=None)
    if done is None:
        return Headline(later or default, complete=False)
    return Headline(done, complete=True, in_progress=later)
