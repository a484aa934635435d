"""Exact numbers of the rule sets: amounts, percentages and scores as integers of ``1/SCALE``
of their unit, and how they are written for people (see :mod:`countyworks.rules.engine`)."""

from __future__ import annotations

import math
from fractions import Fraction

#: Amounts, percentages and scores are held as integers of 1/SCALE of their unit.
SCALE = 10_000


def format_number(value: Fraction | int) -> str:
    """A decimal string with at most four decimals and no trailing zeros (38.5, 3, 0.0001)."""
    scaled = round(Fraction(value) * SCALE)
    sign = "-" if scaled < 0 else ""
    whole, frac = divmod(abs(scaled), SCALE)
    return f"{sign}{whole}.{frac:04d}".rstrip("0").rstrip(".") if frac else f"{sign}{whole}"


def ceil_unit(value: Fraction) -> Fraction:
    """Round up to the next 1/SCALE (0.0001 万元): the smallest sufficient amount."""
    return Fraction(math.ceil(value * SCALE), SCALE)


def percent(num: Fraction | int, den: Fraction | int) -> str:
    """num/den as a percentage with two decimals, or "—" for a zero denominator."""
    return "—" if not den else f"{float(Fraction(num) / Fraction(den) * 100):.2f}%"
