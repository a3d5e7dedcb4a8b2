"""Errors of the media package, inside mamori's one hierarchy.

``MediaRejected`` is raised for one bad file (too big, not an image, truncated …): the
pipeline logs its message and moves on. ``ConsentMissing`` stops an enrolment.
"""

from __future__ import annotations

from crawler.exceptions import ConfigError, DetectorError, MamoriError


class MediaRejected(DetectorError):
    """One media file was refused (hostile, corrupt, oversized or of the wrong type)."""


class EnrolmentError(MamoriError):
    """An enrolment or erasure could not be done; the message says why and how to fix it."""


class ConsentMissing(EnrolmentError):
    """No recorded, valid consent covers what was asked."""


__all__ = ["ConfigError", "ConsentMissing", "EnrolmentError", "MediaRejected"]
