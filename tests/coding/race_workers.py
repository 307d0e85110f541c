"""Worker processes of the stranded-coding race test: one edits a document, one codes it.

Imported by name (``from race_workers import ...``) so ``multiprocessing`` can start them with
``spawn`` (each opens its own connection, as two CLI commands would).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

WORDS = [f"word{i:02d}" for i in range(25)]
BASE = "Interview notes. " + " ".join(WORDS) + "."


def edit_loop(project: str, document_id: int, edits: int, started, out: str) -> None:
    """Store ``edits`` new versions of the document (a changing last sentence)."""
    from coding import edit_document
    from projectfile import open_project

    db = open_project(project, create=False)
    doc = document_id
    started.wait(30)
    made = 0
    for i in range(edits):
        time.sleep(0.02)  # the first codings land before the first edit, which carries them
        result = edit_document(db, doc, f"{BASE} Revision {i}.", coder="editor")
        doc = result.new_document_id or doc
        made += 1
    Path(out).write_text(json.dumps({"edits": made, "last": doc}), encoding="utf-8")
    db.conn.close()


def code_loop(project: str, document_id: int, started, out: str) -> None:
    """Code each of the 25 words once, always aiming at ``document_id`` (as a stale CLI call
    would); write what each call reported."""
    from coding import CodingError, code_span
    from projectfile import open_project

    db = open_project(project, create=False)
    started.wait(30)
    reported = []
    for word in WORDS:
        start = BASE.index(word)
        notes: list[str] = []
        try:
            cid = code_span(
                db, document_id, start, start + len(word), "Race", "coder", notify=notes.append
            )
            reported.append({"word": word, "coding_id": cid, "notes": notes})
        except CodingError as exc:
            reported.append({"word": word, "refused": str(exc)})
        time.sleep(0.01)
    Path(out).write_text(json.dumps(reported), encoding="utf-8")
    db.conn.close()
