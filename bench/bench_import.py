"""Benchmark: import 10,000 organisations (budget: under 5 s), against a naive row-by-row baseline.

Run: ``.venv/bin/python bench/bench_import.py [--rows N]`` (or ``countyworks bench import``).

A fresh temporary SQLite database is migrated and loaded with the national regions; 10,000
organisation rows with valid 统一社会信用代码 (check digits computed by python-stdnum) spread over
Hunan's counties are written as csv and as xlsx. Each file is imported end to end — read,
validated, written with history rows in one transaction — by the same function the page and
``countyworks import`` use. The baseline, in the same run, inserts the same rows naively: one
``Organisation.objects.create`` per row (autocommit, history by simple-history's signal). The
database is emptied between runs. Exit code 1 if an import misses the budget.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

BUDGET_S = 5.0


def _setup(data_dir: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ["COUNTYWORKS_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "countyworks.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _rows(n: int, counties: list[str]) -> list[list[str]]:
    from stdnum.cn import uscc

    kinds = ["企业", "合作社", "家庭农场", "enterprise"]
    industries = ["C3911", "A0141", "", "I6510", "C15"]
    rows = [["名称", "统一社会信用代码", "类型", "所在区划", "行业代码"]]
    for i in range(n):
        county = counties[i % len(counties)]
        body = f"91{county}{i:09d}"
        rows.append(
            [
                f"湖南测试企业{i:05d}有限公司",
                body + uscc.calc_check_digit(body),
                kinds[i % 4],
                county,
                industries[i % 5],
            ]
        )
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _empty() -> None:
    from countyworks.core.models import Organisation

    Organisation.objects.all().delete()
    Organisation.history.all().delete()


def _timed_import(path: Path, user) -> tuple[float, float, int]:
    """(seconds to read, seconds end to end, records created) for one file."""
    from countyworks.core.importing import IMPORTERS

    importer = IMPORTERS["organisations"]
    started = time.perf_counter()
    table = importer.read_path(path)
    read = time.perf_counter() - started
    result = importer.import_rows(table, acting_user=user, reason="bench")
    total = time.perf_counter() - started
    if result.errors:
        raise SystemExit(f"unexpected errors: {result.errors[:3]}")
    return read, total, result.created


def _naive(path: Path) -> tuple[float, int]:
    """The baseline: one ``objects.create`` per row of the csv, no validation, no transaction."""
    from countyworks.core.models import Organisation
    from countyworks.core.regions import significant_prefix

    labels = {str(label): value for value, label in Organisation.Kind.choices}
    started = time.perf_counter()
    created = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            Organisation.objects.create(
                name=row["名称"],
                credit_code=row["统一社会信用代码"],
                kind=labels.get(row["类型"], row["类型"]),
                region_id=significant_prefix(row["所在区划"]),
                industry_code=row["行业代码"],
            )
            created += 1
    return time.perf_counter() - started, created


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="countyworks-bench-") as tmp:
        tmp_path = Path(tmp)
        _setup(tmp_path)
        from django.contrib.auth import get_user_model

        from countyworks.core.models import Organisation, Region, RoleGrant
        from countyworks.core.region_data import load_national_regions

        load_national_regions()
        user = get_user_model().objects.create_user("bench")
        RoleGrant.objects.create(user=user, role="admin", region=None)
        counties = list(
            Region.objects.filter(level="county", code__startswith="43").values_list("code", flat=True)
        )
        rows = _rows(args.rows, counties)
        files = {"csv": tmp_path / "orgs.csv", "xlsx": tmp_path / "orgs.xlsx"}
        files["csv"].write_bytes(_csv(rows))
        files["xlsx"].write_bytes(_xlsx(rows))

        print(f"import of {args.rows:,} organisations into a fresh SQLite database (budget {BUDGET_S:.0f} s)")
        over_budget = False
        timings: dict[str, float] = {}
        for fmt, path in files.items():
            _empty()
            read, total, created = _timed_import(path, user)
            assert created == args.rows == Organisation.objects.count() == Organisation.history.count()
            verdict = "OK" if total < BUDGET_S else "OVER BUDGET"
            over_budget |= total >= BUDGET_S
            timings[fmt] = total
            print(
                f"  importer, {fmt:4}: {total:6.2f} s  (read {read:.2f} s, validate + write {total - read:.2f} s, "
                f"{args.rows / total:,.0f} rows/s)  {verdict}"
            )
        _empty()
        naive, created = _naive(files["csv"])
        assert created == args.rows == Organisation.history.count()
        print(
            f"  baseline, naive row-by-row Organisation.objects.create (csv, no validation): {naive:6.2f} s "
            f"({args.rows / naive:,.0f} rows/s)"
        )
        print(
            f"  importer is {naive / timings['csv']:.1f}× faster than the baseline on csv while validating every cell"
        )
        from django.db import connections

        connections.close_all()
    return 1 if over_budget else 0


if __name__ == "__main__":
    sys.exit(main())
