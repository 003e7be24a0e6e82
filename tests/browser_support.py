"""Playwright driving Debian's Chromium, offline: every request off this machine is blocked."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlparse

from tests.conftest import CHROMIUM

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextlib.contextmanager
def offline_page(viewport=(1280, 900)):
    """A browser page whose network is limited to loopback and file:// URLs.

    Yields ``(page, blocked)``: ``blocked`` lists every URL the page tried to fetch elsewhere.
    """
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []

    def route(route, request):
        url = urlparse(request.url)
        if url.scheme in ("file", "data", "blob") or url.hostname in ("127.0.0.1", "localhost"):
            return route.continue_()
        blocked.append(request.url)
        return route.abort()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            context.route("**/*", route)
            page = context.new_page()
            yield page, blocked
        finally:
            browser.close()
