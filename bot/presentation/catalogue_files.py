"""The catalogue files: extracting the English source, updating each language's `.po`
files from it, and checking every translated entry (run by `scripts/catalogues.py`).

Each texts module is a gettext domain of its own (`bot/locale/sharing.pot`,
`bot/locale/cy/LC_MESSAGES/sharing.po`), so translators working on different journeys
never edit the same file. Messages are marked with `N_` and, with a number in them, with
`N_P` (singular, plural).
"""

from __future__ import annotations

import io
import re
import string
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from bot.presentation.languages import LOCALE_DIR, entry_ids, entry_strings

TEXTS_DIR = Path(__file__).parent / "texts"
KEYWORDS = {"N_": None, "N_P": (1, 2)}
# Every catalogue kept beside the source: each language, and English's easy-read variant.
LOCALES = ("cy", "ar", "en@easy")
# Fixed dates in the headers, so running the extraction again changes nothing unless a
# message changed (and merges see only real changes).
_FIXED_DATE = datetime(2026, 12, 1, tzinfo=UTC)
_TAG = re.compile(r"</?[a-z]+")


def modules() -> list[str]:
    """The texts modules, each a catalogue domain."""
    return sorted(
        path.stem for path in TEXTS_DIR.glob("*.py") if path.stem not in ("__init__", "core")
    )


def template(module: str) -> Catalog:
    """The English messages of one texts module, as extracted from its source."""
    catalog = _new_catalog(module, None)
    path = TEXTS_DIR / f"{module}.py"
    found = extract_from_file("python", str(path), keywords=KEYWORDS, strip_comment_tags=True)
    for _lineno, message, comments, _context in found:
        where = f"bot/presentation/texts/{module}.py"
        catalog.add(message, None, [(where, None)], comments)  # type: ignore[list-item]
    return catalog


def _new_catalog(module: str, locale: str | None) -> Catalog:
    return Catalog(
        locale=locale,
        domain=module,
        project="Chorus",
        copyright_holder="Chorus",
        msgid_bugs_address="",
        creation_date=_FIXED_DATE,
        revision_date=_FIXED_DATE,
        fuzzy=False,
    )


def po_path(locale_dir: Path, locale: str, module: str) -> Path:
    """Where a locale's catalogue for one module lives."""
    return locale_dir / locale / "LC_MESSAGES" / f"{module}.po"


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale, domain=path.stem)


def _write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=99, include_lineno=False, sort_output=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != buffer.getvalue():
        path.write_bytes(buffer.getvalue())


def update(locale_dir: Path = LOCALE_DIR, locales: tuple[str, ...] = LOCALES) -> None:
    """Extract every module's template, and bring each locale's `.po` files up to date with
    it (new messages added untranslated; changed ones kept, marked fuzzy, for review)."""
    for module in modules():
        source = template(module)
        _write(locale_dir / f"{module}.pot", source)
        for locale in locales:
            path = po_path(locale_dir, locale, module)
            catalog = _read(path, locale) if path.exists() else _new_catalog(module, locale)
            catalog.update(source, update_header_comment=False)
            catalog.revision_date = _FIXED_DATE
            _write(path, catalog)


@dataclass(frozen=True)
class Problem:
    """A catalogue entry that would break or change a message."""

    path: Path
    message: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message[:50]!r}: {self.reason}"


def check(locale_dir: Path = LOCALE_DIR) -> list[Problem]:
    """Every problem in every locale's catalogues: a placeholder dropped or added, a tag
    lost, the wrong number of plural forms, a message unknown to the template."""
    problems: list[Problem] = []
    for pot in sorted(locale_dir.glob("*.pot")):
        source = _read(pot)
        for path in sorted(locale_dir.glob(f"*/LC_MESSAGES/{pot.stem}.po")):
            problems.extend(check_catalog(path, _read(path), source))
    return problems


def check_catalog(path: Path, catalog: Catalog, source: Catalog) -> list[Problem]:
    """The problems of one catalogue against its template."""
    problems: list[Problem] = []
    for entry in catalog:
        if not entry.id or entry.fuzzy:
            continue
        originals = entry_ids(entry)
        if source.get(entry.id) is None:
            problems.append(Problem(path, originals[0], "not in the template: update again"))
            continue
        forms = entry_strings(entry)
        if not any(forms):
            continue
        plural = len(originals) > 1
        if plural and len(forms) != catalog.num_plurals:
            reason = f"{len(forms)} plural forms, the language has {catalog.num_plurals}"
            problems.append(Problem(path, originals[0], reason))
        for form in forms:
            found = _form_problem(form, originals, plural=plural)
            if found:
                problems.append(Problem(path, originals[0], found))
    return problems


def _form_problem(form: str, originals: tuple[str, ...], *, plural: bool) -> str | None:
    if not form:
        return "a plural form left empty"
    try:
        fields = placeholders(form)
    except ValueError as error:
        return f"not a message: {error}"
    wanted = set().union(*(placeholders(original) for original in originals))
    # A plural form may say its number in words ("un diwrnod"), leaving out {count}.
    if fields != wanted and not (plural and fields == wanted - {"count"}):
        return f"placeholders {sorted(fields)}, the source has {sorted(wanted)}"
    if Counter(_TAG.findall(form)) != Counter(_TAG.findall(originals[-1])):
        return "its tags differ from the source's"
    return None


def placeholders(message: str) -> set[str]:
    """The names of a message's placeholders ("{name}")."""
    return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}


def missing(locale_dir: Path, locale: str) -> list[str]:
    """The messages a locale has not translated yet (or only as fuzzy entries)."""
    gaps: list[str] = []
    for pot in sorted(locale_dir.glob("*.pot")):
        path = po_path(locale_dir, locale, pot.stem)
        catalog = _read(path) if path.exists() else None
        for entry in _read(pot):
            if not entry.id:
                continue
            found = catalog.get(entry.id) if catalog is not None else None
            forms = () if found is None or found.fuzzy else entry_strings(found)
            if not forms or not all(forms):
                gaps.append(f"{pot.stem}: {entry_ids(entry)[0][:60]}")
    return gaps


def templates_current(locale_dir: Path = LOCALE_DIR) -> list[str]:
    """The modules whose template on disk differs from their source (extract again)."""
    stale: list[str] = []
    for module in modules():
        pot = locale_dir / f"{module}.pot"
        extracted = [entry.id for entry in template(module) if entry.id]
        on_disk = [entry.id for entry in _read(pot) if entry.id] if pot.exists() else []
        if extracted != on_disk:
            stale.append(module)
    return stale
