"""The batch files of ``countyworks settle`` and ``countyworks allocate`` (columns: docs/alliances.md).

Free of Django: files are read through the platform's one tabular intake (csv or xlsx, cells as
text), every bad cell is reported as a :class:`~countyworks.core.tabular.RowError` naming its row,
column and reason, and nothing is computed while any remains. Headers are the English column
names, or their Chinese aliases.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from countyworks.alliances import benefit
from countyworks.alliances.allocation import Line, Order, Result, Supply
from countyworks.core.errors import InputError
from countyworks.core.tabular import CellError, RowError, csv_bytes, fold, parse_number, read_grid, xlsx_bytes

GRADES = {"premium": 0, "特级": 0, "first": 1, "一级": 1, "second": 2, "二级": 2}
TYPE_LABELS = {
    "保底分红": benefit.FLOOR_DIVIDEND,
    "固定分红": benefit.FIXED_DIVIDEND,
    "按股分红": benefit.SHARE_DIVIDEND,
    "二次返利": benefit.SECOND_REBATE,
    "订单收购": benefit.ORDER_PURCHASE,
    "土地流转": benefit.LAND_RENT,
    "就业带动": benefit.EMPLOYMENT,
    "村集体服务费": benefit.COLLECTIVE_FEE,
    "提留分配": benefit.RETENTION_SPLIT,
}
PARTY_KINDS = {"collective": "collective", "村集体": "collective", "household": "household", "农户": "household",
               "enterprise": "enterprise", "企业": "enterprise"}  # fmt: skip


@dataclass(frozen=True)
class Col:
    """A column: English name, Chinese alias, parser, and whether a value is required."""

    name: str
    alias: str
    parse: Callable[[str], Any]
    required: bool = False


def _text(raw: str) -> str:
    return raw.strip()


def _decimal(raw: str) -> Decimal:
    return parse_number(raw)


def _fen(raw: str) -> int:
    """元 with at most two decimals → fen."""
    value = parse_number(raw) * 100
    if value != value.to_integral_value():
        raise CellError("more than two decimals of a yuan", "金额最多保留两位小数（分）", "fen")
    return int(value)


def _int(raw: str) -> int:
    value = parse_number(raw)
    if value != value.to_integral_value():
        raise CellError("not a whole number", "应为整数", "not_integer")
    return int(value)


def _day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip()[:10])
    except ValueError:
        raise CellError("not a date (YYYY-MM-DD)", "日期格式应为 YYYY-MM-DD", "date") from None


def _choice(values: dict[str, Any], what: str) -> Callable[[str], Any]:
    def parse(raw: str) -> Any:
        key = raw.strip()
        if key in values.values():
            return key
        if key in values:
            return values[key]
        raise CellError(f"unknown {what} {key!r}", f"无法识别的{what}“{key}”", "choice")

    return parse


CONTRACT_COLUMNS = (
    Col("contract", "合同编号", _text, True),
    Col("type", "联结方式", _choice(TYPE_LABELS, "type"), True),
    Col("collective", "村集体经济组织", _text, True),
    Col("start_year", "起始年度", _int, True),
    Col("end_year", "截止年度", _int),
    Col("principal_yuan", "入股或量化资金(元)", _fen),
    Col("rate_pct", "年收益率(%)", _decimal),
    Col("area_mu", "面积(亩)", _decimal),
    Col("per_mu_yuan", "每亩金额(元/亩/年)", _fen),
    Col("profit_share_pct", "利润分配比例(%)", _decimal),
    Col("cap_yuan", "年度封顶(元)", _fen),
    Col("protective_price_yuan", "保护价(元)", _fen),
    Col("premium_pct", "溢价(%)", _decimal),
    Col("step_pct", "递增比例(%)", _decimal),
    Col("step_years", "递增周期(年)", _int),
    Col("daily_wage_yuan", "日工资(元)", _fen),
    Col("distributed_pct", "分配比例(%)", _decimal),
    Col("party", "受益方", _text),
    Col("party_kind", "受益方类型", _choice(PARTY_KINDS, "party kind")),
    Col("share_pct", "受益方分配比例(%)", _decimal),
    Col("units", "份数", _int),
    Col("floor_share_pct", "保底分配比例(%)", _decimal),
)
INPUT_COLUMNS = (
    Col("contract", "合同编号", _text, True),
    Col("year", "年度", _int, True),
    Col("party", "受益方", _text),
    Col("profit_yuan", "年度利润(元)", _fen),
    Col("volume", "收购量", _decimal),
    Col("market_price_yuan", "市场价(元)", _fen),
    Col("land_area_mu", "流转面积(亩)", _decimal),
    Col("days_worked", "务工天数", _decimal),
)
ORDER_COLUMNS = (
    Col("order", "订单号", _text, True),
    Col("product", "产品", _text, True),
    Col("grade", "等级", _choice(GRADES, "grade"), True),
    Col("quantity", "数量", _decimal, True),
    Col("window_start", "交货起始", _day, True),
    Col("window_end", "交货截止", _day, True),
    Col("x_km", "东向(km)", _decimal),
    Col("y_km", "北向(km)", _decimal),
    Col("freight_fen_per_km", "运费(分/单位·km)", _decimal),
    Col("member", "需求成员", _text),
)
SUPPLY_COLUMNS = (
    Col("supply", "货源编号", _text, True),
    Col("member", "成员", _text, True),
    Col("product", "产品", _text, True),
    Col("grade", "等级", _choice(GRADES, "grade"), True),
    Col("quantity", "数量", _decimal, True),
    Col("starts_on", "起始日期", _day, True),
    Col("ends_on", "截止日期", _day, True),
    Col("x_km", "东向(km)", _decimal),
    Col("y_km", "北向(km)", _decimal),
)
LEDGER_HEADER = ("contract", "year", "party", "payee", "payee_kind", "component", "amount_fen")
ALLOCATION_HEADER = ("order", "supply", "member", "quantity", "cost_fen")


def read_rows(path: Path, columns: Sequence[Col]) -> list[tuple[int, dict[str, Any]]]:
    """Parsed rows (spreadsheet row number, values) of a csv/xlsx file; every bad cell in one InputError."""
    try:
        grid = read_grid(path.read_bytes())
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from exc
    rows = [r for r in grid.rows if any(c not in (None, "") for c in r)]
    if not rows:
        raise InputError(f"{path}: no header row")
    by_header = {fold(c.name): c for c in columns} | {fold(c.alias): c for c in columns}
    header = [by_header.get(fold(str(h or ""))) for h in rows[0]]
    errors: list[RowError] = []
    unknown = [str(h) for h, col in zip(rows[0], header, strict=True) if col is None and h]
    errors += [
        RowError(grid.first_row, str(h), "", "unknown column", "无法识别的列", "unknown_column")
        for h in unknown
    ]
    present = {col.name for col in header if col}
    errors += [
        RowError(grid.first_row, c.name, "", "required column is missing", "缺少必填列", "missing_column")
        for c in columns
        if c.required and c.name not in present
    ]
    parsed: list[tuple[int, dict[str, Any]]] = []
    for offset, raw in enumerate(rows[1:], start=1):
        number = grid.first_row + offset
        values: dict[str, Any] = {}
        for col, cell in zip(header, raw, strict=False):
            if col is None or cell in (None, ""):
                continue
            try:
                values[col.name] = col.parse(str(cell))
            except CellError as exc:
                errors.append(exc.at(number, col.name, str(cell)))
        for col in columns:
            if col.required and col.name in present and col.name not in values:
                errors.append(RowError(number, col.name, "", "a value is required", "必须填写", "required"))
        parsed.append((number, values))
    if errors:
        raise InputError([f"{path.name}: {e}" for e in errors])
    return parsed


_TERM_FIELDS = {
    "principal_yuan": "principal_fen",
    "rate_pct": "rate_pct",
    "area_mu": "area_mu",
    "per_mu_yuan": "per_mu_fen",
    "profit_share_pct": "profit_share_pct",
    "cap_yuan": "cap_fen",
    "protective_price_yuan": "protective_price_fen",
    "premium_pct": "premium_pct",
    "step_pct": "step_pct",
    "step_years": "step_years",
    "daily_wage_yuan": "daily_wage_fen",
    "distributed_pct": "distributed_pct",
    "end_year": "end_year",
}


def read_contracts(path: Path) -> list[benefit.Terms]:
    """One row per (contract, party); the contract's terms come from its first row."""
    first: dict[str, dict[str, Any]] = {}
    parties: dict[str, list[benefit.Party]] = {}
    for _number, row in read_rows(path, CONTRACT_COLUMNS):
        code = row["contract"]
        first.setdefault(code, row)
        if row.get("party"):
            parties.setdefault(code, []).append(
                benefit.Party(
                    key=row["party"],
                    name=row["party"],
                    kind=row.get("party_kind", "household"),
                    share_pct=row.get("share_pct"),
                    units=row.get("units"),
                    floor_share_pct=row.get("floor_share_pct"),
                )
            )
    return [
        benefit.Terms(
            code=code,
            kind=row["type"],
            collective=row["collective"],
            start_year=row["start_year"],
            parties=tuple(parties.get(code, ())),
            **{field: row[name] for name, field in _TERM_FIELDS.items() if name in row},
        )
        for code, row in first.items()
    ]


