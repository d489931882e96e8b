"""Reading copies of an SQLite database's files as someone who took them would (and, for
the checks that need no commit history, of a PostgreSQL database's dump and files).

A copy is the main file, its write-ahead log and its shared-memory file, as bytes. From a
copy this rebuilds the database as it stood after every commit the log still holds (the
main file, then each commit frame applied in turn), so what each commit changed can be
compared with what the commits around it changed, and scans the raw bytes of every file,
including pages SQLite no longer uses.

`CommitRecorder` takes a copy at every commit Chorus makes while a test runs (the writer's
COMMIT, and before each BEGIN, which catches checkpoints in between).
"""

from __future__ import annotations

import hashlib
import itertools
import re
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Connection

from storage import inline
from tests.support.database import (
    current_postgres,
    database_file,
    postgres_dump,
    postgres_files,
    rows,
    table_names,
)

SUFFIXES = ("", "-wal", "-shm", "-journal")
_WAL_MAGIC = (0x377F0682, 0x377F0683)
_TIME = re.compile(rb"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}")

Rows = dict[str, set[tuple[Any, ...]]]


@dataclass(frozen=True)
class Copy:
    """The bytes of each of a database's files at one moment."""

    label: str
    files: dict[str, bytes]
    # A PostgreSQL database's rows at that moment (its files are not SQLite's to replay).
    tables: Rows | None = None

    @property
    def everything(self) -> bytes:
        """All the files' bytes, one after another."""
        return b"".join(self.files.values())


def take_test_copy(folder: Path, label: str) -> Copy:
    """A copy of the test's database as it is now, on either backend: the SQLite file and
    its companions; or a PostgreSQL database's dump, the server's files that can hold it,
    and its rows."""
    database = current_postgres()
    if database is None:
        return take_copy(database_file(folder), label)
    files = {"dump": postgres_dump(database), **postgres_files(database)}
    tables: Rows = {}
    for table in table_names(folder):
        tables[table] = {tuple(row) for row in rows(folder, f'SELECT * FROM "{table}"')}
    return Copy(label, files, tables)


def take_copy(path: Path, label: str) -> Copy:
    """Copy the database at `path` and its companion files as they are now."""
    files = {}
    for suffix in SUFFIXES:
        file = path.with_name(path.name + suffix)
        try:
            files[suffix] = file.read_bytes()
        except FileNotFoundError:
            continue
    return Copy(label, files)


class CommitRecorder:
    """Copies of the database files at every commit Chorus makes in this process.

    Copies that differ only in a longer log are kept once (the longest): the log is
    written in order, so the longer one holds every commit the shorter one did.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._copies: dict[tuple[str, bytes], Copy] = {}
        self._lock = threading.Lock()
        self.commits = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Copy the files after each COMMIT and before each BEGIN of Chorus's writer."""
        original = inline._run

        def recording(writer: Connection, statement: str) -> None:
            if statement.startswith("BEGIN"):
                self.take(f"before {statement}")
            original(writer, statement)
            if statement == "COMMIT":
                self.commits += 1
                self.take(f"commit {self.commits}")

        monkeypatch.setattr(inline, "_run", recording)

    def take(self, label: str) -> None:
        """Copy the files now."""
        copy = take_copy(self._path, label)
        wal = copy.files.get("-wal", b"")
        key = (hashlib.sha256(copy.files.get("", b"")).hexdigest(), wal[16:24])
        with self._lock:
            self._copies[key] = copy

    def add(self, copy: Copy) -> None:
        """Keep a copy taken another way (after a kill, after a stop)."""
        with self._lock:
            self._copies[(copy.label, b"")] = copy

    @property
    def copies(self) -> list[Copy]:
        """Every distinct copy taken."""
        with self._lock:
            return list(self._copies.values())


