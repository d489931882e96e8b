"""The arrows allowed between the rooms: a test that fails when an import crosses a line.

- handlers parse, call a service and render: they reach no SQL (storage, SQLAlchemy);
- services decide: they import neither Telegram, nor SQLAlchemy, nor the handlers, and
  word nothing themselves (no `say`, `label` or `render`): they say what to say;
- storage holds the SQL: it imports nothing of the bot or the handlers;
- presentation (texts, the button codec, queued messages) imports neither storage nor
  Telegram, nor the services or handlers it serves;
- the built-in Bot API server (used by the tests and the try-out) imports nothing of Chorus;
- intake imports no handlers, services or presentation; the outbox no handlers or intake;
- no module imports another inside a function to get round an import cycle.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Room (a folder), and the modules it may not import (a name and everything under it).
RULES: dict[str, tuple[str, ...]] = {
    "handlers": ("storage", "sqlalchemy"),
    "bot/services": (
        "telegram",
        "sqlalchemy",
        "handlers",
        "bot.presentation.texts.say",
        "bot.presentation.texts.label",
        "bot.presentation.outgoing.render",
        "bot.presentation.outgoing.render_text",
        "bot.presentation.outgoing.render_buttons",
        "bot.presentation.outgoing.render_words",
    ),
    "storage": ("bot", "handlers"),
    "bot/presentation": ("storage", "telegram", "handlers", "bot.services", "bot.outbox"),
    "localapi": ("bot", "handlers", "storage"),
    "bot/intake": ("handlers", "bot.services", "bot.presentation"),
    "bot/outbox": ("handlers", "bot.intake"),
}
# Within a room, its own modules are never a crossing.
OWN = {"localapi": "localapi"}
# Imports inside functions that are allowed: optional tools loaded only when used, and the
# command line, which loads only what a command needs.
LATE_IMPORTS_ALLOWED = {"bot/cli.py", "bot/settings.py", "storage/database.py"}
# Known crossings still to be removed, each listed so none grows unseen: (file, module).
KNOWN: set[tuple[str, str]] = set()


def _files(room: str) -> list[Path]:
    return sorted(path for path in (ROOT / room).rglob("*.py") if "migrations" not in path.parts)


def _imports(tree: ast.AST) -> list[tuple[str, bool]]:
    """Every module imported (and whether inside a function), under TYPE_CHECKING aside."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                continue
            inner = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and not child.level:
                found.append((child.module, in_function))
                # "from bot import texts" names the module bot.texts.
                found.extend((f"{child.module}.{a.name}", in_function) for a in child.names)
            visit(child, inner)

    visit(tree, False)
    return found


@cache
def _parsed(path: Path) -> list[tuple[str, bool]]:
    return _imports(ast.parse(path.read_text(), str(path)))


def _crosses(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


def _known(name: str, module: str) -> bool:
    return any(name == file and _crosses(module, known) for file, known in KNOWN)


@pytest.mark.parametrize("room", sorted(RULES))
def test_no_import_crosses_a_forbidden_line(room: str) -> None:
    crossings = []
    for path in _files(room):
        name = str(path.relative_to(ROOT))
        for module, _ in _parsed(path):
            own = OWN.get(room)
            if own is not None and _crosses(module, own):
                continue
            for forbidden in RULES[room]:
                if _crosses(module, forbidden) and not _known(name, module):
                    crossings.append(f"{name} imports {module}")
    assert crossings == []


def test_services_word_nothing_through_the_texts_module() -> None:
    # "texts.say(...)" in a service would word a message as surely as an imported `say`.
    worded = []
    for path in _files("bot/services"):
        name = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text(), name)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in ("texts", "outgoing")
                and node.attr in ("say", "label", "render", "render_text", "render_buttons")
            ):
                worded.append(f"{name}:{node.lineno} {node.value.id}.{node.attr}")
    assert worded == []


def test_no_module_imports_inside_a_function_to_dodge_a_cycle() -> None:
    late = []
    for room in ("bot", "handlers", "storage"):
        for path in _files(room):
            name = str(path.relative_to(ROOT))
            for module, in_function in _parsed(path):
                allowed = name in LATE_IMPORTS_ALLOWED or _known(name, module)
                if in_function and not allowed:
                    late.append(f"{name} imports {module} inside a function")
    assert late == []


def test_no_module_imports_the_old_homes_of_texts_and_buttons() -> None:
    # Texts and the button codec live in bot/presentation; an import of the old paths
    # could still be found by an installed copy of an earlier version, so check by name.
    old = ("bot.texts", "handlers.callbacks")
    stale = []
    for room in ("bot", "handlers", "storage", "tests", "benchmarks", "scripts"):
        for path in _files(room):
            name = str(path.relative_to(ROOT))
            for module, _ in _parsed(path):
                if any(_crosses(module, o) for o in old):
                    stale.append(f"{name} imports {module}")
    assert stale == []


def test_the_rules_see_the_imports_they_forbid() -> None:
    tree = ast.parse(
        "import telegram\n"
        "from bot import texts\n"
        "def f():\n    from handlers.callbacks import Action\n"
    )
    assert _imports(tree) == [
        ("telegram", False),
        ("bot", False),
        ("bot.texts", False),
        ("handlers.callbacks", True),
        ("handlers.callbacks.Action", True),
    ]


def test_architecture_names_every_package() -> None:
    text = (ROOT / "ARCHITECTURE.md").read_text()
    packages = sorted(
        str(init.parent.relative_to(ROOT))
        for top in ("bot", "handlers", "storage", "localapi")
        for init in (ROOT / top).rglob("__init__.py")
        if "migrations" not in init.parts
    )
    unnamed = [package for package in packages if f"`{package}/`" not in text]
    assert unnamed == []
