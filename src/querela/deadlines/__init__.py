"""Statutory complaint deadlines: pure date arithmetic over policies, calendars and event histories."""
