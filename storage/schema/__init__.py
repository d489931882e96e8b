"""The database schema (SQLAlchemy Core), one module per concern. Migrations in
`storage/migrations` create it; `schema.<table>` names every table from here."""

# The tables are declared in the order of the modules below, as they were in one file.
# ruff: noqa: I001
from __future__ import annotations

from storage.schema.base import UTC_TIME, metadata
from storage.schema.core import (
    broadcast,
    coordinator_link,
    group,
    group_coordinator,
    membership,
    membership_departure,
    outbox,
    pending_step,
    person,
    seen_update,
    update_journal,
)
from storage.schema.sessions import (
    group_session,
    session_answer,
    session_attendance,
    session_reminder,
)
from storage.schema.sharing import group_observer, item, item_hold, observer_link, prompt
from storage.schema.safety import risk_alert, safeguarding_lead
from storage.schema.followup import (
    action_item,
    action_update,
    contributor_update,
    digest_preference,
    item_event,
    followup_action,
    followup_run,
    followup_setting,
    meeting,
)
from storage.schema.conversations import conversation, conversation_message
from storage.schema.rights import data_request, erasure, kept_hours
from storage.schema.copies import item_copy
from storage.schema.replicas import chat_pace, replica, tick_run
from storage.schema.withdrawal import alert_copy
from storage.schema.payments import (
    kept_payment,
    payee,
    payment_choice,
    payment_claim,
    payment_policy,
    receipt_copy,
)

# The follow-up tables' names in code before they were called follow-up (the tables
# themselves keep these names).
loop_action = followup_action
loop_group_setting = followup_setting
loop_run = followup_run

__all__ = [
    "UTC_TIME",
    "action_item",
    "action_update",
    "alert_copy",
    "broadcast",
    "chat_pace",
    "contributor_update",
    "conversation",
    "conversation_message",
    "coordinator_link",
    "data_request",
    "digest_preference",
    "erasure",
    "followup_action",
    "followup_run",
    "followup_setting",
    "group",
    "group_coordinator",
    "group_observer",
    "group_session",
    "item",
    "item_copy",
    "item_event",
    "item_hold",
    "kept_hours",
    "kept_payment",
    "loop_action",
    "loop_group_setting",
    "loop_run",
    "meeting",
    "membership",
    "membership_departure",
    "metadata",
    "observer_link",
    "outbox",
    "payee",
    "payment_choice",
    "payment_claim",
    "payment_policy",
    "pending_step",
    "person",
    "prompt",
    "receipt_copy",
    "replica",
    "risk_alert",
    "safeguarding_lead",
    "seen_update",
    "session_answer",
    "session_attendance",
    "session_reminder",
    "tick_run",
    "update_journal",
]
