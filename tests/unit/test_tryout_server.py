"""The try-out server's page API: what people do becomes updates; what the bot does, events."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.tryout.server import Person, TryoutApi

TOKEN = "1000000:tryout-test-token"
SAM = Person(1003, "Sam", "member")


@pytest.fixture
async def api() -> AsyncIterator[TryoutApi]:
    async with TryoutApi(TOKEN, "chorus_tryout_bot") as server:
        server.add_person(SAM)
        yield server


@pytest.fixture
async def client(api: TryoutApi) -> AsyncIterator[httpx.AsyncClient]:
    base = f"http://127.0.0.1:{api.port}"
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=10) as http:
        yield http


@contextlib.asynccontextmanager
async def _keeping(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A try-out server keeping its chats in `tmp_path`, with Sam, and a client of it."""
    async with TryoutApi(TOKEN, "chorus_tryout_bot") as server:
        server.keep_history(tmp_path / "chats.json", tmp_path / "files")
        server.add_person(SAM)
        base = f"http://127.0.0.1:{server.port}"
        async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=10) as http:
            yield http


async def _bot(client: httpx.AsyncClient, method: str, **params: Any) -> Any:
    """Call the Bot API as the bot does."""
    response = await client.post(f"/bot{TOKEN}/{method}", json=params)
    body = response.json()
    assert body["ok"], body
    return body["result"]


