"""The sessions service, made of its parts."""

from __future__ import annotations

from bot.services.sessions.attendance import Attendance
from bot.services.sessions.feedback import Feedback
from bot.services.sessions.planning import Planning
from bot.services.sessions.reminders import Reminders


class Sessions(Planning, Attendance, Feedback, Reminders):
    """Group sessions for coordinators and members, and their time-based work."""
