"""FTS5's ``unicode61 remove_diacritics 2`` tokenizer, in Python, for the derived search index.

The index beside the project file must match exactly the segments FTS5 matches, so both must cut
text into the same tokens. unicode61 decides per code point (Unicode 6.1 data, fixed in SQLite):
a separator, or a token character folded to lower case without diacritics (one or no code
point). ``unicode61.json`` holds what differs from "token character, unchanged", read
from SQLite itself by ``unicode61_table`` (a test compares it with the running SQLite).
``fold_text`` turns a text into its tokens joined by single spaces' worth of separators, which
the index splits on ASCII whitespace.
"""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

TABLE_FILE = Path(__file__).with_name("unicode61.json")
_SPACE = " "


@functools.cache
def _translation() -> dict[int, str]:
    """Return the ``str.translate`` table: separators -> space, dropped marks -> '', folds."""
    data = json.loads(TABLE_FILE.read_text(encoding="utf-8"))
    table: dict[int, str] = {}
    for lo, hi in data["separators"]:
        table.update(dict.fromkeys(range(lo, hi + 1), _SPACE))
    for lo, hi in data["dropped"]:
        table.update(dict.fromkeys(range(lo, hi + 1), ""))
    table.update({int(cp): folded for cp, folded in data["folded"].items()})
    return table


def fold_text(text: str) -> str:
    """Return ``text`` with separators as spaces and token characters folded as unicode61 does."""
    return text.translate(_translation())


def tokens(text: str) -> list[str]:
    """Return the tokens FTS5 (unicode61, remove_diacritics 2) makes of ``text``, in order."""
    return [t for t in fold_text(text).split(_SPACE) if t]


def unicode61_table(codepoints) -> dict:
    """Return {separators, dropped, folded} for ``codepoints`` as the running SQLite's FTS5 sees
    them (ranges as [first, last] pairs)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    cps = [cp for cp in codepoints if not 0xD800 <= cp < 0xE000]
    batch = 2000
    for i in range(0, len(cps), batch):  # each code point between two letters: aXb
        conn.execute(
            "INSERT INTO t (rowid, x) VALUES (?, ?)",
            [i // batch, " ".join(f"a{chr(cp)}b" for cp in cps[i : i + batch])],
        )
    found: dict[int, list] = {}
    for term, doc, offset in conn.execute("SELECT term, doc, offset FROM v"):
        found.setdefault(doc, []).append((offset, term))
    conn.close()
    separators, dropped, folded = [], [], {}
    for doc, terms in sorted(found.items()):
        seq = [t for _, t in sorted(terms)]
        k, j = doc * batch, 0
        while j < len(seq):
            cp = cps[k]
            if seq[j] == "a":  # aXb became a, b: X separates
                separators.append(cp)
                j += 2
            else:
                fold = seq[j][1:-1]
                if fold == "":
                    dropped.append(cp)
                elif fold != chr(cp):
                    folded[str(cp)] = fold
                j += 1
            k += 1
    return {"separators": _ranges(separators), "dropped": _ranges(dropped), "folded": folded}


def _ranges(values: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for v in values:
        if out and out[-1][1] == v - 1:
            out[-1][1] = v
        else:
            out.append([v, v])
    return out


if __name__ == "__main__":  # regenerate the table (about 10 s)
    TABLE_FILE.write_text(
        json.dumps(unicode61_table(range(0x110000)), separators=(",", ":"), ensure_ascii=True)
        + "\n",
        encoding="ascii",
    )
