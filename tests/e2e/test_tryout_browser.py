"""The try-out walked through in a real browser: the chat page, the real bot, no Telegram.

Each step is a small function over the page, so the walk grows with the product; the test
at the end runs them in order and keeps a screenshot of each person's chat.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.async_api import expect

from bot.tryout.sample import SAMPLE_SESSION
from tests.support.browser import ChatPage, chromium_page, require_chromium
from tests.support.tryout_run import running_tryout

# The try-out keeps its data in an SQLite file beside it, by design.
pytestmark = pytest.mark.sqlite_only

GROUP = "Carers' voice group"
NEWS = "Next week's meeting is in the garden room."
FEEDBACK = "The letters about meetings come too late to plan around."
OUTCOME = "meeting letters now go out two weeks ahead"
SESSION = SAMPLE_SESSION


async def framing_is_clear(chat: ChatPage) -> None:
    """The page says it is a local try-out and that nothing leaves the computer."""
    banner = chat.page.get_by_role("banner")
    await expect(banner).to_contain_text("Local try-out")
    await expect(banner).to_contain_text("Nothing leaves this computer")
    await banner.get_by_text("About this try-out").click()
    await expect(banner).to_contain_text("TELEGRAM_BOT_TOKEN")


async def newcomer_joins_from_the_invite_link(chat: ChatPage) -> None:
    """The coordinator gets the invite link; Robin opens it, joins and keeps a name."""
    await chat.chat_as("Jo")
    await chat.type("/invite")
    invite = await chat.wait_for("Invite link for")
    await invite.get_by_role("link", name="t.me").click()
    dialog = chat.page.get_by_role("dialog", name="Open this link")
    await dialog.get_by_label("Open as").select_option(label="Robin (new)")
    await dialog.get_by_role("button", name="Open").click()
    await expect(chat.page.locator("#chat-sub")).to_have_text("with Robin")
    welcome = await chat.wait_for("Welcome")
    await expect(welcome).to_contain_text(GROUP)
    await chat.tap("Yes, join", welcome)
    ask = await chat.wait_for("Thank you for joining")
    await chat.tap("Use “Robin”", ask)
    await chat.wait_for("Robin")
    # The picker follows what Robin became.
    robin = chat.page.locator("#person option", has_text=re.compile(r"^Robin \("))
    await expect(robin).to_have_text("Robin (member)")


async def member_sees_settings_and_help(chat: ChatPage) -> None:
    """Robin opens /settings from the command menu, pauses and resumes, and reads /help."""
    await chat.use_menu("settings")
    settings = await chat.wait_for("Your settings")
    await expect(settings).to_contain_text(GROUP)
    await chat.tap("Pause messages", settings)
    # The settings message is edited in place into the answer.
    await chat.wait_for("Messages are paused")
    await expect(chat.bot_message("Your settings")).to_have_count(0)
    await chat.type("/settings")
    paused = await chat.wait_for("Messages from me: paused")
    await chat.tap("Resume messages", paused)
    await chat.wait_for("your messages are back on")
    await chat.type("/help")
    await chat.wait_for("/settings")


async def coordinator_broadcasts_to_the_group(chat: ChatPage) -> None:
    """Jo writes to the group; Robin, now a member, receives it."""
    await chat.chat_as("Jo")
    await chat.type("/broadcast")
    await chat.wait_for(f"Type your message for {GROUP}")
    await chat.type(NEWS)
    preview = await chat.wait_for("Above is exactly how your message will look")
    await chat.tap("Send now", preview)
    confirm = await chat.wait_for("Send it now to")
    await chat.tap("Yes, send it", confirm)
    await chat.chat_as("Robin")
    await chat.wait_for(NEWS)


# The smallest PNG: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000050001"
    "0d0a2db40000000049454e44ae426082"
)


async def member_sends_a_photo_from_disk(chat: ChatPage) -> None:
    """Robin sends a photo from a file; it shows in the chat, and the bot answers."""
    photo = chat.folder / "garden.png"
    photo.write_bytes(PIXEL)
    await chat.attach("Send a photo", photo)
    image = chat.page.locator("li.message.mine img").last
    await expect(image).to_have_attribute("alt", "Photo")
    assert await image.evaluate("i => i.complete && i.naturalWidth") == 1
    await chat.wait_for("/help")


async def newcomer_shares_feedback_without_a_name(chat: ChatPage) -> None:
    """Robin shares feedback anonymously and gets a receipt."""
    await chat.chat_as("Robin")
    await chat.type("/share")
    kinds = await chat.wait_for("What would you like to share")
    await chat.tap("Feedback", kinds)
    await chat.type(FEEDBACK)
    named = await chat.wait_for("with your name, or without it")
    await chat.tap("Without my name", named)
    consent = await chat.wait_for("How may we use your words")
    await chat.tap("Only coordinators read it", consent)
    preview = await chat.wait_for(FEEDBACK)
    await expect(preview).to_contain_text("won't see who you are")
    await chat.tap("Send", preview)
    # Without a name, words reach the coordinators in the next morning's batch, so that
    # the moment they arrive does not point to anyone.
    await chat.wait_for(f"Your words will reach the coordinators of {GROUP} tomorrow at 9am")
    await chat.move_time("Next morning, 9:00")
    await expect(chat.page.locator("#clock-time")).to_contain_text("09:00")


async def member_shares_a_voice_note_from_disk(chat: ChatPage) -> None:
    """Sam shares part of their story as a voice note from a file, without a name."""
    await chat.chat_as("Sam")
    await chat.type("/share")
    kinds = await chat.wait_for("What would you like to share")
    await chat.tap("Part of my story", kinds)
    await chat.wait_for("Type your words, or send a voice note")
    note = chat.folder / "story.ogg"
    note.write_bytes(b"OggS" + bytes(200))
    await chat.attach("Send a voice note", note)
    await expect(chat.page.locator("li.message.mine audio").last).to_be_attached()
    caption = await chat.wait_for("I have your voice note")
    await chat.tap("Skip", caption)
    named = await chat.wait_for("with your name, or without it")
    await chat.tap("Without my name", named)
    consent = await chat.wait_for("Quote it without my name")
    await chat.tap("Quote it without my name", consent)
    preview = await chat.wait_for("[your voice note]")
    await chat.tap("Send", preview)
    await chat.wait_for("tomorrow at 9am, without your name")


async def newcomer_answers_the_sample_session(chat: ChatPage) -> None:
    """Robin finds the sample session in /sessions, says Going, and saves the calendar file."""
    await chat.type("/sessions")
    # The invitation sent on joining may have come before the list or not yet: either way
    # Robin sees one card for the session, above the list's answer or in it.
    answer = chat.page.locator("li.message.mine:has-text('/sessions') ~ li.message:not(.mine)")
    await expect(answer.first).to_be_visible()
    cards = chat.page.locator("li.message:not(.mine):has(.buttons)", has_text=SESSION)
    await expect(cards).to_have_count(1)
    invitation = cards.first
    await expect(invitation).to_contain_text("Can you make it?")
    await chat.tap("Going", invitation)
    answered = await chat.wait_for("Your answer: going")
    # The card was edited in place: still one message about the session.
    await expect(answered).to_contain_text(SESSION)
    await expect(cards).to_have_count(1)
    await chat.tap("Add to my calendar", answered)
    download_link = chat.page.get_by_role("link", name=re.compile(r"^Download .*\.ics"))
    async with chat.page.expect_download() as started:
        await download_link.last.click()
    download = await started.value
    saved = chat.folder / download.suggested_filename
    await download.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert SESSION.replace("'", "") in saved.read_text(encoding="utf-8").replace("'", "")


async def coordinator_sees_it_without_a_name_and_records_an_outcome(chat: ChatPage) -> None:
    """Jo finds Robin's words in /inbox with no name, and records what changed."""
    await chat.chat_as("Jo")
    await chat.type("/inbox")
    card = await chat.wait_for(FEEDBACK)
    await expect(card).to_contain_text("without a name")
    await expect(card).not_to_contain_text("Robin")
    await chat.tap("Record outcome", card)
    picker = await chat.wait_for("Something changed")
    await chat.tap("Something changed", picker)
    await chat.wait_for("What changed?")
    await chat.type(OUTCOME)
    confirm = await chat.wait_for("exactly what they will read")
    await chat.tap("Send it", confirm)
    # Jo may know Robin joined (the morning notice and /members say so); no message about
    # the item says who wrote it.
    for message in await chat.page.locator("li.message").all_text_contents():
        if FEEDBACK in message or OUTCOME in message:
            assert "Robin" not in message


