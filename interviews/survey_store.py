"""Storage of a survey import (a ``SurveyPlan``) in one transaction.

Each respondent is a case (found by name, else created), its chosen columns typed case attributes
(written in bulk, not one ``set_attribute`` per cell), and each open-ended answer a speaker turn
of the respondent, so every coding of an answer belongs to the respondent's case through the case
rule transcripts already use. Per question (the default): one document per open column, answers
separated by blank lines, each line ``<id>: <answer>`` with the turn on the answer; per answer: a
document per non-empty answer. Survey documents are of kind ``other``; ``surveys`` and
``survey_questions`` say which documents hold which question.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import sqlite_utils

from corpus import Document, DuplicateDocument, Segment, get_text, store_document
from projectfile import Progress, now_iso, transaction, writes

from .attributes import define_attribute
from .errors import InterviewError
from .survey import SurveyPlan


@dataclass
class SurveyReport:
    """What a survey import stored: its id, cases made and reused, attribute values, documents,
    answers, and the bad rows left out (row number, reason)."""

    survey_id: int
    cases_new: int = 0
    cases_existing: int = 0
    values: int = 0
    documents: list[int] = field(default_factory=list)
    answers: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)


def _case_ids(db: sqlite_utils.Database, names: list[str]) -> tuple[dict[str, int], int]:
    """Return {respondent: case id}, creating the missing cases in bulk, and how many were new."""
    existing = {n.casefold(): i for i, n in db.execute("SELECT id, name FROM cases").fetchall()}
    missing = [n for n in names if n.casefold() not in existing]
    stamp = now_iso()
    db.conn.executemany(
        "INSERT INTO cases (name, kind, description, created_at) VALUES (?, 'person', '', ?)",
        [(n, stamp) for n in missing],
    )
    if missing:
        existing = {n.casefold(): i for i, n in db.execute("SELECT id, name FROM cases").fetchall()}
    return {n: existing[n.casefold()] for n in names}, len(missing)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _documents(plan: SurveyPlan, file_type: str, sha: str) -> list[tuple[str, Document, list]]:
    """Return (question, document, [(respondent, turn segment)]) for the plan's answers."""
    stem = Path(plan.name).stem
    out = []
    for question in plan.open_columns:
        answers = plan.answers[question]
        if plan.per == "question":
            parts, turns, pos = [], [], 0
            for n, (rid, text) in enumerate(answers, start=1):
                head = f"{rid}: "
                parts.append(head + text)
                start = pos + len(head)
                turns.append((rid, _turn(start, start + len(text), n, rid)))
                pos += len(head) + len(text) + 2
            body = "\n\n".join(parts)
            groups = [(f"{stem} — {question}", body, turns, f"{plan.name} — {question}")]
        else:
            groups = [
                (
                    f"{question} — {rid}",
                    text,
                    [(rid, _turn(0, len(text), 1, rid))],
                    f"{plan.name} — {question} — {rid}",
                )
                for rid, text in answers
            ]
        for title, body, turns, source in groups:
            doc = Document(
                text=body,
                title=title,
                source_name=source,
                kind="other",
                file_type=file_type,
                segments=[seg for _, seg in turns],
                sha256=_digest(sha, source, body),
                size=len(body.encode("utf-8")),
            )
            out.append((question, doc, turns))
    return out


def _turn(start: int, end: int, n: int, rid: str) -> Segment:
    return Segment(
        start=start,
        end=end,
        kind="turn",
        data={"turn_no": n, "speaker": rid, "t_start": None, "t_end": None, "language": None},
    )


