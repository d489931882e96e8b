"""Taking back an item whose words raised a safety alert: the alert stays with the leads
(someone may have been at risk), but its words go from the alert, from every message that
quoted them to a lead, and from the outbox."""

from __future__ import annotations

from pathlib import Path

from bot.crypto import SEALED_PREFIX
from bot.services.delivery_rules import PAYLOAD_PURPOSE
from tests.e2e.test_safety import RISKY, _risky_draft, clock, seeded
from tests.support.chorus_run import RunningChorus
from tests.support.fake_bot_api import FakeBotApi
from tests.support.phone import Phone
from tests.support.sharing import COORDINATOR, rows, sealer

__all__ = ["clock", "seeded"]  # the fixtures, shared with the safety tests
TAKEN_BACK = "taken back by the person who wrote them"


def _opened_payloads(folder: Path) -> list[str]:
    opened = []
    for row in rows(folder, "SELECT payload FROM outbox"):
        payload = str(row["payload"])
        if payload.startswith(SEALED_PREFIX):
            payload = sealer().open(payload, PAYLOAD_PURPOSE)
        opened.append(payload)
    return opened


async def test_taking_back_an_item_takes_its_words_out_of_the_leads_alert(
    fake: FakeBotApi, seeded: RunningChorus, tmp_path: Path
) -> None:
    member, lead = Phone(fake, 806), Phone(fake, COORDINATOR)
    reply = await _risky_draft(fake, member)
    await member.tap("Yes, please contact me", reply)
    alert = await fake.wait_for_text(lead.id, "Safety alert")
    assert RISKY in alert["text"] and "M806" in alert["text"]
    question = await member.tap("Carry on with what I was writing", reply)
    await member.tap("With my name", question)
    await member.tap("Only coordinators read it")
    await member.tap("Send")

    listing = await member.send("/mine")
    ask = await member.tap("Take back 1", listing)
    await member.tap("Yes, take it back", ask)

    edited = await fake.wait_for(
        lambda c: (
            c.method == "editMessageText"
            and c.params.get("chat_id") == lead.id
            and c.params.get("message_id") == alert["message_id"]
            and c.response is not None
        ),
        timeout=10,
    )
    assert edited is not None
    now = fake.message(lead.id, alert["message_id"])
    assert TAKEN_BACK in now["text"] and RISKY not in now["text"]
    assert "want to end it all" not in now["text"]
    # The alert itself stays: who asked to be contacted, what the detector saw, its buttons.
    assert "M806" in now["text"] and "Talks of ending their life" in now["text"]
    assert [label for label, _ in fake.buttons(now)] == ["I'll handle this", "Write to them"]
    [stored] = rows(tmp_path, "SELECT words, withdrawn_at, state FROM risk_alert")
    assert stored["words"] is None and stored["withdrawn_at"] is not None
    assert stored["state"] == "named"
    assert not any(RISKY in payload for payload in _opened_payloads(tmp_path))
    assert rows(tmp_path, "SELECT id FROM alert_copy") == []
