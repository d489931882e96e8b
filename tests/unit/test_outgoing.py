"""What a queued message carries: a text's key and its values, rendered when sent."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.presentation import outgoing, texts
from bot.presentation.buttons import alert_buttons, member_buttons
from bot.presentation.callbacks import Action
from bot.presentation.moments import DayForm
from bot.presentation.outgoing import (
    Day,
    Html,
    Message,
    Payload,
    Reading,
    button,
    join,
    loads,
    render,
    words,
)

WEEKDAY = DayForm.WEEKDAY


def test_a_queued_message_stores_the_text_s_key_and_values_not_its_words() -> None:
    said = outgoing.text(texts.BROADCAST_TO_MEMBERS, sender="Jo", groups="Choir", text="Hi <3")

    stored = json.loads(outgoing.message(said).dumps())

    assert stored["say"] == {
        "t": "BROADCAST_TO_MEMBERS",
        "v": {"sender": "Jo", "groups": "Choir", "text": "Hi <3"},
    }
    assert "From" not in json.dumps(stored)


def test_a_queued_message_reads_back_and_renders_as_the_text_would() -> None:
    said = outgoing.text(
        texts.UPDATE_DIGEST,
        blocks=join("\n\n", [Html("<i>one</i>"), outgoing.text(texts.ALERT_NOT_TAKEN)]),
    )
    queued = outgoing.message(said, member_buttons("c1"), ("a.ics", "X"), edit=7, copies=True)

    again = loads(queued.dumps())

    assert again == queued
    shown = render(again)
    blocks = texts.Raw("<i>one</i>\n\n" + texts.say(texts.ALERT_NOT_TAKEN))
    assert shown.text == texts.say(texts.UPDATE_DIGEST, blocks=blocks)
    assert shown.buttons == [
        [
            (texts.label(texts.BUTTON_CONVERSATION_ANSWER), "va:c1"),
            (texts.label(texts.BUTTON_CONVERSATION_END), "ve:c1"),
        ]
    ]
    assert (shown.document, shown.edit, shown.copies) == (("a.ics", "X"), 7, True)


def test_the_words_are_those_in_use_when_it_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    stored = outgoing.message(outgoing.text(texts.ALERT_NOT_TAKEN)).dumps()
    monkeypatch.setattr(texts, "ALERT_NOT_TAKEN", "Nobody has this yet.")

    assert render(loads(stored)).text == "Nobody has this yet."


def test_values_are_escaped_and_labels_stay_plain() -> None:
    said = outgoing.text(
        texts.BROADCAST_TO_MEMBERS_NO_NAME,
        groups=join(", ", [words(texts.NO_NAME), "Tom & Jerry"]),
        text="<b>cake</b>",
    )

    shown = render(
        outgoing.message(said, [[button(texts.BUTTON_USE_NAME, Action.JOIN, name="<Jo>")]])
    )

    assert shown.text == texts.say(
        texts.BROADCAST_TO_MEMBERS_NO_NAME, groups="no name, Tom & Jerry", text="<b>cake</b>"
    )
    assert "&lt;b&gt;cake" in shown.text
    assert shown.buttons[0][0][0] == "Use “<Jo>”"


def test_a_message_written_by_an_earlier_version_is_read_as_its_words() -> None:
    # Exactly as earlier versions stored it: the words already rendered.
    old = '{"text": "You said: <i>forms</i>", "buttons": [[["Thanks", "x:1"]]], "edit": 5}'
    gone = '{"text": "", "buttons": [], "edit": 6, "delete": true, "copies": true}'

    queued = loads(old)

    assert queued == Payload("You said: <i>forms</i>", [[("Thanks", "x:1")]], None, 5)
    assert loads(gone) == Payload("", [], None, 6, delete=True, copies=True)
    assert render(queued) is queued


def test_only_texts_and_buttons_that_fit_can_be_queued() -> None:
    with pytest.raises(ValueError):
        outgoing.text("Hello, {name}", name="Jo")
    with pytest.raises(ValueError):
        button(texts.BUTTON_STOP, Action.BROADCAST_STOP, "x" * 70)
    with pytest.raises(ValueError):
        render(Message(outgoing.Text("NO_SUCH_TEXT")))


def test_alert_buttons_are_described_in_the_codec_s_terms() -> None:
    (take,), (write,) = alert_buttons("abc")
    assert (take.action, take.args) == (Action.ALERT_TAKE, ("abc",))
    assert write.action is Action.CONV_WRITE
    (close,), _ = alert_buttons("abc", taken=True)
    assert close.action is Action.ALERT_CLOSE


def test_moments_and_dates_are_stored_in_utc_and_worded_in_the_zone_and_day_of_sending() -> None:
    starts = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)  # 10am BST, the day the clocks go forward
    said = outgoing.text(
        texts.SESSION_WHEN_RANGE,
        start=outgoing.Moment(starts, relative=True),
        end=outgoing.Moment(starts + timedelta(hours=2), relative=True, after=starts),
    )
    stored = outgoing.message(said).dumps()
    assert json.loads(stored)["say"]["v"]["start"] == {
        "at": "2026-03-29T09:00:00+00:00",
        "f": "w",
        "r": True,
    }
    london, new_york = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")

    def sent(zone: ZoneInfo, now: datetime | None) -> str:
        return render(loads(stored), Reading(zone, now)).text

    saturday = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert sent(london, saturday) == "tomorrow at 10am to midday"
    assert sent(london, starts - timedelta(hours=1)) == "today at 10am to midday"
    assert sent(new_york, saturday) == "tomorrow at 5am to 7am"
    assert sent(london, None) == "Sunday 29 March at 10am to midday"
    with pytest.raises(ValueError, match="zone"):
        render(loads(stored))

    day = outgoing.message(outgoing.text(texts.PROMPT_ENDS, day=Day(date(2026, 3, 3), WEEKDAY)))
    assert "Tuesday 3 March" in render(loads(day.dumps())).text
