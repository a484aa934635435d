"""Home-page tiles contributed by each app (``AppConfig.home_tiles(user, within)``)."""

from __future__ import annotations

from django.apps import apps


def collect_tiles(user, within: str | None) -> list[dict[str, object]]:
    tiles: list[dict[str, object]] = []
    for config in apps.get_app_configs():
        provider = getattr(config, "home_tiles", None)
        if provider is not None:
            tiles.extend(provider(user, within))
    for number, tile in enumerate(tiles, start=1):
        if tile.get("chart"):
            tile["chart_id"] = f"tile-chart-{number}"
    return tiles
