"""Outside set shape 'maxqda': interview transcripts and the coded segments a team exported from
MAXQDA as PDF (set 2, Kerrigan et al.'s PDPilot user study; source and licence in
``data/SOURCES.md``). Read by ``coded_sets.load_set``; nothing of the data is committed.

Folder layout (the repository's ``results/`` folder as is):

- ``transcripts/P1.pdf`` ...: one numbered line per turn ('11 Participant: We typically ...');
- ``coded-segments.pdf``: a table 'Document name | Code | Segment' (code paths 'A > B > C');
- ``code-system.pdf``: the code tree (indentation = depth) with each code's memo (its definition).

The three are tables in PDF, read by the x position of each word (``pdfplumber``): the columns
start at fixed positions in MAXQDA's export. A transcript becomes one document whose paragraphs
are its turns (numbers dropped); a coded segment is found in its transcript by its first and last
words (line breaks and hyphenation differ between the two exports) and becomes one coding of the
coder 'primary' (the study's coding, one team). A segment that cannot be found is counted and left
out, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# column starts in MAXQDA's PDF exports (points)
SEGMENT_X = 870  # coded-segments.pdf: 'Segment' column
CODE_X = 200  # coded-segments.pdf: 'Code' column
MEMO_X = 450  # code-system.pdf: 'Memo' column
FREQUENCY_X = 1400  # code-system.pdf: 'Frequency' column
INDENT = 20  # code-system.pdf: points per level
_TURN = re.compile(r"^(\d+) (.*)$")
_WORD = re.compile(r"\w+")
_LABEL = re.compile(r"P\d+")
ANCHOR_WORDS = 5


@dataclass
class Interview:
    """One transcript: its name (P1), its turns, and the codings found in it."""

    name: str
    turns: list[str]
    codings: list[tuple[int, int, str]]  # char_start, char_end, code path

    @property
    def text(self) -> str:
        return "\n\n".join(self.turns)


def _pdf_words(path: Path) -> list[list[dict]]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_words() for page in pdf.pages]


def read_turns(path: Path) -> list[str]:
    """Return the turns of a transcript PDF: numbered lines 1, 2, ... with their wrapped lines
    joined (page footers such as '8/8' stay with the last turn of the page)."""
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        lines = "\n".join(p.extract_text() or "" for p in pdf.pages).split("\n")
    turns: list[str] = []
    for line in lines:
        m = _TURN.match(line)
        if m and int(m[1]) == len(turns) + 1:
            turns.append(m[2])
        elif turns:
            turns[-1] += " " + line
    turns = [" ".join(t.split()) for t in turns]
    if not turns:
        raise ValueError(f"{path}: no numbered turns ('1 Dan: ...') found")
    return turns


def read_segments(path: Path) -> list[tuple[str, str, str]]:
    """Return (document name, code path, segment text) per row of a coded-segments PDF. A row
    starts at its document label ('P4'); a word belongs to the last row starting at or above it
    (a row may continue on the next page)."""
    rows: list[dict] = []
    for words in _pdf_words(path):
        labels = sorted(w["top"] for w in words if w["x0"] < CODE_X and _LABEL.fullmatch(w["text"]))
        names = [
            w["text"]
            for w in sorted(words, key=lambda w: w["top"])
            if w["x0"] < CODE_X and _LABEL.fullmatch(w["text"])
        ]
        first = len(rows)
        rows += [{"doc": n, "code": [], "seg": []} for n in names]
        for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
            if w["x0"] < CODE_X:
                continue
            k = sum(1 for t in labels if t <= w["top"] + 4) - 1
            if k < 0 and first == 0:
                continue  # the page's title and header
            row = rows[first + k] if k >= 0 else rows[first - 1]
            row["code" if w["x0"] < SEGMENT_X else "seg"].append(w["text"])
    if not rows:
        raise ValueError(f"{path}: no rows 'P1 | code | segment' found")
    return [(r["doc"], " ".join(r["code"]), " ".join(r["seg"])) for r in rows]


def read_code_system(path: Path) -> dict[str, str]:
    """Return {code path: memo} from a code-system PDF (depth from the name's indentation)."""
    out: dict[str, str] = {}
    stack: list[str] = []
    for words in _pdf_words(path):
        lines: dict[int, list[dict]] = {}
        for w in words:
            lines.setdefault(round(w["top"] / 4), []).append(w)
        current = None
        for key in sorted(lines):
            ws = sorted(lines[key], key=lambda w: w["x0"])
            name = [w for w in ws if w["x0"] < MEMO_X]
            memo = " ".join(w["text"] for w in ws if MEMO_X <= w["x0"] < FREQUENCY_X)
            counted = any(w["x0"] >= FREQUENCY_X for w in ws)
            if counted and name:
                depth = round((name[0]["x0"] - 24) / INDENT) - 1
                label = " ".join(w["text"] for w in name)
                if depth < 0:  # the tree's root row, 'Code System'
                    continue
                stack = stack[:depth] + [label]
                current = " > ".join(stack)
                out[current] = memo
            elif current is not None and memo:
                out[current] = f"{out[current]} {memo}".strip()
    return out


def locate(text: str, segment: str, k: int = ANCHOR_WORDS) -> tuple[int, int] | None:
    """Return the [start, end) span of ``segment`` in ``text``, matched by its first and last
    ``k`` words (case-folded), or None. The span's word count must be at least 0.7x and at most
    3x the segment's."""
    words = [(m.group().casefold(), m.start(), m.end()) for m in _WORD.finditer(text)]
    seg = [m.group().casefold() for m in _WORD.finditer(segment)]
    if not seg:
        return None
    k = min(k, len(seg))
    plain = [w for w, _s, _e in words]
    head, tail = seg[:k], seg[-k:]
    for i in range(len(plain) - k + 1):
        if plain[i : i + k] != head:
            continue
        for j in range(i, min(len(plain) - k, i + 3 * len(seg) + 5) + 1):
            if plain[j : j + k] == tail and j + k - i >= 0.7 * len(seg):
                return words[i][1], words[j + k - 1][2]
    return None


def read_maxqda_folder(folder: Path) -> tuple[list[Interview], dict[str, str], int]:
    """Return (interviews with their located codings, {code path: memo}, segments not found)."""
    folder = Path(folder)
    pdfs = sorted((folder / "transcripts").glob("*.pdf"), key=lambda p: (len(p.stem), p.stem))
    if not pdfs or not (folder / "coded-segments.pdf").exists():
        raise ValueError(f"{folder}: expected transcripts/*.pdf and coded-segments.pdf")
    interviews = {p.stem: Interview(p.stem, read_turns(p), []) for p in pdfs}
    memos = {}
    if (folder / "code-system.pdf").exists():
        memos = read_code_system(folder / "code-system.pdf")
    lost = 0
    for doc, code, segment in read_segments(folder / "coded-segments.pdf"):
        # the labelled transcript first, then the others (a label may sit a row off)
        order = [doc] + [n for n in interviews if n != doc]
        for name in order:
            if name not in interviews:
                continue
            span = locate(interviews[name].text, segment)
            if span:
                interviews[name].codings.append((*span, code))
                break
        else:
            lost += 1
    return list(interviews.values()), memos, lost


def build_interview_project(interviews: list[Interview], memos: dict[str, str], path: Path):
    """Write a project at ``path``: one interview document per transcript (a paragraph per
    turn), the codes with their memos as definitions, the codings as coder 'primary'."""
    from coding import apply_batch, ensure_code_path, update_code
    from corpus import Document, paragraphs_from_text, sha256_bytes, store_document
    from projectfile import open_project

    db = open_project(path)
    rows = []
    for iv in interviews:
        text = iv.text
        doc = store_document(
            db,
            Document(
                text=text,
                title=iv.name,
                source_name=f"{iv.name}.pdf",
                kind="interview",
                language="en",
                sha256=sha256_bytes(f"{iv.name}\n{text}".encode()),
                segments=paragraphs_from_text(text),
            ),
            segment_language=False,
        )
        for start, end, code in iv.codings:
            ensure_code_path(db, code, coder="loader")
            rows.append({"document_id": doc, "char_start": start, "char_end": end, "code": code})
    for code, memo in memos.items():
        if memo:
            update_code(db, ensure_code_path(db, code, coder="loader"), "loader", definition=memo)
    apply_batch(db, rows, rule="outside coding", coder="primary")
    return db
