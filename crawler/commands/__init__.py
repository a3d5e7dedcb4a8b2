"""Sub-commands of ``mamori``: one module each, exposing ``command``."""
