"""Languages: every catalogue keeps the source's placeholders and the language's plural
forms, a broken entry is caught, unknown languages read English, values keep their own
direction, and dates are worded in the reader's language."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

from bot.presentation import catalogue_files, languages, outgoing, texts
from bot.presentation.catalogue_files import LOCALES, check, missing, po_path
from bot.presentation.languages import (
    FSI,
    LOCALE_DIR,
    PDI,
    Reader,
    reader_of,
    reading_for,
    supported,
)
from bot.presentation.moments import DayForm, MomentForm, day_words, moment_words
from bot.presentation.outgoing import loads, render, text
from bot.presentation.texts import Plural, label, say
from tests.unit.test_texts import HOSTILE, MESSAGES, _placeholders, telegram_html_problem

# Languages whose translators have finished: every message translated. A translator adds
# their language here when the catalogue is complete ("python scripts/catalogues.py
# missing cy" lists what is left).
COMPLETE_LANGUAGES: set[str] = {"cy", "ar"}
LONDON = ZoneInfo("Europe/London")


def test_every_catalogue_keeps_placeholders_tags_and_plural_forms() -> None:
    assert check(LOCALE_DIR) == []


def test_the_templates_are_extracted_from_the_current_texts() -> None:
    assert catalogue_files.templates_current(LOCALE_DIR) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_a_catalogue_with_every_message(locale: str) -> None:
    for module in catalogue_files.modules():
        path = po_path(LOCALE_DIR, locale, module)
        with path.open("rb") as file:
            catalog = read_po(file)
        wanted = {e.id if isinstance(e.id, str) else tuple(e.id) for e in _template(module)}
        found = {e.id if isinstance(e.id, str) else tuple(e.id) for e in catalog if e.id}
        assert wanted <= found, f"{locale}/{module}: update the catalogues"


def _template(module: str) -> list[Message]:
    return [entry for entry in catalogue_files.template(module) if entry.id]


@pytest.mark.parametrize("locale", sorted(COMPLETE_LANGUAGES))
def test_a_complete_language_translates_every_message(locale: str) -> None:
    assert missing(LOCALE_DIR, locale) == []


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of the catalogues with one Welsh entry that drops its placeholder."""
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    path = po_path(copy, "cy", "sessions")
    source = path.read_text(encoding="utf-8")
    broken = source.replace('msgstr "Pryd: {when}"', 'msgstr "Pryd:"')
    assert broken != source
    path.write_text(broken, encoding="utf-8")
    return copy


def test_the_check_catches_a_dropped_placeholder(broken: Path) -> None:
    problems = check(broken)
    assert [p.message for p in problems] == [str(texts.SESSION_LINE_WHEN)]
    assert "placeholders" in problems[0].reason


def test_the_check_catches_a_wrong_number_of_plural_forms(tmp_path: Path) -> None:
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, copy)
    path = po_path(copy, "cy", "coordinators")
    source = path.read_text(encoding="utf-8")
    cut = source.replace('msgstr[5] "<b>{group}</b>: {count} aelod"\n', "")
    assert cut != source
    path.write_text(cut, encoding="utf-8")
    assert any("plural form" in p.reason for p in check(copy))


@pytest.mark.parametrize(
    ("code", "language"),
    [("cy", "cy"), ("cy-GB", "cy"), ("ar-EG", "ar"), ("en-US", "en"), ("xx", "en")],
)
def test_telegram_language_codes(code: str, language: str) -> None:
    assert supported(code) == language


@pytest.mark.parametrize("code", [None, "", "zz-ZZ", "klingon", "-", "fr"])
def test_unknown_or_unsupported_codes_read_english(code: str | None) -> None:
    with reading_for(reader_of(code)):
        assert say(texts.SESSION_LINE_WHEN, when="x") == "When: x"


def test_a_message_in_welsh_and_its_plural_forms() -> None:
    with reading_for(Reader("cy")):
        assert say(texts.SESSION_LINE_WHEN, when="x") == "Pryd: x"
        shown = [say(texts.MEMBERS_HEADER, group="G", count=n) for n in (0, 1, 2, 3, 6, 7)]
    assert shown[0].endswith("0 aelodau")
    assert shown[1].endswith("1 aelod")
    with reading_for(Reader("en")):
        assert say(texts.MEMBERS_HEADER, group="G", count=2).endswith("2 members")


