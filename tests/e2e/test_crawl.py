"""Crawl the demo as every demo account: every navigation page and one level of in-page links.

Each page fails the crawl on any console error, any request blocked by the Content Security
Policy, any HTTP status >= 400 (the document or any sub-request) or any raw code visible in the
page text — a ``snake_case`` token, or a bare English choice value (``open``, ``officer``…) where
the Chinese UI should show words. The English UI is crawled for one account with the same checks.
Screenshots go to var/screenshots/crawl/<account>-<slug>.png.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.apps import apps

from countyworks.core.demo_accounts import DEMO_ACCOUNTS
from tests.browser_fixtures import SCREENSHOTS, slug

pytestmark = pytest.mark.browser

SNAKE_CASE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
LOWER_WORD = re.compile(r"\b[a-z][a-z0-9]*\b")
CJK_RUN = re.compile(r"[\u4e00-\u9fff][\u4e00-\u9fff\w·（）()]*")

#: Visible tokens that look like codes but are legitimately shown as they are. Keep it short.
ALLOWED_TOKENS: frozenset[str] = frozenset()
#: Tokens shown on purpose on one page only.
ALLOWED_ON_PAGE: dict[str, frozenset[str]] = {
    # The dispatch form names the load file's header as the file must spell it.
    "/energy/dispatch/": frozenset({"load_mw"}),
}


def import_page_tokens() -> frozenset[str]:
    """The data-import page documents each file format's English column names next to the Chinese
    header (a file may use either) and each kind as typed after `countyworks import`: literals."""
    from countyworks.core.importing import IMPORTERS

    words = {kind for kind in IMPORTERS} | {part for kind in IMPORTERS for part in kind.split("-")}
    return frozenset(words | {column.name for importer in IMPORTERS.values() for column in importer.columns})


def allowed_on(path: str) -> frozenset[str]:
    if path == "/data/import/":
        return ALLOWED_TOKENS | import_page_tokens()
    return ALLOWED_TOKENS | ALLOWED_ON_PAGE.get(path, frozenset())


#: Paths the crawl does not follow: leaving the session, changing state, files and machine output.
SKIPPED_PREFIXES = ("/accounts/logout", "/i18n/", "/static/", "/media/", "/api/", "/admin/")
SKIPPED_SUFFIXES = (".csv", ".xlsx", ".pdf", ".ics", ".json", ".zip", ".docx")

#: How many in-page links of one shape (digits replaced) the crawl follows from each navigation page.
PER_SHAPE = 1
#: At most this many in-page links per navigation page.
PER_NAV_PAGE = 12

#: Findings known and not fixed yet, so that the crawl stays strict for everything else:
#: (account, path, finding); the English crawl's are keyed ``hunan:en``. A listed finding that no
#: longer occurs on a crawled page is reported as a warning in the test summary ("fixed, remove
#: from KNOWN_DEFECTS"); a finding not listed fails the test. Empty since 2026-12-07: every
#: finding fails the crawl.
KNOWN_DEFECTS: frozenset[tuple[str, str, str]] = frozenset()


def _choice_values() -> frozenset[str]:
    """Every single-word English value of a model field's choices in countyworks' own apps."""
    values: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("countyworks."):
            continue
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9]*", value):
                    values.add(value)
    return frozenset(values)


@dataclass
class PageReport:
    path: str
    findings: list[str] = field(default_factory=list)
    cjk: list[str] = field(default_factory=list)


class Crawler:
    def __init__(self, session, username: str, lang: str) -> None:
        self.session = session
        self.page = session.page
        self.username = username
        self.lang = lang
        self.enum_values = _choice_values()
        self.responses: list[tuple[int, str]] = []
        self.page.on("response", lambda r: self.responses.append((r.status, r.url)))
        self.page.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e =>"
            " window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
        )

    def _visit(self, path: str) -> tuple[PageReport, list[str]]:
        report = PageReport(path)
        self.responses.clear()
        errors_before = len(self.session.errors)
        try:
            response = self.page.goto(self.session.base_url + path)
        except Exception as exc:  # a download link, or a page that never loads
            if "Download is starting" in str(exc):
                return report, []
            report.findings.append(f"navigation failed: {exc}")
            return report, []
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_timeout(300)  # ECharts' first frame, htmx's first swap
        if response is None or response.status >= 400:
            report.findings.append(f"document HTTP {response.status if response else 'none'}")
        for status, url in self.responses:
            if status >= 400 and url.rstrip("/") != (self.session.base_url + path).rstrip("/"):
                report.findings.append(f"sub-request HTTP {status} {url}")
        for message in self.session.errors[errors_before:]:
            kind = "CSP" if "Content Security Policy" in message else "console error"
            report.findings.append(f"{kind}: {message[:200]}")
        for violation in self.page.evaluate("window.__csp || []"):
            report.findings.append(f"CSP violation: {violation}")
        text = self.page.inner_text("body").replace(self.username, "")
        allowed = allowed_on(path)
        for token in sorted(set(SNAKE_CASE.findall(text)) - allowed):
            report.findings.append(f"raw code {token!r}")
        if self.lang == "zh-hans":
            for token in sorted((set(LOWER_WORD.findall(text)) & self.enum_values) - allowed):
                report.findings.append(f"English value {token!r}")
        else:
            report.cjk = sorted(set(CJK_RUN.findall(text)))
        SCREENSHOTS.joinpath("crawl").mkdir(parents=True, exist_ok=True)
        shot = SCREENSHOTS / "crawl" / f"{self.username}-{self.lang}-{slug(path)}.png"
        self.page.screenshot(path=str(shot), full_page=True)
        links = self.page.eval_on_selector_all(
            "main.content a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        return report, links

    def _followable(self, href: str | None) -> str | None:
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            return None
        parts = urlsplit(href)
        if parts.netloc and parts.netloc != urlsplit(self.session.base_url).netloc:
            return None
        path = parts.path or "/"
        if path.startswith(SKIPPED_PREFIXES) or path.endswith(SKIPPED_SUFFIXES) or "/export" in path:
            return None
        return path

    def crawl(self) -> list[PageReport]:
        self.page.goto(self.session.base_url + "/")
        nav = self.page.eval_on_selector_all(
            "nav.sidenav a[href], header.topbar a[href]", "els => els.map(e => e.getAttribute('href'))"
        )
        nav_paths = list(dict.fromkeys(p for p in map(self._followable, nav) if p))
        seen: set[str] = set(nav_paths)
        shapes: dict[str, int] = {}
        reports: list[PageReport] = []
        for nav_path in nav_paths:
            report, links = self._visit(nav_path)
            reports.append(report)
            followed = 0
            for href in links:
                path = self._followable(href)
                if not path or path in seen or followed >= PER_NAV_PAGE:
                    continue
                shape = re.sub(r"\d+", "N", path)
                if shapes.get(shape, 0) >= PER_SHAPE:
                    continue
                shapes[shape] = shapes.get(shape, 0) + 1
                seen.add(path)
                followed += 1
                reports.append(self._visit(path)[0])
        return reports


def _failures(username: str, lang: str, reports: list[PageReport]) -> list[str]:
    """Findings not in KNOWN_DEFECTS; the English crawl's known findings are keyed ``<account>:en``."""
    lines: list[str] = []
    found: set[tuple[str, str, str]] = set()
    for report in reports:
        for finding in report.findings:
            found.add((username, report.path, finding))
            if (username, report.path, finding) not in KNOWN_DEFECTS:
                lines.append(f"{username} [{lang}] {report.path}: {finding}")
    for known in sorted(KNOWN_DEFECTS):
        if known[0] == username and known not in found and any(r.path == known[1] for r in reports):
            # A fix landed elsewhere: said in the test summary so the entry is removed, without
            # failing pages that are now right.
            warnings.warn(
                f"{username} [{lang}] {known[1]}: fixed, remove from KNOWN_DEFECTS: {known[2]}", stacklevel=2
            )
    return lines


@pytest.mark.parametrize("username", [account.username for account in DEMO_ACCOUNTS])
def test_crawl_every_page_as_every_demo_account(session_for, username):
    crawler = Crawler(session_for(username), username, "zh-hans")
    reports = crawler.crawl()
    assert len(reports) > 3, f"the crawl found almost no pages for {username}: {[r.path for r in reports]}"
    failures = _failures(username, "zh-hans", reports)
    assert not failures, f"{len(failures)} findings:\n" + "\n".join(failures)


def test_crawl_english_ui(session_for):
    session = session_for("hunan")
    session.page.click("form.lang-switch button")
    session.page.wait_for_load_state("networkidle")
    assert session.page.locator("html").get_attribute("lang") == "en"
    reports = Crawler(session, "hunan", "en").crawl()
    chinese = [f"{r.path}: {' '.join(r.cjk)}" for r in reports if r.cjk]
    print("Chinese text left in the English UI (hunan):\n" + "\n".join(chinese))
    failures = _failures("hunan:en", "en", reports)
    assert not failures, f"{len(failures)} findings:\n" + "\n".join(failures)
