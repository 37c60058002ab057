"""The dashboard (GitHub issue 7): its controls, and the page itself in headless Chromium.

The browser tests start a real Solara server on a free loopback port and drive Debian's
Chromium through Playwright (no browser download). Solara's front-end files come from the
solara-assets package alone: the server's CDN cache holds only the files that package installed,
and its CDN address leads nowhere, so nothing else (a cache filled earlier, the network) can
serve them.
Every wait is bounded; nothing asserts on how long anything took.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

import pytest

from econ import LEVERS, Policy
from econ.viz import dashboard, exposure_warning, is_loopback
from econ.viz.model import DASHBOARD_LEVERS, DashboardEconomy, model_params

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Route

try:
    browser_test = pytest.mark.browser
except pytest.fail.Exception:
    # Until pyproject.toml registers the marker, --strict-markers rejects it: run these
    # tests unmarked rather than break collection of the whole suite.
    def browser_test(test: Callable) -> Callable:
        return test


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Upper bounds for waits, generous for a busy two-core machine; never asserted on.
SERVER_START_S = 120
PAGE_WAIT_MS = 90_000
STEP_WAIT_MS = 30_000
VIEWPORT = {"width": 1600, "height": 1500}
ROOT = Path(__file__).parents[1]
SCREENSHOT = ROOT / "docs" / "img" / "dashboard.png"
CHARTS = 6


# --- controls and model (no browser) -----------------------------------------------------


def test_controls_take_their_ranges_from_the_levers():
    params = model_params()
    for name in DASHBOARD_LEVERS:
        lever, control = LEVERS[name], params[name]
        assert control["value"] == lever.default
        if lever.choices is not None:
            assert control["values"] == list(lever.choices)
        elif lever.kind is not bool:
            assert (control["min"], control["max"]) == (lever.low, lever.high)
        if control["type"] == "SliderFloat":
            # The slider snaps to its grid: the default must lie on it (a fee of 1 on a
            # 0.03 grid would show, and run, as 0.99).
            steps = (lever.default - lever.low) / control["step"]
            assert steps == pytest.approx(round(steps), abs=1e-9), name
            assert (lever.high - lever.low) / control["step"] >= 100, name


def test_dashboard_model_builds_the_policy_and_a_baseline_twin():
    model = DashboardEconomy(pricing="free", operators=2, hk_bridge=True, n_firms=200, seed="3")
    assert model.policy == Policy(pricing="free", operators=2, hk_bridge=True)
    assert (model.seed, model.params.n_firms) == (3, 200)
    for _ in range(3):
        model.step()
    baseline = model.baseline_frame()
    assert len(baseline) == 3
    twin = DashboardEconomy(n_firms=200, seed=3)
    for _ in range(3):
        twin.step()
    # The baseline is the default Policy() with the same seed and scenario.
    assert baseline.equals(twin.datacollector.get_model_vars_dataframe())


def test_a_bad_seed_falls_back_to_the_default_with_a_warning():
    # Mesa's Reset does not catch exceptions: one would replace the page with a traceback.
    assert DashboardEconomy(seed=" 12 ", n_firms=50).warning == ""
    model = DashboardEconomy(seed="-1", n_firms=50)
    assert model.seed == 7 and "not a whole number" in model.warning


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_a_loopback_host_gives_no_warning(host):
    assert is_loopback(host)
    assert exposure_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_any_other_host_is_warned_about(host):
    assert not is_loopback(host)
    warning = exposure_warning(host, 9000)
    assert "\n" not in warning
    assert "no authentication" in warning and "reachable from the network" in warning
    assert host in warning and "9000" in warning


def test_dashboard_prints_the_warning_to_stderr(monkeypatch, capsys):
    monkeypatch.setattr(subprocess, "call", lambda command, env: 0)  # no server
    assert dashboard("0.0.0.0", 9000) == 0
    err = capsys.readouterr().err
    assert err == exposure_warning("0.0.0.0", 9000) + "\n"

    assert dashboard("127.0.0.1", 9000) == 0
    assert capsys.readouterr().err == ""


# --- server and browser ------------------------------------------------------------------


def _require(ok: bool, why: str) -> None:
    """Skip on a developer machine without the browser tools; fail in CI, where they belong."""
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(why)
        pytest.skip(why)


#: Where solara-assets installs its files: ``<prefix>/share/solara/cdn/``, which is also
#: Solara's default CDN cache (``solara.server.settings.assets.proxy_cache_dir``).
ASSETS_PREFIX = "share/solara/cdn/"
#: An address where no CDN answers (the discard port), so the server cannot fetch a file.
NO_CDN = "http://127.0.0.1:9/npm/"
#: Files the page asks for that solara-assets lacks and the dashboard does without: Solara's
#: Markdown (the policy summary) loads KaTeX to typeset math, and the dashboard shows none.
#: Offline, this logs a script error and the page renders the same.
NOT_IN_SOLARA_ASSETS = ("/_solara/cdn/katex@",)


@pytest.fixture(scope="module")
def offline_assets(tmp_path_factory) -> dict[str, str]:
    """Server environment in which solara-assets alone provides Solara's front-end files.

    Solara serves ``/_solara/cdn/`` from its cache folder and fetches a missing file from its
    CDN. The cache here is a fresh folder with links to just the files solara-assets
    installed (as its RECORD lists them), so a file left in the default cache by an earlier
    fill cannot count; the CDN address leads nowhere, so the network cannot fill a gap either.
    """
    try:
        dist = metadata.distribution("solara-assets")
    except metadata.PackageNotFoundError:
        pytest.fail("solara-assets is not installed: pip install -e '.[test]'")
    cache = tmp_path_factory.mktemp("solara-cdn")
    for file in dist.files or []:
        _, found, relative = file.as_posix().partition(ASSETS_PREFIX)
        if found:
            link = cache / relative
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to(Path(dist.locate_file(file)).resolve())
    assert (cache / "requirejs@2.3.6" / "require.js").is_file(), "solara-assets has changed"
    return {"SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache), "SOLARA_ASSETS_CDN": NO_CDN}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(command: list[str], port: int, log: Path, env: dict[str, str]) -> Iterator[str]:
    """Run a server in a process group of its own until it answers; stop the group after."""
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", **env}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
            start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while not _answers(url):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"server did not come up at {url}:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        yield url
    finally:
        _stop_group(proc)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop_group(proc: subprocess.Popen) -> None:
    """Stop every process of the server's group: ``solara run`` may start a reloader and a
    child, and stopping only the first would leave the child serving."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    for _ in range(60):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGKILL)
    pytest.fail(f"processes of the server's group {proc.pid} outlived SIGTERM")


