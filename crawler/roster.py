"""The employee roster: a CSV file with header ``employee_id,name,reading,romaji,aliases``
(aliases separated by ``;``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from crawler.exceptions import ConfigError

ROSTER_HEADER = ("employee_id", "name", "reading", "romaji", "aliases")


@dataclass(frozen=True, slots=True)
class Employee:
    employee_id: str
    name: str
    reading: str = ""
    romaji: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def family_name(self) -> str:
        """The family name: the part before the first space of ``name`` (or all of it)."""
        return self.name.replace("\u3000", " ").split(" ")[0]

    @property
    def given_name(self) -> str:
        parts = self.name.replace("\u3000", " ").split(" ")
        return parts[1] if len(parts) > 1 else ""


@dataclass(frozen=True, slots=True)
class Roster:
    employees: tuple[Employee, ...] = ()

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.employees)

    def __len__(self) -> int:
        return len(self.employees)

    def get(self, employee_id: str) -> Employee | None:
        for employee in self.employees:
            if employee.employee_id == employee_id:
                return employee
        return None


def load_roster(path: Path, *, config_path: Path | None = None) -> Roster:
    """Load and validate a roster CSV; errors name the file, the line and the column."""
    where = f"{config_path}: roster.file" if config_path else "roster file"
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"{where} = {str(path)!r} does not exist. Create the CSV with the header "
            f"{','.join(ROSTER_HEADER)} or fix the path (relative paths start at the "
            "configuration file's folder).",
            path=str(config_path or path),
            key="roster.file",
        ) from None
    except UnicodeDecodeError:
        raise ConfigError(
            f"The roster {path} is not UTF-8 text. Save it as UTF-8 (Excel: 'CSV UTF-8').",
            path=str(path),
        ) from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(h.strip() for h in (reader.fieldnames or ()))
    missing = [h for h in ROSTER_HEADER if h not in header]
    if missing:
        raise ConfigError(
            f"The roster {path} lacks the column(s) {', '.join(missing)}; its header must be "
            f"{','.join(ROSTER_HEADER)}.",
            path=str(path),
        )
    employees: list[Employee] = []
    seen: set[str] = set()
    for line_no, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        emp_id, name = row["employee_id"], row["name"]
        if not emp_id and not name:
            continue
        if not emp_id or not name:
            raise ConfigError(
                f"The roster {path}, line {line_no}: employee_id and name are both required "
                f"(got employee_id={emp_id!r}, name={name!r}).",
                path=str(path),
            )
        if emp_id in seen:
            raise ConfigError(
                f"The roster {path}, line {line_no}: employee_id {emp_id!r} appears twice. "
                "Give every employee a unique id.",
                path=str(path),
            )
        seen.add(emp_id)
        aliases = tuple(a.strip() for a in row["aliases"].split(";") if a.strip())
        employees.append(Employee(emp_id, name, row["reading"], row["romaji"], aliases))
    return Roster(tuple(employees))
