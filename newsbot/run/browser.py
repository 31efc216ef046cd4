"""Finding a browser for `render_js` sources, and the scrapy-playwright settings to use it.

`playwright install` downloads its own browser, which many servers (and this
project's CI) cannot do; a system Chromium works as well, so it is preferred.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

from newsbot.errors import ConfigError

ENV_BROWSER = "NEWSBOT_BROWSER"
SYSTEM_BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: resource types a news page does not need to render its text
BLOCKED_RESOURCES = frozenset({"image", "font", "media", "imageset"})
INSTALL_HINT = (
    "install one (Debian/Ubuntu: apt-get install chromium) or set NEWSBOT_BROWSER "
    "to the path of a Chromium/Chrome binary"
)


def find_browser() -> str | None:
    """$NEWSBOT_BROWSER, else a system Chromium/Chrome on PATH; None when there is none."""
    configured = os.environ.get(ENV_BROWSER)
    if configured:
        path = shutil.which(configured) or configured
        return path if Path(path).is_file() and os.access(path, os.X_OK) else None
    for name in SYSTEM_BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def should_abort_request(request: Any) -> bool:
    """scrapy-playwright hook: skip images, fonts and media while rendering."""
    return request.resource_type in BLOCKED_RESOURCES


def playwright_settings(browser: str | None = None) -> dict[str, Any]:
    """Scrapy settings that route `meta={"playwright": True}` requests through Chromium."""
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        raise ConfigError(
            "a source has render_js set, but scrapy-playwright is not installed: "
            "pip install scrapy-playwright"
        ) from None
    browser = browser or find_browser()
    if browser is None:
        configured = os.environ.get(ENV_BROWSER)
        where = (
            f"{ENV_BROWSER}={configured} is not an executable file"
            if configured
            else ("no Chromium or Chrome was found")
        )
        raise ConfigError(f"a source has render_js set, but {where}: {INSTALL_HINT}")
    handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
    return {
        "DOWNLOAD_HANDLERS": {"http": handler, "https": handler},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": browser,
            "headless": True,
            "args": [
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        },
        "PLAYWRIGHT_MAX_CONTEXTS": 2,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": 4,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": 30_000,
        "PLAYWRIGHT_ABORT_REQUEST": should_abort_request,
    }
