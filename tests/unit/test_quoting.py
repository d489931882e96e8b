"""Every kind of item asks how it may be used, and "you said, we did" quotes what consent
allows and counts the rest."""

from __future__ import annotations

from datetime import timedelta

from bot.presentation.outgoing import render_text
from bot.services import Services
from bot.services.inbox import EVENT_PURPOSE
from bot.services.sharing import Consent, Kind, ShareStage
from storage.database import Storage
from storage.followup import EventNew
from tests.support.clock import FakeClock
from tests.unit.test_sharing import ANNA, BEN, _group


async def test_feedback_asks_how_it_may_be_used_and_back_keeps_the_words(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    await _group(storage, clock, [ANNA])
    sharing = services.sharing
    await sharing.start(ANNA)
    await sharing.choose_kind(ANNA, Kind.FEEDBACK.value)
    await sharing.give_words(ANNA, "The forms are too long")
    view = await sharing.choose_named(ANNA, False)
    assert view.draft is not None and view.draft.stage is ShareStage.CONSENT
    # Without a name, "with my name" is refused; the draft stays where it was.
    refused = await sharing.choose_consent(ANNA, Consent.QUOTE_NAMED.value)
    assert refused.problem is not None and refused.draft is not None
    assert refused.draft.stage is ShareStage.CONSENT
    preview = await sharing.choose_consent(ANNA, Consent.QUOTE_ANONYMOUS.value)
    assert preview.draft is not None and preview.draft.stage is ShareStage.PREVIEW
    back = await sharing.back(ANNA)
    assert back.draft is not None and back.draft.stage is ShareStage.CONSENT
    back = await sharing.back(ANNA)
    assert back.draft is not None and back.draft.stage is ShareStage.NAME
    assert back.draft.words == "The forms are too long"
    assert back.draft.consent is Consent.QUOTE_ANONYMOUS


async def test_the_board_quotes_feedback_and_counts_what_it_cannot_quote(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA, BEN])
    sent = [
        await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, words, True, consent)
        for words, consent in [
            ("Quote the forms", Consent.QUOTE_ANONYMOUS),
            ("Keep this private", Consent.COORDINATORS),
            ("Also private", Consent.COORDINATORS),
            ("Taken back", Consent.COORDINATORS),
        ]
    ]
    async with storage.transaction() as tx:
        for result in sent:
            assert result.receipt is not None
            item = await tx.items.by_reference(result.receipt.reference)
            assert item is not None
            did = services.sealer.seal("the forms are one page now", EVENT_PURPOSE)
            event = EventNew(item.id, "outcome", clock.now(), None, "changed", did)
            await tx.followup.add_event(event)
    taken_back = sent[3].receipt
    assert taken_back is not None
    await services.sharing.withdraw(ANNA, taken_back.reference)
    board = await services.you_said.board(BEN, group)
    assert board is not None and not board.empty
    said = render_text(board.said)
    assert "Keep this private" not in said and "P1003" not in said
    assert "Someone said: “Quote the forms”" in said and "one page now" in said
    # Two private outcomes are counted, never shown; the one taken back is not counted.
    assert "And 2 more changes we can't quote." in said


async def test_consent_changed_from_mine_and_its_last_day_hold_for_feedback(
    services: Services, storage: Storage, clock: FakeClock
) -> None:
    group = await _group(storage, clock, [ANNA, BEN])
    sent = await services.sharing.submit(ANNA, ANNA, group, Kind.FEEDBACK, "Warmer room", True)
    assert sent.receipt is not None
    reference = sent.receipt.reference
    async with storage.transaction() as tx:
        item = await tx.items.by_reference(reference)
        assert item is not None
        did = services.sealer.seal("the heating is fixed", EVENT_PURPOSE)
        await tx.followup.add_event(
            EventNew(item.id, "outcome", clock.now(), None, "changed", did)
        )

    async def said() -> str:
        board = await services.you_said.board(BEN, group)
        assert board is not None
        return render_text(board.said)

    assert "Warmer room" not in await said() and "1 change came from" in await said()
    changed = await services.consent.change(ANNA, reference, Consent.QUOTE_NAMED.value)
    assert changed is not None and changed.consent is Consent.QUOTE_NAMED
    assert "P1003 said: “Warmer room”" in await said()
    await services.consent.quote_for(ANNA, reference, "m1")
    clock.advance(timedelta(days=40))
    assert "Warmer room" not in await said() and "1 change came from" in await said()