async def newcomer_hears_what_changed(chat: ChatPage) -> None:
    """Robin is told, personally, what their anonymous words changed."""
    await chat.chat_as("Robin")
    heard = await chat.wait_for(OUTCOME)
    await expect(heard).to_contain_text("you said")


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea, button")]
  .filter((e) => !(e.getAttribute("aria-label") || (e.id && document.querySelector(
    `label[for="${e.id}"]`)) || e.closest("label") || e.textContent.trim()))
  .map((e) => e.outerHTML)"""


async def works_from_the_keyboard(chat: ChatPage) -> None:
    """Every control has a name, and a member can write with the keyboard alone."""
    assert await chat.page.evaluate(UNLABELLED) == []
    await chat.chat_as("Priya")
    await chat.page.get_by_role("link", name="Skip to the message box").focus()
    await chat.page.keyboard.press("Enter")
    await expect(chat.page.get_by_label("Message", exact=True)).to_be_focused()
    await chat.page.keyboard.type("/help")
    await chat.page.keyboard.press("Enter")
    await chat.wait_for("Here's what you can do")


STEPS = [
    framing_is_clear,
    newcomer_joins_from_the_invite_link,
    newcomer_answers_the_sample_session,
    member_sees_settings_and_help,
    member_sends_a_photo_from_disk,
    newcomer_shares_feedback_without_a_name,
    coordinator_sees_it_without_a_name_and_records_an_outcome,
    newcomer_hears_what_changed,
    member_shares_a_voice_note_from_disk,
    coordinator_broadcasts_to_the_group,
    works_from_the_keyboard,
]


@pytest.mark.long
async def test_the_try_out_walk_through_in_chromium(tmp_path: Path) -> None:
    require_chromium()
    data = tmp_path / "data"
    data.mkdir()
    async with running_tryout(data) as tryout, chromium_page(tmp_path / "profile") as page:
        assert tryout.api.page_url in tryout.output.getvalue()
        chat = ChatPage(page, tmp_path)
        await chat.open(tryout.api.page_url)
        for step in STEPS:
            await step(chat)
        shot = tmp_path / "tryout.png"
        await page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000


OFFLINE = "Chorus isn't answering. Is it still running?"

LAYOUT = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  return {
    height: window.innerHeight,
    scrolls: document.scrollingElement.scrollHeight > window.innerHeight,
    chat: box("#messages").height,
    bar: box("#composer").width,
    typing: box("#composer-text").width,
  };
}"""

