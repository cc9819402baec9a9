"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium), never a browser of
its own. With CI=true they must run; elsewhere they are skipped when Chromium is missing, with
the command that installs it."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
IN_CI = os.environ.get("CI", "").lower() == "true"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HOW_TO = (
    "browser tests need Debian's Chromium at /usr/bin/chromium: run "
    "`apt-get install -y chromium` (CI does), or set CHROMIUM_PATH"
)


@pytest.fixture
def browser_context(live_server: Any) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(HOW_TO)
        pytest.skip(HOW_TO)
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="wfm-chromium-")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            base_url=live_server.url,
            viewport={"width": 1280, "height": 900},
            locale="en-US",
        )
        context.set_default_timeout(30_000)
        try:
            yield context
        finally:
            context.close()
            shutil.rmtree(profile, ignore_errors=True)


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


from tests.scheduler.rosters.conftest import center  # noqa: E402, F401 (fixture)
