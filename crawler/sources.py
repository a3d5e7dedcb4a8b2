"""Source types: resolve a ``[[sources]]`` entry to its spider class and validate its options."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crawler import settings as defaults
from crawler.exceptions import ConfigError


def source_types() -> dict[str, str]:
    return dict(defaults.MAMORI_SOURCE_TYPES)


def spider_class(source_type: str) -> Any:
    from detectors.base import load_object

    types = source_types()
    if source_type not in types:
        raise ConfigError(f"Unknown source type {source_type!r}. Known types: {', '.join(sorted(types))}.")
    return load_object(types[source_type])


def validate_source(source: Any, *, path: Path, position: int) -> Any:
    """Check the type and the type-specific options of one source; return the options model."""
    key = f"sources[{position}]"
    types = source_types()
    if source.type not in types:
        raise ConfigError(
            f"{path}: {key}.type = {source.type!r} (source {source.name!r}) is not a known source "
            f"type. Use one of: {', '.join(sorted(types))}.",
            path=str(path),
            key=f"{key}.type",
        )
    cls = spider_class(source.type)
    model = getattr(cls, "options_model", None)
    if model is None:
        return None
    try:
        return model.model_validate({**source.options, **_common(source)})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                lines.append(
                    f"{path}: {key}.{field} is missing for source {source.name!r} of type "
                    f"{source.type!r}. Add it."
                )
            elif err["type"] == "extra_forbidden":
                allowed = ", ".join(sorted(model.model_fields))
                lines.append(
                    f"{path}: {key}.{field} is not an option of {source.type!r} sources "
                    f"(source {source.name!r}). Known options: {allowed}."
                )
            else:
                lines.append(
                    f"{path}: {key}.{field} = {err.get('input')!r} is invalid for source "
                    f"{source.name!r}: {msg}."
                )
        raise ConfigError("\n".join(lines), path=str(path), key=key) from None


def _common(source: Any) -> dict[str, Any]:
    return {"url": source.url, "urls": list(source.urls), "terms": list(source.terms)}
