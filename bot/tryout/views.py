"""What the try-out's chat page draws of a Bot API message."""

from __future__ import annotations

from typing import Any


def message_view(message: dict[str, Any], *, mine: bool) -> dict[str, Any]:
    """A message as the page draws it: text with entities, buttons, media by file id."""
    view: dict[str, Any] = {
        "id": message["message_id"],
        "mine": mine,
        "date": message.get("date", 0),
        "edited": "edit_date" in message,
        "text": message.get("text", message.get("caption", "")),
        "entities": message.get("entities", message.get("caption_entities", [])),
        "buttons": [
            [{"text": b["text"], "data": b.get("callback_data"), "url": b.get("url")} for b in row]
            for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
        ],
    }
    if "photo" in message:
        view["photo"] = message["photo"][-1]["file_id"]
    if "voice" in message:
        view["voice"] = message["voice"]["file_id"]
    if "document" in message:
        document = message["document"]
        view["document"] = {
            "file_id": document["file_id"],
            "name": document.get("file_name") or "file",
            "size": document.get("file_size", 0),
        }
    if "sticker" in message:
        view["text"] = view["text"] or message["sticker"].get("emoji", "")
    return view
