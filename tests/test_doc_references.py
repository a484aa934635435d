"""Every path a docstring, comment or doc names is a path inside the repo, and it exists.

The policy a rule module cites is explained in ``docs/rules/`` (index: docs/rules/README.md), the
architecture in ``docs/design.md``.  A reference such as ``docs/rules/tech-sme-2022.md §3`` or
``docs/design.md#cli-contract`` must name an existing file, and its ``§`` section or ``#anchor`` must
be a heading of that file.  Nothing may point outside the repo: a clone has no ``../shared`` folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SELF = Path(__file__).resolve()

#: Where references are looked for, and which files there are text worth reading.
SCANNED = ("src", "docs", "README.md", "bench", "tests")
SUFFIXES = {".py", ".md", ".html", ".csv", ".txt", ".po", ".toml", ".js", ".css", ".cfg"}
#: ``malformed``: the importer's corpus of broken files (other encodings, junk on purpose).
SKIPPED_DIRS = {"vendor", "__pycache__", "screenshots", "migrations", "malformed"}

#: A repo path: ``docs/…``, ``src/…``, ``tests/…`` or ``bench/…``, optionally followed by ``§3`` / ``§3.2``
#: or ``#an-anchor``.  Not preceded by a path character, so ``…/main/src/x.py`` in a URL is not one.
REPO_PATH = re.compile(
    r"(?<![\w./\-])(?P<path>(?:docs|src|tests|bench)/[\w./\-]*\w)"
    r"(?:(?:\s*§\s*(?P<section>\d+(?:\.\d+)*))|(?:#(?P<anchor>[\w\-]+)))?"
)
#: A relative Markdown link in a doc: ``[text](other.md#anchor)``.
MD_LINK = re.compile(r"\]\((?P<path>(?!https?:|mailto:|#)[^)#\s]+)(?:#(?P<anchor>[^)\s]+))?\)")

#: Names of material outside the repo, which a clone does not contain.
OUTSIDE = re.compile(
    r"\.\./shared|/work/shared|DESIGN\.md|STYLE\.md|(?<![\w/])[Ss]pec/[\w\-]+\.md"
    r"|\bspec(?:'s)?\s+(?:§|\")|\b[Tt]he spec\b"
)


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        top = ROOT / name
        candidates = [top] if top.is_file() else sorted(top.rglob("*"))
        for path in candidates:
            if (
                path.is_file()
                and path.suffix in SUFFIXES
                and path.resolve() != SELF
                and not SKIPPED_DIRS.intersection(path.relative_to(ROOT).parts)
                and not any(part.endswith(".egg-info") for part in path.parts)
            ):
                found.append(path)
    return found


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces → ``-``."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def headings(path: Path) -> list[str]:
    return [m[1] for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", path.read_text(encoding="utf-8"), re.M)]


def target_problem(target: Path, section: str | None, anchor: str | None) -> str | None:
    """Why a reference to ``target`` (with its ``§`` section or ``#anchor``) is broken, or None."""
    if not target.exists():
        return "no such path"
    if (section or anchor) and target.suffix != ".md":
        return None  # a section of a code file: the path is what can be checked
    if section:
        pattern = re.compile(rf"^§?{re.escape(section)}(?:[.\s:]|$)")
        if not any(pattern.match(h) for h in headings(target)):
            return f"no heading §{section}"
    if anchor and anchor not in {slug(h) for h in headings(target)}:
        return f"no heading with anchor #{anchor}"
    return None


def broken_references(path: Path, text: str) -> list[str]:
    """``line: reference (problem)`` for every repo path in ``text`` that does not resolve."""
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        for m in REPO_PATH.finditer(line):
            problem = target_problem(ROOT / m["path"], m["section"], m["anchor"])
            if problem:
                problems.append(f"{path.relative_to(ROOT)}:{number}: {m[0]} ({problem})")
        if path.suffix == ".md":
            for m in MD_LINK.finditer(line):
                target = (path.parent / m["path"]).resolve()
                problem = target_problem(target, None, m["anchor"])
                if problem:
                    problems.append(f"{path.relative_to(ROOT)}:{number}: ({m[0][2:]} ({problem})")
    return problems


def outside_references(path: Path, text: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}"
        for number, line in enumerate(text.splitlines(), 1)
        if OUTSIDE.search(line)
    ]


def test_every_referenced_repo_path_exists():
    problems = [p for f in _files() for p in broken_references(f, f.read_text(encoding="utf-8"))]
    assert not problems, "broken references:\n" + "\n".join(problems)


def test_nothing_names_a_path_outside_the_repo():
    problems = [p for f in _files() for p in outside_references(f, f.read_text(encoding="utf-8"))]
    assert not problems, "references to material outside the repo:\n" + "\n".join(problems)


def test_every_rule_module_cites_its_doc():
    """Each official rule set's module names the ``docs/rules/`` page that explains it."""
    modules = sorted((ROOT / "src/countyworks/rules").glob("*_20[0-9][0-9].py"))
    assert modules
    for module in modules:
        code = module.stem.replace("_", "-")
        assert f"docs/rules/{code}.md" in module.read_text(encoding="utf-8"), module.name


# The checker itself, on made-up text, so that a checker that finds nothing cannot pass silently.
@pytest.mark.parametrize(
    ("line", "broken"),
    [
        ("see docs/design.md", False),
        ("see docs/no-such-page.md", True),
        ("see docs/design.md#cli-contract", False),
        ("see docs/design.md#no-such-heading", True),
        ("see docs/rules/tech-sme-2022.md §3", False),
        ("see docs/rules/tech-sme-2022.md §99", True),
        ("see src/countyworks/rules/engine.py", False),
        ("see src/countyworks/rules/nothing.py", True),
        ("https://github.com/pvlib/pvlib-python/blob/main/docs/x.md", False),
    ],
)
def test_checker_finds_broken_paths(line, broken):
    assert bool(broken_references(ROOT / "README.md", line)) is broken


@pytest.mark.parametrize(
    ("line", "outside"),
    [
        ("(see DESIGN.md, CLI contract)", True),
        ("spec/energy.md §3", True),
        ("Spec/enterprise_rules.md §2 transcribes", True),
        ("../shared/spec/x.md", True),
        ("STYLE.md §8", True),
        ("the spec's worked example", True),
        ("reference case D3 (spec §3)", True),
        ("docs/rules/storage-dispatch.md §3", False),
        ("for spec in TIER_SPECS:", False),
    ],
)
def test_checker_finds_outside_names(line, outside):
    assert bool(outside_references(ROOT / "README.md", line)) is outside


def test_markdown_links_are_checked():
    doc = ROOT / "docs" / "rules" / "README.md"
    assert not broken_references(doc, "[ok](tech-sme-2022.md#7-worked-examples)")
    assert broken_references(doc, "[gone](gone.md)")
