"""The try-out as its own process, driven through its chat page's API as people would use it.

The process is the real `chorus tryout`: the bot and the Bot API server built into Chorus.
Tests stop it with SIGTERM or SIGKILL and start it again on the same files; the person who
drives it sees only what the page sees: messages, edits and the short notes a tap shows.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bot.tryout.run import DATABASE_FILE
from tests.support.chorus_run import free_port
from tests.support.database import sqlite_rows

STALE = "doesn't work any more"
# How long a person waits for an answer before the test calls it lost (generous: a loaded
# machine, not the bot, is then the likelier reason).
REPLY_WITHIN = 30


@dataclass
class Reply:
    """What the bot did in one person's chat after one step: messages (new or edited)
    and the notes taps showed."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    toasts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Everything the person could read, one part a line."""
        return "\n".join([m["text"] for m in self.messages] + self.toasts)

    def with_buttons(self) -> dict[str, Any] | None:
        """The last message in the reply that has buttons."""
        found = [m for m in self.messages if any(m["buttons"])]
        return found[-1] if found else None


class TryoutProcess:
    """`chorus tryout` on a fixed port with its files in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        self.log = folder / "tryout.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.people: dict[str, int] = {}
        self.client = httpx.AsyncClient(base_url=self.base, trust_env=False, timeout=40)
        # Messages whose stale taps a test provoked on purpose.
        self.provoked: set[int] = set()
        self.seen_stale: list[str] = []

    def _env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("CHORUS_") and key != "TELEGRAM_BOT_TOKEN"
        }
        env["CHORUS_LOG_LEVEL"] = "INFO"
        return env

    async def start(self) -> None:
        """Start the process and wait until its page answers."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bot",
                    "tryout",
                    "--port",
                    str(self.port),
                    "--data-dir",
                    str(self.folder),
                ],
                cwd=self.folder,
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"the try-out stopped at start:\n{self.output()}")
            try:
                state = (await self.client.get("tryout/state")).json()
            except httpx.TransportError:
                state = {}
            # The page answers before the sample people are in and the invite is known.
            if state.get("people") and (state.get("framing") or {}).get("invite"):
                break
            if time.monotonic() > deadline:
                raise AssertionError("the try-out was not ready within 60 s")
            await asyncio.sleep(0.1)
        self.people = {p["name"]: int(p["id"]) for p in state["people"]}
        self.framing = state["framing"]

    def stop(self, how: signal.Signals) -> None:
        """Stop the process with `how`; a SIGTERM must end it within the 30 s grace period."""
        assert self.process is not None
        self.process.send_signal(how)
        code = self.process.wait(timeout=30)
        if how is signal.SIGTERM:
            assert code == 0, f"a clean stop ended with {code}:\n{self.output()}"

    def output(self) -> str:
        """Everything the process printed, over every start."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    async def close(self) -> None:
        """Stop whatever still runs and close the client."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
        await self.client.aclose()

    # ------------------------------------------------------------------ what people do

    async def _seq(self) -> int:
        return int((await self.client.get("tryout/state")).json()["seq"])

    async def _post(self, path: str, body: dict[str, Any]) -> None:
        answer = await self.client.post(path, json=body)
        assert answer.status_code == 200, f"{path}: {answer.text}"

    async def say(
        self, who: str, text: str, expect: str | None = None, buttons: bool = False
    ) -> Reply:
        """`who` types `text`; the reply, once it holds `expect` (or anything), and buttons
        if `buttons`."""
        seq = await self._seq()
        await self._post("tryout/send", {"person": self.people[who], "text": text})
        return await self._reply(who, seq, expect, f"{who} typed {text[:40]!r}", buttons)

    async def tap(
        self, who: str, message: dict[str, Any], label: str, expect: str | None = None
    ) -> Reply:
        """`who` taps the button whose label holds `label` on `message`."""
        buttons = [b for row in message["buttons"] for b in row if b.get("data")]
        matching = [b for b in buttons if label in b["text"]]
        assert matching, f"no button {label!r} on: {[b['text'] for b in buttons]}"
        return await self.tap_data(who, message, matching[0]["data"], expect, matching[0]["text"])

    async def tap_data(
        self,
        who: str,
        message: dict[str, Any],
        data: str,
        expect: str | None = None,
        label: str = "",
    ) -> Reply:
        """`who` taps the button carrying `data` on `message`."""
        seq = await self._seq()
        await self._post(
            "tryout/tap", {"person": self.people[who], "message_id": message["id"], "data": data}
        )
        return await self._reply(who, seq, expect, f"{who} tapped {label or data!r}")

    async def move_clock(self, how: str) -> str:
        """Move the try-out's time on: "hour", "day" or "morning"; the time shown after."""
        answer = await self.client.post("tryout/clock", json={"move": how})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["time"])

    async def shown_time(self) -> str:
        """The try-out's time as the page shows it, e.g. "Fri 4 December, 06:50"."""
        return str((await self.client.get("tryout/state")).json()["time"])

    async def chat(self, who: str) -> dict[str, Any]:
        """Everything in one person's chat, and their command menu."""
        return dict((await self.client.get(f"tryout/chat/{self.people[who]}")).json())

    async def menu(self, who: str, timeout: float = 40) -> list[str]:
        """The commands in `who`'s menu, once the bot has set it after starting."""
        deadline = time.monotonic() + timeout
        seq = 0
        while not (commands := (await self.chat(who))["commands"]):
            left = deadline - time.monotonic()
            assert left > 0, f"{who} had no command menu within {timeout} s"
            seq = await self._next_events(seq, left)
        return [str(c["command"]) for c in commands]

    async def wait_for(
        self, who: str, wanted: Callable[[dict[str, Any]], bool], timeout: float = 40
    ) -> dict[str, Any]:
        """The first message in `who`'s chat (now or soon) that `wanted` accepts."""
        deadline = time.monotonic() + timeout
        seq = 0
        while True:
            found = [m for m in (await self.chat(who))["messages"] if wanted(m)]
            if found:
                return found[-1]
            left = deadline - time.monotonic()
            assert left > 0, (
                f"nothing wanted reached {who} within {timeout} s; the try-out said, last:\n"
                + "\n".join(self.output().splitlines()[-40:])
            )
            seq = await self._next_events(seq, left)

    async def _next_events(self, seq: int, within: float) -> int:
        """The newest event number once something happened, or `within` s passed."""
        try:
            answer = await self.client.get("tryout/events", params={"after": seq}, timeout=within)
        except httpx.ReadTimeout:
            return seq
        return int(answer.json()["seq"])

    async def _reply(
        self, who: str, seq: int, expect: str | None, step: str, buttons: bool = False
    ) -> Reply:
        """Events in `who`'s chat after `seq` until the bot answered (holding `expect`)."""
        chat = self.people[who]
        reply = Reply()
        deadline = time.monotonic() + REPLY_WITHIN
        while True:
            answer = await self.client.get("tryout/events", params={"after": seq}, timeout=30)
            seq = self._collect(answer.json(), chat, reply)
            answered = reply.messages or reply.toasts
            if (
                answered
                and (expect is None or expect in reply.text)
                and (not buttons or reply.with_buttons() is not None)
            ):
                # The rest of the answer to this step (the update is settled once every
                # direct reply went out), so that none of it is taken for the next step's.
                await self.all_handled()
                if await self._seq() > seq:
                    answer = await self.client.get("tryout/events", params={"after": seq})
                    self._collect(answer.json(), chat, reply)
                break
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{step}: no reply{f' holding {expect!r}' if expect else ''} "
                    f"within {REPLY_WITHIN} s; got {reply.text!r}"
                )
        if STALE in reply.text:
            self.seen_stale.append(f"{step}: {reply.text}")
        return reply

    @staticmethod
    def _collect(news: dict[str, Any], chat: int, reply: Reply) -> int:
        """Add the bot's messages and notes in `chat` to `reply`; the newest event number."""
        for event in news["events"]:
            if event["chat_id"] != chat:
                continue
            if event["kind"] == "message" and not event["message"]["mine"]:
                reply.messages.append(event["message"])
            elif event["kind"] == "toast":
                reply.toasts.append(event["text"])
        return int(news["seq"])

    # ------------------------------------------------------------------ checks

    def unhandled_updates(self) -> int:
        """Updates stored by the bot and not yet handled."""
        query = "SELECT count(*) FROM update_journal"
        [(count,)] = sqlite_rows(self.folder / DATABASE_FILE, query)
        return int(count)

    async def all_handled(self, timeout: float = 15) -> None:
        """Wait until the bot has fetched every update (it stores them before it asks for
        more, which acknowledges them) and handled every update it stored (its row is gone
        once the reply went out, a moment after the person saw it)."""
        deadline = time.monotonic() + timeout
        while (unfetched := await self._unfetched()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert unfetched == 0, f"{unfetched} update(s) were never fetched"
        while (left := self.unhandled_updates()) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert left == 0, f"{left} update(s) were never handled"

    async def _unfetched(self) -> int:
        return int((await self.client.get("tryout/state")).json()["unfetched"])
