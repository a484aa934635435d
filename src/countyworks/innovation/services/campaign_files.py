"""Checking a campaign file: the rule set's validation, then each row's enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _
from stdnum.cn import uscc

from countyworks.core.importing.report import error_report_xlsx
from countyworks.core.importing.service import Table
from countyworks.core.models import Organisation, Region
from countyworks.core.regions import InvalidRegionCode, significant_prefix
from countyworks.core.tabular import RowError, UnsupportedFile, read_grid
from countyworks.innovation.models import EvaluationCampaign
from countyworks.innovation.services._common import BATCH
from countyworks.rules.engine import FIRST_DATA_ROW, RuleSet
from countyworks.rules.io import UnsupportedFormat, check_format, read_table

#: Optional columns of a campaign file that describe an enterprise not yet on the platform.
ENTERPRISE_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("企业名称", "名称"),
    "region": ("区划代码", "所在区划", "所在区划代码"),
}


def column_labels(ruleset: RuleSet) -> dict[str, str]:
    """English column name → the Chinese header a campaign file shows (errors name the column as
    the officer sees it, whichever header the file used)."""
    labels = {name: aliases[0] for name, aliases in ENTERPRISE_COLUMNS.items()}
    labels |= {f.name: f.label for f in ruleset.fields}
    return labels | {"id": "统一社会信用代码"}  # what the id holds, and the template's header


def row_error_zh(error: RowError, labels: dict[str, str] | None = None) -> str:
    """A row error in Chinese naming row, column (by its Chinese header, from ``labels``), value
    and reason (page and job message)."""
    where = _("第%(row)d行") % {"row": error.row} if error.row > 1 else _("表头")
    value = _("，值“%(value)s”") % {"value": error.value} if error.value else ""
    return _("%(where)s，列“%(column)s”%(value)s：%(reason)s") % {
        "where": where,
        "column": (labels or {}).get(error.column, error.column),
        "value": value,
        "reason": error.reason_zh,
    }


def _rename_enterprise_columns(frame: pl.DataFrame) -> pl.DataFrame:
    mapping: dict[str, str] = {}
    for name, aliases in ENTERPRISE_COLUMNS.items():
        for alias in aliases:
            if alias in frame.columns and name not in frame.columns and name not in mapping.values():
                mapping[alias] = name
    return frame.rename(mapping)


def _read(path: Path, ruleset: RuleSet) -> tuple[pl.DataFrame | None, list[RowError]]:
    try:
        check_format(path)
        frame = read_table(path, ruleset)
    except UnsupportedFormat:
        return None, [
            RowError(1, "", "", "unsupported file type", _("文件类型不支持，请上传 xlsx、csv 或 parquet"))
        ]
    except (pl.exceptions.PolarsError, OSError, ValueError, UnicodeDecodeError) as exc:
        return None, [
            RowError(1, "", "", f"cannot read: {exc}", _("无法读取文件：%(error)s") % {"error": exc})
        ]
    return _rename_enterprise_columns(frame), []


@dataclass(frozen=True)
class CheckedFile:
    """A campaign file that passed every check: the frame and each row's enterprise.

    ``organisation_ids[i]`` is the enterprise of row i, or None for an enterprise the
    evaluation will create from the file's ``name`` and ``region`` columns.
    """

    frame: pl.DataFrame
    organisation_ids: list[int | None]


def campaign_check_file(
    *, campaign: EvaluationCampaign, path: Path
) -> tuple[CheckedFile | None, list[RowError]]:
    """Every row error of a campaign file: the rule set's validation, then the enterprises.

    Each ``id`` must be a valid 统一社会信用代码 (GB 32100-2015, checked by python-stdnum),
    appear once, and name an enterprise inside the campaign's region; an enterprise not yet on
    the platform needs ``name`` (企业名称) and ``region`` (区划代码) in the file, the region lying
    inside the campaign's region.
    """
    ruleset = campaign.ruleset()
    frame, errors = _read(path, ruleset)
    if frame is None:
        return None, errors
    if frame.height == 0:
        return None, [RowError(1, "", "", "no data rows", _("文件没有数据行"))]
    errors = ruleset.validate(frame)
    org_ids: list[int | None] = []
    if "id" in frame.columns:
        enterprise_errors, org_ids = _enterprise_errors(campaign, frame)
        errors += enterprise_errors
    if errors:
        order = {f.name: i for i, f in enumerate(ruleset.fields)}
        return None, sorted(errors, key=lambda e: (e.row, order.get(e.column, len(order))))
    return CheckedFile(frame, org_ids), []


def column_text(frame: pl.DataFrame, name: str) -> list[str]:
    if name not in frame.columns:
        return [""] * frame.height
    return frame.get_column(name).cast(pl.String).fill_null("").str.strip_chars().to_list()


def _known_enterprises(prefix: str, ids: list[str]) -> dict[str, tuple[int, str]]:
    """Credit code → (organisation id, region) of the file's enterprises already on the platform:
    the campaign's region in one query, then the few codes registered elsewhere."""
    known: dict[str, tuple[int, str]] = {
        code: (pk, region)
        for code, pk, region in Organisation.objects.filter(region__code__startswith=prefix)
        .exclude(credit_code="")
        .values_list("credit_code", "id", "region_id")
    }
    elsewhere = sorted({i for i in ids if i and i not in known})
    for start in range(0, len(elsewhere), BATCH):
        rows = Organisation.objects.filter(credit_code__in=elsewhere[start : start + BATCH]).values_list(
            "credit_code", "id", "region_id"
        )
        known.update({code: (pk, region) for code, pk, region in rows})
    return known


