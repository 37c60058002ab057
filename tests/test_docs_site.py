"""The documentation site as a reader sees it: built pages open offline in headless Chromium.

``make test`` builds the site (``make docs``) before pytest runs, so these tests read
``docs/_build/html``; without a built site or Chromium they are skipped, except in CI, where
they fail. Every request a page makes for something other than a local file is refused and
recorded, so a page that needs the network fails here. Screenshots of the home page and of
one API page go to ``docs/_build/screenshots/``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.test_dashboard import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route

ROOT = Path(__file__).parents[1]
SITE = ROOT / "docs" / "_build" / "html"
SHOTS = ROOT / "docs" / "_build" / "screenshots"
PAGE_WAIT_MS = 60_000

pytestmark = pytest.mark.browser


def _require(ok: bool, why: str) -> None:
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require((SITE / "index.html").is_file(), f"{SITE} not built: run make docs")
    _require(CHROMIUM.exists(), f"{CHROMIUM} missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open(browser: Browser, relative: str) -> tuple[Page, list[str], list[str]]:
    """Open a built page from disk; returns it with its remote requests and page errors."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    remote: list[str] = []
    errors: list[str] = []

    def local_only(route: Route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto((SITE / relative).as_uri(), wait_until="load", timeout=PAGE_WAIT_MS)
    return page, remote, errors


def test_home_page_renders_offline(browser):
    page, remote, errors = _open(browser, "index.html")
    assert not remote, f"the home page asked the network for {remote}"
    assert not errors, errors
    assert page.title().startswith("econ")
    nav = page.locator("nav").first.inner_text()
    for section in ("Getting started", "User guide", "Tutorials", "API reference"):
        assert section in nav, f"{section!r} missing from the navigation"
    assert page.locator("img[src$='dashboard.png']").first.evaluate("img => img.naturalWidth") > 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "home.png"), full_page=False)
    page.close()


def test_api_page_documents_the_model_offline(browser):
    page, remote, errors = _open(browser, "api/generated/econ.model.html")
    assert not remote, f"the API page asked the network for {remote}"
    assert not errors, errors
    entry = page.locator("dt[id='econ.model.DataEconomy']")
    assert entry.count() == 1
    text = page.locator("dl.py.class").first.inner_text()
    for section in ("Parameters", "policy", "scenario", "seed", "Examples"):
        assert section in text
    page.screenshot(path=str(SHOTS / "api.png"), full_page=False)
    page.close()


def test_tutorial_pages_show_their_outputs(browser):
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        page, remote, errors = _open(browser, f"tutorials/{notebook.stem}.html")
        assert not remote, f"{notebook.stem} asked the network for {remote}"
        assert not errors, errors
        outputs = page.locator(".cell_output")
        assert outputs.count() > 0, f"{notebook.stem} shows no outputs"
        assert page.locator(".cell_output img").count() > 0, f"{notebook.stem} shows no figure"
        page.close()
