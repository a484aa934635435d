"""ECharts option builders: pages pass figures computed by selectors, templates only render."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

#: An ECharts option: JSON for the page's script. Callers adjust parts of it (a second axis, the
#: legend's place), so its values are typed as what they are, nested JSON, not ``object``.
Option: TypeAlias = dict[str, Any]

PALETTE = ["#b71c1c", "#1e5fa8", "#2e7d32", "#e65100", "#6a1b9a", "#00838f", "#795548"]


def _titled(title: str, unit: str) -> str:
    """The unit goes into the title (单位), where it never collides with the axis labels."""
    return f"{title}（{unit}）" if unit else title


def _crowded(categories: Sequence[str]) -> bool:
    """Whether the category labels need slanting to stay legible (about 24 characters fit level)."""
    return len(categories) > 6 or sum(len(c) for c in categories) > 24


def bar_chart(
    title: str, categories: Sequence[str], series: Mapping[str, Sequence[float | int | None]], unit: str = ""
) -> Option:
    """A grouped bar chart; ``series`` maps a legend name to values aligned with ``categories``."""
    return {
        "color": PALETTE,
        "title": {"text": _titled(title, unit), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0} if len(series) > 1 else {"show": False},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 50, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": list(categories),
            "axisLabel": {"interval": 0, "rotate": 30 if _crowded(categories) else 0},
        },
        "yAxis": {"type": "value"},
        "series": [{"name": name, "type": "bar", "data": list(values)} for name, values in series.items()],
    }


def line_chart(
    title: str,
    x: Sequence[str],
    series: Mapping[str, Sequence[float | int | None]],
    unit: str = "",
    zoom: bool = False,
    area: bool = False,
) -> Option:
    """A line chart over a category or time axis, with optional zoom slider."""
    option: Option = {
        "color": PALETTE,
        "title": {"text": _titled(title, unit), "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0} if len(series) > 1 else {"show": False},
        "grid": {"left": 50, "right": 20, "top": 40, "bottom": 70 if zoom else 50, "containLabel": True},
        "xAxis": {"type": "category", "data": list(x), "boundaryGap": False},
        "yAxis": {"type": "value"},
        "series": [
            {
                "name": name,
                "type": "line",
                "showSymbol": False,
                "data": list(values),
                **({"areaStyle": {}} if area else {}),
            }
            for name, values in series.items()
        ],
    }
    if zoom:
        option["dataZoom"] = [{"type": "inside"}, {"type": "slider", "bottom": 25}]
    return option


def pie_chart(title: str, parts: dict[str, float | int]) -> Option:
    return {
        "color": PALETTE,
        "title": {"text": title, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["35%", "65%"],
                "data": [{"name": k, "value": v} for k, v in parts.items()],
            }
        ],
    }
