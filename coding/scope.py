"""The one scope that decides what counts: which codings every count, listing, matrix, agreement
and export is computed over.

A ``Scope`` is built once (from the widgets of a page or the options of a command) and passed down;
the query functions read it and never re-derive its filters. Its SQL (``scope_where``) is the only
place that says what an active coding is:

- the coding and its code are not deleted (in the trash);
- the coding sits on a document (span and whole-document codings; whole-case codings are counted
  by the matrices' case rule);
- the document is the current version of its chain, unless ``versions='all'`` asks for history:
  earlier versions and the codings left on them are history, visible in a document's version list
  and in that explicit scope, never in a count;
- the code, coder, document, case and case-attribute filters hold;
- in an open blind round, a member who is not an owner sees only their own codings there
  (``coding.blind``; from the actor bound to the connection).

``count`` says how a coded segment counts: 'codings' counts every coding, 'segments' a segment
coded by several coders once, 'auto' segments in a team project (codings by more than one coder).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Literal

import pandas as pd
import sqlite_utils

from corpus import current_documents_sql

from .blind import blind_filter
from .case_data import case_attributes
from .case_rule import case_documents
from .codes import code_ids
from .history import CodingError
from .states import CodingScope

CountMode = Literal["auto", "segments", "codings"]
Versions = Literal["current", "all"]
COUNTS: tuple[CountMode, ...] = ("auto", "segments", "codings")
VERSIONS: tuple[Versions, ...] = ("current", "all")
# the coders whose codings are the assistant's (kept out unless a scope asks for them)
ASSISTANTS_SQL = "SELECT id FROM coders WHERE kind = 'assistant'"


def _tuple(values) -> tuple | None:
    if values is None:
        return None
    if isinstance(values, (str, int)):
        return (values,)
    return tuple(values)


def _attributes(values: Mapping | Iterable | None) -> tuple | None:
    """Return {name: value or values} as a sorted tuple of (name, (values...)) (hashable)."""
    if not values:
        return None
    items = values.items() if isinstance(values, Mapping) else values
    out = []
    for name, value in items:
        vals = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        out.append((str(name), tuple(sorted(str(v) for v in vals))))
    return tuple(sorted(out))


@dataclasses.dataclass(frozen=True)
class Scope:
    """What counts: codes (ids or paths, with children or not), coders (names), documents (ids),
    cases (ids), case-attribute filters, versions and the count mode.

    The assistant's codings (coders of kind 'assistant') count only when ``assistants`` is set
    or an assistant is named in ``coders``: never by default in a count, matrix or export."""

    codes: tuple | None = None
    children: bool = False
    coders: tuple[str, ...] | None = None
    documents: tuple[int, ...] | None = None
    cases: tuple[int, ...] | None = None
    attributes: tuple | None = None
    versions: Versions = "current"
    count: CountMode = "auto"
    assistants: bool = False

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "codes", _tuple(self.codes))
        set_(self, "coders", _tuple(self.coders))
        docs = _tuple(self.documents)
        set_(self, "documents", None if docs is None else tuple(int(d) for d in docs))
        cases = _tuple(self.cases)
        set_(self, "cases", None if cases is None else tuple(int(c) for c in cases))
        set_(self, "attributes", _attributes(self.attributes))
        if self.versions not in VERSIONS:
            raise CodingError(
                f"versions must be one of {', '.join(VERSIONS)}, not {self.versions!r}"
            )
        if self.count not in COUNTS:
            raise CodingError(f"count must be one of {', '.join(COUNTS)}, not {self.count!r}")

    @classmethod
    def of(cls, scope: Scope | None = None, **filters) -> Scope:
        """Return ``scope`` with ``filters`` set (None values leave a field as it is).

        ``filters`` take the field names, plus ``code`` for ``codes`` and ``attribute`` for
        ``attributes`` (the names the query functions used before the scope)."""
        if "code" in filters:
            filters["codes"] = filters.pop("code")
        if "attribute" in filters:
            filters["attributes"] = filters.pop("attribute")
        unknown = set(filters) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown scope filters: {', '.join(sorted(unknown))}")
        given = {
            k: v for k, v in filters.items() if v is not None and not (k == "children" and not v)
        }
        base = scope if scope is not None else cls()
        return dataclasses.replace(base, **given) if given else base

    def replace(self, **changes) -> Scope:
        """Return a copy with ``changes`` (None clears a filter)."""
        return dataclasses.replace(self, **changes)

    @property
    def attribute_filter(self) -> dict | None:
        """Return the attribute filter as {name: [values]} (None: no filter)."""
        return None if not self.attributes else {n: list(v) for n, v in self.attributes}

    def describe(self) -> str:
        """Return a one-line plain description of the scope (for reports and methods sections)."""
        parts = []
        if self.codes is not None:
            codes = ", ".join(str(c) for c in self.codes)
            parts.append(f"codes {codes}" + (" with children" if self.children else ""))
        if self.coders is not None:
            parts.append("coders " + ", ".join(self.coders))
        if self.documents is not None:
            parts.append(f"{len(self.documents)} documents")
        if self.cases is not None:
            parts.append(f"{len(self.cases)} cases")
        for name, values in self.attributes or ():
            parts.append(f"{name} = {' or '.join(values)}")
        parts.append("current versions" if self.versions == "current" else "all versions")
        if self.assistants:
            parts.append("with the assistant's codings")
        parts.append(
            {"auto": "count: auto", "segments": "each segment once"}.get(self.count, "every coding")
        )
        return "; ".join(parts)


def count_mode(db: sqlite_utils.Database, scope: Scope | str = "auto") -> str:
    """Return 'segments' or 'codings' for the scope's count ('auto': segments in a team project,
    i.e. active codings on current versions by more than one coder)."""
    count = scope.count if isinstance(scope, Scope) else scope
    if count not in COUNTS:
        raise CodingError(f"count must be one of {', '.join(COUNTS)}, not {count!r}")
    if count != "auto":
        return count
    n = db.execute(
        "SELECT COUNT(DISTINCT coder_id) FROM codings WHERE deleted_at IS NULL"
        " AND coder_id NOT IN (SELECT id FROM coders WHERE kind = 'consensus')"
        f" AND (document_id IS NULL OR document_id IN ({current_documents_sql()}))"
        f" AND coder_id NOT IN ({ASSISTANTS_SQL})"
    ).fetchone()[0]
    return "segments" if n > 1 else "codings"


def attribute_key(value) -> str:
    """Return the comparable form of an attribute value: numbers by value (12 == '12' == 12.0),
    text case-folded and stripped."""
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return str(value).strip().casefold()


def scope_cases(db: sqlite_utils.Database, scope: Scope) -> set[int] | None:
    """Return the case ids the scope's cases and attribute filters allow (None: no filter)."""
    case_ids: set[int] | None = None if scope.cases is None else set(scope.cases)
    attribute = scope.attribute_filter
    if attribute:
        attrs = case_attributes(db, *attribute)
        mask = pd.Series(True, index=attrs.index)
        for name, values in attribute.items():
            wanted = {attribute_key(v) for v in values}
            mask &= attrs[name].map(lambda v, w=wanted: not _missing(v) and attribute_key(v) in w)
        picked = set(attrs.loc[mask, "case_id"].astype(int))
        case_ids = picked if case_ids is None else case_ids & picked
    return case_ids


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def scope_documents(db: sqlite_utils.Database, scope: Scope) -> list[int] | None:
    """Return the document ids the scope's document, case and attribute filters allow (None: no
    filter). A case's documents are those where it speaks or is a document case; which codings in
    them are the case's is the case rule's answer (``span_cases``)."""
    allowed: set[int] | None = None if scope.documents is None else set(scope.documents)
    case_ids = scope_cases(db, scope)
    if case_ids is not None:
        docs = case_documents(db, case_ids)
        allowed = docs if allowed is None else allowed & docs
    return None if allowed is None else sorted(allowed)


