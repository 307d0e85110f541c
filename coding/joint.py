"""Mixed-methods displays (MAXQDA's joint displays and Interactive Quote Matrix): codes against
groups of cases made from a case attribute (ages binned, sectors merged), with counts, the share
of the group's cases that talk about a code and representative quotes; a crosstab of two
attributes over the cases that have a code; two groups of cases compared for one code.

Counts come from ``framework_frame`` (cases x codes over the one ``Scope``), so they equal the
Framework and Code x case views; a case's group comes from ``attribute_groups``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd
import sqlite_utils

from .case_data import case_attributes
from .case_rule import exploded_cases
from .cell_rows import NO_VALUE, value_label
from .codes import code_ids, code_paths
from .codings import codings_frame
from .framework import framework_codes, framework_frame
from .history import CodingError
from .scope import Scope, scope_cases

JOINT_COLUMNS = [
    "code_id",
    "code_path",
    "group",
    "cases_with",
    "cases_in_group",
    "share",
    "codings",
    "quote_coding_ids",
]
COMPARE_COLUMNS = [
    "code_id",
    "code_path",
    "a_cases",
    "a_share",
    "b_cases",
    "b_share",
    "diff",
    "only_in",
    "a_quote_ids",
    "b_quote_ids",
]
QUOTE_LIMIT = 1500
OUT_OF_RANGE = "(out of range)"

Bins = Sequence[float] | Mapping[str, Sequence[str]] | None


def _edge(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def bin_labels(edges: Sequence[float]) -> list[str]:
    """Return a label per interval [edge_i, edge_i+1): whole-number edges as '30–44', others as
    '2.5 to <5'."""
    out = []
    for lo, hi in zip(edges, edges[1:]):
        if float(lo).is_integer() and float(hi).is_integer():
            out.append(f"{_edge(lo)}–{_edge(hi - 1)}")
        else:
            out.append(f"{_edge(lo)} to <{_edge(hi)}")
    return out


def _group_of(value, bins: Bins) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or str(value) == "":
        return NO_VALUE
    if bins is None:
        return value_label(value)
    if isinstance(bins, Mapping):
        text = value_label(value)
        for group, members in bins.items():
            if text.casefold() in {str(m).strip().casefold() for m in members}:
                return str(group)
        return text
    edges = [float(e) for e in bins]
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise CodingError(f"{value!r} is not a number, so it cannot be put in bins") from None
    for label, lo, hi in zip(bin_labels(edges), edges, edges[1:]):
        if lo <= x < hi:
            return label
    return OUT_OF_RANGE


def group_order(groups, bins: Bins) -> list[str]:
    """Return the groups in reading order: bins in order, merged groups as given, then the rest
    by value, '(none)' last."""
    present = list(dict.fromkeys(groups))
    first: list[str] = []
    if isinstance(bins, Mapping):
        first = [str(g) for g in bins]
    elif bins is not None:
        first = bin_labels([float(e) for e in bins]) + [OUT_OF_RANGE]

    def key(g: str):
        try:
            return (0, float(g), "")
        except ValueError:
            return (1, 0.0, g.casefold())

    rest = sorted((g for g in present if g not in first and g != NO_VALUE), key=key)
    ordered = [g for g in first if g in present] + rest
    return ordered + ([NO_VALUE] if NO_VALUE in present else [])


def attribute_groups(
    db: sqlite_utils.Database, attribute: str, bins: Bins = None, scope: Scope | None = None
) -> pd.DataFrame:
    """Return case_id, group for every case (the scope's cases when given): the attribute's
    value, its bin (``bins`` edges, e.g. ages [0, 30, 45, 60, 120]: '0–29', '30–44', ...) or its
    merged group (``bins`` {'public': ['government', 'academia']}); '(none)' when blank."""
    attrs = case_attributes(db, attribute)
    allowed = scope_cases(db, scope) if scope is not None else None
    if allowed is not None:
        attrs = attrs[attrs["case_id"].isin(allowed)]
    return pd.DataFrame(
        {
            "case_id": attrs["case_id"].astype("int64").tolist(),
            "group": [_group_of(v, bins) for v in attrs[attribute]],
        }
    )


def representative_quotes(
    db: sqlite_utils.Database, coding_ids, n: int = 2, limit: int = QUOTE_LIMIT
) -> list[int]:
    """Return up to ``n`` coding ids, one per case, longest first among quotes of at most
    ``limit`` characters (a case's only quotes longer than that give its shortest): the same ids
    always give the same quotes."""
    ids = sorted({int(i) for i in coding_ids})
    if not ids or n <= 0:
        return []
    raw = codings_frame(db, Scope(versions="all"))
    raw = raw[raw["coding_id"].isin(ids) & raw["document_id"].notna()].copy()
    if raw.empty:
        return []
    raw["length"] = raw["char_end"] - raw["char_start"]
    raw["fits"] = raw["length"] <= limit
    per_case = exploded_cases(db, raw.reset_index(drop=True)).drop_duplicates("coding_id")
    rest = raw[~raw["coding_id"].isin(per_case["coding_id"])].assign(case_id=-1)
    pool = pd.concat([per_case, rest], ignore_index=True)
    pool["_fit"] = ~pool["fits"]
    pool["_len"] = [-n if f else n for n, f in zip(pool["length"], pool["fits"])]
    pool = pool.sort_values(["_fit", "_len", "coding_id"])
    picked = pool.drop_duplicates("case_id") if len(pool) else pool
    return [int(i) for i in picked["coding_id"].head(n)]


def joint_display(
    db: sqlite_utils.Database,
    scope: Scope | None = None,
    /,
    attribute: str = "",
    bins: Bins = None,
    quotes: int = 2,
    **filters,
) -> pd.DataFrame:
    """Return JOINT_COLUMNS, one row per code (a framework column) and group of cases:
    ``cases_with`` the group's cases with at least one coding, ``cases_in_group`` the group's
    cases (in the scope), ``share`` their ratio, ``codings`` as the Code x case view counts them,
    ``quote_coding_ids`` representative quotes (``representative_quotes``)."""
    scope = Scope.of(scope, **filters)
    if not attribute:
        raise CodingError("a joint display needs a case attribute to group cases by")
    groups = attribute_groups(db, attribute, bins, scope)
    sizes = groups.groupby("group")["case_id"].nunique()
    order = group_order(groups["group"], bins)
    cells = framework_frame(db, scope, rows="case")
    cells = cells.assign(case_id=cells["row_key"].str.slice(5).astype("int64"))
    cells = cells.merge(groups, on="case_id")
    out = []
    for code_id, path in framework_codes(db, scope)[["code_id", "code_path"]].values:
        mine = cells[cells["code_id"] == code_id]
        for group in order:
            part = mine[mine["group"] == group]
            ids = [i for t in part["coding_ids"] for i in t]
            size = int(sizes.get(group, 0))
            with_ = int(part["case_id"].nunique())
            out.append(
                (
                    int(code_id),
                    path,
                    group,
                    with_,
                    size,
                    with_ / size if size else 0.0,
                    int(part["codings"].sum()),
                    tuple(representative_quotes(db, ids, quotes)),
                )
            )
    return pd.DataFrame(out, columns=JOINT_COLUMNS)


def attribute_crosstab(
    db: sqlite_utils.Database,
    a: str,
    b: str,
    scope: Scope | None = None,
    bins_a: Bins = None,
    bins_b: Bins = None,
) -> pd.DataFrame:
    """Return a table of case counts, ``a``'s groups x ``b``'s groups, over the scope's cases;
    when the scope names codes, only the cases with at least one coding of them."""
    scope = scope or Scope()
    ga = attribute_groups(db, a, bins_a, scope).rename(columns={"group": a})
    gb = attribute_groups(db, b, bins_b, scope).rename(columns={"group": b})
    both = ga.merge(gb, on="case_id")
    if scope.codes is not None:
        coded = framework_frame(db, scope, rows="case")
        keep = {int(k[5:]) for k in coded["row_key"]}
        both = both[both["case_id"].isin(keep)]
    table = pd.crosstab(both[a], both[b]) if len(both) else pd.DataFrame()
    if table.empty:
        return pd.DataFrame(index=pd.Index([], name=a))
    table = table.reindex(index=group_order(both[a], bins_a), columns=group_order(both[b], bins_b))
    table.columns.name = b
    return table.fillna(0).astype("int64")


def _group_cases(db, scope: Scope, group: Mapping) -> set[int]:
    cases = scope_cases(db, scope.replace(attributes=dict(group)))
    base = scope_cases(db, scope)
    return cases if base is None else cases & base


def compare_groups(
    db: sqlite_utils.Database,
    scope: Scope,
    group_a: Mapping[str, Sequence[str] | str],
    group_b: Mapping[str, Sequence[str] | str],
    quotes: int = 2,
) -> pd.DataFrame:
    """Compare two groups of cases (attribute filters such as {'sector': 'industry'}) for the
    scope's code and each of its sub-codes: per code the cases of each group that have codings,
    their shares, ``diff`` (A's share minus B's), ``only_in`` ('A', 'B' or '') and
    representative quotes of each side."""
    if scope.codes is None or len(scope.codes) != 1:
        raise CodingError("compare two groups for one code (with its sub-codes)")
    cases_a, cases_b = _group_cases(db, scope, group_a), _group_cases(db, scope, group_b)
    if cases_a & cases_b:
        raise CodingError("the two groups share cases: choose groups that do not overlap")
    ids = code_ids(db, scope.codes, scope.children)
    paths = code_paths(db)
    cells = framework_frame(db, scope.replace(codes=tuple(ids), children=False), rows="case")
    cells = cells.assign(case_id=cells["row_key"].str.slice(5).astype("int64"))
    out = []
    for code_id in ids:
        mine = cells[cells["code_id"] == code_id]
        side = {}
        for name, cases in (("a", cases_a), ("b", cases_b)):
            part = mine[mine["case_id"].isin(cases)]
            n = int(part["case_id"].nunique())
            picked = representative_quotes(db, [i for t in part["coding_ids"] for i in t], quotes)
            side[name] = (n, n / len(cases) if cases else 0.0, tuple(picked))
        (na, sa, qa), (nb, sb, qb) = side["a"], side["b"]
        only = "A" if na and not nb else "B" if nb and not na else ""
        out.append((int(code_id), paths.get(code_id, ""), na, sa, nb, sb, sa - sb, only, qa, qb))
    return pd.DataFrame(out, columns=COMPARE_COLUMNS)
