"""Evaluation commands (``mamori eval text|faces|voice``): one module each, exposing ``command``."""
