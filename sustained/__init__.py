"""Sustained harassment: author histories, repeat-offender escalation, coordinated bursts and
suggested cross-platform links between accounts."""
