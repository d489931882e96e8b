"""The try-out's Bot API server with a chat page in front: people chat with the real bot.

The page (bot/tryout/static/) talks to a small JSON API under ``/tryout/``. What a person
types, taps or attaches there becomes a Bot API update, which the unchanged bot fetches with
``getUpdates`` exactly as from Telegram; what the bot sends or edits reaches the page as an
event (long polling ``/tryout/events``).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import tornado.web

from bot.clock import SystemClock
from bot.failures import describe
from bot.tryout import history
from bot.tryout.clock import MOVES, TryoutClock
from bot.tryout.views import message_view
from localapi.protocol import Call, ChatUser, ClientConnection, StoredFile
from localapi.server import LOCALHOST, BotApiServer, Route

logger = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
# How long a page's request for news waits before answering "nothing new".
EVENTS_WAIT = 25.0
EVENTS_KEPT = 5000
MAX_UPLOAD = 20 * 1024 * 1024
MAX_TEXT = 4096
_LOCAL_NAMES = frozenset({"127.0.0.1", "localhost"})
_KINDS = {"photo": "photo", "voice": "voice", "document": "document"}
# Chats are written this long after a change, once for a burst of changes.
SAVE_AFTER = 0.2
# With no record of the numbers used before, update ids start from the seconds since this
# moment (2024-01-01): more than any earlier run could have handed out.
UPDATE_ID_EPOCH = 1_704_067_200


@dataclass(frozen=True)
class Person:
    """Someone on the page: a Telegram user of the try-out."""

    id: int
    name: str
    role: str  # admin | lead | coordinator | member | newcomer
    # The language their Telegram app is set to ("cy": a Welsh speaker).
    language: str = "en"

    def to_dict(self) -> dict[str, Any]:
        """The person as the page sees them."""
        shown: dict[str, Any] = {"id": self.id, "name": self.name, "role": self.role}
        if self.language != "en":
            shown["language"] = self.language
        return shown


class TryoutApi(BotApiServer):
    """The local Bot API server plus the chat page and its JSON API."""

    def __init__(
        self, token: str, bot_username: str, *, host: str = LOCALHOST, port: int = 0
    ) -> None:
        super().__init__(token, bot_username, host=host, port=port)
        self.bot_first_name = "Chorus (try-out)"
        self.people: dict[int, Person] = {}
        self.framing: dict[str, str] = {}
        self._events: deque[dict[str, Any]] = deque(maxlen=EVENTS_KEPT)
        self._seq = 0
        self._news: asyncio.Event | None = None
        self._query_chats: dict[str, int] = {}
        self._next_file_number = 1
        # Called with each person added from the page (to keep them for the next start).
        self.on_person_added: Callable[[Person], None] | None = None
        self.clock = TryoutClock(SystemClock())
        self.zone = ZoneInfo("Europe/London")
        # Called after the page moved the try-out's time forward.
        self.on_clock_moved: Callable[[], None] | None = None
        # Awaited after that, before the page's request is answered.
        self.after_clock_moved: Callable[[], Awaitable[None]] | None = None
        # What each person is now (admin, lead, coordinator, member, newcomer), asked after
        # the bot answers someone, so the page's labels follow what people became.
        self.roles_source: Callable[[list[int]], Awaitable[dict[int, str]]] | None = None
        # Called when people's roles changed (to keep them for the next start).
        self.on_people_changed: Callable[[], None] | None = None
        self._roles_task: asyncio.Task[None] | None = None
        self._roles_again = False
        # Where the chats are kept across restarts (none: only while running).
        self._history_file: Path | None = None
        self._files_dir: Path | None = None
        self._save_soon: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ kept across restarts

    def keep_history(self, history_file: Path, files_dir: Path) -> None:
        """Take up the chats kept in these files, and keep them there from now on."""
        kept = history.load(history_file, files_dir)
        self._history_file, self._files_dir = history_file, files_dir
        if not kept.next_update_id:
            # No record of earlier numbers: start above any a counter could have reached.
            kept.next_update_id = int(time.time()) - UPDATE_ID_EPOCH
        self._next_update_id = max(self._next_update_id, kept.next_update_id)
        self._file_ids = itertools.count(kept.next_file_number)
        self._next_file_number = kept.next_file_number
        self._next_message_id.update(kept.next_message_id)
        self._user_messages.update(kept.user_messages)
        self._bot_messages.update(kept.bot_messages)
        self._files.update(kept.files)
        for update in kept.pending:
            self.add_update(update)
        self.save_history()

    def save_history(self) -> None:
        """Write the chats to the try-out's files now."""
        if self._save_soon is not None:
            self._save_soon.cancel()
            self._save_soon = None
        if self._history_file is None or self._files_dir is None:
            return
        kept = history.ChatHistory(
            next_update_id=self._next_update_id,
            next_file_number=self._next_file_number,
            next_message_id=dict(self._next_message_id),
            user_messages=self._user_messages,
            bot_messages=self._bot_messages,
            files=self._files,
            pending=[entry.update for entry in self._pending],
        )
        try:
            history.save(self._history_file, self._files_dir, kept)
        except OSError as exc:
            logger.warning("the try-out's chats could not be kept: %s", exc.strerror)

    def _save_later(self) -> None:
        """Write the chats soon, once for a burst of changes."""
        if self._history_file is None or self._save_soon is not None:
            return
        with contextlib.suppress(RuntimeError):  # no running loop: saved on stopping
            loop = asyncio.get_running_loop()
            self._save_soon = loop.call_later(SAVE_AFTER, self.save_history)

    def add_file(
        self,
        kind: str,
        content: bytes,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        """Store a file with a new file_id (numbered on from the last start)."""
        stored = super().add_file(kind, content, file_name, mime_type)
        self._next_file_number += 1
        return stored

    def _on_queued(self) -> None:
        # Saved at once: an update id handed out must never be handed out again.
        self.save_history()

    async def _on_closed(self) -> None:
        self.save_history()

    def unix_time(self) -> int:
        """Messages are dated by the try-out's clock, which can be moved forward."""
        return int(self.clock.now().timestamp())

    def shown_time(self) -> str:
        """The try-out's time as the page shows it, in the configured zone."""
        local = self.clock.now().astimezone(self.zone)
        return f"{local:%a} {local.day} {local:%B}, {local:%H:%M}"

    def move_clock(self, how: str) -> None:
        """Move the try-out's time forward and tell the page."""
        self.clock.move(how, self.zone)
        if self.on_clock_moved is not None:
            self.on_clock_moved()
        self._emit(0, "clock", time=self.shown_time(), now=self.clock.now().timestamp())

    @property
    def page_url(self) -> str:
        """Where the chat page is."""
        return f"http://{self.host}:{self.port}/"

    def extra_routes(self) -> list[Route]:
        """The page, its files and its JSON API."""
        api = {"api": self}
        return [
            (r"/", _PageHandler, {"path": str(STATIC)}),
            (r"/static/(chat\.css|chat\.js)", _StaticHandler, {"path": str(STATIC)}),
            (r"/favicon\.ico", _NoIconHandler, {}),
            (r"/tryout/state", _StateHandler, api),
            (r"/tryout/chat/(\d+)", _ChatHandler, api),
            (r"/tryout/events", _EventsHandler, api),
            (r"/tryout/send", _SendHandler, api),
            (r"/tryout/tap", _TapHandler, api),
            (r"/tryout/upload", _UploadHandler, api),
            (r"/tryout/people", _PeopleHandler, api),
            (r"/tryout/clock", _ClockHandler, api),
            (r"/tryout/files/([A-Za-z0-9_-]+)", _DownloadHandler, api),
        ]

    # ------------------------------------------------------------------ people

    def add_person(self, person: Person) -> ChatUser:
        """Give this person a private chat with the bot."""
        self.people[person.id] = person
        user = self.user(person.id, person.name)
        user.language_code = person.language
        return user

    def person(self, person_id: Any) -> Person:
        """A known person, or a 400 answer for the page."""
        try:
            found = self.people.get(int(person_id))
        except (TypeError, ValueError):
            found = None
        if found is None:
            raise tornado.web.HTTPError(400, reason="Unknown person")
        return found

    def stored_file(self, file_id: str) -> StoredFile | None:
        """A file someone sent or the bot uploaded, by its id."""
        return self._files.get(file_id)

    # ------------------------------------------------------------------ events for the page

    def _emit(self, chat_id: int, kind: str, **data: Any) -> None:
        self._seq += 1
        self._events.append({"seq": self._seq, "chat_id": chat_id, "kind": kind, **data})
        if self._news is not None:
            self._news.set()
            self._news = None

    def _on_answered(self, call: Call) -> None:
        """What a call of the bot changed is kept before it is answered: Telegram answers only
        once a message exists, and the bot records it as sent then, so a try-out killed just
        after answering must still show it after the restart."""
        if self._save_soon is not None:
            self.save_history()

    def _on_message(self, chat_id: int, message: dict[str, Any]) -> None:
        self._emit(chat_id, "message", message=message_view(message, mine=False))
        self._save_later()
        self.check_roles()

    def check_roles(self) -> None:
        """Find out soon whether anyone's role changed (one check at a time)."""
        if self.roles_source is None or self._closing:
            return
        if self._roles_task is not None and not self._roles_task.done():
            self._roles_again = True
            return
        with contextlib.suppress(RuntimeError):  # no running loop: nothing to check
            self._roles_task = asyncio.get_running_loop().create_task(self._check_roles())

    async def _check_roles(self) -> None:
        assert self.roles_source is not None
        again = True
        while again and not self._closing:
            self._roles_again = False
            try:
                roles = await self.roles_source(list(self.people))
            except Exception as exc:  # the labels stay as they were; the chats go on
                logger.warning("could not read the try-out people's roles: %s", describe(exc))
                return
            changed = False
            for person_id, role in roles.items():
                person = self.people.get(person_id)
                if person is not None and person.role != role:
                    self.people[person_id] = replace(person, role=role)
                    changed = True
            if changed:
                if self.on_people_changed is not None:
                    self.on_people_changed()
                self._emit(0, "people", people=[p.to_dict() for p in self.people.values()])
            again = self._roles_again

    def _on_deleted(self, chat_id: int, message_id: int) -> None:
        self._emit(chat_id, "deleted", message_id=message_id)
        self._save_later()

    async def _on_stop(self) -> None:
        if self._news is not None:
            self._news.set()
        if self._roles_task is not None:
            self._roles_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._roles_task

    def events_after(self, seq: int) -> tuple[int, list[dict[str, Any]], bool]:
        """Events newer than ``seq``: (latest seq, events, whether some were already dropped)."""
        events = [event for event in self._events if event["seq"] > seq]
        missed = bool(self._events) and self._events[0]["seq"] > seq + 1 and seq > 0
        return self._seq, events, missed

    async def wait_for_news(self, seq: int, within: float) -> None:
        """Returns once there are events after ``seq``, on stopping, or after ``within`` s."""
        if self._seq > seq or self._closing:
            return
        if self._news is None:
            self._news = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._news.wait(), within)

    # ------------------------------------------------------------------ what people do

    def say(self, person: Person, text: str) -> None:
        """The person sends ``text`` to the bot."""
        user = self._users[person.id]
        self.send_text(user, text)
        message = self._user_messages[person.id][next(reversed(self._user_messages[person.id]))]
        self._emit(person.id, "message", message=message_view(message, mine=True))

    def press(self, person: Person, message_id: int, data: str) -> None:
        """The person taps a button with ``data`` on one of the bot's messages."""
        if message_id not in self._bot_messages.get(person.id, {}):
            raise tornado.web.HTTPError(400, reason="No such message")
        self.tap(self._users[person.id], message_id, data)
        query_id = next(reversed(self.callback_answers))
        self._query_chats[query_id] = person.id

    def attach(
        self, person: Person, kind: str, content: bytes, name: str | None, mime: str | None
    ) -> None:
        """The person sends a photo, voice note or file."""
        self.send_media(self._users[person.id], kind, content, None, name, mime)
        message = self._user_messages[person.id][next(reversed(self._user_messages[person.id]))]
        self._emit(person.id, "message", message=message_view(message, mine=True))

    async def _answer_callback_query(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> bool:
        answered = await super()._answer_callback_query(params, connection)
        query_id = str(params.get("callback_query_id", ""))
        chat_id = self._query_chats.pop(query_id, None)
        text = params.get("text")
        if chat_id is not None and isinstance(text, str) and text:
            self._emit(chat_id, "toast", text=text, alert=bool(params.get("show_alert")))
        return answered

    async def _set_my_commands(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        done = await super()._set_my_commands(params, connection)
        self._emit(0, "commands")
        return done

    async def _delete_my_commands(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> bool:
        done = await super()._delete_my_commands(params, connection)
        self._emit(0, "commands")
        return done

    # ------------------------------------------------------------------ what the page reads

    def chat(self, person: Person) -> dict[str, Any]:
        """Everything in one person's chat, oldest first, and their command menu."""
        views = [
            message_view(m, mine=True) for m in self._user_messages.get(person.id, {}).values()
        ]
        views += [
            message_view(m, mine=False) for m in self._bot_messages.get(person.id, {}).values()
        ]
        # Both sides of a chat share one run of message ids, as on Telegram.
        views.sort(key=lambda view: view["id"])
        scope = {"type": "chat", "chat_id": person.id}
        commands = self.commands_for(scope) or self.commands_for(None)
        return {"person": person.to_dict(), "messages": views, "commands": commands}

    def state(self) -> dict[str, Any]:
        """The bot, the people and the page's framing."""
        return {
            "bot": {"username": self.bot_username, "name": self.bot_first_name},
            "people": [person.to_dict() for person in self.people.values()],
            "framing": self.framing,
            "time": self.shown_time(),
            # The try-out's time now (seconds since 1970), and the zone it is shown in: the
            # page's clock moves on from it.
            "now": self.clock.now().timestamp(),
            "zone": self.zone.key,
            "seq": self._seq,
            # Updates the bot has not fetched and acknowledged yet.
            "unfetched": self.pending_update_count,
        }


# ---------------------------------------------------------------------- HTTP handlers


class _ApiHandler(tornado.web.RequestHandler):
    api: TryoutApi

    def initialize(self, api: TryoutApi) -> None:
        self.api = api

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def prepare(self) -> None:
        # A page from another site that renamed itself to this address (DNS rebinding)
        # still names its own host; only this machine's names are served.
        if self.api.host == LOCALHOST and self.request.host_name not in _LOCAL_NAMES:
            raise tornado.web.HTTPError(403, reason="Open the page at 127.0.0.1")

    def check_origin(self) -> None:
        """Refuse requests sent by other web sites' pages (they could post as anyone)."""
        origin = self.request.headers.get("Origin")
        host = self.request.headers.get("Host", "")
        if origin is not None and origin.split("://", 1)[-1] != host:
            raise tornado.web.HTTPError(403, reason="Requests from other sites are refused")

    def body(self) -> dict[str, Any]:
        """The JSON object posted by the page."""
        self.check_origin()
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise tornado.web.HTTPError(400, reason="Not JSON") from None
        if not isinstance(body, dict):
            raise tornado.web.HTTPError(400, reason="Not a JSON object")
        return body

    def reply(self, value: dict[str, Any]) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(value, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": self._reason}))


class _PageHandler(tornado.web.RequestHandler):
    def initialize(self, path: str) -> None:
        self.path = Path(path)

    def get(self) -> None:
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.set_header(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' blob:; media-src 'self' blob:; "
            "object-src 'none'; frame-ancestors 'none'",
        )
        self.finish((self.path / "index.html").read_bytes())


class _NoIconHandler(tornado.web.RequestHandler):
    def get(self) -> None:
        self.set_status(204)
        self.finish()


class _StaticHandler(tornado.web.StaticFileHandler):
    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-store")


class _StateHandler(_ApiHandler):
    def get(self) -> None:
        self.reply(self.api.state())


class _ChatHandler(_ApiHandler):
    def get(self, person_id: str) -> None:
        self.reply(self.api.chat(self.api.person(person_id)))


class _EventsHandler(_ApiHandler):
    async def get(self) -> None:
        try:
            after = int(self.get_query_argument("after", "0"))
        except ValueError:
            raise tornado.web.HTTPError(400, reason="after must be a number") from None
        await self.api.wait_for_news(after, EVENTS_WAIT)
        seq, events, missed = self.api.events_after(after)
        self.reply({"seq": seq, "events": events, "missed": missed})


class _SendHandler(_ApiHandler):
    def post(self) -> None:
        body = self.body()
        person = self.api.person(body.get("person"))
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise tornado.web.HTTPError(400, reason="Type a message first")
        if len(text) > MAX_TEXT:
            raise tornado.web.HTTPError(400, reason="Messages can be up to 4096 characters")
        self.api.say(person, text)
        self.reply({"ok": True})


class _TapHandler(_ApiHandler):
    def post(self) -> None:
        body = self.body()
        person = self.api.person(body.get("person"))
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str) or not data:
            raise tornado.web.HTTPError(400, reason="No such button")
        self.api.press(person, message_id, data)
        self.reply({"ok": True})


class _UploadHandler(_ApiHandler):
    def post(self) -> None:
        self.check_origin()
        person = self.api.person(self.get_body_argument("person", ""))
        kind = _KINDS.get(self.get_body_argument("kind", ""))
        files = self.request.files.get("file")
        if kind is None or not files:
            raise tornado.web.HTTPError(400, reason="Choose a file to send")
        upload = files[0]
        if not upload.body:
            raise tornado.web.HTTPError(400, reason="That file is empty")
        if len(upload.body) > MAX_UPLOAD:
            raise tornado.web.HTTPError(400, reason="Files can be up to 20 MB here")
        self.api.attach(person, kind, upload.body, upload.filename, upload.content_type)
        self.reply({"ok": True})


class _PeopleHandler(_ApiHandler):
    def post(self) -> None:
        body = self.body()
        name = body.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 40:
            raise tornado.web.HTTPError(400, reason="Give a first name of up to 40 characters")
        taken = {person.name.casefold() for person in self.api.people.values()}
        if name.strip().casefold() in taken:
            raise tornado.web.HTTPError(
                400, reason=f"Someone here is already called {name.strip()}. Choose another name."
            )
        person = Person(max(self.api.people, default=2000) + 1, name.strip(), "newcomer")
        self.api.add_person(person)
        if self.api.on_person_added is not None:
            self.api.on_person_added(person)
        self.reply(person.to_dict())


class _ClockHandler(_ApiHandler):
    async def post(self) -> None:
        how = self.body().get("move")
        if how not in MOVES:
            raise tornado.web.HTTPError(400, reason="Time can move an hour, a day, or to 9:00")
        self.api.move_clock(how)
        if self.api.after_clock_moved is not None:
            await self.api.after_clock_moved()
        self.reply({"time": self.api.shown_time(), "now": self.api.clock.now().timestamp()})


class _DownloadHandler(_ApiHandler):
    def get(self, file_id: str) -> None:
        stored = self.api.stored_file(file_id)
        if stored is None:
            raise tornado.web.HTTPError(404, reason="No such file")
        mime = stored.mime_type or "application/octet-stream"
        self.set_header("Content-Type", mime)
        # Files come from anyone in the try-out: only pictures and sound are shown in the
        # page; anything else is saved, and never runs as part of the page.
        self.set_header("Content-Security-Policy", "sandbox")
        shown = mime.startswith(("image/", "audio/")) and not mime.startswith("image/svg")
        name = stored.file_name or f"{stored.kind}-{stored.file_unique_id}"
        save = self.get_query_argument("save", "") or not shown
        disposition = "attachment" if save else "inline"
        self.set_header("Content-Disposition", f"{disposition}; filename*=UTF-8''{quote(name)}")
        self.finish(stored.content)