def _page_size(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def states(copy: Copy) -> list[Rows]:
    """The database as it stood in the main file, then after each commit in the log (for
    a PostgreSQL copy: its rows when it was taken)."""
    if copy.tables is not None:
        return [copy.tables]
    main = copy.files.get("", b"")
    if len(main) < 100:
        return []
    image = bytearray(main)
    found = [_rows(bytes(image))]
    wal = copy.files.get("-wal", b"")
    if len(wal) < 32 or int.from_bytes(wal[0:4], "big") not in _WAL_MAGIC:
        return found
    page_size = int.from_bytes(wal[8:12], "big")
    salt = wal[16:24]
    pending: dict[int, bytes] = {}
    offset = 32
    while offset + 24 + page_size <= len(wal):
        header = wal[offset : offset + 24]
        if header[8:16] != salt:
            break
        page, size_after = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
        pending[page] = wal[offset + 24 : offset + 24 + page_size]
        if size_after:
            need = size_after * page_size
            if len(image) < need:
                image.extend(b"\0" * (need - len(image)))
            for number, data in pending.items():
                image[(number - 1) * page_size : number * page_size] = data
            del image[need:]
            pending = {}
            found.append(_rows(bytes(image)))
        offset += 24 + page_size
    return found


def _rows(image: bytes) -> Rows:
    """Every row of every table in a database image (rowid first)."""
    patched = bytearray(image)
    patched[18:20] = b"\x01\x01"  # read as a rollback-journal database: no log to look for
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "state.db"
        path.write_bytes(bytes(patched))
        db = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
        try:
            tables = [
                row[0]
                for row in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                    " AND name NOT LIKE 'sqlite_%'"
                )
            ]
            rows: Rows = {}
            for table in tables:
                try:
                    rows[table] = set(db.execute(f'SELECT rowid, * FROM "{table}"'))
                except sqlite3.OperationalError:
                    rows[table] = set(db.execute(f'SELECT * FROM "{table}"'))
            return rows
        finally:
            db.close()


@dataclass(frozen=True)
class Author:
    """Everything that names the author of the anonymous item."""

    person_id: int
    telegram_id: int
    chat_id: int
    # Columns that refer to a person, as (table, position in a row with rowid first).
    person_columns: frozenset[tuple[str, int]] = field(default_factory=frozenset)

    def named_in(self, table: str, row: tuple[Any, ...]) -> bool:
        """True if the row names the author (their person row, or any id of theirs)."""
        if table == "person" and self.person_id in row[:2]:
            return True
        for column_table, position in self.person_columns:
            if column_table == table and position < len(row) and row[position] == self.person_id:
                return True
        return any(value in (self.telegram_id, self.chat_id) for value in row)


def person_columns(database: Path) -> frozenset[tuple[str, int]]:
    """Every column that refers to a person, as (table, position with rowid first)."""
    found = set()
    with sqlite3.connect(database) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            names = [row[1] for row in db.execute(f"PRAGMA table_info('{table}')")]
            for key in db.execute(f"PRAGMA foreign_key_list('{table}')"):
                if key[2] == "person":
                    found.add((table, names.index(key[3]) + 1))
    return frozenset(found)


@dataclass(frozen=True)
class Item:
    """What marks the anonymous item: its id, its private reference and its pseudonym."""

    id: int
    reference: str
    pseudonym: str

    def in_row(self, table: str, row: tuple[Any, ...]) -> bool:
        """True if the row is the item's, or refers to it or to its author's pseudonym."""
        if table == "item":
            return self.id in row[:2]
        return (
            self.reference in row
            or self.pseudonym in row
            or (table != "item" and self._refers(table, row))
        )

    def _refers(self, table: str, row: tuple[Any, ...]) -> bool:
        return table in ("item_event", "action_item", "contributor_update") and self.id in row


def changes(before: Rows, after: Rows) -> Iterator[tuple[str, tuple[Any, ...]]]:
    """Every row added or removed between two states."""
    for table in set(before) | set(after):
        old, new = before.get(table, set()), after.get(table, set())
        for row in old ^ new:
            yield table, row


def _times(rows: Iterable[tuple[str, tuple[Any, ...]]]) -> list[datetime]:
    found = []
    for _, row in rows:
        for value in row:
            if isinstance(value, str):
                for match in _TIME.finditer(value.encode()):
                    found.append(
                        datetime.fromisoformat(match.group().decode().replace("T", " ")).replace(
                            tzinfo=UTC
                        )
                    )
    return found


def storing_commit(history: list[Rows], item: Item) -> int | None:
    """The commit (counted from the main file's state) that stored the item, if held."""
    for k, (before, after) in enumerate(itertools.pairwise(history)):
        if not any(item.in_row("item", r) for r in before.get("item", set())) and any(
            item.in_row("item", r) for r in after.get("item", set())
        ):
            return k
    return None