def in_list(col: str, values) -> tuple[str, list]:
    """Return ``col IN (?, ...)`` and its params (a false condition for no values)."""
    values = list(values)
    if not values:
        # never true, but not a constant: a WHERE folded to false finds no plan for INDEXED BY a
        # partial index ("no query solution", e.g. a scope naming a coder with no codings)
        return f"{col} IN (NULL)", []
    return f"{col} IN ({', '.join('?' * len(values))})", values


def coder_ids(db: sqlite_utils.Database, coders) -> list[int] | None:
    """Return the ids of the coders named (None: no filter)."""
    if coders is None:
        return None
    names = [coders] if isinstance(coders, str) else list(coders)
    sql, params = in_list("name", names)
    return [r[0] for r in db.execute(f"SELECT id FROM coders WHERE {sql}", params)]


def scope_where(
    db: sqlite_utils.Database,
    scope: Scope,
    alias: str = "c",
    codes=None,
    documents: Iterable[int] | None = None,
    whole_case: bool = False,
) -> tuple[list[str], list]:
    """Return SQL conditions (and params) selecting the scope's active span and document codings
    of ``alias`` (and whole-case codings of the scope's cases when ``whole_case``).

    ``codes`` overrides the scope's codes (a boolean query's A and B); ``documents`` are the
    documents already resolved from the scope (``scope_documents``), or None to resolve them here.
    The assistant's codings are left out unless the scope includes them or names coders.
    """
    where = [f"{alias}.deleted_at IS NULL"]
    params: list = []
    if documents is None:
        documents = scope_documents(db, scope)
    wanted = scope.codes if codes is None else codes
    for col, values in (
        (f"{alias}.code_id", code_ids(db, wanted, scope.children)),
        (f"{alias}.coder_id", coder_ids(db, scope.coders)),
    ):
        if values is not None:
            sql, p = in_list(col, values)
            where.append(sql)
            params += p
    on_document = [f"{alias}.document_id IS NOT NULL"]
    doc_params: list = []
    if documents is not None:
        sql, doc_params = in_list(f"{alias}.document_id", documents)
        on_document.append(sql)
    if scope.versions == "current":
        on_document.append(f"{alias}.document_id IN ({current_documents_sql()})")
    if whole_case:
        on_case = [f"{alias}.scope = ?", f"{alias}.case_id IS NOT NULL"]
        case_params: list = [CodingScope.CASE]
        cases = scope_cases(db, scope)
        if cases is not None:
            sql, p = in_list(f"{alias}.case_id", sorted(cases))
            on_case.append(sql)
            case_params += p
        where.append(f"(({' AND '.join(on_document)}) OR ({' AND '.join(on_case)}))")
        params += doc_params + case_params
    else:
        where += on_document
        params += doc_params
    if (
        not scope.assistants
        and scope.coders is None
        and db.execute(ASSISTANTS_SQL + " LIMIT 1").fetchone()
    ):
        where.append(f"{alias}.coder_id NOT IN ({ASSISTANTS_SQL})")
    if db.execute("SELECT 1 FROM codes WHERE deleted_at IS NOT NULL LIMIT 1").fetchone():
        where.append(f"{alias}.code_id IN (SELECT id FROM codes WHERE deleted_at IS NULL)")
    hidden = blind_filter(db, f"{alias}.document_id", f"{alias}.coder_id")
    if hidden:  # in an open blind round a member sees only their own codings (coding.blind)
        where.append(hidden[0])
        params += hidden[1]
    return where, params
