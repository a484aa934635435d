"""Figures by the regions directly under an area, without double counting (docs/indicators.md).

A record sits at one region code. Under an area, it belongs to the child whose code prefixes its
own, or — when it sits at the area's own code (a city's 市本级 organisations) — to the area itself.
A city's districts (430405 …) are children of the city (4304), never siblings of it, so a chart
"by region" never shows a city beside its own districts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from countyworks.core.models import Region


@dataclass(frozen=True)
class Part:
    code: str
    name: str
    amount: int
    own: bool = False


def children_of(node: str) -> dict[str, str]:
    """``{code: name}`` of the regions directly under ``node`` (the provinces under "")."""
    children = (
        Region.objects.filter(level=Region.Level.PROVINCE)
        if node == ""
        else Region.objects.filter(parent_id=node)
    )
    return dict(children.order_by("code").values_list("code", "name"))


def rollup_to_children(node: str, amounts: Mapping[str, int], own_label: str) -> list[Part]:
    """``amounts`` by exact region code (all under ``node``) added up per child of ``node``; the
    records at ``node`` itself come last as ``own_label``. Children without records are left out."""
    children = children_of(node)
    lengths = sorted({len(code) for code in children})
    totals: dict[str, int] = {}
    own = 0
    for code, amount in amounts.items():
        child = next((code[:n] for n in lengths if code[:n] in children), None)
        if child is None:
            own += amount
        else:
            totals[child] = totals.get(child, 0) + amount
    parts = [Part(code, children[code], totals[code]) for code in sorted(totals)]
    if own:
        parts.append(Part(node, own_label, own, own=True))
    return parts
