"""Data sets coded by researchers outside this project, loaded as temporary projects for
``bench_suggest.py --sets``. Sources and licences: ``bench/data/SOURCES.md``. Nothing of them is
committed: the files are read from a folder (``../shared/coded/<set>/`` when the lead has put them
there) and the project is written to a private temporary folder.

Set shape 'survey' (set 1, Balash et al. USENIX Security 2023): one CSV per question and coder,
named '... - <question> (primary|secondary).csv', columns ResponseId, the question's text, Code 1
... Code N; a code is a path with '->' between levels ('required_to_use->department'). The loader
makes one document per (question, response) holding the answer as one paragraph, a top code per
question (its id, e.g. 'Q8') with the question's codes under it, and one whole-answer coding per
(coder, code) a coder gave.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_CODED = ROOT.parent / "shared" / "coded"
CODED_ENV = "QDA_CODED_SETS"  # a folder holding one folder per set (default: SHARED_CODED)
SETS = {"proctoring": "survey", "pdpilot": "maxqda"}  # set name -> shape (maxqda: coded_maxqda)
_FILE = re.compile(r"- (?P<question>[A-Z]\d+) \((?P<coder>primary|secondary)\)\.csv$")


@dataclass
class CodedAnswer:
    """One answer to one question with the codes each coder gave it (paths with ' > ')."""

    question: str
    response: str
    text: str
    codes: dict[str, set[str]] = field(default_factory=dict)  # coder -> code paths


def code_path(question: str, raw: str) -> str:
    """Return the project path of a code cell: 'Q8 > required_to_use > department'."""
    parts = [p.strip() for p in raw.split("->") if p.strip()]
    return " > ".join([question, *parts])


def read_survey_folder(folder: Path) -> list[CodedAnswer]:
    """Return the coded answers of a set-1-shaped folder (see module), in file order. Raises
    ValueError naming the file when a CSV is not in that shape."""
    answers: dict[tuple[str, str], CodedAnswer] = {}
    files = sorted(p for p in Path(folder).glob("*.csv") if _FILE.search(p.name))
    if not files:
        raise ValueError(f"{folder}: no '... - Q8 (primary).csv' files")
    for path in files:
        m = _FILE.search(path.name)
        question, coder = m["question"], m["coder"]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.reader(fh))
        if not rows or len(rows[0]) < 3 or rows[0][0] != "ResponseId":
            raise ValueError(f"{path}: expected columns ResponseId, the question, Code 1 ...")
        for row in rows[1:]:
            if len(row) < 2 or not row[0].strip():
                continue
            text = " ".join(row[1].replace('"""', '"').split())
            key = (question, row[0].strip())
            answer = answers.setdefault(key, CodedAnswer(question, key[1], text))
            codes = {code_path(question, c) for c in row[2:] if c.strip()}
            answer.codes.setdefault(coder, set()).update(codes)
    return [a for a in answers.values() if a.text]


def build_project(answers: list[CodedAnswer], path: Path):
    """Write a project at ``path`` from ``answers`` (see module); return the open Database."""
    from coding import apply_batch, ensure_code_path
    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document
    from projectfile import open_project

    db = open_project(path)
    rows: dict[str, list[dict]] = {}
    for a in answers:
        title = f"{a.question} {a.response}"
        text = a.text
        doc = store_document(
            db,
            Document(
                text=text,
                title=title,
                source_name=f"{title}.txt",
                kind="other",
                language="en",
                sha256=sha256_bytes(f"{title}\n{text}".encode()),
                segments=paragraphs_from_text(text),
            ),
            segment_language=False,
        )
        for coder, codes in a.codes.items():
            for c in sorted(codes):
                ensure_code_path(db, c, coder="loader")
                rows.setdefault(coder, []).append(
                    {"document_id": doc, "char_start": 0, "char_end": len(text), "code": c}
                )
    for coder, batch in rows.items():
        apply_batch(db, batch, rule="outside coding", coder=coder)
    return db


def sets_folder() -> Path:
    """Return the folder holding one folder per set: ``$QDA_CODED_SETS`` or ../shared/coded."""
    return Path(os.environ[CODED_ENV]) if os.environ.get(CODED_ENV) else SHARED_CODED


def load_set(name: str, folder: Path | None = None):
    """Return (open Database of a temporary project, its answers or interviews) for set ``name``
    read from ``folder`` (default ``sets_folder() / name``). Raises FileNotFoundError when
    absent."""
    shape = SETS.get(name)
    if shape is None:
        raise ValueError(f"unknown set {name!r}: use one of {', '.join(SETS)}")
    folder = Path(folder) if folder is not None else sets_folder() / name
    if not folder.is_dir():
        raise FileNotFoundError(f"set {name!r} missing: no folder {folder}")
    from projectfile import private_mkdtemp

    tmp = private_mkdtemp(prefix=f"coded-{name}")
    if shape == "maxqda":
        from coded_maxqda import build_interview_project, read_maxqda_folder

        interviews, memos, lost = read_maxqda_folder(folder)
        if lost:
            print(f"set {name}: {lost} coded segments not found in their transcript (left out)")
        return build_interview_project(interviews, memos, tmp / f"{name}.qda.sqlite"), interviews
    answers = read_survey_folder(folder)
    return build_project(answers, tmp / f"{name}.qda.sqlite"), answers
