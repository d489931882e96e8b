"""Messages: escaping, splitting, and every message rendering to HTML Telegram accepts."""

from __future__ import annotations

import ast
import re
import string
from collections import Counter
from pathlib import Path

import pytest

from bot.presentation import texts
from bot.presentation.outgoing import Message, loads, render, text
from bot.presentation.texts import MAX_MESSAGE, Plural, Raw, label, say, split_message

HOSTILE = "<b>Tom & Jerry</b>"

MESSAGES = {
    name: value
    for name, value in vars(texts).items()
    if name.isupper() and isinstance(value, str) and not isinstance(value, Raw)
}

_ALLOWED_TAGS = {"b", "i", "u", "s", "a", "code", "pre"}
_TAG = re.compile(r"<(/?)([a-z]+)((?:\s[^<>]*)?)>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def telegram_html_problem(text: str) -> str | None:
    """Why Telegram would refuse `text` as HTML, or None if it would accept it."""
    open_tags: list[str] = []
    for index, part in enumerate(re.split(r"(<[^<>]*>)", text)):
        if index % 2 == 0:
            if "<" in part or ">" in part:
                return f"unescaped angle bracket in {part!r}"
            if "&" in _ENTITY.sub("", part):
                return f"unescaped ampersand in {part!r}"
            continue
        tag = _TAG.fullmatch(part)
        if tag is None or tag.group(2) not in _ALLOWED_TAGS:
            return f"tag Telegram does not know: {part!r}"
        closing, name, attributes = tag.groups()
        if closing:
            if not open_tags or open_tags.pop() != name:
                return f"unbalanced {part!r}"
        else:
            if name == "a" and "href=" not in attributes:
                return "link without href"
            open_tags.append(name)
    if open_tags:
        return f"unclosed {open_tags}"
    return None


def _placeholders(message: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}


def test_the_validator_catches_bad_html() -> None:
    assert telegram_html_problem("<b>fine</b> &amp; <a href='x'>ok</a>") is None
    assert telegram_html_problem("<b>open") is not None
    assert telegram_html_problem("<b><i>x</b></i>") is not None
    assert telegram_html_problem("<div>x</div>") is not None
    assert telegram_html_problem("a < b") is not None
    assert telegram_html_problem("Tom & Jerry") is not None


def test_there_are_messages() -> None:
    assert len(MESSAGES) > 50
    assert "WELCOME" in MESSAGES
    assert "LOCALE_DIR" not in MESSAGES


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_renders_to_valid_telegram_html(name: str) -> None:
    message = MESSAGES[name]
    values: dict[str, object] = {field: HOSTILE for field in _placeholders(message)}
    counted = message.counted if isinstance(message, Plural) else "count"
    if isinstance(message, Plural):
        values[counted] = 2

    rendered = say(message, **values)

    assert rendered.strip()
    assert "{" not in rendered and "}" not in rendered
    assert telegram_html_problem(rendered) is None
    if set(values) - {counted}:
        assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" in rendered


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_message_names_only_simple_placeholders(name: str) -> None:
    for field in _placeholders(MESSAGES[name]):
        assert field.isidentifier(), (name, field)


@pytest.mark.parametrize("name", sorted(n for n in MESSAGES if n.startswith("MENU_")))
def test_menu_descriptions_fit(name: str) -> None:
    assert 1 <= len(label(MESSAGES[name])) <= 256


def test_say_escapes_values() -> None:
    rendered = say(texts.NAME_SAVED, name="<b>Ann</b> & co")

    assert isinstance(rendered, Raw)
    assert "<b>&lt;b&gt;Ann&lt;/b&gt; &amp; co</b>" in rendered
    assert "<b>Ann</b>" not in rendered


def test_say_escapes_non_string_values() -> None:
    class Sneaky:
        def __str__(self) -> str:
            return "<i>x</i>"

    assert say("{v}", v=Sneaky()) == "&lt;i&gt;x&lt;/i&gt;"
    assert say("{n}", n=3) == "3"


def test_say_does_not_escape_raw_values() -> None:
    inner = say(texts.MEMBER_LINE, number=1, name="<Ann>")

    rendered = say("{lines}", lines=inner)

    assert rendered == "1. &lt;Ann&gt;"
    assert say("{x}", x=Raw("<i>kept</i>")) == "<i>kept</i>"


def test_say_leaves_markup_in_the_message_itself() -> None:
    assert say(texts.MEMBERS_HEADER, group="Choir", count=2) == "<b>Choir</b>: 2 members"


def test_label_does_not_escape() -> None:
    assert label(texts.BUTTON_USE_NAME, name="<b>Ann & co</b>") == "Use “<b>Ann & co</b>”"
    assert not isinstance(label(texts.BUTTON_JOIN), Raw)


# --- Splitting long messages ------------------------------------------------------------------


def _non_space(text: str) -> str:
    return "".join(text.split())


def test_short_text_is_one_chunk() -> None:
    assert split_message("Hello\nthere") == ["Hello\nthere"]
    assert split_message("") == [""]


def test_text_of_exactly_the_limit_is_one_chunk() -> None:
    text = "x" * 50

    assert split_message(text, limit=50) == [text]


def test_default_limit_leaves_room_under_telegrams() -> None:
    lines = [f"{n}. Member number {n}" for n in range(1, 600)]

    chunks = split_message("\n".join(lines))

    assert len(chunks) > 1
    assert all(len(chunk) <= MAX_MESSAGE - 96 for chunk in chunks)


def test_splits_at_line_breaks() -> None:
    lines = [f"line {n:02d} " + "x" * 20 for n in range(40)]

    chunks = split_message("\n".join(lines), limit=100)

    assert len(chunks) > 1
    assert all(len(chunk) <= 100 for chunk in chunks)
    # No line is cut: every chunk is whole lines, in order.
    assert [line for chunk in chunks for line in chunk.split("\n")] == lines


def test_a_long_line_is_cut_at_spaces() -> None:
    words = [f"word{n:03d}" for n in range(100)]
    line = " ".join(words)

    chunks = split_message(line, limit=50)

    assert all(len(chunk) <= 50 for chunk in chunks)
    assert [word for chunk in chunks for word in chunk.split()] == words


def test_a_single_long_line_without_spaces_is_cut_anywhere() -> None:
    line = "abcdefghij" * 25

    chunks = split_message(line, limit=100)

    assert [len(chunk) for chunk in chunks] == [100, 100, 50]
    assert "".join(chunks) == line


def test_a_long_line_after_short_ones_starts_its_own_chunks() -> None:
    text = "first\nsecond\n" + "y" * 120 + "\nlast"

    chunks = split_message(text, limit=50)

    assert chunks[0] == "first\nsecond"
    assert all(len(chunk) <= 50 for chunk in chunks)
    assert _non_space("".join(chunks)) == _non_space(text)
    assert chunks[-1].endswith("last")


@pytest.mark.parametrize("limit", [10, 37, 100, 4000])
def test_no_visible_character_is_lost(limit: int) -> None:
    text = "\n".join(
        ("Zoë " * (n % 7) + "ünïcödé-" * (n % 13) + "z" * (n * 7 % 150)) for n in range(300)
    )

    chunks = split_message(text, limit=limit)

    assert all(len(chunk) <= limit for chunk in chunks)
    assert _non_space("".join(chunks)) == _non_space(text)


def test_no_message_name_is_given_twice() -> None:
    """A second definition would silently replace the first wherever it is used."""
    modules = sorted(Path(texts.__file__).parent.glob("*.py"))
    assert len(modules) > 1  # the messages live in one module per journey
    names = Counter(
        target.id
        for module in modules
        for node in ast.parse(module.read_text(encoding="utf-8")).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    )
    assert [name for name, count in names.items() if count > 1] == []


BUTTONS = {name: value for name, value in MESSAGES.items() if name.startswith("BUTTON_")}


@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_every_button_says_in_words_what_it_does(name: str) -> None:
    """A label is read by screen readers and shown on screens without an emoji font: the
    words carry its meaning, never an emoji or a symbol alone."""
    words = re.sub(r"\{[a-z_]+\}", "", BUTTONS[name])
    assert re.search(r"[^\W\d_]{2,}", words), f"{name} = {BUTTONS[name]!r} has no word"


def test_a_plural_message_takes_its_form_from_count() -> None:
    assert say(texts.MEMBERS_HEADER, group="Choir", count=1) == "<b>Choir</b>: 1 member"
    assert say(texts.BOARD_SENT, count=1) == "Sending it to 1 person."
    assert say(texts.BOARD_SENT, count=3) == "Sending it to 3 people."


def test_a_plural_message_without_a_whole_count_is_refused() -> None:
    with pytest.raises(TypeError):
        say(texts.BOARD_SENT, count="3")


def test_a_plural_message_survives_a_queue_round_trip() -> None:
    queued = Message(text(texts.BOARD_SENT, count=1)).dumps()
    assert render(loads(queued)).text == "Sending it to 1 person."


def test_the_broadcast_paused_note_is_a_whole_sentence_with_a_plural() -> None:
    assert say(texts.BROADCAST_PAUSED_NOTE, count=1) == (
        "1 person has paused messages and won't get it."
    )
    assert say(texts.BROADCAST_PAUSED_NOTE, count=3).startswith("3 people have paused")
    assert "{paused}" not in texts.BROADCAST_PREVIEW.plural


def test_counts_of_people_and_days_take_their_plural_form() -> None:
    assert "tell the 1 person who was invited" in say(texts.SESSION_CHANGED, count=1)
    assert "tell the 5 people who were invited" in say(texts.SESSION_CHANGED, count=5)
    created = say(texts.SESSION_CREATED, title="Coffee", when="Tue 3 March", count=1)
    assert "An invitation is on its way to 1 person." in created
    assert label(texts.BUTTON_DAYS, count=1) == "1 day"
    assert label(texts.BUTTON_DAYS, count=14) == "14 days"
    assert "after 1 day without an outcome" in say(texts.DAYS_SAVED, count=1)
    assert "tell the 1 person who was invited." in say(texts.SESSION_CANCELLED, count=1)
    filters = ("NEW", "WAITING", "OVERDUE", "ALL")
    assert all(isinstance(getattr(texts, f"BUTTON_FILTER_{f}"), Plural) for f in filters)
    kept = say(texts.FORGET_DONE_ANONYMOUS_KEPT, count=1)
    assert kept.startswith("The 1 thing you shared without your name stays")
