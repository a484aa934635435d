"""The English catalogues: complete, compiled from the current .po, and used by the pages.

The source strings (msgids) are Chinese and zh-hans is the default language; English comes from
the shell's ``countyworks/locale/en/LC_MESSAGES/django.po`` and, for each program app, from its own
``<app>/locale/en/LC_MESSAGES/django.po`` (a program is one app directory: its translations travel
with it), each compiled to ``django.mo`` next to it. All are shipped in the package, so a stale or
incomplete catalogue is a bug these tests catch; so is a msgid two catalogues translate differently
(Django would silently take the first).
"""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

import countyworks

LC_MESSAGES = Path(countyworks.__file__).resolve().parent / "locale" / "en" / "LC_MESSAGES"


def _program_catalogues() -> list[Path]:
    from countyworks.core.programs import installed_programs

    found = [Path(config.path) / "locale" / "en" / "LC_MESSAGES" for config in installed_programs()]
    return [directory for directory in found if directory.is_dir()]


#: The shell's catalogue first (it takes precedence: LOCALE_PATHS), then the programs' own.
CATALOGUES = [LC_MESSAGES, *_program_catalogues()]
CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> str:
        """The key gettext uses in a compiled catalogue (context and msgid joined by EOT)."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file (header and obsolete ``#~`` entries left out); no polib needed."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if target is not None:
            entries.append(current)
        current, target = Entry(), None

    def append(text: str) -> None:
        name, index = target  # type: ignore[misc]
        if name == "msgstr":
            current.msgstr[index or 0] = current.msgstr.get(index or 0, "") + text
        else:
            setattr(current, name, (getattr(current, name) or "") + text)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if target is not None and target[0] == "msgstr":
                finish()
            current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if target is not None and target[0] == "msgstr":
                finish()
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, literal = match.groups()
            if keyword in ("msgctxt", "msgid") and target is not None and target[0] == "msgstr":
                finish()
            if keyword in ("msgctxt", "msgid") and not current.line:
                current.line = number
            target = (keyword, int(index) if index is not None else None)
            if keyword != "msgstr":
                setattr(current, keyword, "")
            append(ast.literal_eval(literal))
        elif line.startswith('"'):
            append(ast.literal_eval(line))
        else:
            raise AssertionError(f"{path.name}:{number}: cannot parse {raw!r}")
    finish()
    header = [e for e in entries if e.msgid == "" and e.msgctxt is None]
    assert len(header) == 1, "the .po must have exactly one header entry"
    assert "fuzzy" not in header[0].flags, "the .po header is still marked fuzzy"
    return [e for e in entries if e is not header[0]]


@pytest.fixture(autouse=True)
def _default_language_afterwards():
    """LocaleMiddleware leaves the request's language active in the thread: reset it, so that the
    tests running after these ones do not evaluate lazy labels in English."""
    yield
    translation.deactivate()


def _label(directory: Path) -> str:
    return directory.parent.parent.parent.name


@pytest.fixture(scope="module", params=CATALOGUES, ids=_label)
def catalogue(request) -> Path:
    return request.param


@pytest.fixture(scope="module")
def po_entries(catalogue: Path) -> list[Entry]:
    return parse_po(catalogue / "django.po")


def test_catalogues_are_the_shells_and_the_programs_own_only():
    assert settings.LOCALE_PATHS == [LC_MESSAGES.parent.parent]
    package = LC_MESSAGES.parent.parent.parent
    known = {directory.parent.parent for directory in CATALOGUES}
    stray = [p for p in package.rglob("locale") if p.is_dir() and p not in known]
    assert stray == [], f"a locale dir outside the shell and the program apps: {stray}"


def test_no_msgid_is_translated_two_ways():
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for directory in CATALOGUES:
        for e in parse_po(directory / "django.po"):
            if e.msgid_plural is not None or not e.msgid:
                continue
            key, text = e.key, e.msgstr[0]
            if key in seen and seen[key][1] != text:
                clashes.append(
                    f"{e.msgid!r}: {seen[key][0]} {seen[key][1]!r} vs {_label(directory)} {text!r}"
                )
            seen.setdefault(key, (_label(directory), text))
    assert clashes == [], "\n".join(clashes)


def test_po_has_no_untranslated_or_fuzzy_entries(po_entries):
    assert len(po_entries) > 20  # sanity: the parser read the whole catalogue
    fuzzy = [f"line {e.line}: {e.msgid!r}" for e in po_entries if "fuzzy" in e.flags]
    assert fuzzy == [], "fuzzy entries:\n" + "\n".join(fuzzy)
    expected_forms = {0, 1}
    untranslated = [
        f"line {e.line}: {e.msgid!r}"
        for e in po_entries
        if (set(e.msgstr) != expected_forms if e.msgid_plural is not None else set(e.msgstr) != {0})
        or any(not text.strip() for text in e.msgstr.values())
    ]
    assert untranslated == [], "untranslated entries:\n" + "\n".join(untranslated)


def test_translations_keep_placeholders_and_are_english(po_entries):
    placeholder = re.compile(r"%%|%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[diouxXeEfFgGcrs]")
    problems = []
    for e in po_entries:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for index, text in e.msgstr.items():
            source = sources[min(index, len(sources) - 1)]
            if sorted(placeholder.findall(source)) != sorted(placeholder.findall(text)):
                problems.append(f"line {e.line}: placeholders differ: {source!r} -> {text!r}")
            if sorted(re.findall(r"<[^>]+>", source)) != sorted(re.findall(r"<[^>]+>", text)):
                problems.append(f"line {e.line}: HTML differs: {source!r} -> {text!r}")
            if CJK.search(text) and text == source:
                problems.append(f"line {e.line}: msgstr is the Chinese msgid: {text!r}")
    assert problems == [], "\n".join(problems)


def test_compiled_catalogue_matches_the_po(catalogue, po_entries):
    """django.mo holds exactly the .po's translations (recompile after every .po change)."""
    mo_file = catalogue / "django.mo"
    assert mo_file.exists(), "run: msgfmt --check -o django.mo django.po"
    with mo_file.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    compiled.pop("", None)  # the header
    expected: dict[object, str] = {}
    for e in po_entries:
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            for index, text in e.msgstr.items():
                expected[(e.key, index)] = text
    stale = sorted(str(k) for k in expected.keys() ^ compiled.keys())
    assert stale == [], "django.mo and django.po differ in msgids (recompile): " + ", ".join(stale[:20])
    differing = sorted(str(k) for k in expected if expected[k] != compiled[k])
    assert differing == [], "django.mo has other translations than django.po (recompile): " + ", ".join(
        differing[:20]
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=_label)
def test_po_passes_msgfmt_check(tmp_path, catalogue):
    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(catalogue / "django.po")],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- the pages ----------------------------------------------------------------------------------


