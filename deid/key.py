"""The key (real name -> pseudonym) and the replacement log: files next to the project, never in it.

One pseudonym per person across the project: ``Pseudonyms`` folds accents and case so the same
name always gets the same pseudonym, and a lone first name or surname of one known person is that
person.
"""

from __future__ import annotations

import csv
import json
import os
import unicodedata
from pathlib import Path

LOG_COLUMNS = [
    "at",
    "old_document_id",
    "new_document_id",
    "char_start",
    "char_end",
    "original",
    "pseudonym",
    "source",
]


def key_path_for(project: str | Path) -> Path:
    """Return the key file of a project: ``<project>.deid-key.json`` next to it."""
    return Path(str(project) + ".deid-key.json")


def log_path_for(project: str | Path) -> Path:
    """Return the replacement log of a project: ``<project>.deid-log.csv`` next to it."""
    return Path(str(project) + ".deid-log.csv")


def load_key(path: str | Path) -> dict:
    """Return the key {'people': {real: pseudonym}, 'organisations': {...}} (empty if absent)."""
    p = Path(path)
    if not p.exists():
        return {"people": {}, "organisations": {}}
    data = json.loads(p.read_text(encoding="utf-8"))
    data.setdefault("people", {})
    data.setdefault("organisations", {})
    return data


def write_key(path: str | Path, key: dict) -> None:
    """Write the key atomically, readable by its owner only (it is personal data)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(json.dumps(key, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def append_log(path: str | Path, rows: list[tuple]) -> None:
    """Append replacement rows (LOG_COLUMNS) to the log; a new log is owner-only, with a header."""
    path = Path(path)
    new_log = not path.exists()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with open(fd, "a", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        if new_log:
            w.writerow(LOG_COLUMNS)
        w.writerows(rows)


def fold(name: str) -> str:
    """Return ``name`` with spaces collapsed, case folded and accents dropped."""
    name = unicodedata.normalize("NFKD", " ".join(name.split())).casefold()
    return "".join(c for c in name if not unicodedata.combining(c))


class Pseudonyms:
    """Consistent pseudonyms: the same (accent- and case-folded) name always gets the same one."""

    def __init__(
        self, key: dict, pattern: str = "Expert {n}", org_pattern: str = "Organisation {n}"
    ):
        self.key = key
        self.patterns = {"PERSON": pattern, "ORG": org_pattern}
        self._folded = {
            kind: {fold(k): v for k, v in key[section].items()}
            for kind, section in (("PERSON", "people"), ("ORG", "organisations"))
        }

    def get(self, name: str, label: str = "PERSON") -> str:
        """Return the pseudonym of ``name``, giving a new name the pattern's next free number."""
        section = "people" if label == "PERSON" else "organisations"
        folded = self._folded[label]
        f = fold(name)
        if f in folded:
            return folded[f]
        # a lone surname or first name of exactly one known person is that person
        owners = {v for k, v in folded.items() if f in k.split()} if " " not in f else set()
        if len(owners) == 1:
            return owners.pop()
        used = set(folded.values())
        n = 1
        while self.patterns[label].format(n=n) in used:
            n += 1
        pseudonym = self.patterns[label].format(n=n)
        folded[f] = pseudonym
        self.key[section][" ".join(name.split())] = pseudonym
        return pseudonym
