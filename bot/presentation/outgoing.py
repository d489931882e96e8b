"""What a queued message carries: what to say (a text's key and its values) and its
buttons (in the codec's terms), rendered into words only when it is sent.

A service queues a `Message`; the delivery worker calls `render` just before sending, so
the words are those of the version in use at that moment, in the recipient's language
and easy-read setting then (`languages.reading_for`, set by the worker).
Rows queued by earlier versions hold the words already rendered (`Payload`); `loads`
reads both forms, and `render` passes a `Payload` through unchanged.

Values are plain text or numbers (escaped when rendered), other texts (`Text`, rendered
as HTML; `Label`, rendered as plain words), lists (`Join`), a value put mid-sentence
(`MidSentence`), moments and dates (`Moment`, kept in UTC, and `Day`), worded in the zone
configured when the message is sent (`Reading`), and, for words already made safe, `Html`.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from bot.presentation import texts
from bot.presentation.callbacks import Action, encode
from bot.presentation.moments import DayForm, MomentForm, day_words, moment_words
from bot.presentation.texts import Raw, label, say


@cache
def _keys() -> dict[str, str]:
    """Every text by its English source, to its name in `texts` (its key)."""
    found: dict[str, str] = {}
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str) and not name.startswith("_"):
            found.setdefault(value, name)
    return found


def key_of(message: str) -> str:
    """The key of a text in `texts` (its name there); raises for anything else."""
    try:
        return _keys()[message]
    except KeyError:
        raise ValueError(f"not a text in bot.presentation.texts: {message[:40]!r}") from None


def _source(key: str) -> str:
    value = getattr(texts, key, None)
    if not key.isupper() or not isinstance(value, str):
        raise ValueError(f"no text called {key!r}")
    return value


@dataclass(frozen=True)
class Text:
    """A text from `texts` and its values; rendered as HTML with `say`."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Label:
    """A text from `texts` rendered as plain words with `label` (button labels, words in a
    list): escaped if it then goes into a message."""

    key: str
    values: Mapping[str, Value] = field(default_factory=dict)


@dataclass(frozen=True)
class Join:
    """Values one after another with `separator` (itself safe HTML) between them."""

    separator: str
    parts: tuple[Value, ...]


@dataclass(frozen=True)
class MidSentence:
    """A value placed mid-sentence: its first letter in lower case ("and about your voice
    note of 3 March")."""

    value: Value


@dataclass(frozen=True)
class Html:
    """Words already safe to send as HTML (made by `say`), kept as they are."""

    html: str


@dataclass(frozen=True)
class Moment:
    """A moment (UTC), worded when the message is sent, in the zone configured then.

    In words (`MomentForm.WORDS`) the day is named outright ("Friday 6 March at 6pm"), or,
    if `relative`, said as seen on the day of sending ("today at 2pm"). With `after`, the
    day is said from that moment's, and only the clock if it is the same day ("4pm").
    """

    at: datetime
    form: MomentForm = MomentForm.WORDS
    relative: bool = False
    after: datetime | None = None


@dataclass(frozen=True)
class Day:
    """A date (already a day in the configured zone), worded when the message is sent."""

    on: date
    form: DayForm = DayForm.DAY_MONTH


@dataclass(frozen=True)
class Reading:
    """Where and when a message is worded: the configured zone, and the moment it is sent
    (None when unknown: days are then named outright, never "today")."""

    zone: ZoneInfo
    now: datetime | None = None


Value = str | int | Text | Label | Join | MidSentence | Html | Moment | Day


def dump_value(value: Value) -> str:
    """A value as stored (JSON), to be rendered later."""
    return json.dumps(_dump(value), ensure_ascii=False)


def load_value(raw: str) -> Value:
    """A value stored with `dump_value`."""
    return _load(json.loads(raw))


def text(message: str, **values: Value) -> Text:
    """What to say: `message` is a text of `texts` (say `texts.REMINDER`)."""
    return Text(key_of(message), values)


def words(message: str, **values: Value) -> Label:
    """Plain words from `texts`, for a button or for a list inside a message."""
    return Label(key_of(message), values)


def join(separator: str, parts: Sequence[Value]) -> Join:
    """Values shown one after another, `separator` between them."""
    return Join(separator, tuple(parts))


@dataclass(frozen=True)
class Button:
    """A button: its label, and what it does in the callback codec's terms."""

    label: Value
    action: Action
    args: tuple[str | int, ...] = ()

    def __post_init__(self) -> None:
        encode(self.action, *self.args)  # a button that would not fit fails when made

    @property
    def data(self) -> str:
        """The callback data it sends."""
        return encode(self.action, *self.args)