def _region_keys(regions: list[str]) -> tuple[dict[str, str | None], set[str]]:
    """Each region code of the file → its region's key (None when malformed), and the keys that
    name a region of the platform."""
    keys: dict[str, str | None] = {}
    for raw in {r for r in regions if r}:
        try:
            keys[raw] = significant_prefix(raw)
        except InvalidRegionCode:
            keys[raw] = None
    existing = set(
        Region.objects.filter(code__in=[k for k in keys.values() if k]).values_list("code", flat=True)
    )
    return keys, existing


def _id_error(
    row: int, code: str, known: dict[str, tuple[int, str]], first_seen: dict[str, int]
) -> RowError | None:
    """A malformed or repeated credit code (a registered enterprise's code passed the same check
    when it was registered)."""
    if code not in known and not uscc.is_valid(code):
        return RowError(
            row,
            "id",
            code,
            "invalid 统一社会信用代码 (GB 32100 check digit)",
            _("统一社会信用代码无效（GB 32100-2015 校验失败）"),
        )
    if code in first_seen:
        return RowError(
            row,
            "id",
            code,
            f"duplicate id (first on row {first_seen[code]})",
            _("企业重复（与第%(row)d行相同）") % {"row": first_seen[code]},
        )
    return None


def _new_enterprise_errors(
    row: int, name: str, raw_region: str, key: str | None, existing: set[str], prefix: str
) -> list[RowError]:
    """What an enterprise new to the platform lacks: a name, and a known region code inside the
    campaign's region."""
    errors = []
    if not name:
        errors.append(
            RowError(row, "name", "", "new enterprise without a name", _("平台中没有该企业，请填写企业名称"))
        )
    if not raw_region:
        errors.append(
            RowError(
                row,
                "region",
                "",
                "new enterprise without a region code",
                _("平台中没有该企业，请填写所在区划代码"),
            )
        )
    elif key is None or key not in existing:
        errors.append(RowError(row, "region", raw_region, "unknown region code", _("区划代码不存在")))
    elif not key.startswith(prefix):
        errors.append(
            RowError(
                row,
                "region",
                raw_region,
                "region outside the campaign's region",
                _("区划不在本批次评价区域内"),
            )
        )
    return errors


def _enterprise_errors(
    campaign: EvaluationCampaign, frame: pl.DataFrame
) -> tuple[list[RowError], list[int | None]]:
    ids = column_text(frame, "id")
    names = column_text(frame, "name")
    regions = column_text(frame, "region")
    prefix = campaign.region_id
    known = _known_enterprises(prefix, ids)
    region_keys, existing_regions = _region_keys(regions)
    errors: list[RowError] = []
    first_seen: dict[str, int] = {}
    org_ids: list[int | None] = [None] * len(ids)
    for index, code in enumerate(ids):
        row = index + FIRST_DATA_ROW
        if not code:
            continue  # the rule set reports the blank id
        id_error = _id_error(row, code, known, first_seen)
        if id_error is not None:
            errors.append(id_error)
            continue
        first_seen[code] = row
        if code in known:
            pk, region = known[code]
            if not region.startswith(prefix):
                errors.append(
                    RowError(
                        row,
                        "id",
                        code,
                        "enterprise outside the campaign's region",
                        _("企业所在区划 %(region)s 不在本批次评价区域内") % {"region": region},
                    )
                )
            org_ids[index] = pk
            continue
        raw_region = regions[index]
        key = region_keys.get(raw_region) if raw_region else None
        errors += _new_enterprise_errors(row, names[index], raw_region, key, existing_regions, prefix)
    return errors, org_ids


def _file_grid(data: bytes, suffix: str) -> list[list[str | None]]:
    """Every row of an uploaded campaign file as raw text cells, the header first."""
    if suffix == ".parquet":
        frame = pl.read_parquet(data)
        header: list[str | None] = list(frame.columns)
        return [header] + [[None if v is None else str(v) for v in row] for row in frame.rows()]
    return read_grid(data).rows


def campaign_error_report(
    *, campaign: EvaluationCampaign, data: bytes, name: str, errors: list[RowError]
) -> bytes:
    """The uploaded campaign file with its bad cells marked, as xlsx (the same marked report as
    数据导入's: cells filled red with the reason as a comment, an 错误说明 column, a 错误清单 sheet).

    Row numbers are the ones the errors name (header row 1, data from row 2); each error finds its
    column through the rule set's headers, Chinese or English. A file that cannot be read as a
    table gives a report of the error list alone.
    """
    ruleset = campaign.ruleset()
    try:
        grid = _file_grid(data, Path(name).suffix.lower())
    except (UnsupportedFile, pl.exceptions.PolarsError, OSError, ValueError):
        grid = []
    headers = [("" if cell is None else str(cell).strip()) for cell in (grid[0] if grid else [])]
    names = ruleset.header_names() | {
        alias: field for field, aliases in ENTERPRISE_COLUMNS.items() for alias in aliases
    }
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        columns.setdefault(names.get(header, header), index)
    if "统一社会信用代码" in headers:
        columns.setdefault("id", headers.index("统一社会信用代码"))
    rows = grid[1:]
    table = Table(
        format="xlsx" if name.lower().endswith(".xlsx") else "csv",
        header_row=FIRST_DATA_ROW - 1,
        headers=headers,
        rows=rows,
        row_numbers=list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows))),
        columns=columns,
    )
    return error_report_xlsx(table, errors)
