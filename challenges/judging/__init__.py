"""Judging of Urban Challenge entries: panels, conflicts, allocation, scoring,
moderation, decisions and feedback."""
