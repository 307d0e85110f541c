"""What an agreement compares: the coders, the documents every one of them coded (compared) and
the documents only some of them coded (left out), from one ``Scope``.

The rule for "coded by": a coder coded a document when they have at least one active coding in it
(``scope_where``: not deleted, code not in the trash, on the current version unless the scope asks
for every version) of *any* code, within the scope's coder, document, case and attribute filters.
The coders compared are the scope's, or every coder who coded a document in the scope (with any
code). The scope's code filter is deliberately not applied to "coded by":

- a coder who coded a document with any code has read it, so their not applying code K there is a
  decision ("not K"), which is what agreement on K measures;
- a code's figures then do not depend on which other codes were asked for: agreement on K alone and
  K's row in agreement over the whole codebook are the same numbers over the same documents.

A document coded by only some of the compared coders is left out (nothing of it is compared: a
coder who never opened it made no decisions there), and named, with the coders who did code it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlite_utils

from corpus import document_titles

from .scope import Scope, scope_where
from .states import CodingScope

CODING_COLUMNS = ["document_id", "code_id", "coder", "char_start", "char_end"]


def scope_codings(
    db: sqlite_utils.Database, scope: Scope, codes=None, every_code: bool = False
) -> pd.DataFrame:
    """Return the active span and document codings of the scope (CODING_COLUMNS), sorted by
    document and code; ``codes`` overrides the scope's codes, ``every_code`` drops the code
    filter."""
    if every_code:
        scope = scope.replace(codes=None, children=False)
    where, params = scope_where(db, scope, "c", codes=codes)
    where.append("c.scope != ?")
    params.append(CodingScope.CASE)
    return pd.read_sql_query(
        f"""SELECT c.document_id, c.code_id, r.name AS coder, c.char_start, c.char_end
            FROM codings c JOIN coders r ON r.id = c.coder_id
            WHERE {" AND ".join(where)} ORDER BY c.document_id, c.code_id, c.char_start""",
        db.conn,
        params=params,
    )


@dataclass
class Comparison:
    """The coders compared, the documents compared (coded by every one of them) and the documents
    left out ({document id: the compared coders who coded it}), with the documents' titles."""

    coders: list[str]
    compared: list[int] = field(default_factory=list)
    left_out: dict[int, list[str]] = field(default_factory=dict)
    titles: dict[int, str] = field(default_factory=dict)

    def compared_titles(self) -> str:
        """Return the compared documents' titles joined by '; '."""
        return "; ".join(self.titles.get(d, str(d)) for d in self.compared)

    def left_out_titles(self, documents=None) -> str:
        """Return the left-out documents (all, or those in ``documents``) as 'title (A only)'
        joined by '; '."""
        keep = self.left_out if documents is None else [d for d in self.left_out if d in documents]
        return "; ".join(
            f"{self.titles.get(d, str(d))} ({', '.join(self.left_out[d])} only)" for d in keep
        )


def compare(db: sqlite_utils.Database, scope: Scope) -> Comparison:
    """Return the Comparison of the scope: its coders (the scope's, or every coder who coded a
    document in it, with any code) and which documents are compared or left out (see the module's
    rule)."""
    coded = scope_codings(db, scope, every_code=True)
    # a consensus coder is compared only when named: its codings are decisions, not judgements
    consensus = {r[0] for r in db.execute("SELECT name FROM coders WHERE kind = 'consensus'")}
    coders = sorted(
        set(scope.coders) if scope.coders is not None else set(coded["coder"]) - consensus
    )
    if len(coders) < 2:
        return Comparison(coders)
    coded = coded[coded["coder"].isin(coders)]
    by_doc = coded.groupby("document_id")["coder"].agg(lambda s: sorted(set(s)))
    compared = [int(d) for d, who in by_doc.items() if len(who) == len(coders)]
    left_out = {int(d): list(who) for d, who in by_doc.items() if len(who) < len(coders)}
    titles = document_titles(db, list(by_doc.index))
    return Comparison(coders, compared, left_out, titles)
