"""Tests of the fake Bot API server, driven by a real python-telegram-bot ``Bot``."""

from __future__ import annotations

import asyncio
import datetime as dtm
import html
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import tornado.httpserver
import tornado.netutil
import tornado.web
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)

from tests.support.fake_bot_api import Call, FakeBotApi

pytestmark = pytest.mark.timeout(10)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(text, callback_data=data)] for text, data in buttons]
    )


def is_method(name: str) -> Any:
    def predicate(call: Call) -> bool:
        return call.method == name

    return predicate


async def test_get_me_describes_the_bot(fake: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == 123456
    assert me.is_bot
    assert me.username == "chorus_test_bot"
    assert me.first_name == "Chorus"
    assert me.can_read_all_group_messages is False
    assert fake.calls[0].method == "getMe"
    assert fake.calls[0].status == 200


async def test_wrong_token_is_unauthorized(fake: FakeBotApi) -> None:
    other = Bot("999:WRONG", base_url=fake.base_url)
    with pytest.raises(InvalidToken, match="rejected"):
        await other.initialize()
    await other.shutdown()
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.post(f"{fake.base_url}999:WRONG/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert fake.calls == []


async def test_long_poll_wakes_on_new_update_and_offset_acknowledges(
    fake: FakeBotApi, bot: Bot
) -> None:
    sam = fake.user(42, "Sam")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for(is_method("getUpdates"))
    assert not poll.done()

    update_id = fake.send_text(sam, "/start hello")
    updates = await asyncio.wait_for(poll, 1)

    assert time.monotonic() - started < 1
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start hello"
    assert message.chat.id == 42
    assert message.chat.type == "private"
    assert message.from_user is not None and message.from_user.first_name == "Sam"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")

    # Not acknowledged yet: delivered again.
    again = await bot.get_updates(timeout=0)
    assert [u.update_id for u in again] == [update_id]

    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()
    assert fake.acknowledged_offset == update_id + 1
    assert fake.pending_update_count == 0


async def test_long_poll_times_out_with_empty_list(fake: FakeBotApi) -> None:
    started = time.monotonic()
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.get(f"{fake.base_url}{fake.token}/getUpdates?timeout=0.2")
    assert response.json() == {"ok": True, "result": []}
    assert 0.15 < time.monotonic() - started < 1


async def test_update_ids_increase_from_1000(fake: FakeBotApi) -> None:
    sam = fake.user(1)
    first = fake.send_text(sam, "a")
    second = fake.add_update({"message": {"message_id": 99, "chat": {"id": 1}, "date": 1}})
    assert (first, second) == (1000, 1001)
    assert fake.add_update({"update_id": 5000, "poll": {}}) == 5000
    assert fake.send_text(sam, "b") == 5001


async def test_resend_delivers_the_same_update_after_acknowledgement(
    fake: FakeBotApi, bot: Bot
) -> None:
    sam = fake.user(7)
    update_id = fake.send_text(sam, "hi")
    first = await bot.get_updates(timeout=0)
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()

    fake.resend(update_id)
    duplicate = await bot.get_updates(offset=update_id + 1, timeout=0)

    assert [u.update_id for u in duplicate] == [update_id]
    assert duplicate[0].to_dict() == first[0].to_dict()
    assert await bot.get_updates(offset=update_id + 1, timeout=0) == ()


async def test_send_message_is_stored(fake: FakeBotApi, bot: Bot) -> None:
    sam = fake.user(42, "Sam")
    fake.send_text(sam, "hello bot")

    first = await bot.send_message(42, "Welcome!")
    second = await bot.send_message(42, "Second")

    assert first.message_id == 2  # the user's message took id 1
    assert second.message_id == 3
    assert first.from_user is not None and first.from_user.id == fake.bot_id
    assert first.chat.first_name == "Sam"
    assert fake.texts_to(42) == ["Welcome!", "Second"]
    assert fake.last_message(42)["text"] == "Second"
    assert fake.message(42, 2)["text"] == "Welcome!"
    assert [c.params["text"] for c in fake.sent_to(42)] == ["Welcome!", "Second"]
    assert fake.sent_to(42)[0].params["chat_id"] == 42
    assert fake.sent_to(43) == []


async def test_a_reply_carries_the_message_it_answers_with_its_buttons(
    fake: FakeBotApi, bot: Bot
) -> None:
    sam = fake.user(42, "Sam")
    sent = await bot.send_message(42, "Can I call you?", reply_markup=keyboard(("Reply", "va:x")))
    fake.send_text(sam, "yes please", reply_to=sent.message_id)

    [update] = await bot.get_updates(timeout=0)

    assert update.message is not None and update.message.text == "yes please"
    replied = update.message.reply_to_message
    assert replied is not None and replied.message_id == sent.message_id
    assert replied.text == "Can I call you?" and replied.reply_markup == keyboard(
        ("Reply", "va:x")
    )
    assert "html" not in update.to_dict()["message"]["reply_to_message"]


async def test_html_rejects_unescaped_text(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)

    with pytest.raises(BadRequest, match=r"(?i)can't parse entities.*start tag"):
        await bot.send_message(42, "Hello <Sam>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities.*&"):
        await bot.send_message(42, "<b>Tom & Jerry</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(42, "1 < 2", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)end tag"):
        await bot.send_message(42, "<b>bold", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)unmatched end tag"):
        await bot.send_message(42, "<b><i>x</b></i>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)tg-spoiler"):
        await bot.send_message(42, '<span class="x">x</span>', parse_mode=ParseMode.HTML)
    assert fake.texts_to(42) == []


async def test_html_accepts_escaped_text_and_stores_visible_text(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.user(42)
    name = html.escape("<Sam> & Tom")

    sent = await bot.send_message(
        42,
        f'<b>Hi {name}</b> <a href="https://x.org/?a=1&amp;b=2">link</a> &#128075;',
        parse_mode=ParseMode.HTML,
    )

    stored = fake.last_message(42)
    assert stored["text"] == "Hi <Sam> & Tom link \N{WAVING HAND SIGN}"
    assert stored["html"].startswith("<b>Hi &lt;Sam&gt; &amp; Tom</b>")
    assert sent.text == stored["text"]
    assert sent.text_html.startswith("<b>Hi &lt;Sam&gt; &amp; Tom</b>")
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 14),
        ("text_link", 15, 4),
    ]
    assert sent.entities[1].url == "https://x.org/?a=1&b=2"


async def test_empty_and_too_long_texts_are_rejected(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)

    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "")
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(42, "<b> </b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(42, "x" * 4097)
    await bot.send_message(42, "x" * 4096)
    assert fake.texts_to(42) == ["x" * 4096]
    assert [c.status for c in fake.sent_to(42)] == [400, 400, 400, 200]


async def test_edit_updates_text_in_place(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    first = await bot.send_message(42, "Question?", reply_markup=keyboard(("Yes", "y")))
    await bot.send_message(42, "Other")

    edited = await bot.edit_message_text(
        "Question? <b>answered</b>",
        chat_id=42,
        message_id=first.message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(("Undo", "undo")),
    )

    assert not isinstance(edited, bool)
    assert edited.text == "Question? answered"
    assert edited.edit_date is not None
    assert fake.texts_to(42) == ["Question? answered", "Other"]
    assert fake.buttons(fake.message(42, first.message_id)) == [("Undo", "undo")]

    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text(
            "Question? <b>answered</b>",
            chat_id=42,
            message_id=first.message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(("Undo", "undo")),
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=42, message_id=999)

    # Like Telegram, an edit without reply_markup drops the inline keyboard.
    await bot.edit_message_text("Closed", chat_id=42, message_id=first.message_id)
    assert fake.buttons(fake.message(42, first.message_id)) == []
    await bot.edit_message_reply_markup(
        chat_id=42, message_id=first.message_id, reply_markup=keyboard(("Reopen", "open"))
    )
    assert fake.buttons(fake.last_message(42)) == []  # newest message is still "Other"
    assert fake.buttons(fake.message(42, first.message_id)) == [("Reopen", "open")]


async def test_wait_for_text_sees_edits(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    sent = await bot.send_message(42, "Counting: 0")

    waiting = asyncio.create_task(fake.wait_for_text(42, "Counting: 3", timeout=1))
    await asyncio.sleep(0)
    await bot.edit_message_text("Counting: 3", chat_id=42, message_id=sent.message_id)

    message = await waiting
    assert message["message_id"] == sent.message_id
    assert (await fake.wait_for_text(42, "Counting"))["text"] == "Counting: 3"


async def test_delete_message(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    sent = await bot.send_message(42, "temporary")

    assert await bot.delete_message(42, sent.message_id) is True
    assert fake.texts_to(42) == []
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(42, sent.message_id)


async def test_tap_builds_a_callback_query_ptb_understands(fake: FakeBotApi, bot: Bot) -> None:
    sam = fake.user(42, "Sam", username="sam")
    sent = await bot.send_message(
        42,
        "Pick one",
        reply_markup=InlineKeyboardMarkup(
            [
                [InlineKeyboardButton("A", callback_data="pick:a")],
                [
                    InlineKeyboardButton("B", callback_data="pick:b"),
                    InlineKeyboardButton("Docs", url="https://example.org/"),
                ],
            ]
        ),
    )
    assert fake.buttons(fake.message(42, sent.message_id)) == [
        ("A", "pick:a"),
        ("B", "pick:b"),
        ("Docs", "https://example.org/"),
    ]

    update_id = fake.tap(sam, sent.message_id, "pick:b")
    (update,) = await bot.get_updates(timeout=0)

    assert update.update_id == update_id
    query = update.callback_query
    assert query is not None
    assert query.data == "pick:b"
    assert query.from_user.username == "sam"
    assert query.chat_instance
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert query.message.text == "Pick one"
    assert query.message.from_user is not None
    assert query.message.from_user.id == fake.bot_id
    markup = query.message.reply_markup
    assert markup is not None
    assert markup.inline_keyboard[1][0].callback_data == "pick:b"
    # Parsing the raw dict directly works too.
    raw = fake.add_update({"callback_query": update.to_dict()["callback_query"]})
    parsed = Update.de_json({"update_id": raw, **update.to_dict()}, bot)
    assert parsed.callback_query is not None and parsed.callback_query.data == "pick:b"

    assert await bot.answer_callback_query(query.id, text="Saved") is True
    assert fake.callback_answers[query.id] is not None
    assert fake.callback_answers[query.id]["text"] == "Saved"  # type: ignore[index]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await bot.answer_callback_query("nope")


async def test_callback_data_longer_than_64_bytes_is_rejected(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(42, "x", reply_markup=keyboard(("Go", "d" * 65)))


async def test_blocked_and_unknown_chats(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    fake.blocked.add(42)

    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(42, "hello?")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(42, "typing")
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(555, "who?")
    assert fake.sent_to(42)[0].status == 403
    assert fake.texts_to(42) == []


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_fail_next_429_raises_retry_after(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 3", retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "first")
    retry_after = caught.value.retry_after
    assert retry_after in (3, dtm.timedelta(seconds=3))

    await bot.send_message(42, "second")
    assert fake.texts_to(42) == ["second"]
    assert [c.status for c in fake.sent_to(42)] == [429, 200]
    assert fake.sent_to(42)[0].response == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


async def test_hold_and_release(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    fake.hold("sendMessage")

    sending = asyncio.create_task(bot.send_message(42, "patience"))
    call = await fake.wait_for(is_method("sendMessage"), timeout=1)
    assert await bot.get_me()  # other methods are unaffected: answered meanwhile
    assert not sending.done()
    assert call.status is None
    assert fake.texts_to(42) == []

    answered = asyncio.create_task(
        fake.wait_for(lambda c: c.method == "sendMessage" and c.status == 200, timeout=1)
    )
    fake.release("sendMessage")
    message = await asyncio.wait_for(sending, 1)

    assert await answered is call

    assert message.text == "patience"
    assert call.status == 200
    assert fake.texts_to(42) == ["patience"]


async def test_unknown_method_is_recorded(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    fake.assert_no_unknown_calls()

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("sendHologram", api_kwargs={"chat_id": 42})

    assert [c.method for c in fake.unknown_calls] == ["sendHologram"]
    assert fake.unknown_calls[0].params == {"chat_id": 42}
    assert fake.unknown_calls[0].status == 404
    assert "sendHologram" not in [c.method for c in fake.calls]
    with pytest.raises(AssertionError, match="sendHologram"):
        fake.assert_no_unknown_calls()


async def test_commands_per_scope(fake: FakeBotApi, bot: Bot) -> None:
    fake.user(42)
    scope = BotCommandScopeChat(42)
    commands = [BotCommand("start", "Start over"), BotCommand("help", "What I can do")]

    assert await bot.set_my_commands(commands, scope=scope) is True
    assert await bot.set_my_commands([BotCommand("start", "Start")]) is True

    got = await bot.get_my_commands(scope=scope)
    assert [(c.command, c.description) for c in got] == [
        ("start", "Start over"),
        ("help", "What I can do"),
    ]
    assert fake.commands_for({"type": "chat", "chat_id": 42})[1]["command"] == "help"
    assert fake.commands_for() == [{"command": "start", "description": "Start"}]
    assert await bot.get_my_commands(language_code="de") == ()

    assert await bot.delete_my_commands(scope=scope) is True
    assert fake.commands_for({"type": "chat", "chat_id": 42}) == []
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad Command", "x")])


async def test_parses_json_form_and_multipart_bodies(fake: FakeBotApi) -> None:
    fake.user(42)
    url = f"{fake.base_url}{fake.token}"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with httpx.AsyncClient(trust_env=False) as client:
        as_json = await client.post(
            f"{url}/sendMessage", json={"chat_id": 42, "text": "json", "reply_markup": markup}
        )
        as_form = await client.post(
            f"{url}/SENDMESSAGE",
            data={"chat_id": "42", "text": "form", "reply_markup": json.dumps(markup)},
        )
        as_multipart = await client.post(
            f"{url}/sendMessage",
            data={"chat_id": "42", "text": "multipart"},
            files={"thumbnail": ("a.txt", b"abc", "text/plain")},
        )

    assert [r.status_code for r in (as_json, as_form, as_multipart)] == [200, 200, 200]
    assert as_form.json()["result"]["reply_markup"] == markup
    assert [c.method for c in fake.calls] == ["sendMessage"] * 3
    assert fake.calls[1].params["chat_id"] == 42
    assert fake.calls[1].params["reply_markup"] == markup
    assert fake.calls[2].params["thumbnail"]["size"] == 3
    assert fake.texts_to(42) == ["json", "form", "multipart"]


async def test_wait_for_times_out_with_readable_error(fake: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(AssertionError, match=r"(?s)no matching Bot API call.*getMe"):
        await fake.wait_for(is_method("sendMessage"), timeout=0.05)


async def test_stop_ends_pending_long_poll_with_empty_list() -> None:
    fake = FakeBotApi()
    await fake.start()
    async with httpx.AsyncClient(trust_env=False) as client:
        poll = asyncio.create_task(
            client.post(f"{fake.base_url}{fake.token}/getUpdates", data={"timeout": "10"})
        )
        await fake.wait_for(is_method("getUpdates"))
        await fake.stop()
        response = await asyncio.wait_for(poll, 1)
    assert response.json() == {"ok": True, "result": []}


async def test_second_poller_terminates_the_first(fake: FakeBotApi) -> None:
    url = f"{fake.base_url}{fake.token}/getUpdates"
    async with httpx.AsyncClient(trust_env=False) as client:
        first = asyncio.create_task(client.post(url, data={"timeout": "5"}))
        await fake.wait_for(is_method("getUpdates"))
        second = await client.post(url, data={"timeout": "0"})
        terminated = await asyncio.wait_for(first, 1)
    assert second.json() == {"ok": True, "result": []}
    assert terminated.status_code == 409
    assert "terminated by other getUpdates request" in terminated.json()["description"]


async def test_allowed_updates_filters_update_types(fake: FakeBotApi, bot: Bot) -> None:
    sam = fake.user(42)
    fake.send_text(sam, "text")
    edited = {"message_id": 1, "chat": {"id": 42, "type": "private"}, "date": 1, "text": "t"}
    edit_id = fake.add_update({"edited_message": edited})

    updates = await bot.get_updates(timeout=0, allowed_updates=["edited_message"])

    # Like Telegram, updates of other types are dropped, not kept for later.
    assert [u.update_id for u in updates] == [edit_id]
    assert fake.pending_update_count == 1
    assert await bot.get_updates(offset=edit_id + 1, timeout=0) == ()


Received = list[tuple[dict[str, Any], str | None]]


class _RecordingBot(tornado.web.RequestHandler):
    """Stands in for the bot's webhook endpoint."""

    def initialize(self, received: Received, fail: list[int]) -> None:
        self.received = received
        self.fail = fail

    def post(self) -> None:
        self.received.append(
            (
                json.loads(self.request.body),
                self.request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
            )
        )
        if self.fail:
            self.set_status(self.fail.pop())
        self.finish("")


async def test_webhook_delivery_with_secret_and_retry(fake: FakeBotApi, bot: Bot) -> None:
    received: Received = []
    fail = [500]  # the first delivery fails and is retried
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    server = tornado.httpserver.HTTPServer(
        tornado.web.Application([(r"/hook", _RecordingBot, {"received": received, "fail": fail})])
    )
    server.add_sockets(sockets)
    url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}/hook"
    try:
        sam = fake.user(42)
        assert await bot.set_webhook(url, secret_token="s3cret") is True
        assert (fake.webhook_url, fake.webhook_secret) == (url, "s3cret")

        update_id = fake.send_text(sam, "via webhook")
        await asyncio.wait_for(_until(lambda: fake.webhook_delivered == [update_id]), 1)

        assert len(received) == 2
        for body, secret in received:
            assert body["update_id"] == update_id
            assert body["message"]["text"] == "via webhook"
            assert secret == "s3cret"
        info = await bot.get_webhook_info()
        assert info.url == url
        assert info.pending_update_count == 0
        assert info.last_error_message is not None and "500" in info.last_error_message
        with pytest.raises(Conflict, match=r"(?i)webhook is active"):
            await bot.get_updates(timeout=0)

        assert await bot.delete_webhook() is True
        assert (await bot.get_webhook_info()).url == ""
        later = fake.send_text(sam, "polled")
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [later]
    finally:
        server.stop()
        await server.close_all_connections()


async def _until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.005)