async def test_typing_on_the_page_becomes_an_update_the_bot_fetches(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    sent = await client.post("/tryout/send", json={"person": SAM.id, "text": "/help"})
    assert sent.json() == {"ok": True}
    updates = await _bot(client, "getUpdates", timeout=0)
    message = updates[0]["message"]
    assert message["text"] == "/help"
    assert message["from"]["id"] == SAM.id
    assert message["entities"][0]["type"] == "bot_command"


async def test_the_page_hears_of_new_and_edited_bot_messages(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
    sent = await _bot(
        client,
        "sendMessage",
        chat_id=SAM.id,
        text="<b>Hello</b>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    await _bot(
        client, "editMessageText", chat_id=SAM.id, message_id=sent["message_id"], text="Bye"
    )
    news = (await client.get("/tryout/events", params={"after": 0})).json()
    views = [event["message"] for event in news["events"] if event["kind"] == "message"]
    assert [v["text"] for v in views] == ["Hello", "Bye"]
    assert views[0]["entities"] == [{"type": "bold", "offset": 0, "length": 5}]
    assert views[0]["buttons"] == [[{"text": "Yes", "data": "y", "url": None}]]
    assert views[1]["edited"] and not views[1]["buttons"]
    chat = (await client.get(f"/tryout/chat/{SAM.id}")).json()
    assert [m["text"] for m in chat["messages"]] == ["Bye"]


async def test_waiting_for_news_ends_when_the_bot_speaks(
    api: TryoutApi, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked, answered = asyncio.Event(), asyncio.Event()
    wait_for_news = api.wait_for_news

    async def watched(seq: int, within: float) -> None:
        asked.set()
        await wait_for_news(seq, within)
        answered.set()

    monkeypatch.setattr(api, "wait_for_news", watched)
    seq = (await client.get("/tryout/state")).json()["seq"]
    waiting = asyncio.create_task(client.get("/tryout/events", params={"after": seq}))
    await asyncio.wait_for(asked.wait(), 5)
    assert not answered.is_set()  # the page's request waits for news
    await _bot(client, "sendMessage", chat_id=SAM.id, text="News")
    news = (await asyncio.wait_for(waiting, 5)).json()
    assert news["events"][0]["message"]["text"] == "News"


async def test_a_tap_is_a_callback_query_and_its_answer_a_toast(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    sent = await _bot(client, "sendMessage", chat_id=SAM.id, text="Tap", reply_markup=markup)
    tap = {"person": SAM.id, "message_id": sent["message_id"], "data": "go"}
    assert (await client.post("/tryout/tap", json=tap)).status_code == 200
    query = (await _bot(client, "getUpdates", timeout=0))[0]["callback_query"]
    assert query["data"] == "go" and query["message"]["message_id"] == sent["message_id"]
    await _bot(client, "answerCallbackQuery", callback_query_id=query["id"], text="Saved")
    news = (await client.get("/tryout/events", params={"after": 0})).json()
    assert {"kind": "toast", "text": "Saved"}.items() <= news["events"][-1].items()


async def test_a_photo_from_disk_reaches_the_bot_and_can_be_downloaded(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    files = {"file": ("garden.jpg", b"\xff\xd8jpeg-bytes", "image/jpeg")}
    sent = await client.post(
        "/tryout/upload", data={"person": str(SAM.id), "kind": "photo"}, files=files
    )
    assert sent.status_code == 200, sent.text
    photo = (await _bot(client, "getUpdates", timeout=0))[0]["message"]["photo"][-1]
    found = await _bot(client, "getFile", file_id=photo["file_id"])
    download = await client.get(f"/file/bot{TOKEN}/{found['file_path']}")
    assert download.content == b"\xff\xd8jpeg-bytes"
    page_copy = await client.get(f"/tryout/files/{photo['file_id']}", params={"save": "1"})
    assert page_copy.content == b"\xff\xd8jpeg-bytes"
    assert page_copy.headers["content-disposition"].startswith("attachment;")


async def test_a_calendar_file_from_the_bot_is_offered_for_download(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    upload = {
        "document": ("meeting.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    }
    response = await client.post(
        f"/bot{TOKEN}/sendDocument", data={"chat_id": str(SAM.id)}, files=upload
    )
    assert response.json()["ok"], response.text
    chat = (await client.get(f"/tryout/chat/{SAM.id}")).json()
    document = chat["messages"][-1]["document"]
    assert document["name"] == "meeting.ics"
    saved = await client.get(f"/tryout/files/{document['file_id']}", params={"save": "1"})
    assert saved.headers["content-type"].startswith("text/calendar")
    assert "meeting.ics" in saved.headers["content-disposition"]


BAD_REQUESTS = [
    ("/tryout/send", {"person": SAM.id, "text": "   "}, "Type a message first"),
    ("/tryout/send", {"person": SAM.id, "text": "x" * 4097}, "up to 4096 characters"),
    ("/tryout/send", {"person": 99, "text": "hi"}, "Unknown person"),
    ("/tryout/tap", {"person": SAM.id, "message_id": 77, "data": "go"}, "No such message"),
    ("/tryout/people", {"name": ""}, "first name"),
    ("/tryout/clock", {"move": "back"}, "Time can move"),
]


@pytest.mark.parametrize(("path", "body", "reason"), BAD_REQUESTS)
async def test_bad_requests_get_a_clear_reason_and_change_nothing(
    api: TryoutApi, client: httpx.AsyncClient, path: str, body: dict[str, Any], reason: str
) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert api.pending_update_count == 0
    assert list(api.people) == [SAM.id]


async def test_an_empty_upload_is_refused(api: TryoutApi, client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/tryout/upload",
        data={"person": str(SAM.id), "kind": "voice"},
        files={"file": ("note.ogg", b"", "audio/ogg")},
    )
    assert response.status_code == 400
    assert "empty" in response.json()["error"]
    assert api.pending_update_count == 0


async def test_requests_from_other_sites_are_refused(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    response = await client.post(
        "/tryout/send",
        json={"person": SAM.id, "text": "hi"},
        headers={"Origin": "https://elsewhere.example"},
    )
    assert response.status_code == 403
    assert api.pending_update_count == 0


async def test_people_added_on_the_page_get_their_own_chat(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    added: list[Person] = []
    api.on_person_added = added.append
    person = (await client.post("/tryout/people", json={"name": " Kim "})).json()
    assert person["name"] == "Kim" and person["role"] == "newcomer"
    assert [p.name for p in added] == ["Kim"]
    await client.post("/tryout/send", json={"person": person["id"], "text": "hello"})
    sent = await _bot(client, "sendMessage", chat_id=person["id"], text="Hi Kim")
    assert sent["chat"]["id"] == person["id"]
    kim = (await client.get(f"/tryout/chat/{person['id']}")).json()
    sam = (await client.get(f"/tryout/chat/{SAM.id}")).json()
    assert [m["text"] for m in kim["messages"]] == ["hello", "Hi Kim"]
    assert sam["messages"] == []


async def test_each_chat_shows_its_own_command_menu(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    await _bot(client, "setMyCommands", commands=[{"command": "help", "description": "Help"}])
    jo = Person(1002, "Jo", "coordinator")
    api.add_person(jo)
    await _bot(
        client,
        "setMyCommands",
        commands=[{"command": "invite", "description": "Invite"}],
        scope={"type": "chat", "chat_id": jo.id},
    )
    menus = {
        person: [
            c["command"] for c in (await client.get(f"/tryout/chat/{person}")).json()["commands"]
        ]
        for person in (SAM.id, jo.id)
    }
    assert menus == {SAM.id: ["help"], jo.id: ["invite"]}


async def test_pages_that_rename_another_site_to_this_address_are_refused(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    response = await client.get("/tryout/state", headers={"Host": f"evil.example:{api.port}"})
    assert response.status_code == 403
    assert "127.0.0.1" in response.json()["error"]


async def test_moving_time_dates_new_messages_later_and_tells_the_page(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    moved: list[str] = []
    api.on_clock_moved = lambda: moved.append("moved")
    first = await _bot(client, "sendMessage", chat_id=SAM.id, text="Before")
    shown = (await client.post("/tryout/clock", json={"move": "day"})).json()["time"]
    second = await _bot(client, "sendMessage", chat_id=SAM.id, text="After")
    assert second["date"] - first["date"] >= 24 * 3600
    assert moved == ["moved"]
    news = (await client.get("/tryout/events", params={"after": 0})).json()
    assert {"kind": "clock", "time": shown}.items() <= news["events"][1].items()


async def test_a_file_that_is_not_a_picture_or_sound_is_only_ever_saved(
    api: TryoutApi, client: httpx.AsyncClient
) -> None:
    files = {"file": ("page.html", b"<script>alert(1)</script>", "text/html")}
    await client.post("/tryout/upload", data={"person": str(SAM.id), "kind": "photo"}, files=files)
    photo = (await _bot(client, "getUpdates", timeout=0))[0]["message"]["photo"][-1]
    served = await client.get(f"/tryout/files/{photo['file_id']}")
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-security-policy"] == "sandbox"


async def test_a_restart_numbers_updates_on_and_keeps_chats_files_and_unfetched_updates(
    tmp_path: Path,
) -> None:
    async with _keeping(tmp_path) as http:
        await http.post("/tryout/send", json={"person": SAM.id, "text": "/help"})
        [fetched] = await _bot(http, "getUpdates", timeout=0)
        await _bot(http, "sendMessage", chat_id=SAM.id, text="Here's what you can do")
        form = {"person": str(SAM.id), "kind": "photo"}
        upload = {"file": ("garden.png", b"picture", "image/png")}
        await http.post("/tryout/upload", data=form, files=upload)
        # The photo's update is not fetched before the stop: it waits, as on Telegram.

    async with _keeping(tmp_path) as http:
        chat = (await http.get(f"/tryout/chat/{SAM.id}")).json()["messages"]
        assert [m["text"] for m in chat[:2]] == ["/help", "Here's what you can do"]
        photo = (await http.get(f"/tryout/files/{chat[2]['photo']}")).content
        assert photo == b"picture"
        waiting = await _bot(http, "getUpdates", offset=fetched["update_id"] + 1, timeout=0)
        assert [u["message"]["photo"][-1]["file_id"] for u in waiting] == [chat[2]["photo"]]
        await http.post("/tryout/send", json={"person": SAM.id, "text": "/help"})
        [later] = await _bot(http, "getUpdates", offset=waiting[0]["update_id"] + 1, timeout=0)
    assert later["update_id"] > waiting[0]["update_id"] > fetched["update_id"]
    assert later["message"]["message_id"] > chat[-1]["id"]
    assert oct((tmp_path / "chats.json").stat().st_mode & 0o777) == "0o600"


async def test_a_message_the_bot_was_told_was_sent_is_kept_before_the_answer(
    tmp_path: Path,
) -> None:
    async with _keeping(tmp_path) as http:
        await _bot(http, "sendMessage", chat_id=SAM.id, text="Your words were read")
        # Read at once, as after a SIGKILL just after the answer (nothing else saves).
        kept = (tmp_path / "chats.json").read_text(encoding="utf-8")
    assert "Your words were read" in kept
