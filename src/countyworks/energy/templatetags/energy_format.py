"""Template filters for energy figures (formatting only; figures come from selectors)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext

from countyworks.energy import formatting, presenters

register = template.Library()


def _units(text: str) -> str:
    """The 万/亿 suffix of :mod:`~countyworks.energy.formatting` in the active language."""
    if text.endswith("万"):
        return gettext("%(number)s万") % {"number": text[:-1]}
    if text.endswith("亿"):
        return gettext("%(number)s亿") % {"number": text[:-1]}
    return text


@register.filter
def wan(value, decimals: int = 2) -> str:
    return _units(formatting.wan(None if value is None else float(value), int(decimals)))


@register.filter
def yi(value, decimals: int = 2) -> str:
    return _units(formatting.yi(None if value is None else float(value), int(decimals)))


@register.filter
def big(value, decimals: int = 2) -> str:
    return _units(formatting.big(None if value is None else float(value), int(decimals)))


@register.filter
def num(value, decimals: int = 1) -> str:
    return formatting.number(None if value is None else float(value), int(decimals))


@register.filter
def pct(value, decimals: int = 2) -> str:
    return formatting.percent(None if value is None else float(value), int(decimals))


@register.filter
def frac_pct(value, decimals: int = 1) -> str:
    """A fraction shown as a percentage: 0.1244 → 12.4%."""
    return formatting.percent(None if value is None else 100.0 * float(value), int(decimals))


@register.filter
def mode_label(code: str) -> str:
    """A dispatch mode in words (峰谷套利, 削峰), never its code."""
    return presenters.mode_label(str(code or ""))


@register.filter
def tariff_label(code: str) -> str:
    """A tariff in words (湖南分时电价…), never its code."""
    return presenters.tariff_label(str(code or ""))
