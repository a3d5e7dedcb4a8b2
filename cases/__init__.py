"""Cases: a hit that the legal team acts on, with status, assignee, notes, an append-only
audit log, legal clocks, takedown drafts and removal re-checks."""
