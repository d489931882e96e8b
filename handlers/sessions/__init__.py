"""Journey J2: group sessions. Coordinators set them up, change or cancel them, see who is
coming, mark who came and export hours; members answer, get calendar files, and say how
it was afterwards."""

from __future__ import annotations

from bot.services.sessions import DRAFT_STEP, FEEDBACK_STEP, HOURS_STEP
from handlers.sessions.attendance import (
    hours_command,
    session_add_person_tapped,
    session_add_tapped,
    session_attendance_tapped,
    session_done_tapped,
    session_export_group_tapped,
    session_export_tapped,
    session_hours_tapped,
    session_hours_typed,
    session_mark_tapped,
)
from handlers.sessions.feedback import (
    session_comment_typed,
    session_feedback_carry_on,
    session_feedback_name_tapped,
    session_feedback_send_tapped,
    session_feedback_skip_tapped,
    session_rate_tapped,
)
from handlers.sessions.members import (
    session_answer_tapped,
    session_calendar_tapped,
    sessions_command,
)
from handlers.sessions.planning import (
    newsession_command,
    session_back_tapped,
    session_cancel_tapped,
    session_cancel_yes_tapped,
    session_discard_tapped,
    session_draft_typed,
    session_edit_field_tapped,
    session_edit_tapped,
    session_group_tapped,
    session_keep_answer_tapped,
    session_keep_tapped,
    session_manage_tapped,
    session_save_tapped,
    session_skip_tapped,
    session_year_no_tapped,
    session_year_yes_tapped,
)
from handlers.sessions.render import (
    NAMES_SHOWN,
    PAGE,
    Rows,
    describe_length_minutes,
    people,
)

__all__ = [
    "DRAFT_STEP",
    "FEEDBACK_STEP",
    "HOURS_STEP",
    "NAMES_SHOWN",
    "PAGE",
    "Rows",
    "describe_length_minutes",
    "hours_command",
    "newsession_command",
    "people",
    "session_add_person_tapped",
    "session_add_tapped",
    "session_answer_tapped",
    "session_attendance_tapped",
    "session_back_tapped",
    "session_calendar_tapped",
    "session_cancel_tapped",
    "session_cancel_yes_tapped",
    "session_comment_typed",
    "session_discard_tapped",
    "session_done_tapped",
    "session_draft_typed",
    "session_edit_field_tapped",
    "session_edit_tapped",
    "session_export_group_tapped",
    "session_export_tapped",
    "session_feedback_carry_on",
    "session_feedback_name_tapped",
    "session_feedback_send_tapped",
    "session_feedback_skip_tapped",
    "session_group_tapped",
    "session_hours_tapped",
    "session_hours_typed",
    "session_keep_answer_tapped",
    "session_keep_tapped",
    "session_manage_tapped",
    "session_mark_tapped",
    "session_rate_tapped",
    "session_save_tapped",
    "session_skip_tapped",
    "session_year_no_tapped",
    "session_year_yes_tapped",
    "sessions_command",
]
