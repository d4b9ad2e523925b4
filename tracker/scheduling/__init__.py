"""The scheduling helper: local times, warnings and suggested slots for a candidate meeting.

The blueprint lives in tracker.scheduling.routes, so that importing the checks (as the polls
and the series form do) pulls in no views.
"""
