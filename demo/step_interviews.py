"""Demo step for ``interviews``: import the fictional expert interviews in demo/transcripts and set
case attributes.

Everything here is fictional demo content (see demo/transcripts/README.md). Deterministic: files in
name order.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from interviews import (
    define_attribute,
    import_transcripts,
    set_attribute,
    set_speaker,
    speakers_frame,
)
from projectfile import transaction

INTERVIEWERS = {"Marisol Quintero", "Tomás Ibarra", "Entrevistadora"}
ATTRIBUTES = [
    ("organisation", "text", []),
    ("sector", "category", ["government", "academia", "industry"]),
    ("country", "category", ["Mexico", "United States"]),
    ("role", "text", []),
    ("years_experience", "number", []),
    ("interview_language", "category", ["en", "es", "en+es"]),
]
CASES = {
    "Rebecca Langford": (
        "US Commerce Department trade office (fictional)",
        "government",
        "United States",
        "former council member",
        22,
        "en",
    ),
    "Héctor Valdivia": (
        "Aerospace supplier association of Querétaro (fictional)",
        "industry",
        "Mexico",
        "chair of the consortium's steering committee",
        30,
        "es",
    ),
    "Sofía Aranda": (
        "Technical institute of El Marqués (fictional)",
        "academia",
        "Mexico",
        "head of training and technology transfer",
        6,
        "en",
    ),
    "Valeria Montoya": (
        "State Secretariat of Economic Development (fictional)",
        "government",
        "Mexico",
        "industrial policy coordinator",
        15,
        "es",
    ),
    "Ramiro Castellanos": (
        "Turbine bracket manufacturer (fictional)",
        "industry",
        "Mexico",
        "operations director",
        18,
        "en+es",
    ),
}


def build(db: sqlite_utils.Database, root: Path) -> None:
    """Import the demo transcripts, fix the interviewers' roles and set the experts' attributes."""
    folder = Path(root) / "transcripts"
    files = sorted(
        str(p) for p in folder.iterdir() if p.suffix in (".txt", ".vtt", ".srt", ".docx")
    )
    outcomes = import_transcripts(files, db)
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise RuntimeError(f"demo transcripts failed to import: {[o.reason for o in failed]}")
    with transaction(db):
        for row in speakers_frame(db).itertuples():
            want = "interviewer" if row.speaker in INTERVIEWERS else "interviewee"
            if row.role != want:
                set_speaker(db, int(row.speaker_id), role=want)
        for name, type_, cats in ATTRIBUTES:
            define_attribute(db, name, type_, cats)
        for case, values in CASES.items():
            for (attr, _, _), value in zip(ATTRIBUTES, values):
                set_attribute(db, case, attr, value)