@pytest.fixture(scope="module")
def server(offline_assets: dict[str, str], tmp_path_factory) -> Iterator[str]:
    """The dashboard as ``econ dashboard`` serves it, on a free loopback port."""
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    command = [sys.executable, "-m", "econ.viz", "--host", "127.0.0.1", "--port", str(port)]
    with _serve(command, port, log, offline_assets) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium under Playwright."""
    _require(CHROMIUM.exists(), f"{CHROMIUM} missing: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _require(False, "playwright missing: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _loopback_only(route: Route) -> None:
    """Let the page reach only this machine's server."""
    host = urlparse(route.request.url).hostname
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A browser window of its own (fresh cookies), reaching only this machine."""
    context = browser.new_context(viewport=VIEWPORT)
    context.route("**/*", _loopback_only)
    yield context
    context.close()


def _note_cdn(missing: list[str], url: str, status: int | str) -> None:
    """Note a request to Solara's CDN proxy that failed or was answered with an error."""
    if any(gap in url for gap in NOT_IN_SOLARA_ASSETS):
        return
    if "/_solara/cdn/" in url and (status == "failed" or int(status) >= 400):
        missing.append(f"{status} {url}")


@contextmanager
def _open(context: BrowserContext, url: str) -> Iterator[Page]:
    """The dashboard in a new tab of ``context``, once its controls are on screen."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Every front-end file must come from the server's CDN cache (solara-assets), none fail.
    missing: list[str] = []
    page.on("requestfailed", lambda request: _note_cdn(missing, request.url, "failed"))
    page.on("response", lambda response: _note_cdn(missing, response.url, response.status))
    page.goto(url)
    page.get_by_role("button", name="Step").wait_for(timeout=PAGE_WAIT_MS)
    try:
        yield page
        errors = [e for e in errors if not any(gap in e for gap in NOT_IN_SOLARA_ASSETS)]
        assert not errors, f"JavaScript errors on the page: {errors}"
        assert not missing, f"front-end files the server could not serve: {missing}"
    finally:
        page.close()


def _quarter(page: Page) -> int:
    """The step counter Mesa shows in the sidebar ("Time: 3.0")."""
    text = page.get_by_text("Time:").inner_text()
    return round(float(text.removeprefix("Time:")))


def _settled_quarter(page: Page, reads: int = 4) -> int:
    """The counter once it has stopped moving (a step under way at pause still finishes)."""
    seen = [_quarter(page)]
    for _ in range(PAGE_WAIT_MS // 500):
        page.wait_for_timeout(500)
        seen.append(_quarter(page))
        if len(set(seen[-reads:])) == 1 and len(seen) >= reads:
            return seen[-1]
    pytest.fail(f"the step counter kept moving after pause: {seen}")


def _step(page: Page, times: int = 1) -> None:
    from playwright.sync_api import expect

    for _ in range(times):
        expected = _quarter(page) + 1
        page.get_by_role("button", name="Step").click()
        expect(page.get_by_text("Time:")).to_have_text(f"Time: {expected}.0", timeout=STEP_WAIT_MS)


@browser_test
def test_dashboard_in_the_browser(server: str, context: BrowserContext, tmp_path: Path):
    """Play, pause, move levers, reset, step: the charts fill and the counter advances."""
    from playwright.sync_api import expect

    with _open(context, server) as page:
        captions = page.locator(".econ-caption")
        expect(captions).to_have_count(CHARTS, timeout=PAGE_WAIT_MS)
        assert _quarter(page) == 0
        assert all("no data yet" in c or "no firm" in c for c in captions.all_inner_texts())

        # Play until the model has run two quarters, then pause.
        page.get_by_role("button", name="▶").click()
        page.wait_for_function(
            "() => /Time: ([2-9]|\\d{2,})/.test(document.body.innerText)", timeout=PAGE_WAIT_MS
        )
        page.get_by_role("button", name="❚❚").click()
        step = page.get_by_role("button", name="Step")
        expect(step).to_be_enabled(timeout=STEP_WAIT_MS)  # Step is disabled while playing
        paused_at = _settled_quarter(page)
        assert paused_at >= 2
        _step(page)
        assert _quarter(page) == paused_at + 1

        # Move levers away from today's policy: market-priced public data, one more operator
        # licence, the Hong Kong bridge on. One
        # change per control: ipywidgets holds a control's second update back until the
        # server acknowledges the first, and the Reset click could overtake it.
        pricing = page.get_by_text("Public data pricing", exact=True)
        page.locator(".v-select", has=pricing).click()
        page.get_by_role("option", name="market", exact=True).click()
        licences = page.get_by_role("slider", name=DASHBOARD_LEVERS["operators"])
        licences.press("ArrowRight")
        more = LEVERS["operators"].default + 1
        expect(licences).to_have_attribute("aria-valuenow", str(more))
        page.get_by_text("Hong Kong bridge", exact=True).click()

        # Levers apply on Reset, which rebuilds the model at quarter 0.
        page.get_by_role("button", name="Reset").click()
        expect(page.get_by_text("Time:")).to_have_text("Time: 0.0", timeout=STEP_WAIT_MS)
        summary = page.get_by_text("Running with:")
        expect(summary).to_contain_text("public data pricing market", timeout=STEP_WAIT_MS)
        expect(summary).to_contain_text(f"authorised-operation licences {more}")
        expect(summary).to_contain_text("hong kong bridge on")

        _step(page, 8)
        # Charts redraw one after another: wait for each to show the eighth quarter.
        for i in range(CHARTS):
            expect(captions.nth(i)).to_contain_text("Quarter 8", timeout=STEP_WAIT_MS)
        texts = captions.all_inner_texts()
        assert all(t.startswith("Quarter 8") for t in texts), texts
        market, supply, operators, incidents, firms, comparison = texts
        assert "Data market" in market and "RMB bn/quarter" in market
        assert "Open datasets" in supply
        assert "Operator price" in operators and "Operator price 0.0" not in operators
        assert "Cross-border trade" in incidents
        assert "active firms" in firms
        assert "this policy vs baseline" in comparison and "%" in comparison

        # Every chart is an image with pixels, not an empty frame.
        images = page.locator(".vue-grid-item img")
        expect(images).to_have_count(CHARTS)
        widths = images.evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
        assert all(width > 0 for width in widths), widths

        shot = tmp_path / "dashboard.png"
        page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 50_000
        if os.environ.get("ECON_UPDATE_SCREENSHOT") == "1":  # refresh the README's picture
            shutil.copyfile(shot, SCREENSHOT)


@browser_test
def test_each_tab_has_its_own_model(server: str, context: BrowserContext):
    """Two tabs of one window (same cookies) run two models."""
    with _open(context, server) as first, _open(context, server) as second:
        _step(first, 2)
        assert _quarter(second) == 0
        _step(second)
        assert (_quarter(first), _quarter(second)) == (2, 1)


@browser_test
def test_solara_run_serves_the_app(
    offline_assets: dict[str, str], context: BrowserContext, tmp_path: Path
):
    """``solara run econ/viz/app.py`` (development mode) serves the same page."""
    port = _free_port()
    solara = [sys.executable, "-m", "solara", "run", "econ/viz/app.py", "--no-open"]
    command = [*solara, "--host", "127.0.0.1", "--port", str(port)]
    log = tmp_path / "solara.log"
    with _serve(command, port, log, offline_assets) as url, _open(context, url) as page:
        _step(page)
        assert _quarter(page) == 1
