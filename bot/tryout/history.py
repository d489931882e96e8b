"""The try-out's chats kept in its own files, so a restart finds them as they were left.

Like Telegram, the try-out's Bot API server keeps every chat, numbers updates on from where it
stopped (the bot remembers the ids it has seen), and holds updates the bot has not fetched yet.
The chats, counters and waiting updates are in one JSON file; the files people sent or the bot
uploaded are in a folder beside it, one file each.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from localapi.protocol import StoredFile

logger = logging.getLogger(__name__)

FORMAT = 1


@dataclass
class ChatHistory:
    """Everything the try-out's Bot API server must remember across a restart."""

    next_update_id: int = 0
    next_file_number: int = 1
    next_message_id: dict[int, int] = field(default_factory=dict)
    # chat id -> message id -> the message, as the server keeps it
    user_messages: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    bot_messages: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    files: dict[str, StoredFile] = field(default_factory=dict)
    # updates the bot has not acknowledged yet, oldest first
    pending: list[dict[str, Any]] = field(default_factory=list)


def write_private(path: Path, content: bytes) -> None:
    """Write `content` to `path` in one step (a crash leaves the old file), readable only by
    this user."""
    temporary = path.with_name(path.name + ".new")
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(temporary, path)


def save(path: Path, files_dir: Path, history: ChatHistory) -> None:
    """Keep the history in `path`, and any file not yet kept in `files_dir`."""
    files_dir.mkdir(mode=0o700, exist_ok=True)
    for stored in history.files.values():
        kept = files_dir / stored.file_unique_id
        if not kept.exists():
            write_private(kept, stored.content)
    data = {
        "format": FORMAT,
        "next_update_id": history.next_update_id,
        "next_file_number": history.next_file_number,
        "next_message_id": {str(k): v for k, v in history.next_message_id.items()},
        "user_messages": _chats_out(history.user_messages),
        "bot_messages": _chats_out(history.bot_messages),
        "files": [
            {
                "file_id": f.file_id,
                "file_unique_id": f.file_unique_id,
                "kind": f.kind,
                "file_name": f.file_name,
                "mime_type": f.mime_type,
            }
            for f in history.files.values()
        ],
        "pending": history.pending,
    }
    write_private(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def load(path: Path, files_dir: Path) -> ChatHistory:
    """The history kept in `path` (an empty one if there is none or it cannot be read)."""
    if not path.exists():
        return ChatHistory()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files: dict[str, StoredFile] = {}
        for f in data.get("files", []):
            content = b""
            with contextlib.suppress(OSError):
                content = (files_dir / str(f["file_unique_id"])).read_bytes()
            stored = StoredFile(
                file_id=str(f["file_id"]),
                file_unique_id=str(f["file_unique_id"]),
                kind=str(f["kind"]),
                content=content,
                file_name=f.get("file_name"),
                mime_type=f.get("mime_type"),
            )
            files[stored.file_id] = stored
        return ChatHistory(
            next_update_id=int(data["next_update_id"]),
            next_file_number=int(data.get("next_file_number", 1)),
            next_message_id={int(k): int(v) for k, v in data["next_message_id"].items()},
            user_messages=_chats_in(data["user_messages"]),
            bot_messages=_chats_in(data["bot_messages"]),
            files=files,
            pending=[dict(update) for update in data.get("pending", [])],
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        logger.warning("the try-out's chats file %s is unreadable; the chats start empty", path)
        return ChatHistory()


def _chats_out(chats: dict[int, dict[int, dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {str(chat_id): list(messages.values()) for chat_id, messages in chats.items()}


def _chats_in(data: dict[str, list[dict[str, Any]]]) -> dict[int, dict[int, dict[str, Any]]]:
    chats: dict[int, dict[int, dict[str, Any]]] = {}
    for chat_id, messages in data.items():
        ordered = sorted(messages, key=lambda message: int(message["message_id"]))
        chats[int(chat_id)] = {int(m["message_id"]): m for m in ordered}
    return chats
