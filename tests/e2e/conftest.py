"""Headless Debian Chromium driven by Playwright, with axe-core injected to check every page it opens."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.factories import skip_or_fail

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA rules; "serious" and "critical" findings fail the test.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium per test process; each test gets its own context (cookies, storage) in `page`."""
    if not Path(CHROMIUM).exists():
        skip_or_fail("Chromium not found: install Debian's package (apt-get install chromium) to run browser tests")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop in this thread
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    # axe-core is injected as a script tag: the CSP (script-src self) would refuse it, rightly, in real use.
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    yield pg
    context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; the serious and critical findings."""
    if not AXE.exists():
        skip_or_fail("axe-core not installed: run `npm ci` in tests/e2e (make test does)")
    # A navigation still in flight (a form just sent) would swap the document under the injected script.
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [v for v in result["violations"] if v.get("impact") in BLOCKING]


def assert_accessible(page: Any, what: str = "") -> None:
    found = axe_violations(page)
    summary = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in found]
    assert not found, f"axe-core on {what or page.url}:\n" + "\n".join(summary)


def login(page: Any, base: str, username: str) -> None:
    """Sign in through the login page as a person would; waits for the signed-in navigation."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    page.wait_for_selector("nav")


def give_password(page: Any, base: str, username: str) -> None:
    """The login page's first step, not waiting for where it leads (a code, a key, a set-up)."""
    from tests.factories import PASSWORD

    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")


def log_out(page: Any) -> None:
    page.click("form.logout button[type=submit]")
    page.wait_for_selector("input[name=username]")
