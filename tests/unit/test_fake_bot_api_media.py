"""The fake Bot API's photos, voice notes, documents and file downloads."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputMediaPhoto, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest

from tests.support.fake_bot_api import FakeBotApi
from tests.unit.conftest import SAM

pytestmark = pytest.mark.timeout(10)

USER_ID = SAM


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


async def test_a_photo_from_a_user_arrives_with_its_caption_and_downloads(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.send_media(fake.user(USER_ID), "photo", b"\x89PNG pixels", caption="the waiting room")

    (update,) = await bot.get_updates()
    assert update.message is not None
    assert update.message.caption == "the waiting room"
    photo = update.message.photo[-1]
    downloaded = await (await bot.get_file(photo.file_id)).download_as_bytearray()
    assert bytes(downloaded) == b"\x89PNG pixels"


async def test_voice_notes_and_stickers_from_a_user_parse(fake: FakeBotApi, bot: Bot) -> None:
    fake.send_media(fake.user(USER_ID), "voice", b"OggS")
    fake.send_media(fake.user(USER_ID), "sticker")

    voice, sticker = await bot.get_updates()
    assert voice.message is not None and voice.message.voice is not None
    assert voice.message.voice.duration.total_seconds() == 3  # type: ignore[union-attr]
    assert sticker.message is not None and sticker.message.sticker is not None
    assert sticker.message.text is None


async def test_the_bot_resends_a_known_file_by_id_with_an_html_caption(
    fake: FakeBotApi, bot: Bot
) -> None:
    stored = fake.add_file("voice", b"OggS voice")

    message = await bot.send_voice(
        USER_ID, stored.file_id, caption="<b>From 3 March</b>", parse_mode=ParseMode.HTML
    )

    assert message.voice is not None and message.voice.file_id == stored.file_id
    assert message.caption == "From 3 March"
    assert fake.texts_to(USER_ID) == ["From 3 March"]


async def test_an_uploaded_document_is_stored_and_can_be_downloaded(
    fake: FakeBotApi, bot: Bot
) -> None:
    message = await bot.send_document(
        USER_ID, b"BEGIN:VCALENDAR", filename="session.ics", caption="Add it to your calendar"
    )

    assert message.document is not None
    assert message.document.file_name == "session.ics"
    assert fake.file(message.document.file_id).content == b"BEGIN:VCALENDAR"
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == b"BEGIN:VCALENDAR"


async def test_unknown_files_wrong_types_and_long_captions_are_refused(
    fake: FakeBotApi, bot: Bot
) -> None:
    photo = fake.add_file("photo", b"pixels")

    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_photo(USER_ID, "no-such-file")
    with pytest.raises(BadRequest, match=r"(?i)can.t use file"):
        await bot.send_voice(USER_ID, photo.file_id)
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await bot.send_photo(USER_ID, photo.file_id, caption="x" * 1025)
    with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
        await bot.get_file("no-such-file")
    assert fake.texts_to(USER_ID) == []


async def test_like_telegram_an_old_message_cannot_be_deleted_but_its_media_can_change(
    fake: FakeBotApi, bot: Bot
) -> None:
    photo = await bot.send_photo(USER_ID, fake.add_file("photo", b"\x89PNG a").file_id)
    voice = await bot.send_voice(USER_ID, fake.add_file("voice", b"OggS v").file_id)
    text = await bot.send_message(USER_ID, "words")
    for sent in (photo, voice):
        fake.age_message(USER_ID, sent.message_id, 48 * 3600)
        with pytest.raises(BadRequest, match="can't be deleted"):
            await bot.delete_message(USER_ID, sent.message_id)
    # A voice note's media cannot be replaced; its caption can.
    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_media(
            InputMediaPhoto(b"\x89PNG b"), chat_id=USER_ID, message_id=voice.message_id
        )
    edited = await bot.edit_message_caption(USER_ID, voice.message_id, caption="gone")
    assert isinstance(edited, Message) and edited.caption == "gone" and edited.voice
    replaced = await bot.edit_message_media(
        InputMediaPhoto(b"\x89PNG b", caption="gone"), chat_id=USER_ID, message_id=photo.message_id
    )
    assert isinstance(replaced, Message) and replaced.caption == "gone"
    assert replaced.photo[-1].file_id != photo.photo[-1].file_id
    with pytest.raises(BadRequest, match="no caption in the message"):
        await bot.edit_message_caption(USER_ID, text.message_id, caption="x")
    with pytest.raises(BadRequest, match="caption is too long"):
        await bot.edit_message_caption(USER_ID, voice.message_id, caption="x" * 1025)
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_caption(USER_ID, voice.message_id, caption="gone")
    # A fresh message is deleted as before.
    assert await bot.delete_message(USER_ID, text.message_id)
