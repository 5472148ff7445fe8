"""Browser-test harness: headless Chromium (Debian's package) and axe-core.

Fixtures (in tests/conftest.py): `browser_page`, a Playwright page whose base URL is the
live server; override `browser_context_options` in a module to change the viewport or to
turn JavaScript off. Helpers here: `assert_accessible(page)` runs axe-core's WCAG 2.2 A and
AA rules and fails with a readable list; `focus_is_visible(page)` tells whether the focused
element shows a focus indicator.
"""

import os
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_JS = (
    Path(__file__).parent / "vendor" / "axe.min.js"
)  # axe-core 4.14.1: package.json
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {', '.join(node['target'])}")
            summary = node.get("failureSummary") or ""
            if summary:
                lines.append(f"       {summary.splitlines()[-1].strip()}")
    return "\n".join(lines)


# Wait (at most 3 s) for every finite CSS animation and transition to end: a message
# fading in (Wagtail's admin messages) measured half-way has a contrast it never shows
# at rest (white on #ebb6b6, 1.76:1, failed a CI run once). Endless ones (spinners) are
# not waited for.
SETTLE_JS = """async () => {
    const finite = document.getAnimations().filter(
        (a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity
    );
    await Promise.race([
        Promise.all(finite.map((a) => a.finished.catch(() => null))),
        new Promise((resolve) => setTimeout(resolve, 3000)),
    ]);
}"""


def axe_violations(page) -> list[dict]:
    page.evaluate(SETTLE_JS)
    # Evaluated through the DevTools protocol, not as a <script> tag, so the page's
    # Content-Security-Policy (no inline script) stays in force while axe runs.
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return result["violations"]


def assert_accessible(page) -> None:
    """Fail with a readable list if axe-core finds any WCAG 2.2 A/AA violation."""
    violations = axe_violations(page)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {page.url}:\n"
        + format_violations(violations)
    )


def is_csp_violation(message) -> bool:
    return message.type == "error" and "Content Security Policy" in message.text


def focus_is_visible(page) -> bool:
    """True when the focused element draws an outline, box-shadow or new background."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return false;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
            const shadow = s.boxShadow && s.boxShadow !== 'none';
            const background = s.backgroundColor === 'rgb(255, 221, 0)';
            return outline || shadow || background;
        }"""
    )
