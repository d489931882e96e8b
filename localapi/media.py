"""What the Bot API lets a bot do to a media message it sent: the 48-hour limit on deleting,
and editing the caption (editMessageCaption) or the media itself (editMessageMedia).

As Telegram documents them: a message can only be deleted if it was sent less than 48 hours
ago; editMessageMedia edits animation, audio, document, photo or video messages (not voice
notes), with a new file uploaded as ``attach://<name>`` or a known file_id; a caption is at
most 1024 characters and only a message with media has one.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from localapi.protocol import ERR_NOT_MODIFIED, MAX_CAPTION_LENGTH, ApiError

if TYPE_CHECKING:
    from localapi.methods import BotApiMethods

# How long after sending a message can still be deleted.
DELETE_WITHIN_SECONDS = 48 * 3600
ERR_TOO_OLD_TO_DELETE = "Bad Request: message can't be deleted for everyone"
# The media a message may carry, and those editMessageMedia may replace.
MEDIA_KINDS = ("photo", "voice", "audio", "document", "video", "animation")
EDITABLE_MEDIA = ("photo", "audio", "document", "video", "animation")


def check_deletable(server: BotApiMethods, message: dict[str, Any]) -> None:
    """Refuse to delete a message sent 48 hours ago or more."""
    if server.unix_time() - int(message.get("date", 0)) >= DELETE_WITHIN_SECONDS:
        raise ApiError(400, ERR_TOO_OLD_TO_DELETE)


def media_kind(message: dict[str, Any]) -> str | None:
    """The kind of media a message carries, if any."""
    return next((kind for kind in MEDIA_KINDS if kind in message), None)


def caption_changes(server: BotApiMethods, params: dict[str, Any]) -> dict[str, Any]:
    """The caption an editMessageCaption call gives (empty: none)."""
    caption = params.get("caption")
    if caption in (None, ""):
        return {"caption": None, "caption_entities": None, "html": None}
    rendered = server._rendered_text({**params, "text": caption})
    if len(rendered["text"]) > MAX_CAPTION_LENGTH:
        raise ApiError(400, "Bad Request: message caption is too long")
    return {
        "caption": rendered["text"],
        "caption_entities": rendered.get("entities"),
        "html": rendered.get("html"),
    }


def media_changes(
    server: BotApiMethods, params: dict[str, Any], message: dict[str, Any]
) -> dict[str, Any]:
    """The new media (and caption) an editMessageMedia call gives the message."""
    kind = media_kind(message)
    if kind not in EDITABLE_MEDIA:
        raise ApiError(400, "Bad Request: message can't be edited")
    media = params.get("media")
    if isinstance(media, str):
        try:
            media = json.loads(media)
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse InputMedia JSON object") from None
    if not isinstance(media, dict) or media.get("type") not in EDITABLE_MEDIA:
        raise ApiError(400, "Bad Request: can't parse InputMedia JSON object")
    new_kind, given = str(media["type"]), media.get("media")
    source = params
    if isinstance(given, str) and given.startswith("attach://"):
        name = given.removeprefix("attach://")
        if not isinstance(params.get(name), dict):
            raise ApiError(400, f"Bad Request: file {name} not found in the request")
        source = {new_kind: params[name]}
    else:
        source = {new_kind: given}
    stored = server._input_file(source, new_kind, new_kind)
    changes: dict[str, Any] = {kind: None}
    changes[new_kind] = [stored.to_dict()] if new_kind == "photo" else stored.to_dict()
    changes.update(caption_changes(server, media))
    return changes


def apply(
    server: BotApiMethods, chat_id: int, message: dict[str, Any], changes: dict[str, Any]
) -> dict[str, Any]:
    """The message with `changes` (a None value removes the key), stored and returned."""
    edited = {k: v for k, v in message.items() if k not in changes}
    edited.update({k: v for k, v in changes.items() if v is not None})
    if edited == message:
        raise ApiError(400, ERR_NOT_MODIFIED)
    edited["edit_date"] = server.unix_time()
    server._store_message(chat_id, edited)
    return server._public_message(edited)
