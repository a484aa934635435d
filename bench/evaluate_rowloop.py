"""The baseline of ``bench_evaluate_cli``: tech-sme-2022 over a csv with a plain csv-module row loop.

Reads the input csv with ``csv.DictReader``, converts each cell (numbers, 是/否/true/false flags),
evaluates the row with the independent row-by-row implementation ``tech_sme_rowwise`` and writes
the result csv with ``csv.writer``: the same work as ``countyworks evaluate``, without validation.

Run: ``python bench/evaluate_rowloop.py INPUT.csv OUTPUT.csv``.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import tech_sme_rowwise  # noqa: E402 - beside this file

FLAGS = (
    "resident",
    "prohibited_industry",
    "major_incident",
    "abnormal_listed",
    "high_tech_cert",
    "national_award_top3",
    "provincial_rd_institution",
    "led_standard",
)
COUNTS = ("employees", "tech_staff", "ip_class1", "ip_class2")
AMOUNTS = ("revenue", "total_assets", "rd_expense", "total_cost")
TRUE = {"true", "是", "1", "yes"}


def main(source: str, target: str) -> None:
    with (
        open(source, newline="", encoding="utf-8") as fin,
        open(target, "w", newline="", encoding="utf-8") as fout,
    ):
        writer = None
        for row in csv.DictReader(fin):
            values: dict[str, object] = {"id": row["id"]}
            for name in COUNTS:
                values[name] = int(row[name])
            for name in AMOUNTS:
                values[name] = float(row[name])
            for name in FLAGS:
                values[name] = row[name].strip().lower() in TRUE
            result = tech_sme_rowwise.evaluate_row(values)
            if writer is None:
                writer = csv.writer(fout)
                writer.writerow(result.keys())
            writer.writerow(result.values())


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
