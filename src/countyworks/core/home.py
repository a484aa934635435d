"""Home-page tiles: each installed program's ``home_tiles(user=…, within=…)`` hook, in app order;
only the programs the area runs (core/program_regions.py)."""

from __future__ import annotations

from countyworks.core.actors import Actor
from countyworks.core.program_regions import runs_for
from countyworks.core.programs import installed_programs


def collect_tiles(user: Actor, within: str | None) -> list[dict[str, object]]:
    tiles: list[dict[str, object]] = []
    for config in installed_programs():
        if config.home_tiles is not None and runs_for(user, config.scope_code, within):
            tiles.extend(config.hook("home_tiles")(user=user, within=within))
    for number, tile in enumerate(tiles, start=1):
        if tile.get("chart"):
            tile["chart_id"] = f"tile-chart-{number}"
    return tiles