def links(
    copy: Copy,
    author: Author,
    item: Item,
    sent_at: list[datetime],
    window: int = 2,
    near: timedelta = timedelta(minutes=10),
) -> list[str]:
    """What in this copy ties the item to its author, or tells when it was sent.

    - a commit that stores the item, or one of the `window` commits before or after it,
      changes a row that names the author;
    - any commit that changes the item also changes a row that names the author;
    - a time within `near` of a moment the author sent it is in the item's rows, or in the
      rows changed by the commits around the one that stored it.
    """
    found: list[str] = []
    history = states(copy)
    touched_author = []
    touched_item = []
    changed = []
    for before, after in itertools.pairwise(history):
        rows = list(changes(before, after))
        changed.append(rows)
        touched_author.append(any(author.named_in(t, r) for t, r in rows))
        touched_item.append(any(item.in_row(t, r) for t, r in rows))
    stored = storing_commit(history, item)
    if stored is not None:
        around = range(max(0, stored - window), min(len(changed), stored + window + 1))
        for k in around:
            if touched_author[k]:
                found.append(f"{copy.label}: commit {k} (item: {stored}) names the author")
            for moment in _times(changed[k]):
                if any(abs(moment - sent) < near for sent in sent_at):
                    found.append(
                        f"{copy.label}: commit {k} near the item's ({stored}) holds the time"
                        f" it was sent, {moment}"
                    )
        found += _traced(copy, history, changed, touched_author, stored, window)
    for k, (author_hit, item_hit) in enumerate(zip(touched_author, touched_item, strict=True)):
        if author_hit and item_hit:
            found.append(f"{copy.label}: commit {k} changes the item and names the author")
    for state in history:
        rows = [("item", r) for r in state.get("item", set()) if item.in_row("item", r)]
        for moment in _times(rows):
            if any(abs(moment - sent) < near for sent in sent_at):
                found.append(f"{copy.label}: the item holds the time it was sent, {moment}")
        for rowid, id_, *_ in state.get("item", set()):
            if id_ == item.id and rowid != id_:
                found.append(f"{copy.label}: the item's rowid {rowid} is not its random id")
    return sorted(set(found))


def _traced(
    copy: Copy,
    history: list[Rows],
    changed: list[list[tuple[str, tuple[Any, ...]]]],
    touched_author: list[bool],
    stored: int,
    window: int,
) -> list[str]:
    """Rows the commit that stored the item removed (what it was made from, such as a held
    copy), followed back to the commit that wrote them: that one, and those around it, must
    not name the author either, or the copy chains the author to the item."""
    found = []
    before, after = history[stored], history[stored + 1]
    removed = [
        (table, row)
        for table, row in changed[stored]
        if row in before.get(table, set()) and row not in after.get(table, set())
    ]
    for table, row in removed:
        for j in range(stored):
            if row in history[j + 1].get(table, set()) and row not in history[j].get(table, set()):
                around = range(max(0, j - window), min(len(changed), j + window + 1))
                if any(touched_author[i] for i in around):
                    found.append(
                        f"{copy.label}: the item was made in commit {stored} from a row of"
                        f" {table} written in commit {j}, next to one naming the author"
                    )
    return found


def plain_drafts(copy: Copy) -> list[str]:
    """Unfinished steps whose data is not sealed as a whole, in any state of the copy."""
    found = []
    for state in states(copy):
        for row in state.get("pending_step", set()):
            data = next((v for v in row if isinstance(v, str) and v.startswith("{")), None)
            if data is not None and data not in ("{}",) and '"sealed": "v1.' not in data:
                found.append(f"{copy.label}: a step holds {data[:80]}")
    return sorted(set(found))


def plain_bytes(copy: Copy, needles: Iterable[bytes]) -> list[str]:
    """The needles found in the raw bytes of any of the copy's files."""
    return [
        f"{copy.label}: {needle!r} in the file ending {suffix or '.db'}"
        if copy.tables is None
        else f"{copy.label}: {needle!r} in {suffix}"
        for suffix, data in copy.files.items()
        for needle in needles
        if needle in data
    ]
