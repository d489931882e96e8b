"""Intake: how updates arrive (polling or webhook) and are kept in the update journal."""
