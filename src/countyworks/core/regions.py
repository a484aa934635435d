"""Division codes: the official code ↔ the significant prefix the platform keys regions by.

GB/T 2260 codes have 6 digits (province ``430000``, city ``430800``, county ``430482``); the
统计用区划代码 for towns and villages has 12 (town ``430482100000``, village ``430482100201``).
The platform stores each region under its *significant prefix* (``43``, ``4308``, ``430482``,
``430482100``, ``430482100201``), so "everything under a region" is one indexed
``LIKE 'prefix%'`` filter. A courtyard (院落/村民小组) extends its village's 12 digits by 2.
"""

from __future__ import annotations

import re

_DIGITS = re.compile(r"^\d+$")


class InvalidRegionCode(ValueError):
    """A string that is not a GB/T 2260 or 统计用区划代码 code."""


def significant_prefix(code: str) -> str:
    """Return the platform key of an official division code.

    >>> significant_prefix("430000"), significant_prefix("430800"), significant_prefix("430482")
    ('43', '4308', '430482')
    >>> significant_prefix("430482100000"), significant_prefix("430482100201")
    ('430482100', '430482100201')

    Already-significant prefixes (2, 4, 9 digits, or courtyard codes of 14) pass through unchanged.
    """
    code = code.strip()
    if not _DIGITS.match(code):
        raise InvalidRegionCode(f"region code {code!r} must contain digits only")
    if len(code) == 6:
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
        return code
    if len(code) == 12:
        if code.endswith("000000"):
            return significant_prefix(code[:6])
        if code.endswith("000"):
            return code[:9]
        return code
    if len(code) in (2, 4, 9, 14):
        return code
    raise InvalidRegionCode(f"region code {code!r} has {len(code)} digits; expected 6 or 12")


def official_code(prefix: str) -> str:
    """Inverse of :func:`significant_prefix`: pad to the published 6- or 12-digit form."""
    if len(prefix) <= 6:
        return prefix.ljust(6, "0")
    if len(prefix) <= 12:
        return prefix.ljust(12, "0")
    return prefix


def level_of(prefix: str) -> str:
    """The administrative level implied by a significant prefix's length."""
    return {2: "province", 4: "city", 6: "county", 9: "town", 12: "village", 14: "courtyard"}[len(prefix)]
