"""The one exception hierarchy of mamori.

Every error mamori raises on purpose derives from :class:`MamoriError`; messages are
full sentences that show the bad value and say how to fix it::

    MamoriError
    ├── ConfigError            the TOML configuration or the roster is invalid
    ├── SourceError            a source could not be crawled (HTTP, parsing, encoding)
    │   └── ParseError         a response could not be parsed into posts
    ├── DetectorError          a detector failed or cannot run
    │   └── DetectorUnavailable    a detector's model or binary is missing (disabled)
    ├── IndexBackendError      the index is unreachable, corrupt or incompatible
    │   └── IndexUnavailable       the index cannot be reached right now (retry later)
    ├── QuerySyntaxError       a search query could not be parsed
    ├── DeliveryError          an alert could not be delivered through a channel
    ├── EvidenceError          an evidence capture, store, signature or export failed
    └── StateError             the state database is unusable
"""

from __future__ import annotations


class MamoriError(Exception):
    """Base class of every error raised by mamori on purpose."""


class ConfigError(MamoriError):
    """The configuration file (or a file it points to) is invalid.

    ``str(error)`` names the file, the key, the bad value and how to fix it.
    """

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.key = key


class SourceError(MamoriError):
    """A source could not be crawled; the message is shown as the source's ``last_error``."""


class ParseError(SourceError):
    """A response could not be parsed into posts."""


class DetectorError(MamoriError):
    """A detector failed on a post."""


class DetectorUnavailable(DetectorError):
    """A detector cannot run here (missing model, binary or data) and is disabled."""


class IndexBackendError(MamoriError):
    """The index backend failed: unreachable, corrupt or with an incompatible mapping."""


class IndexUnavailable(IndexBackendError):
    """The index cannot be reached right now; the operation can be retried later."""


class QuerySyntaxError(MamoriError):
    """A search query could not be parsed; ``position`` points at the offending character."""

    def __init__(self, message: str, *, query: str = "", position: int = 0) -> None:
        pointer = ""
        if query:
            pointer = f"\n  {query}\n  {' ' * position}^"
        super().__init__(message + pointer)
        self.query = query
        self.position = position


class DeliveryError(MamoriError):
    """An alert could not be delivered; it stays in the outbox and is retried."""


class EvidenceError(MamoriError):
    """Evidence could not be captured, stored, signed, verified or exported."""


class StateError(MamoriError):
    """The state database is unusable."""