def read_inputs(path: Path, year: int) -> dict[str, benefit.Inputs]:
    """The inputs of ``year`` by contract; days worked per party from rows naming a party."""
    found: dict[str, dict[str, Any]] = {}
    for _number, row in read_rows(path, INPUT_COLUMNS):
        if row["year"] != year:
            continue
        entry = found.setdefault(row["contract"], {"days_worked": {}})
        if row.get("party") and "days_worked" in row:
            entry["days_worked"][row["party"]] = row["days_worked"]
        for name, field in (("profit_yuan", "profit_fen"), ("volume", "volume"),
                            ("market_price_yuan", "market_price_fen"), ("land_area_mu", "land_area_mu")):  # fmt: skip
            if name in row:
                entry[field] = row[name]
    return {code: benefit.Inputs(**values) for code, values in found.items()}


def read_orders(path: Path) -> list[Order]:
    return [
        Order(
            key=row["order"],
            product=row["product"],
            grade_rank=row["grade"],
            quantity=float(row["quantity"]),
            window_start=row["window_start"],
            window_end=row["window_end"],
            x_km=float(row.get("x_km", 0)),
            y_km=float(row.get("y_km", 0)),
            freight_per_km=float(row.get("freight_fen_per_km", 0)),
            member=row.get("member"),
        )
        for _n, row in read_rows(path, ORDER_COLUMNS)
    ]


