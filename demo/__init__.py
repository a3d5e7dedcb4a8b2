"""The offline demo: a fictional company's corner of the web served on 127.0.0.1, and a
local mailbox that receives mamori's alerts (``make run``)."""