@writes("documents")
def store_survey(
    db: sqlite_utils.Database,
    plan: SurveyPlan,
    sha256: str,
    progress: Progress | None = None,
) -> SurveyReport:
    """Store ``plan`` (from ``plan_survey``) in one transaction; return the SurveyReport.

    ``sha256`` is the file's digest: the same file imported twice is refused."""
    if not plan.respondents:
        raise InterviewError(f"{plan.name}: no respondent left to import (every row is bad)")
    file_type = "xlsx" if plan.name.lower().endswith((".xlsx", ".xlsm")) else "csv"
    docs = _documents(plan, file_type, sha256)
    with transaction(db):
        if db.execute("SELECT 1 FROM surveys WHERE sha256 = ?", [sha256]).fetchone():
            raise InterviewError(f"{plan.name} was imported already (the same file)")
        survey_id = db.execute(
            "INSERT INTO surveys (source_name, sha256, id_column, per, respondents, imported_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [plan.name, sha256, plan.id_column, plan.per, len(plan.respondents), now_iso()],
        ).lastrowid
        report = SurveyReport(survey_id, bad_rows=list(plan.bad_rows))
        cases, report.cases_new = _case_ids(db, plan.respondents)
        report.cases_existing = len(cases) - report.cases_new
        for column, type_ in plan.attributes.items():
            attr_id = define_attribute(db, column, type_)
            rows = [
                (cases[rid], attr_id, values[column])
                for rid, values in plan.values.items()
                if column in values
            ]
            db.conn.executemany(
                "INSERT INTO case_attributes (case_id, attribute_id, value) VALUES (?, ?, ?)"
                " ON CONFLICT (case_id, attribute_id) DO UPDATE SET value = excluded.value",
                rows,
            )
            report.values += len(rows)
        for i, (question, doc, turns) in enumerate(docs, start=1):
            try:
                doc_id = store_document(db, doc, segment_language=False)
            except DuplicateDocument as exc:
                raise InterviewError(
                    f"{plan.name}: the answers to '{question}' are already in the project"
                ) from exc
            db.conn.executemany(
                "INSERT INTO speakers (document_id, label, role, case_id)"
                " VALUES (?, ?, 'interviewee', ?)",
                [(doc_id, rid, cases[rid]) for rid, _seg in turns],
            )
            speakers = dict(
                db.execute("SELECT label, id FROM speakers WHERE document_id = ?", [doc_id])
            )
            db.conn.executemany(
                "INSERT INTO turns (document_id, turn_no, char_start, char_end, speaker_id)"
                " VALUES (?, ?, ?, ?, ?)",
                [(doc_id, s.data["turn_no"], s.start, s.end, speakers[rid]) for rid, s in turns],
            )
            db.execute(
                "INSERT INTO survey_questions (survey_id, question, document_id) VALUES (?, ?, ?)",
                [survey_id, question, doc_id],
            )
            report.documents.append(doc_id)
            report.answers += len(turns)
            if progress is not None:
                progress(i, len(docs), f"stored {doc.title}")
    return report


def surveys_frame(db: sqlite_utils.Database) -> pd.DataFrame:
    """Return the survey imports: id, source_name, id_column, per, respondents, imported_at,
    questions (JSON list)."""
    df = pd.read_sql_query(
        "SELECT s.id, s.source_name, s.id_column, s.per, s.respondents, s.imported_at,"
        " (SELECT json_group_array(DISTINCT q.question) FROM survey_questions q"
        "  WHERE q.survey_id = s.id) AS questions FROM surveys s ORDER BY s.id",
        db.conn,
    )
    df["questions"] = df["questions"].map(lambda s: json.loads(s) if s else [])
    return df


def survey_answers(db: sqlite_utils.Database, survey_id: int, question: str) -> pd.DataFrame:
    """Return every answer to one question: document_id, char_start, char_end, case_id,
    respondent, text (in the order of the file)."""
    rows = db.execute(
        "SELECT t.document_id, t.char_start, t.char_end, sp.case_id, sp.label"
        " FROM survey_questions q JOIN turns t ON t.document_id = q.document_id"
        " JOIN speakers sp ON sp.id = t.speaker_id"
        " WHERE q.survey_id = ? AND q.question = ? ORDER BY t.document_id, t.turn_no",
        [int(survey_id), question],
    ).fetchall()
    texts = {d: get_text(db, d) for d in {r[0] for r in rows}}
    return pd.DataFrame(
        [(d, s, e, c, label, texts[d][s:e]) for d, s, e, c, label in rows],
        columns=["document_id", "char_start", "char_end", "case_id", "respondent", "text"],
    )