def read_supply(path: Path) -> list[Supply]:
    return [
        Supply(
            key=row["supply"],
            member=row["member"],
            product=row["product"],
            grade_rank=row["grade"],
            quantity=float(row["quantity"]),
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            x_km=float(row.get("x_km", 0)),
            y_km=float(row.get("y_km", 0)),
        )
        for _n, row in read_rows(path, SUPPLY_COLUMNS)
    ]


def ledger_rows(payouts: Sequence[benefit.Payout], year: int) -> list[list[Any]]:
    return [
        [p.contract, year, p.party or "", p.payee, p.payee_kind, p.component, p.amount_fen] for p in payouts
    ]


def allocation_rows(lines: Sequence[Line]) -> list[list[Any]]:
    return [[line.order, line.supply, line.member, line.quantity, round(line.cost)] for line in lines]


def summary_lines(result: Result) -> list[str]:
    """The figures printed by ``countyworks allocate``: filled share, cost, and each flagged order."""
    lines = [
        f"filled {result.filled_total:g} of {result.requested:g} ({100 * result.filled_share:.1f}%)",
        f"transport cost {round(result.cost)} fen",
    ]
    lines += [f"order {key}: {reason[0]}" for key, reason in sorted(result.flags.items())]
    return lines


def write_table(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """csv or xlsx by extension, written atomically (a temporary file renamed over the target)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputError(f"{path}: unsupported output type {suffix or '(none)'}; use csv or xlsx")
    data = csv_bytes(header, rows) if suffix == ".csv" else xlsx_bytes(path.stem, header, rows)
    handle, temporary = tempfile.mkstemp(dir=path.parent or Path("."), suffix=suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.replace(temporary, path)
