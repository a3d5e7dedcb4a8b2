"""The detector contract and the :class:`DetectorSet` that runs registered detectors.

A detector is a class with ``from_context(context)`` and ``detect(post) -> list[Finding]``,
registered by dotted path with a priority (lower runs first) in ``MAMORI_DETECTORS``.
Detectors run in priority order on the same post; ``post.findings`` holds what earlier
detectors found, so a harassment detector can require a target found by the name
detectors. A detector that cannot run here raises :class:`DetectorUnavailable` from its
constructor: it is disabled once with the reason logged, not failed on every post.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any, ClassVar

from crawler.exceptions import ConfigError, DetectorError, DetectorUnavailable
from crawler.items import Finding, Post
from crawler.roster import Roster

logger = logging.getLogger(__name__)


def file_version(path: Path) -> tuple[str, int, int]:
    """``(path, mtime_ns, size)``: the cache key of a model file read once per process, so a
    long-running process (daemon, portal) reads a retrained file again instead of keeping the
    old one. A missing file gives zeros (its reader raises the error)."""
    try:
        stat = path.stat()
    except OSError:
        return str(path), 0, 0
    return str(path), stat.st_mtime_ns, stat.st_size


@dataclass(frozen=True)
class DetectorContext:
    """What every detector may know: the company, the roster and its own options."""

    company_name: str
    company_aliases: tuple[str, ...] = ()
    roster: Roster = field(default_factory=Roster)
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Any) -> DetectorContext:
        """Build from a :class:`crawler.config.MamoriConfig`."""
        return cls(
            company_name=config.company.name,
            company_aliases=tuple(config.company.aliases),
            roster=config.employees,
            options=dict(config.detectors.options),
        )

    def options_for(self, name: str) -> Mapping[str, Any]:
        return self.options.get(name, {})

    def target_phrase(self, employee_id: str | None, target_text: str = "") -> str:
        """How an explanation names a finding's target: ``employee E001 (田中 美咲)``, or
        ``the company ミナト通信 (as 'Minato')`` with the words that named it."""
        if employee_id:
            emp = self.roster.get(employee_id)
            return f"employee {employee_id} ({emp.name if emp else employee_id})"
        return f"the company {self.company_name} (as {target_text!r})"


class Detector:
    """Base class: subclasses set ``name`` and ``labels`` and implement :meth:`detect`."""

    name: ClassVar[str] = ""
    labels: ClassVar[tuple[str, ...]] = ()
    modality: ClassVar[str] = "any"
    """``text`` for detectors that read only the post's text (``mamori eval text`` runs those)."""

    def __init__(self, context: DetectorContext) -> None:
        self.context = context

    @classmethod
    def from_context(cls, context: DetectorContext) -> Detector:
        return cls(context)

    def detect(self, post: Post) -> list[Finding]:
        raise NotImplementedError(
            f"{type(self).__name__} must implement detect(post) and return a list of Findings."
        )


def load_object(path: str) -> Any:
    """Import ``package.module.Name`` and return ``Name``."""
    module_name, _, attr = path.rpartition(".")
    if not module_name:
        raise ConfigError(f"{path!r} is not a dotted path such as 'detectors.names.NameDetector'.")
    try:
        module = import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"Cannot import {module_name!r} for {path!r}: {exc}.") from exc
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ConfigError(f"The module {module_name!r} has no {attr!r} (from {path!r}).") from None


class DetectorSet:
    """The enabled detectors, in priority order."""

    def __init__(self, detectors: Iterable[Detector]) -> None:
        self.detectors = list(detectors)
        self.errors = 0
        self.disabled: dict[str, str] = {}

    @classmethod
    def from_paths(
        cls,
        paths: Mapping[str, int | None],
        context: DetectorContext,
        *,
        disabled: Iterable[str] = (),
    ) -> DetectorSet:
        off = set(disabled)
        ordered = sorted(((p, prio) for p, prio in paths.items() if prio is not None), key=lambda x: x[1])
        detectors: list[Detector] = []
        unavailable: dict[str, str] = {}
        for path, _prio in ordered:
            det_cls = load_object(path)
            if path in off or getattr(det_cls, "name", "") in off:
                logger.info("Detector %s is disabled by the configuration.", path)
                continue
            try:
                detectors.append(det_cls.from_context(context))
            except DetectorUnavailable as exc:
                logger.warning("Detector %s is disabled: %s", path, exc)
                unavailable[path] = str(exc)
        result = cls(detectors)
        result.disabled = unavailable
        return result

    def run(self, post: Post) -> list[Finding]:
        """Run every detector on ``post``, appending to ``post.findings``; return the new ones.

        A detector that fails on one post is logged and counted; the others still run. A
        reviewing detector (:mod:`detectors.text_model`) may withdraw earlier findings from
        ``post.findings``; the returned list holds only the findings still there.
        """
        new: list[Finding] = []
        for detector in self.detectors:
            count = len(post.findings)
            try:
                found = detector.detect(post)
            except DetectorError as exc:
                self.errors += 1
                logger.error("Detector %s failed on post %s: %s", detector.name, post.id, exc)
                continue
            except Exception as exc:
                self.errors += 1
                logger.exception("Detector %s crashed on post %s: %r", detector.name, post.id, exc)
                continue
            withdrew = len(post.findings) < count
            post.findings.extend(found)
            new.extend(found)
            if withdrew:
                new = [f for f in new if any(f is g for g in post.findings)]
        return new
