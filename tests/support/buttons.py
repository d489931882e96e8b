"""Every button the bot really sent, checked against the callback codec.

Each end-to-end test records what the bot sent; every inline button in it must be one the
bot can read back when it is tapped, or the member would be told the button "doesn't work
any more" the first time they use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from bot.presentation.callbacks import decode
from tests.support.fake_bot_api import Call


def callback_data(calls: Iterable[Call]) -> Iterator[tuple[str, str]]:
    """(method, callback data) of every inline button in the calls' keyboards."""
    for call in calls:
        markup: Any = call.params.get("reply_markup")
        if not isinstance(markup, dict):
            continue
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                if isinstance(button, dict) and "callback_data" in button:
                    yield call.method, str(button["callback_data"])


def unreadable_buttons(calls: Iterable[Call]) -> list[str]:
    """The callback data of buttons the codec would not read back, with the method."""
    return [f"{method}: {data!r}" for method, data in callback_data(calls) if decode(data) is None]


def assert_every_button_reads_back(calls: Iterable[Call]) -> None:
    """Fail if the bot sent any button that would not work when tapped."""
    bad = unreadable_buttons(calls)
    assert not bad, "the bot sent buttons it cannot read back:\n  " + "\n  ".join(bad)
