"""Demo step for ``coding``: a small codebook, codings by two coders found by phrases, and a few
memos.

Everything here is fictional demo content.  Codings are placed by finding phrases in whatever
documents the earlier steps stored (so offsets always match the texts); two coders code slightly
differently so the agreement view has something to show.  Deterministic: no randomness, documents in
id order.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

CODEBOOK = [
    # path, colour, definition
    ("Governance", "#4e79a7", "How the consortium and its partners are steered and decide."),
    (
        "Governance > Binational councils",
        "#76b7b2",
        "US–Mexico innovation councils and similar binational bodies.",
    ),
    ("Funding", "#f28e2b", "Money for the consortium, its projects and its people."),
    (
        "Funding > Public",
        "#edc948",
        "Federal or state funds, CONACYT/CONAHCYT programmes, public calls.",
    ),
    ("Funding > Private", "#ff9da7", "Firms' own money, in-kind support, industry fees."),
    ("Talent", "#59a14f", "People and skills."),
    ("Talent > Training", "#8cd17d", "Courses, dual education, technician and engineer training."),
    ("Technology transfer", "#b07aa1", "Moving knowledge between universities, centres and firms."),
    ("Barriers", "#e15759", "What slows or blocks the consortium."),
    ("Trade policy", "#9c755f", "NAFTA/USMCA-era industrial and trade policy."),
]

PHRASES = {
    "Governance": ["steering committee", "comité directivo", "governance", "gobernanza"],
    "Governance > Binational councils": [
        "binational",
        "binacional",
        "innovation council",
        "consejo de innovación",
    ],
    "Funding > Public": [
        "conacyt",
        "conahcyt",
        "federal fund",
        "fondos federales",
        "public fund",
        "fondo público",
        "state government",
        "gobierno del estado",
        "public funding",
    ],
    "Funding > Private": ["private", "privad", "in-kind", "membership fee", "cuota"],
    "Talent > Training": [
        "training",
        "capacitación",
        "dual education",
        "educación dual",
        "technician",
        "técnico",
    ],
    "Technology transfer": [
        "technology transfer",
        "transferencia de tecnología",
        "licens",
        "licencia",
        "spin-off",
    ],
    "Barriers": [
        "barrier",
        "obstáculo",
        "bureaucra",
        "burocracia",
        "delay",
        "retraso",
        "lack of",
        "falta de",
    ],
    "Trade policy": [
        "nafta",
        "tlcan",
        "usmca",
        "t-mec",
        "industrial policy",
        "política industrial",
    ],
}

_SENTENCE_END = re.compile(r"[.!?…]+[\"'»”’)\]]*\s+|\n\s*")


def _fold(s: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", s.lower()) if not unicodedata.combining(c)
    )


def _sentences(text: str) -> list[tuple[int, int]]:
    from coding.agreement import split_sentences

    return split_sentences(text)


def find_rows(db, max_per_code_doc: int = 6) -> list[dict]:
    """Return coding rows (document_id, char_start, char_end, code) for sentences holding a code's
    phrases."""
    from corpus import get_text, list_documents

    rows = []
    for doc_id in sorted(list_documents(db)["id"].tolist()):
        text = get_text(db, int(doc_id))
        sents = _sentences(text)
        folded = [_fold(text[s:e]) for s, e in sents]
        for code, phrases in PHRASES.items():
            hits = [i for i, f in enumerate(folded) if any(_fold(p) in f for p in phrases)][
                :max_per_code_doc
            ]
            rows += [
                {
                    "document_id": int(doc_id),
                    "char_start": sents[i][0],
                    "char_end": sents[i][1],
                    "code": code,
                }
                for i in hits
            ]
    return rows


def second_coder(rows: list[dict]) -> list[dict]:
    """Return the second coder's version: skips every third coding and shortens every fourth
    (deterministic)."""
    out = []
    for k, r in enumerate(rows):
        if k % 3 == 2:
            continue
        r = dict(r)
        if k % 4 == 1 and r["char_end"] - r["char_start"] > 20:
            r["char_end"] = r["char_start"] + (r["char_end"] - r["char_start"]) // 2
        out.append(r)
    return out


def build(db, root: Path) -> None:
    """Create the demo codebook, two coders' codings and memos in the demo project."""
    import coding
    from coding import add_memo, update_code

    for path, color, definition in CODEBOOK:
        cid = coding.ensure_code_path(db, path, coder="ana", color=color)
        update_code(db, cid, "ana", color=color, definition=definition)
    update_code(
        db,
        "Barriers",
        "ana",
        inclusion="Named obstacles, delays, missing resources.",
        exclusion="General complaints without a cause.",
        example="“The customs paperwork delayed the pilot line.”",
    )
    rows = find_rows(db)
    if rows:
        coding.apply_batch(db, rows, rule="demo: phrases (ana)", coder="ana")
        coding.apply_batch(db, second_coder(rows), rule="demo: phrases (ben)", coder="ben")
        first = rows[0]
        coding_id = int(coding.codings_frame(db, coders=["ana"]).iloc[0]["coding_id"])
        add_memo(
            db,
            "Clear statement; good quote for the report (demo memo).",
            "ana",
            "coding",
            coding_id,
        )
        add_memo(
            db,
            "Read this one with the council minutes in mind (demo memo).",
            "ben",
            "document",
            first["document_id"],
        )
    add_memo(
        db,
        "Demo project: fictional data about an advanced-manufacturing consortium in Mexico.",
        "ana",
        title="About this project",
    )
    add_memo(
        db,
        "Public vs private funding is hard to separate when firms co-finance federal calls (demo "
        "memo).",
        "ben",
        "code",
        "Funding",
    )
