"""Driving the try-out's chat page in headless Chromium (Debian's package) with Playwright."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Locator, Page, async_playwright, expect

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
WAIT_MS = 15_000
# Messages that are not a direct reply go through the outbox, on a one-second tick: on a
# busy machine they can take a few seconds.
expect.set_options(timeout=WAIT_MS)


def require_chromium() -> None:
    """Skip when Chromium is missing, unless CHORUS_REQUIRE_BROWSER says it must be there."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CHORUS_REQUIRE_BROWSER"):
        pytest.fail(f"{CHROMIUM} is missing and CHORUS_REQUIRE_BROWSER is set")
    pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium package; .ci/run does)")


@asynccontextmanager
async def chromium_page(profile: Path, width: int = 420, height: int = 860) -> AsyncIterator[Page]:
    """A page in a fresh headless Chromium profile, phone-sized."""
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            page = context.pages[0] if context.pages else await context.new_page()
            page.set_default_timeout(WAIT_MS)
            yield page
        finally:
            await context.close()


class ChatPage:
    """The try-out page, as a person at the keyboard uses it."""

    def __init__(self, page: Page, folder: Path) -> None:
        self.page = page
        self.folder = folder

    async def open(self, url: str) -> None:
        """Load the page and wait until the first chat is shown."""
        await self.page.goto(url)
        await expect(self.page.locator("#person option").first).to_be_attached()

    async def chat_as(self, name: str) -> None:
        """Switch to this person's chat (picked by the name shown in the list)."""
        select = self.page.get_by_label("Chatting as")
        option = select.locator("option", has_text=re.compile(rf"^{re.escape(name)} \("))
        await select.select_option(value=await option.get_attribute("value"))
        await expect(self.page.locator("#chat-sub")).to_have_text(f"with {name}")

    def bot_message(self, contains: str) -> Locator:
        """The newest message from the bot containing `contains`."""
        return self.page.locator("li.message:not(.mine)", has_text=contains).last

    async def wait_for(self, contains: str) -> Locator:
        """Wait until the bot has a message containing `contains` in this chat."""
        message = self.bot_message(contains)
        await expect(message).to_be_visible()
        return message

    async def type(self, text: str) -> None:
        """Type a message and press Enter."""
        box = self.page.get_by_label("Message", exact=True)
        await box.fill(text)
        await box.press("Enter")
        await expect(self.page.locator("li.message.mine", has_text=text).last).to_be_visible()

    async def tap(self, label: str, on: Locator) -> None:
        """Tap a button under a message."""
        await on.get_by_role("button", name=label, exact=True).click()

    async def use_menu(self, command: str) -> None:
        """Open the command menu and choose `/command`."""
        await self.page.get_by_role("button", name="Menu").click()
        await self.page.get_by_role("menuitem", name=re.compile(rf"^\/{command}\b")).click()

    async def attach(self, what: str, path: Path) -> None:
        """Send a file from disk with the "Send a photo" or "Send a voice note" control."""
        before = await self.page.locator("li.message.mine").count()
        await self.page.get_by_label(what, exact=True).set_input_files(str(path))
        await expect(self.page.locator("li.message.mine")).to_have_count(before + 1)

    async def move_time(self, button: str) -> None:
        """Move the try-out's clock forward with one of the page's buttons."""
        shown = self.page.locator("#clock-time")
        before = await shown.text_content()
        timebar = self.page.locator(".timebar")
        if await timebar.locator("details").get_attribute("open") is None:
            await timebar.get_by_text("Move time forward").click()
        await timebar.get_by_role("button", name=button).click()
        await expect(shown).not_to_have_text(before or "")