COVERED = """() => {
  const notice = document.querySelector("#toast").getBoundingClientRect();
  return [...document.querySelectorAll("button")].filter((button) => {
    const r = button.getBoundingClientRect();
    return r.width && r.height && r.left < notice.right && r.right > notice.left
      && r.top < notice.bottom && r.bottom > notice.top;
  }).map((button) => button.textContent);
}"""

MENU_GAP = """() => {
  const box = (selector) => document.querySelector(selector).getBoundingClientRect();
  return [box("#menu").top - box("#messages").bottom, box("#composer").top - box("#menu").bottom];
}"""

SHORT_TIME = re.compile(r"^(edited )?\d{2}:\d{2}$")
DAY_AND_TIME = re.compile(r"^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}$")


async def fits_a_phone(chat: ChatPage) -> None:
    """On a 390x844 screen the chat takes most of it, only the chat scrolls, and the box
    keeps room to type."""
    await chat.chat_as("Sam")
    for _ in range(3):
        await chat.type("/help")
        await chat.wait_for("Here's what you can do")
    layout = await chat.page.evaluate(LAYOUT)
    assert layout["chat"] >= 0.7 * layout["height"], layout
    assert not layout["scrolls"], layout
    assert layout["typing"] >= 0.5 * layout["bar"], layout


async def times_read_as_in_the_uk_and_the_clock_moves(chat: ChatPage) -> None:
    """Times are 24-hour, with the day when it is not today; the clock moves on by itself."""
    first = chat.page.locator("li.message .meta").first
    await expect(first).to_have_text(SHORT_TIME)
    clock = chat.page.locator("#clock-time")
    before = await clock.text_content()
    await chat.page.clock.fast_forward("02:00")
    await expect(clock).not_to_have_text(before or "")
    await chat.move_time("1 day later")
    await expect(first).to_have_text(DAY_AND_TIME)