def button(message: str, action: Action, *args: str | int, **values: Value) -> Button:
    """A button labelled with a text of `texts`."""
    return Button(words(message, **values), action, args)


@dataclass(frozen=True)
class Payload:
    """A message rendered: its text (Telegram HTML), buttons as (label, callback data), and
    a small text file sent after it, such as a calendar file (file name, contents).

    With `edit`, nothing new is sent: the message with that id in the person's chat is
    changed to say this instead (an invitation that should no longer say "waiting list").
    Earlier versions queued messages in this form, and some still are, already rendered.
    """

    text: str
    buttons: list[list[tuple[str, str]]] = field(default_factory=list)
    document: tuple[str, str] | None = None
    edit: int | None = None
    # With `edit`: delete that message instead (a voice note or photo taken back).
    delete: bool = False
    # It shows items' words: the worker records where it went, so taking one back reaches it.
    copies: bool = False

    def dumps(self) -> str:
        """As stored in the outbox."""
        data: dict[str, object] = {"text": self.text, "buttons": self.buttons}
        _add_extras(data, self.document, self.edit, self.delete, self.copies)
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def loads(cls, raw: str) -> Payload:
        """From the outbox (the rendered form)."""
        return _rendered(json.loads(raw))


@dataclass(frozen=True)
class Message:
    """A queued message as what to say: rendered by `render` when it is sent."""

    say: Value
    buttons: tuple[tuple[Button, ...], ...] = ()
    document: tuple[str, str] | None = None
    edit: int | None = None
    delete: bool = False
    copies: bool = False

    def dumps(self) -> str:
        """As stored in the outbox."""
        data: dict[str, object] = {
            "say": _dump(self.say),
            "buttons": [
                [
                    {"label": _dump(b.label), "action": b.action.name, "args": list(b.args)}
                    for b in row
                ]
                for row in self.buttons
            ],
        }
        _add_extras(data, self.document, self.edit, self.delete, self.copies)
        return json.dumps(data, ensure_ascii=False)


def _add_extras(
    data: dict[str, object],
    document: tuple[str, str] | None,
    edit: int | None,
    delete: bool,
    copies: bool,
) -> None:
    if document is not None:
        data["document"] = list(document)
    if edit is not None:
        data["edit"] = edit
    if delete:
        data["delete"] = True
    if copies:
        data["copies"] = True


def message(
    say_: Value,
    buttons: Sequence[Sequence[Button]] = (),
    document: tuple[str, str] | None = None,
    edit: int | None = None,
    *,
    delete: bool = False,
    copies: bool = False,
) -> Message:
    """A queued message from what to say and its rows of buttons."""
    rows = tuple(tuple(row) for row in buttons)
    return Message(say_, rows, document, edit, delete, copies)


def loads(raw: str) -> Message | Payload:
    """A queued message as stored: what to say, or (from earlier versions) the words."""
    data = json.loads(raw)
    if "say" not in data:
        return _rendered(data)
    buttons = tuple(
        tuple(
            Button(_load(b["label"]), Action[str(b["action"])], tuple(b.get("args", ())))
            for b in row
        )
        for row in data.get("buttons", [])
    )
    document = data.get("document")
    attached = (str(document[0]), str(document[1])) if document else None
    edit = data.get("edit")
    return Message(
        _load(data["say"]),
        buttons,
        attached,
        int(edit) if edit else None,
        delete=bool(data.get("delete")),
        copies=bool(data.get("copies")),
    )


def render(queued: Message | Payload, reading: Reading | None = None) -> Payload:
    """The words and buttons a queued message shows now (moments worded as `reading`)."""
    if isinstance(queued, Payload):
        return queued
    buttons = render_buttons(queued.buttons, reading)
    return Payload(
        _html(queued.say, reading),
        buttons,
        queued.document,
        queued.edit,
        delete=queued.delete,
        copies=queued.copies,
    )


def render_buttons(
    rows: Sequence[Sequence[Button]], reading: Reading | None = None
) -> list[list[tuple[str, str]]]:
    """Rows of buttons as (label, callback data)."""
    return [[(_plain(b.label, reading), b.data) for b in row] for row in rows]


def render_words(value: Value, reading: Reading | None = None) -> str:
    """One value as plain words (a button's label, a word in a list)."""
    return _plain(value, reading)


def render_text(value: Value, reading: Reading | None = None) -> Raw:
    """One value as HTML, as a message would show it."""
    return _html(value, reading)