def english(client):
    """Switch the client to English the way the language switch does (Django's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_english(body: str, present: list[str], absent: list[str]) -> None:
    assert 'lang="en"' in body
    for text in present:
        assert text in body, f"{text!r} missing from the English page"
    for text in absent:
        assert text not in body, f"{text!r} still on the English page"


#: Shell labels every signed-in page shows, with their Chinese originals.
SHELL = {"Home": "首页", "Log out": "退出", "Change password": "修改密码", "Navigation": "导航"}
NAV = {
    "Tickets and scheduling": ">工单与调度<",
    "Background jobs": "后台任务",
    "S&amp;T innovation": ">科技创新<",
    "New energy": ">新能源<",
}


def test_default_language_stays_chinese(client, db):
    body = client.get(reverse("login")).content.decode()
    assert 'lang="zh-hans"' in body
    assert "登录县域发展工作台" in body


def test_login_page_in_english(client, db):
    body = english(client).get(reverse("login")).content.decode()
    assert_english(
        body,
        ["Log in to the County Development Workbench", "Username", "Password", "Log in"],
        ["登录县域发展工作台", "用户名", "密码", "县域发展工作台"],
    )


def test_accept_language_header_is_honoured(client, db):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert_english(body, ["Log in"], ["登录县域发展工作台"])


def test_language_switch_sets_english_for_the_following_pages(login, changning):
    client = login(changning)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    body = client.get("/").content.decode()
    assert_english(body, ["Home", "Log out"], ["首页", "退出"])


def test_home_page_in_english(login, changning):
    body = english(login(changning)).get("/").content.decode()
    assert_english(
        body,
        [*SHELL, *NAV, "County Development Workbench", "county development overview", "中文"],
        [*SHELL.values(), *NAV.values(), "县域发展概览", "我的全部区域"],
    )


@pytest.mark.parametrize(
    ("url", "present", "absent"),
    [
        (
            "/workflow/tickets/",
            ["My tickets", "Team tickets", "Raised by me", "Filter"],
            ["我的工单", "团队工单", "筛选"],
        ),
        ("/workflow/overdue/", ["By person/post responsible"], ["按责任人/岗位"]),
        ("/workflow/meetings/", ["Regular meetings"], ["例会"]),
        ("/workflow/stats/", ["Ticket statistics", "Resolved on time"], ["工单统计", "按时办结率"]),
        (
            "/innovation/",
            ["Gradient cultivation", "Evaluations", "Enterprises per pool"],
            ["梯度培育", "评价入库"],
        ),
        ("/innovation/enterprises/", ["Enterprise directory"], ["企业名录"]),
        ("/innovation/challenges/", ["Open competition for key projects"], ["“揭榜挂帅”科技攻关项目"]),
        ("/energy/", ["New-energy control centre", "Control centre"], ["新能源集控中心", "集控中心"]),
        ("/energy/statistics/", ["New-energy statistics"], ["新能源统计"]),
        ("/data/import/", ["Data import"], ["数据导入"]),
    ],
)
def test_app_pages_in_english(login, changning, url, present, absent):
    response = english(login(changning)).get(url)
    assert response.status_code == 200, url
    assert_english(response.content.decode(), [*SHELL, *present], [*SHELL.values(), *absent])
