"""The malformed-file corpus (``tests/fixtures/malformed``): every file is refused with its row,
column and reason code, by ``countyworks import`` and by the web import page, and nothing is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from countyworks.cli import main
from countyworks.core.importing import IMPORTERS, UnsupportedFile

from .test_importing import snapshot

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "malformed"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
#: Run as a real process: the traceback of a long cell was the original symptom.
SUBPROCESS = {"size-cell-200k.csv", "hdr-xlsx-data-on-second-sheet.xlsx", "cell-xlsx-excel-error-C2.xlsx"}


def test_the_corpus_is_large_and_covers_every_family():
    assert len(MANIFEST) >= 60
    families = {case["file"].split("-", 1)[0] for case in MANIFEST}
    assert families == {"enc", "hdr", "cell", "size", "type", "area", "dup", "formula"}


def errors_of(case, user):
    """The intake's errors for one corpus file, as the page and the CLI get them."""
    importer = IMPORTERS[case["kind"]]
    try:
        table = importer.read((CORPUS / case["file"]).read_bytes())
    except UnsupportedFile as exc:
        return [exc.as_row_error()]
    return importer.import_rows(table, acting_user=user).errors


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_cli_refuses_and_writes_nothing(changning, case, capsys):
    before = snapshot()
    errors = errors_of(case, changning)
    assert (case["row"], case["column"], case["code"]) in {(e.row, e.column, e.code) for e in errors}
    code = main(["import", case["kind"], str(CORPUS / case["file"]), "--user", "changning"])
    err = capsys.readouterr().err
    assert code == 1
    assert snapshot() == before
    expected = next(
        e for e in errors if (e.row, e.column, e.code) == (case["row"], case["column"], case["code"])
    )
    assert str(expected) in err or f"[{case['code']}]" in err


@pytest.mark.parametrize("case", MANIFEST, ids=[c["file"] for c in MANIFEST])
def test_web_import_shows_the_error_and_writes_nothing(login, changning, case):
    before = snapshot()
    expected = next(
        e
        for e in errors_of(case, changning)
        if (e.row, e.column, e.code) == (case["row"], case["column"], case["code"])
    )
    client = login(changning)
    with (CORPUS / case["file"]).open("rb") as handle:
        response = client.post("/data/import/", {"kind": case["kind"], "file": handle})
    page = response.content.decode()
    assert response.status_code == 200
    reason = expected.reason_zh.split("（")[0] if expected.code == "unknown_column" else expected.reason_zh
    if expected.code == "empty_file":  # Django's upload field refuses it before the intake sees it
        reason = 'class="errorlist'
    assert reason.replace('"', "&quot;")[:40] in page.replace("&#x27;", "'") or reason[:20] in page
    assert "提交导入" not in page or "只导入" in page or expected.row == 1
    assert snapshot() == before


@pytest.fixture(scope="module")
def fresh_install(tmp_path_factory, migrated_data_dir):
    """A migrated data directory with an active ``admin`` (the CLI's default user)."""
    env = {**os.environ, "COUNTYWORKS_DATA_DIR": str(migrated_data_dir(tmp_path_factory.mktemp("cli")))}
    env.pop("DATABASE_URL", None)
    admin = (
        "import django; django.setup(); from django.contrib.auth import get_user_model; "
        "get_user_model().objects.create_superuser('admin', '', 'not-a-demo-password')"
    )
    subprocess.run(
        [sys.executable, "-c", admin],
        env={**env, "DJANGO_SETTINGS_MODULE": "countyworks.settings"},
        check=True,
        timeout=300,
    )
    return env


CLI = "import sys; from countyworks.cli import main; sys.exit(main(sys.argv[1:]))"


#: The child processes share one installation (under xdist, ``--dist loadscope`` keeps a module on
#: one worker).
@pytest.mark.django_db  # the installation is a copy of the migrated test database
@pytest.mark.parametrize("name", sorted(SUBPROCESS))
def test_cli_process_exits_1_without_a_traceback(fresh_install, name):
    case = next(c for c in MANIFEST if c["file"] == name)
    run = subprocess.run(
        [sys.executable, "-c", CLI, "import", case["kind"], str(CORPUS / name)],
        env=fresh_install,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr
    assert f"row {case['row']}, column {case['column']}" in run.stderr or f"[{case['code']}]" in run.stderr
