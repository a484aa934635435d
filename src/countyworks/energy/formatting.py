"""Chinese number formats of the briefs and pages: 万 and 亿 with the significant decimals only."""

from __future__ import annotations


def _trim(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def wan(value: float | None, decimals: int = 2) -> str:
    """``380000`` → ``38万``; ``229900`` → ``22.99万`` (units of 10⁴)."""
    if value is None:
        return "—"
    return f"{_trim(value / 1e4, decimals)}万"


def yi(value: float | None, decimals: int = 2) -> str:
    """``6.1e8`` → ``6.1亿``; ``1.58689e9`` → ``15.87亿`` (units of 10⁸)."""
    if value is None:
        return "—"
    return f"{_trim(value / 1e8, decimals)}亿"


def big(value: float | None, decimals: int = 2) -> str:
    """亿 from 10⁸ up, 万 from 10⁴ up, else the number itself."""
    if value is None:
        return "—"
    if abs(value) >= 1e8:
        return yi(value, decimals)
    if abs(value) >= 1e4:
        return wan(value, decimals)
    return _trim(value, decimals)


def number(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return _trim(value, decimals)


def percent(value: float | None, decimals: int = 2) -> str:
    return "—" if value is None else f"{value:.{decimals}f}%"