def test_a_message_not_yet_translated_falls_back_to_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "cy" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "sample.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: cy\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        'msgid "Yes"\nmsgstr "Ie"\n\n'
        'msgid "Thanks, {name}."\nmsgstr ""\n\n'
        'msgid "{count} thing"\nmsgid_plural "{count} things"\nmsgstr[0] ""\nmsgstr[1] ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(languages, "LOCALE_DIR", tmp_path)
    welsh = languages._load("cy", None)
    assert welsh.gettext("Yes") == "Ie"
    # An entry with no translation yet reads as the English source.
    assert welsh.gettext("Thanks, {name}.") == "Thanks, {name}."
    assert welsh.ngettext("{count} thing", "{count} things", 2) == "{count} things"
    assert welsh.ngettext("{count} thing", "{count} things", 1) == "{count} thing"


def test_easy_read_uses_its_own_entry_and_falls_back_to_plain() -> None:
    with reading_for(Reader("en", easy=True)):
        assert "Can you come?" in say(texts.SESSION_ASK)
    assert "Can you make it?" in say(texts.SESSION_ASK)
    plain = languages.Catalogue({"Stop": ("Stopio",)}, lambda n: 0, None)
    easy = languages.Catalogue({"Yes": ("👍 Ie",)}, lambda n: 0, plain)
    assert easy.gettext("Yes") == "👍 Ie"
    assert easy.gettext("Stop") == "Stopio"
    assert easy.gettext("Back") == "Back"


def test_a_right_to_left_name_in_an_english_message_is_isolated() -> None:
    name = "ليلى"
    shown = say(texts.SESSION_INVITE, title=name, group="Carers")
    assert shown == f"<b>{FSI}{name}{PDI}</b> (Carers)"
    assert label(texts.BUTTON_ANSWER_CHOSEN, answer=name) == f"✓ {FSI}{name}{PDI} (chosen)"
    # English values in English messages stay exactly as they were.
    assert say(texts.SESSION_INVITE, title="Tea", group="Carers") == "<b>Tea</b> (Carers)"


def test_an_english_name_in_an_arabic_message_is_isolated() -> None:
    with reading_for(Reader("ar")):
        shown = say(texts.SESSION_REMINDER, title="Coffee & chat", group="Carers")
    assert shown == f"<b>تذكير: {FSI}Coffee &amp; chat{PDI}</b> ({FSI}Carers{PDI})"


def test_a_value_inside_a_link_is_never_isolated() -> None:
    with reading_for(Reader("ar")):
        shown = say(texts.SAFETY_IDENTITY, id=42, name="Sam")
    assert shown.startswith('<a href="tg://user?id=42">')


def test_a_queued_message_is_rendered_in_each_readers_language() -> None:
    queued = loads(outgoing.Message(text(texts.SESSION_LINE_WHEN, when="x")).dumps())
    with reading_for(Reader("cy")):
        welsh = render(queued).text
    with reading_for(Reader("ar")):
        arabic = render(queued).text
    assert (welsh, render(queued).text) == ("Pryd: x", "When: x")
    assert arabic == f"متى: {FSI}x{PDI}"


def test_moments_in_each_language() -> None:
    at = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)
    day_before = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert moment_words(at, LONDON, day_before, relative=True) == "tomorrow at 6:30pm"
    with reading_for(Reader("cy")):
        assert moment_words(at, LONDON, day_before, relative=True) == "yfory am 18:30"
        assert moment_words(at, LONDON, None) == "Dydd Gwener 6 Mawrth am 18:30"
        assert moment_words(at, LONDON, None, MomentForm.SHORT) == "Gwen 6 Maw 2026, 18:30"
        assert day_words(at.date(), DayForm.WEEKDAY) == "Dydd Gwener 6 Mawrth"
    with reading_for(Reader("ar")):
        assert "مارس" in moment_words(at, LONDON, None)
        assert "الجمعة" in day_words(at.date(), DayForm.WEEKDAY)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_renders_to_valid_telegram_html_in_each_locale(locale: str) -> None:
    language, _, modifier = locale.partition("@")
    problems = []
    with reading_for(Reader(language, easy=bool(modifier))):
        for name, message in MESSAGES.items():
            values: dict[str, object] = {field: HOSTILE for field in _placeholders(message)}
            if isinstance(message, Plural):
                values.update({field: HOSTILE for field in _placeholders(message.plural)})
                values[message.counted] = 2
            problem = telegram_html_problem(say(message, **values))
            if problem:
                problems.append(f"{name}: {problem}")
    assert problems == []
