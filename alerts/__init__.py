"""Alerts: routing rules, the outbox in the state database, and delivery through Apprise."""
