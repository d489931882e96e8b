"""Migration 0007 on a database already in use: items replied to or gathered into an
action before it stop waiting to be acknowledged; others are left as they were."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from storage.database import MIGRATIONS


def _upgrade(connection: object, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def test_items_replied_to_or_linked_before_no_longer_wait(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'chorus.db'}")
    with engine.begin() as conn:
        _upgrade(conn, "0005")
        conn.execute(
            text(
                "INSERT INTO chorus_group (id, name, invite_code, created_at) "
                "VALUES (1, 'Carers', 'c1', '2026-03-01 10:00:00')"
            )
        )
        for item_id, reference in ((11, "AAA"), (12, "BBB"), (13, "CCC")):
            conn.execute(
                text(
                    "INSERT INTO item (id, group_id, kind, reference, consent, status, "
                    "given_on, visible_at) VALUES (:id, 1, 'feedback', :ref, 'coordinators', "
                    "'received', '2026-03-01', '2026-03-01 10:00:00')"
                ),
                {"id": item_id, "ref": reference},
            )
        for item_id, kind in ((11, "reply"), (12, "linked")):
            conn.execute(
                text(
                    "INSERT INTO item_event (item_id, kind, at) "
                    "VALUES (:id, :kind, '2026-03-02 10:00:00')"
                ),
                {"id": item_id, "kind": kind},
            )
        _upgrade(conn, "0007")
        statuses: dict[int, str] = dict(
            conn.execute(text("SELECT id, status FROM item ORDER BY id")).all()
        )
    engine.dispose()
    assert statuses == {11: "acknowledged", 12: "acknowledged", 13: "received"}
