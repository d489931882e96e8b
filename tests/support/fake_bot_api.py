"""A fake of Telegram's Bot API HTTP server for tests, built on Chorus's own local server.

`FakeBotApi` is ``localapi.BotApiServer`` (the Bot API methods Chorus uses, on 127.0.0.1,
an ephemeral port, on the running event loop) plus what only tests need. Tests create updates
the way a user would (``send_text``, ``tap``), then inspect what the bot did (``calls``,
``texts_to``, ``wait_for``) and inject faults (``hold``, ``fail_next``, ``blocked``,
``fail_chats``, ``lose_response_next``, ``delay_next``). It also serves webhooks.

Telegram's flood limits can be switched on (``limit_per_second``, ``limit_private_interval``,
``limit_group_per_minute``): calls that break them are recorded in ``breaches`` and, unless
``enforce_limits`` is off, answered with 429 "Too Many Requests" like Telegram does.
``delivered_to`` and ``duplicates`` count what reached the users, e.g. for benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from localapi.protocol import (
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    ApiError,
    Call,
    ChatUser,
    ClientConnection,
    Pending,
    StoredFile,
    parse_telegram_html,
)
from localapi.server import BotApiServer, MethodImpl

__all__ = [
    "COUNTED_METHODS",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "ApiError",
    "Breach",
    "Call",
    "FakeBotApi",
    "FakeUser",
    "StoredFile",
    "parse_telegram_html",
]

logger = logging.getLogger(__name__)

# A person chatting with the bot (the name the tests have always used).
FakeUser = ChatUser

WEBHOOK_RETRY_DELAY = 0.05
WEBHOOK_MAX_TRIES = 200
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# Methods that send or edit a message: these count towards Telegram's flood limits.
COUNTED_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendAudio",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendPaidMedia",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendSticker",
        "sendInvoice",
        "sendGame",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageMedia",
        "editMessageReplyMarkup",
        "editMessageLiveLocation",
        "stopMessageLiveLocation",
    }
)
_COUNTED_KEYS = frozenset(name.lower() for name in COUNTED_METHODS)


@dataclass
class Breach:
    """One counted call that broke a flood limit.

    ``kind`` is ``"overall"`` (``limit_per_second``), ``"private_chat"``
    (``limit_private_interval``) or ``"group_chat"`` (``limit_group_per_minute``); ``at`` is the
    ``FakeBotApi.clock`` reading when the call arrived; ``detail`` says by how much.
    """

    kind: str
    method: str
    chat_id: int | None
    at: float
    detail: str


@dataclass(frozen=True)
class _Delay:
    seconds: float
    store: bool


class FakeBotApi(BotApiServer):
    """The local Bot API server with fault injection, flood-limit checks and waiters for tests.

    Flood limits (all off by default; the keyword arguments are also mutable attributes) apply
    to the calls of ``COUNTED_METHODS``, checked when a call arrives, before it is handled:

    * ``limit_per_second``: more than this many counted calls within the last second
      (window ``(t - 1, t]``, ``t`` the arrival time, the call itself included) is a breach;
    * ``limit_private_interval``: a counted call to a private chat (positive id) less than this
      many seconds after the previous one to that chat is a breach;
    * ``limit_group_per_minute``: more than this many counted calls to one group chat (negative
      id) within the last 60 seconds is a breach.

    Every breach is appended to ``breaches``. With ``enforce_limits`` (the default) the call is
    then answered like Telegram does, with 429 "Too Many Requests: retry after N" and
    ``parameters.retry_after`` N = ``retry_after_on_breach``, and nothing is sent. Breaching
    calls still count in the windows, as do calls that fail for another reason.

    ``tolerance`` (seconds, default 0) shortens every window and interval when checking: a client
    that paces itself exactly at a limit can still have its requests arrive slightly closer
    together than it sent them (network and event loop jitter), e.g. with
    ``limit_private_interval=1.0`` and ``tolerance=0.05`` a gap of 0.96 s passes, and the
    overall window becomes ``(t - 0.95, t]``. Changing it affects later checks only.

    ``clock`` (default ``time.monotonic``) is the non-decreasing time source of the limit
    checks; tests can replace it to move time without sleeping.

    Bookkeeping is O(1) amortised per call (deques pruned to the windows).
    """

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "chorus_test_bot",
        *,
        limit_per_second: float | None = None,
        limit_private_interval: float | None = None,
        limit_group_per_minute: int | None = None,
        enforce_limits: bool = True,
        retry_after_on_breach: int = 1,
        tolerance: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(token, bot_username)
        self.calls: list[Call] = []
        self.unknown_calls: list[Call] = []
        self.webhook_secret: str | None = None
        self.webhook_delivered: list[int] = []
        self.webhook_last_error: tuple[int, str] | None = None

        self.limit_per_second = limit_per_second
        self.limit_private_interval = limit_private_interval
        self.limit_group_per_minute = limit_group_per_minute
        self.enforce_limits = enforce_limits
        self.retry_after_on_breach = retry_after_on_breach
        self.tolerance = tolerance
        self.clock = clock
        self.breaches: list[Breach] = []
        # chat id -> (status, description) every counted call to that chat is answered with
        self.fail_chats: dict[int, tuple[int, str]] = {}
        # Calls that were handled but whose response was never sent (``lose_response_next``).
        self.lost_responses: list[Call] = []

        self._sent_index: dict[int, list[Call]] = {}
        # chat id -> text (or caption) of each message the bot sent there, at sending time
        self._delivered: dict[int, list[str | None]] = {}

        self._holds: dict[str, asyncio.Event] = {}
        self._faults: dict[str, deque[ApiError]] = {}
        self._losses: dict[str, int] = {}
        self._delays: dict[str, deque[_Delay]] = {}
        # Arrival times (``clock``) of recent counted calls: overall, per group chat; and the
        # last one per private chat.
        self._recent: deque[float] = deque()
        self._group_recent: dict[int, deque[float]] = {}
        self._private_last: dict[int, float] = {}
        self._call_waiters: list[tuple[Callable[[Call], bool], asyncio.Future[Call]]] = []
        self._message_waiters: list[
            tuple[int, Callable[[dict[str, Any]], bool], asyncio.Future[dict[str, Any]]]
        ] = []

        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_client: httpx.AsyncClient | None = None
        self._webhook_max_connections = 40

        self.register_method("setWebhook", self._set_webhook)
        self.register_method("getWebhookInfo", self._get_webhook_info)

    # ------------------------------------------------------------------ lifecycle hooks

    def _on_start(self) -> None:
        if self.webhook_url:
            self._start_webhook_delivery()

    async def _on_stop(self) -> None:
        for gate in self._holds.values():
            gate.set()
        self._holds.clear()
        await self._stop_webhook_delivery()

    async def _on_closed(self) -> None:
        if self._webhook_client is not None:
            await self._webhook_client.aclose()
            self._webhook_client = None

    def _on_queued(self) -> None:
        if self.webhook_url and self._server is not None:
            self._start_webhook_delivery()

    # ------------------------------------------------------------------ request handling

    def _on_call(self, call: Call, *, known: bool) -> None:
        self._index_sent(call)
        if known:
            self.calls.append(call)
            self._notify_call(call)
        else:
            self.unknown_calls.append(call)

    def _on_answered(self, call: Call) -> None:
        # Again, so that predicates looking at the answer can match.
        self._notify_call(call)

    def _on_message(self, chat_id: int, message: dict[str, Any]) -> None:
        self._notify_message(chat_id, message)

    def _store_message(self, chat_id: int, message: dict[str, Any]) -> None:
        if message["message_id"] not in self._bot_messages.get(chat_id, {}):
            text = message.get("text", message.get("caption"))
            self._delivered.setdefault(chat_id, []).append(text if isinstance(text, str) else None)
        super()._store_message(chat_id, message)

    async def _serve(
        self,
        call: Call,
        key: str,
        impl: MethodImpl,
        connection: ClientConnection,
        parse_error: ApiError | None,
    ) -> tuple[int, bytes] | None:
        """Answers one call, applying holds, delays, lost responses, faults and flood limits.

        Errors take precedence in this order: unparsable parameters, ``fail_next``, a flood
        limit breach (when enforced), ``fail_chats``, then the method's own checks.
        """
        params = call.params
        counted = key in _COUNTED_KEYS
        chat_id = self._limit_chat_id(params) if counted else None
        breached = self._check_limits(call.method, chat_id) if counted else False
        delay = self._take_delay(key)
        lose = self._take_loss(key)
        gate = self._holds.get(key)
        if gate is not None:
            await gate.wait()
        if delay is not None and not delay.store:
            await self._pause(delay.seconds, connection)
            if connection.closed.done():
                # The client gave up before the request was handled: nothing happens.
                return None
        error = parse_error
        faults = self._faults.get(key)
        if error is None and faults:
            error = faults.popleft()
        if error is None and breached and self.enforce_limits:
            retry_after = self.retry_after_on_breach
            error = ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        if error is None and counted and chat_id is not None and chat_id in self.fail_chats:
            error = ApiError(*self.fail_chats[chat_id])
        status, payload = await self._outcome(call.method, impl, params, connection, error)
        if delay is not None and delay.store:
            await self._pause(delay.seconds, connection)
        answer = self._answer(call, status, payload)
        if lose:
            self.lost_responses.append(call)
            return None
        return answer

    async def _pause(self, seconds: float, connection: ClientConnection) -> None:
        """Waits ``seconds``, less if the client hangs up or the server stops."""
        if seconds <= 0:
            return
        waits: set[asyncio.Future[Any]] = {connection.closed}
        if self._stopping is not None:
            waits.add(asyncio.ensure_future(self._stopping.wait()))
        try:
            await asyncio.wait(waits, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiting in waits:
                if waiting is not connection.closed:
                    waiting.cancel()

    def _take_delay(self, key: str) -> _Delay | None:
        delays = self._delays.get(key)
        return delays.popleft() if delays else None

    def _take_loss(self, key: str) -> bool:
        left = self._losses.get(key, 0)
        if left <= 0:
            return False
        self._losses[key] = left - 1
        return True

    # ------------------------------------------------------------------ flood limits

    def _limit_chat_id(self, params: dict[str, Any]) -> int | None:
        """The target chat of a counted call, if it names one the fake can resolve."""
        chat_id = params.get("chat_id")
        if isinstance(chat_id, bool):
            return None
        if isinstance(chat_id, int):
            return chat_id
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            username = chat_id[1:]
            return next(
                (cid for cid, chat in self._chats.items() if chat.get("username") == username),
                None,
            )
        return None

    def _check_limits(self, method: str, chat_id: int | None) -> bool:
        """Counts a call arriving now; records and reports whether it breaks a limit."""
        now = self.clock()
        tolerance = max(0.0, self.tolerance)
        found: list[Breach] = []

        window = max(0.0, 1.0 - tolerance)
        recent = self._recent
        while recent and recent[0] <= now - window:
            recent.popleft()
        recent.append(now)
        limit = self.limit_per_second
        if limit is not None and len(recent) > limit:
            found.append(
                Breach(
                    "overall",
                    method,
                    chat_id,
                    now,
                    f"{len(recent)} counted calls within {window:g} s "
                    f"(limit {limit:g} per second)",
                )
            )

        if chat_id is not None and chat_id > 0:
            last = self._private_last.get(chat_id)
            self._private_last[chat_id] = now
            interval = self.limit_private_interval
            if interval is not None and last is not None and now - last < interval - tolerance:
                found.append(
                    Breach(
                        "private_chat",
                        method,
                        chat_id,
                        now,
                        f"{now - last:.3f} s after the previous call to private chat {chat_id} "
                        f"(minimum interval {interval:g} s, tolerance {tolerance:g} s)",
                    )
                )
        elif chat_id is not None and chat_id < 0:
            window = max(0.0, 60.0 - tolerance)
            group = self._group_recent.get(chat_id)
            if group is None:
                group = self._group_recent[chat_id] = deque()
            while group and group[0] <= now - window:
                group.popleft()
            group.append(now)
            per_minute = self.limit_group_per_minute
            if per_minute is not None and len(group) > per_minute:
                found.append(
                    Breach(
                        "group_chat",
                        method,
                        chat_id,
                        now,
                        f"{len(group)} counted calls to group chat {chat_id} within "
                        f"{window:g} s (limit {per_minute} per minute)",
                    )
                )

        if found:
            self.breaches.extend(found)
            for breach in found:
                logger.debug("flood limit breach: %s %s: %s", breach.kind, method, breach.detail)
        return bool(found)

    def _index_sent(self, call: Call) -> None:
        method = call.method
        if not method.startswith("send") or method == "sendChatAction":
            return
        chat_id = call.params.get("chat_id")
        if isinstance(chat_id, int):
            self._sent_index.setdefault(chat_id, []).append(call)

    def _notify_call(self, call: Call) -> None:
        if not self._call_waiters:
            return
        for predicate, future in list(self._call_waiters):
            if future.done():
                continue
            try:
                matched = predicate(call)
            except Exception as exc:
                future.set_exception(exc)
                continue
            if matched:
                future.set_result(call)

    def _notify_message(self, chat_id: int, message: dict[str, Any]) -> None:
        if not self._message_waiters:
            return
        for waiter_chat, predicate, future in list(self._message_waiters):
            if waiter_chat == chat_id and not future.done() and predicate(message):
                future.set_result(message)

    # ------------------------------------------------------------------ fault injection

    def hold(self, method: str) -> None:
        """Makes requests to ``method`` wait, unanswered, until ``release(method)``.

        Held requests are recorded in ``calls`` when they arrive.
        """
        self._holds.setdefault(method.lower(), asyncio.Event())

    def release(self, method: str) -> None:
        """Answers the held requests to ``method`` normally and stops holding it."""
        gate = self._holds.pop(method.lower(), None)
        if gate is not None:
            gate.set()

    def fail_next(
        self,
        method: str,
        status: int,
        description: str,
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Answers the next ``count`` requests to ``method`` with this error.

        Errors are queued, one per call, after any queued before. A 5xx status makes PTB raise
        ``NetworkError``; a ``retry_after`` makes it raise ``RetryAfter``.
        """
        error = ApiError(status, description, retry_after)
        self._faults.setdefault(method.lower(), deque()).extend([error] * count)

    def lose_response_next(self, method: str, count: int = 1) -> None:
        """Handles the next ``count`` requests to ``method`` normally but never answers them.

        A message they send is stored (``texts_to`` shows it); then the server closes the
        connection without a response, so the client sees a network error. The calls are
        recorded in ``lost_responses`` (and in ``calls``, with the status they would have got).
        """
        key = method.lower()
        self._losses[key] = self._losses.get(key, 0) + count

    def delay_next(self, method: str, seconds: float, count: int = 1, store: bool = True) -> None:
        """Answers the next ``count`` requests to ``method`` only after ``seconds``.

        With ``store`` (the default) the request is handled at once (a message is stored) and
        only the answer waits, so a client with a shorter timeout gives up on a message that
        was in fact sent. Without ``store`` the request waits before it is handled and is
        dropped, unhandled, if the client hangs up in the meantime (as if it never reached
        Telegram; its ``Call`` keeps ``status`` None). Stopping the server cuts delays short.
        """
        delay = _Delay(seconds, store)
        self._delays.setdefault(method.lower(), deque()).extend([delay] * count)

    # ------------------------------------------------------------------ files and updates

    def file(self, file_id: str) -> StoredFile:
        """A stored file by its id (fails the test if there is none)."""
        if file_id not in self._files:
            raise AssertionError(f"no file {file_id!r} was ever stored")
        return self._files[file_id]

    def resend(self, update_id: int) -> None:
        """Delivers the same update once more, even if the bot already acknowledged it."""
        if update_id not in self._updates_by_id:
            raise AssertionError(f"no update {update_id} was ever added")
        self._queue(Pending(update_id, self._updates_by_id[update_id], redelivery=True))

    # ------------------------------------------------------------------ inspecting

    def sent_to(self, chat_id: int) -> list[Call]:
        """The ``send*`` calls (except sendChatAction) addressed to ``chat_id``, in order."""
        return list(self._sent_index.get(chat_id, ()))

    def delivered_to(self, chat_id: int) -> int:
        """How many messages the bot sent to ``chat_id`` that the fake accepted and stored.

        Edits do not count; messages deleted later still do.
        """
        return len(self._delivered.get(chat_id, ()))

    def duplicates(self, predicate: Callable[[str], bool] | None = None) -> dict[int, int]:
        """Per chat, how many sent messages repeat the text of an earlier one in that chat.

        Texts (or captions) are compared as they were sent, before any edit; messages with
        neither are ignored, and so are those for which ``predicate(text)`` is false. Chats
        without duplicates are left out, so ``{}`` means none at all.
        """
        found: dict[int, int] = {}
        for chat_id, texts in self._delivered.items():
            seen = Counter(
                text
                for text in texts
                if text is not None and (predicate is None or predicate(text))
            )
            extra = sum(n - 1 for n in seen.values())
            if extra:
                found[chat_id] = extra
        return found

    def assert_no_unknown_calls(self) -> None:
        """Fails if the bot called any method the fake does not implement."""
        if self.unknown_calls:
            listed = "\n".join(
                f"  {call.method}({_short(call.params, 200)})" for call in self.unknown_calls
            )
            raise AssertionError(
                f"the bot called {len(self.unknown_calls)} method(s) the fake does not "
                f"implement:\n{listed}"
            )

    async def wait_until_idle(self, timeout: float = 5.0) -> None:
        """Waits until no request is being handled (a held or delayed one keeps it busy)."""
        assert self._idle is not None, "the fake Bot API is not running"
        await asyncio.wait_for(self._idle.wait(), timeout)

    async def wait_for(self, predicate: Callable[[Call], bool], timeout: float = 5.0) -> Call:
        """The first call (already received or future) for which ``predicate`` is true.

        ``predicate`` sees each call when it arrives and again once it has been answered
        (``Call.status`` set), so it may test either.
        """
        for call in self.calls:
            if predicate(call):
                return call
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        waiter = (predicate, future)
        self._call_waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no matching Bot API call within {timeout} s; {self._describe_recent()}"
            ) from None
        finally:
            self._call_waiters.remove(waiter)

    async def wait_for_text(
        self, chat_id: int, contains: str, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Waits until a bot message in the chat (sent or edited) contains ``contains``."""

        def matches(message: dict[str, Any]) -> bool:
            return contains in message.get("text", "")

        for message in self._bot_messages.get(chat_id, {}).values():
            if matches(message):
                return message
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        waiter = (chat_id, matches, future)
        self._message_waiters.append(waiter)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise AssertionError(
                f"no bot message containing {contains!r} in chat {chat_id} within {timeout} s; "
                f"texts there: {self.texts_to(chat_id)!r}; {self._describe_recent()}"
            ) from None
        finally:
            self._message_waiters.remove(waiter)

    def _describe_recent(self, count: int = 20) -> str:
        if not self.calls and not self.unknown_calls:
            return "the bot made no calls"
        start = self.calls[0].at if self.calls else 0.0
        lines = [
            f"  +{call.at - start:7.3f}s {call.method} -> {call.status} {_short(call.params)}"
            for call in self.calls[-count:]
        ]
        text = f"last {len(lines)} of {len(self.calls)} calls:\n" + "\n".join(lines)
        if self.unknown_calls:
            text += "\nunknown methods called: " + ", ".join(c.method for c in self.unknown_calls)
        return text

    # ------------------------------------------------------------------ webhook

    async def _set_webhook(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params, connection)
        if not isinstance(url, str) or not re.match(r"https?://[^/\s]+", url):
            raise ApiError(400, "Bad Request: bad webhook: invalid webhook URL specified")
        secret = params.get("secret_token") or None
        if secret is not None and not _SECRET_RE.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(kind) for kind in allowed] or None
        max_connections = params.get("max_connections")
        if isinstance(max_connections, int):
            self._webhook_max_connections = max_connections
        if params.get("drop_pending_updates"):
            self._pending.clear()
        changed = (url, secret) != (self.webhook_url, self.webhook_secret)
        self.webhook_url = url
        self.webhook_secret = None if secret is None else str(secret)
        self.webhook_last_error = None
        if changed:
            await self._stop_webhook_delivery()
        self._start_webhook_delivery()
        # Ends a waiting long poll, which now has to fail with a conflict.
        self._notify_updates()
        return True

    async def _delete_webhook(self, params: dict[str, Any], connection: ClientConnection) -> bool:
        await super()._delete_webhook(params, connection)
        self.webhook_secret = None
        self.webhook_last_error = None
        await self._stop_webhook_delivery()
        return True

    async def _get_webhook_info(
        self, params: dict[str, Any], connection: ClientConnection
    ) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook_url:
            info["max_connections"] = self._webhook_max_connections
            info["ip_address"] = "127.0.0.1"
            if self.allowed_updates:
                info["allowed_updates"] = list(self.allowed_updates)
        if self.webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self.webhook_last_error
        return info

    def _start_webhook_delivery(self) -> None:
        if self._webhook_task is not None and not self._webhook_task.done():
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._webhook_task = loop.create_task(self._deliver_webhooks(), name="fake-bot-webhook")

    async def _stop_webhook_delivery(self) -> None:
        task, self._webhook_task = self._webhook_task, None
        if task is None or task is asyncio.current_task():
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _deliver_webhooks(self) -> None:
        """Posts pending updates to the webhook one at a time, retrying failures."""
        if self._webhook_client is None:
            self._webhook_client = httpx.AsyncClient(trust_env=False, timeout=10.0)
        client = self._webhook_client
        tries = 0
        while self.webhook_url and not self._closing:
            batch = self._take_updates(1)
            if not batch:
                await self._update_signal()
                continue
            entry = batch[0]
            headers = {"Content-Type": "application/json"}
            if self.webhook_secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
            body = json.dumps(entry.update, ensure_ascii=False).encode("utf-8")
            try:
                response = await client.post(self.webhook_url, content=body, headers=headers)
            except httpx.HTTPError as exc:
                error = f"Connection failed: {exc!r}"
            else:
                if 200 <= response.status_code < 300:
                    if entry in self._pending:
                        self._pending.remove(entry)
                    self.webhook_delivered.append(entry.update_id)
                    tries = 0
                    continue
                error = (
                    f"Wrong response from the webhook: {response.status_code} "
                    f"{response.reason_phrase}"
                )
            self.webhook_last_error = (int(time.time()), error)
            tries += 1
            logger.debug("webhook delivery of update %s failed: %s", entry.update_id, error)
            if tries >= WEBHOOK_MAX_TRIES:
                logger.warning(
                    "dropping update %s after %s failed webhook deliveries",
                    entry.update_id,
                    tries,
                )
                if entry in self._pending:
                    self._pending.remove(entry)
                tries = 0
                continue
            await asyncio.sleep(WEBHOOK_RETRY_DELAY)
