"""The report, seen in a real browser.

The session's clean build (conftest ``built``) is opened as a file:// page in Debian's
Chromium (driven by the playwright package, never by Playwright's own browser
download) with the network blocked: every request that is not file: or data: is
aborted and recorded. The checks are what a reader, a screen reader, a printer and an
accessibility checker (axe-core) would see.

``make test`` installs chromium and the pinned axe-core first (its prerequisite
``browser``, tools/setup-browser.sh); this file only looks for them. Without them
the tests skip, except under CI=true, where they fail.
"""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from support import RESULTS_STATEMENTS, ROOT

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tools" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")

STATEMENTS = RESULTS_STATEMENTS


def _unavailable(reason: str):
    """Skip on a machine without the browser; fail in CI, which must have it."""
    if IN_CI:
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def tooling():
    """Chromium and the playwright package must be there (make test installs them); the path of
    axe.min.js, or None."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"{CHROMIUM} is missing: run `make browser` (tools/setup-browser.sh)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        _unavailable(f"the playwright package is not installed: {exc}")
    return AXE if AXE.is_file() else None


@pytest.fixture(scope="module")
def report(tooling, built) -> Path:
    """The session build's results.html."""
    return built.reports / "results.html"


@pytest.fixture(scope="module")
def browser(tooling):
    """A persistent Chromium context on a fresh profile, with the network blocked."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def gate(route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            viewport=VIEWPORT, device_scale_factor=1, locale="en-US", timezone_id="UTC",
            service_workers="block")
        context.set_default_timeout(30_000)
        context.route("**/*", gate)
        try:
            yield context, blocked
        finally:
            context.close()


@pytest.fixture(scope="module")
def loaded(browser, report):
    """The report, opened once; with what the page logged and requested."""
    context, blocked = browser
    page = context.new_page()
    log = {"console": [], "pageerror": [], "requests": [], "failed": [], "blocked": blocked}
    page.on("console", lambda m: log["console"].append((m.type, m.text, m.location)))
    page.on("pageerror", lambda e: log["pageerror"].append(str(e)))
    page.on("request", lambda r: log["requests"].append(r.url))
    page.on("requestfailed", lambda r: log["failed"].append((r.url, r.failure)))
    response = page.goto(report.as_uri(), wait_until="load")
    assert response is None or response.ok
    page.wait_for_load_state("networkidle")
    yield page, log
    page.close()


# --------------------------------------------------------------------------- reading


def test_no_console_or_page_errors(loaded):
    page, log = loaded
    errors = [(t, text, loc) for t, text, loc in log["console"] if t in ("error", "assert")]
    assert errors == [], errors
    assert log["pageerror"] == []
    assert log["failed"] == []


def test_no_external_requests(loaded):
    page, log = loaded
    assert log["blocked"] == [], f"the report asked the network for: {log['blocked']}"
    external = [u for u in log["requests"] if not u.startswith(("file:", "data:"))]
    assert external == []
    # What the page would load later (on scroll, on print) is in its markup: nothing remote.
    remote = page.evaluate("""() => [...document.querySelectorAll('[src],[href],[srcset],[poster],[data]')]
        .flatMap(e => ['src', 'href', 'srcset', 'poster', 'data'].map(a => e.getAttribute(a)))
        .filter(v => v && (/^[a-z][a-z0-9+.-]*:/i.test(v) || v.startsWith('//')) && !/^(data|file):/i.test(v))""")
    assert remote == []
    assert page.evaluate("document.scripts.length") == 0


def test_every_image_loaded_and_described(loaded):
    page, _ = loaded
    images = page.evaluate("""() => [...document.images].map(i => ({
        complete: i.complete, width: i.naturalWidth, height: i.naturalHeight,
        alt: i.getAttribute('alt'), shown: i.getBoundingClientRect().width}))""")
    assert len(images) >= 2  # one figure per outcome
    for i, img in enumerate(images):
        assert img["complete"] and img["width"] > 0 and img["height"] > 0, (i, img)
        assert img["alt"] and img["alt"].strip(), (i, "empty alt")
        assert img["shown"] > 100, (i, "image rendered too small", img)


def test_results_statements_are_on_the_page(loaded):
    page, _ = loaded
    text = page.inner_text("body")
    missing = [s for s in STATEMENTS if s not in text]
    assert missing == []
    results = page.inner_text("section.results")
    assert "Nine subjects were girls and six were African-American." in results
    assert "Prednisone dose decreased from a mean 23.50 mg" in results


def test_headings_in_order(loaded):
    page, _ = loaded
    heads = page.evaluate("""() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
        .map(h => [Number(h.tagName[1]), h.textContent.trim()])""")
    levels = [lvl for lvl, _ in heads]
    assert levels.count(1) == 1 and levels[0] == 1, heads
    for (prev, _), (lvl, text) in zip(heads, heads[1:]):
        assert lvl <= prev + 1, f"heading level skipped before {text!r}: h{prev} -> h{lvl}"
    assert all(text for _, text in heads)
    order = [text for lvl, text in heads if lvl == 2]
    assert order == ["Results", "Table 1. Patient characteristics", "Paired outcomes", "Figures",
                     "Sensitivity analyses", "Comparison with the published Results",
                     "Methods and environment"]


def test_every_table_has_caption_and_headers(loaded):
    page, _ = loaded
    tables = page.evaluate("""() => [...document.querySelectorAll('table')].map(t => ({
        caption: t.caption ? t.caption.textContent.trim() : '',
        colheads: [...t.querySelectorAll('thead th')].map(th => [th.textContent.trim(), th.scope]),
        columns: t.tHead ? t.tHead.rows[0].cells.length : 0,
        rows: [...t.tBodies[0].rows].map(r => [r.cells.length, r.cells[0].tagName, r.cells[0].scope]),
        tds_in_head: t.querySelectorAll('thead td').length}))""")
    assert len(tables) >= 6
    for t in tables:
        assert t["caption"], t
        assert t["colheads"] and all(text and scope == "col" for text, scope in t["colheads"]), t
        assert t["tds_in_head"] == 0
        for cells, tag, scope in t["rows"]:
            assert cells == t["columns"], (t["caption"], "ragged row")
            assert (tag, scope) == ("TH", "row"), (t["caption"], "row without a row header")


def test_verdicts_readable_without_colour(loaded):
    page, _ = loaded
    rows = page.evaluate("""() => {
        const t = document.querySelector('section[aria-labelledby="h-claims"] table');
        const heads = [...t.tHead.rows[0].cells].map(c => c.textContent.trim());
        const i = heads.indexOf('Verdict');
        return {i, cells: [...t.tBodies[0].rows].map(r => {
            const c = r.cells[i], s = c.querySelector('span');
            // an inline span that wraps has one client rect per line
            return {text: c.innerText.trim(), lines: (s || c).getClientRects().length};
        })};
    }""")
    assert rows["i"] >= 0, "no Verdict column"
    assert len(rows["cells"]) == 13
    for cell in rows["cells"]:
        # The word and a symbol carry the verdict; the colour only repeats it.
        assert re.fullmatch(r"✓ Reproduced|✗ Not reproduced", cell["text"]), cell
        assert cell["lines"] == 1, f"verdict wraps: {cell}"
    # The symbol and the word agree with results.json (all reproduced on the shipped cohort).
    assert all(c["text"] == "✓ Reproduced" for c in rows["cells"])


def test_no_horizontal_overflow(loaded):
    """On a desktop and on a phone, only a wide table scrolls, never the page."""
    page, _ = loaded
    try:
        for size in (VIEWPORT, PHONE):
            page.set_viewport_size(size)
            over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert over <= 0, f"page {over}px wider than a {size['width']}px window"
    finally:
        page.set_viewport_size(VIEWPORT)


# --------------------------------------------------------------------------- print


def test_print_keeps_figures_and_tables_whole(loaded, report):
    page, _ = loaded
    page.emulate_media(media="print")
    try:
        styles = page.evaluate("""() => [...document.querySelectorAll('table, figure, tr')].map(e => {
            const s = getComputedStyle(e);
            return [e.tagName, s.breakInside, s.pageBreakInside];
        })""")
        heads = page.evaluate("""() => [...document.querySelectorAll('h2')]
            .map(h => getComputedStyle(h).breakAfter)""")
        overflow = page.evaluate("""() => [...document.querySelectorAll('.table-wrap')]
            .map(e => getComputedStyle(e).overflowX)""")
        pdf = page.pdf(format="A4", print_background=True)
    finally:
        page.emulate_media(media="screen")
    assert {tag for tag, _, _ in styles} >= {"TABLE", "FIGURE", "TR"}
    for tag, brk, pbrk in styles:
        assert brk == "avoid" and pbrk == "avoid", (tag, brk, pbrk)
    assert set(heads) == {"avoid"}  # no heading alone at the foot of a page
    assert set(overflow) <= {"visible"}  # a printed table is never clipped to a scroll box
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert pages >= 2, pages  # the whole report, not its first screen


# --------------------------------------------------------------------------- axe


def test_axe_finds_no_serious_violation(loaded, tooling):
    page, _ = loaded
    if tooling is None:
        _unavailable(f"axe-core is not installed ({AXE}); run bash tools/setup-browser.sh")
    page.add_script_tag(path=str(tooling))
    found = []
    try:
        # On a desktop, and on a phone, where the wide tables become scrolling regions.
        for size in (VIEWPORT, PHONE):
            page.set_viewport_size(size)
            result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
            assert result["testEngine"]["name"] == "axe-core"
            assert result["passes"], "axe-core checked nothing"
            found += [(size["width"], v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:5])
                      for v in result["violations"]]
    finally:
        page.set_viewport_size(VIEWPORT)
    serious = [f for f in found if f[2] in ("serious", "critical")]
    assert serious == [], "\n".join(map(str, serious))
    if found:
        print("axe-core, minor/moderate:", *found, sep="\n  ")