async def a_preview_that_grows_stays_in_view(chat: ChatPage) -> None:
    """The /share preview, filled in by an edit, is scrolled into view with its buttons."""
    await chat.type("/share")
    kinds = await chat.wait_for("What would you like to share")
    await chat.tap("Feedback", kinds)
    await chat.type(FEEDBACK)
    named = await chat.wait_for("with your name, or without it")
    await chat.tap("Without my name", named)
    consent = await chat.wait_for("How may we use your words")
    await chat.tap("Only coordinators read it", consent)
    preview = await chat.wait_for("won't see who you are")
    await expect(preview.get_by_role("button", name="Send", exact=True)).to_be_in_viewport()
    await chat.type("/cancel")


async def the_menu_opens_above_the_box(chat: ChatPage) -> None:
    """The command menu sits between the chat and the box, with no empty band."""
    await chat.page.get_by_role("button", name="Menu").click()
    await expect(chat.page.get_by_role("menu")).to_be_visible()
    gaps = await chat.page.evaluate(MENU_GAP)
    assert all(abs(gap) <= 2 for gap in gaps), gaps
    await chat.page.keyboard.press("Escape")
    await expect(chat.page.get_by_role("menu")).to_be_hidden()


async def a_name_in_use_is_refused(chat: ChatPage) -> None:
    """ "Add a person" refuses a name someone already has."""
    await chat.page.get_by_role("button", name="Add a person").click()
    dialog = chat.page.get_by_role("dialog", name="Add a person")
    await dialog.get_by_label("First name").fill("sam")
    await dialog.get_by_role("button", name="Add").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("already called sam")
    await dialog.get_by_role("button", name="Cancel").click()
    await expect(chat.page.locator("#person option", has_text=re.compile("^sam"))).to_have_count(0)


async def long_text_goes_as_several_messages(chat: ChatPage) -> None:
    """Text longer than Telegram's 4096 characters goes as several messages, cut at a space."""
    text = " ".join(f"word{n}" for n in range(900))
    assert len(text) > 4096
    mine = chat.page.locator("li.message.mine")
    before = await mine.count()
    box = chat.page.get_by_label("Message", exact=True)
    await box.fill(text)
    await box.press("Enter")
    await expect(mine).to_have_count(before + 2)
    parts = [await mine.nth(before + i).locator("div").first.text_content() for i in (0, 1)]
    assert all(part and len(part) <= 4096 for part in parts), [len(p or "") for p in parts]
    assert f"{parts[0]} {parts[1]}" == text
    await expect(box).to_have_value("")


async def typed_words_wait_while_chorus_is_down(chat: ChatPage) -> None:
    """With the server not answering, the words stay in the box, with a plain sentence that
    covers no button; once it answers, they go."""
    await chat.page.route("**/tryout/send", lambda route: route.abort())
    box = chat.page.get_by_label("Message", exact=True)
    await box.fill("Are you there?")
    await box.press("Enter")
    notice = chat.page.get_by_role("status")
    await expect(notice).to_have_text(OFFLINE)
    await expect(box).to_have_value("Are you there?")
    await expect(chat.page.get_by_text("Failed to fetch")).to_have_count(0)
    assert await chat.page.evaluate(COVERED) == []
    await chat.page.unroute("**/tryout/send")
    await box.press("Enter")
    await expect(chat.page.locator("li.message.mine", has_text="Are you there?")).to_be_visible()
    await expect(box).to_have_value("")
    await expect(notice).to_be_hidden()


PHONE_STEPS = [
    fits_a_phone,
    times_read_as_in_the_uk_and_the_clock_moves,
    a_preview_that_grows_stays_in_view,
    the_menu_opens_above_the_box,
    a_name_in_use_is_refused,
    long_text_goes_as_several_messages,
    typed_words_wait_while_chorus_is_down,
]


async def test_the_chat_page_on_a_phone(tmp_path: Path) -> None:
    require_chromium()
    data = tmp_path / "data"
    data.mkdir()
    async with (
        running_tryout(data) as tryout,
        chromium_page(tmp_path / "profile", 390, 844) as page,
    ):
        # The page's own clock is one the test can move on.
        await page.clock.install()
        chat = ChatPage(page, tmp_path)
        await chat.open(tryout.api.page_url)
        for step in PHONE_STEPS:
            await step(chat)
