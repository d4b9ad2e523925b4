"""The scheduling helper: local times, warnings and suggested slots for a candidate meeting."""
