"""Headless Chromium from the system (`chromium`, `chromedriver`) driven by Selenium.

No browser is downloaded: Selenium is pointed at /usr/bin/chromium and /usr/bin/chromedriver
(`.ci/run` installs them). Every WebDriver call blocks, so `Browser` runs each in a thread:
the bot and the emulator serving the page share the test's event loop.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = os.environ.get("NEWSBOT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NEWSBOT_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",  # tests run as root in CI containers
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=420,900",
)
WAIT_SECONDS = 10.0
T = TypeVar("T")


def chromium_missing() -> str | None:
    """Say what is missing to run the browser tests, or None."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() or shutil.which(path)):
            return f"{path} is missing: apt-get install chromium chromium-driver (.ci/run does)"
    return None


class Browser:
    """One headless Chromium, driven from async tests."""

    def __init__(self, driver: webdriver.Chrome) -> None:
        self.driver = driver

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        """Run a blocking WebDriver call in a thread."""
        return await asyncio.to_thread(call, *args)

    async def get(self, url: str) -> None:
        """Load a page."""
        await self.run(self.driver.get, url)

    async def find(self, css: str) -> WebElement:
        """Wait until an element matching `css` is displayed; return it."""

        def visible(driver: webdriver.Chrome) -> WebElement | bool:
            """The first displayed match, or False."""
            for element in driver.find_elements(By.CSS_SELECTOR, css):
                if element.is_displayed():
                    return element
            return False

        return await self.run(WebDriverWait(self.driver, WAIT_SECONDS).until, visible)

    async def all(self, css: str) -> list[WebElement]:
        """Return every element matching `css` now."""
        return await self.run(self.driver.find_elements, By.CSS_SELECTOR, css)

    async def texts(self, css: str) -> list[str]:
        """Return the text of every element matching `css` now."""

        def read() -> list[str]:
            """Read in one thread hop."""
            return [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css)]

        return await self.run(read)

    async def until(self, predicate: Callable[[webdriver.Chrome], Any], what: str) -> Any:
        """Wait until `predicate(driver)` is truthy (WAIT_SECONDS at most)."""
        wait = WebDriverWait(self.driver, WAIT_SECONDS)
        return await self.run(lambda: wait.until(predicate, f"timed out waiting for {what}"))

    async def click(self, css: str) -> None:
        """Click the first displayed element matching `css`."""
        element = await self.find(css)
        await self.run(element.click)

    async def type(self, css: str, text: str) -> None:
        """Type into a field."""
        element = await self.find(css)
        await self.run(element.clear)
        await self.run(element.send_keys, text)

    async def script(self, source: str, *args: Any) -> Any:
        """Run JavaScript in the page and return its result."""
        return await self.run(self.driver.execute_script, source, *args)


@asynccontextmanager
async def chromium(profile: Path) -> AsyncIterator[Browser]:
    """Start headless Chromium with a fresh profile folder; quit it at the end."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path=CHROMEDRIVER)
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager never downloads anything
    driver = await asyncio.to_thread(webdriver.Chrome, options=options, service=service)
    try:
        yield Browser(driver)
    finally:
        await asyncio.to_thread(driver.quit)