def _rendered(data: Mapping[str, object]) -> Payload:
    rows = data.get("buttons") or []
    assert isinstance(rows, list)
    buttons = [[(str(label_), str(value)) for label_, value in row] for row in rows]
    document = data.get("document")
    attached = None
    if isinstance(document, list) and document:
        attached = (str(document[0]), str(document[1]))
    edit = data.get("edit")
    return Payload(
        str(data["text"]),
        buttons,
        attached,
        int(str(edit)) if edit else None,
        delete=bool(data.get("delete")),
        copies=bool(data.get("copies")),
    )


def _html(value: Value, reading: Reading | None) -> Raw:
    """A value as safe HTML: texts rendered with `say`, plain words escaped."""
    if isinstance(value, Text):
        values = {k: _value(v, reading) for k, v in value.values.items()}
        return say(_source(value.key), **values)
    if isinstance(value, Join):
        return Raw(value.separator.join(_html(part, reading) for part in value.parts))
    if isinstance(value, Html):
        return Raw(value.html)
    if isinstance(value, MidSentence):
        shown = _html(value.value, reading)
        return Raw(shown[:1].lower() + shown[1:])
    return Raw(html.escape(_plain(value, reading), quote=False))


def _plain(value: Value, reading: Reading | None) -> str:
    """A value as plain words (button labels): nothing escaped, except a text (`Text`,
    `Html`), which is HTML already."""
    if isinstance(value, Label):
        values = {k: _value(v, reading) for k, v in value.values.items()}
        return label(_source(value.key), **values)
    if isinstance(value, str | int):
        return str(value)
    if isinstance(value, Join):
        return value.separator.join(_plain(part, reading) for part in value.parts)
    if isinstance(value, Moment):
        if reading is None:
            raise ValueError("a moment is worded only in a zone: render it with a Reading")
        return moment_words(
            value.at,
            reading.zone,
            reading.now,
            value.form,
            relative=value.relative,
            after=value.after,
        )
    if isinstance(value, Day):
        return day_words(value.on, value.form)
    return _html(value, reading)


def _value(value: Value, reading: Reading | None) -> object:
    """A value handed to `say` or `label`: texts, lists and HTML come already safe (`Raw`);
    plain words, labels, moments and dates are escaped by `say`."""
    if isinstance(value, Text | Join | MidSentence | Html):
        return _html(value, reading)
    if isinstance(value, Label | Moment | Day):
        return _plain(value, reading)
    return value


def _dump(value: Value) -> object:
    if isinstance(value, Text):
        return {"t": value.key, "v": {k: _dump(v) for k, v in value.values.items()}}
    if isinstance(value, Label):
        return {"l": value.key, "v": {k: _dump(v) for k, v in value.values.items()}}
    if isinstance(value, Join):
        return {"j": value.separator, "p": [_dump(part) for part in value.parts]}
    if isinstance(value, MidSentence):
        return {"m": _dump(value.value)}
    if isinstance(value, Html):
        return {"h": value.html}
    if isinstance(value, Moment):
        return _dump_moment(value)
    if isinstance(value, Day):
        return {"d": value.on.isoformat(), "f": value.form.value}
    return value


def _dump_moment(value: Moment) -> object:
    data: dict[str, object] = {"at": _utc(value.at), "f": value.form.value}
    if value.relative:
        data["r"] = True
    if value.after is not None:
        data["a"] = _utc(value.after)
    return data


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("a queued moment needs its time zone")
    return moment.astimezone(UTC).isoformat()


def _load(data: object) -> Value:
    if isinstance(data, str | int):
        return data
    if not isinstance(data, dict):
        raise ValueError("not a queued value")
    if "t" in data:
        return Text(str(data["t"]), {str(k): _load(v) for k, v in data.get("v", {}).items()})
    if "l" in data:
        return Label(str(data["l"]), {str(k): _load(v) for k, v in data.get("v", {}).items()})
    if "j" in data:
        return Join(str(data["j"]), tuple(_load(part) for part in data["p"]))
    if "m" in data:
        return MidSentence(_load(data["m"]))
    if "h" in data:
        return Html(str(data["h"]))
    if "at" in data:
        after = data.get("a")
        return Moment(
            datetime.fromisoformat(str(data["at"])),
            MomentForm(str(data["f"])),
            relative=bool(data.get("r")),
            after=datetime.fromisoformat(str(after)) if after else None,
        )
    if "d" in data:
        return Day(date.fromisoformat(str(data["d"])), DayForm(str(data["f"])))
    raise ValueError("not a queued value")
