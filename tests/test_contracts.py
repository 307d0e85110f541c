"""Strings that are contracts (stored, compared, printed) are enums whose values are exactly what
the schema's CHECK constraints allow, so a value added on one side fails here, not in a user's
project."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest

from coding import ActionState, AgreementStatus, CodingScope, ReviewStatus, format_statistic
from coding.agreement_stats import STATUSES as AGREEMENT_STATUSES
from coding.agreement_stats import judged_stats
from corpus import KINDS, DocumentKind, OutcomeStatus
from corpus.outcomes import STATUSES
from nlp import SEARCH_MODES, SearchMode, SuggestionDecision

ROOT = Path(__file__).resolve().parents[1]


def _check_values(schema: str, column: str) -> set[str]:
    """Return the values a ``CHECK (column IN (...))`` in ``<schema>`` allows (``column`` may be
    ``table.column`` where two tables have a column of that name)."""
    text = (ROOT / schema).read_text()
    if "." in column:
        table, column = column.split(".")
        text = text[text.index(f"CREATE TABLE {table} (") :]
        text = text[: text.index('"""')]
    (values,) = re.findall(rf"CHECK \({column} IN \(([^)]*)\)\)", text)
    return set(re.findall(r"'([^']*)'", values))


@pytest.mark.parametrize(
    ("enum", "schema", "column"),
    [
        (DocumentKind, "corpus/schema.py", "kind"),
        (CodingScope, "coding/schema.py", "scope"),
        (ActionState, "coding/schema.py", "state"),
        (ReviewStatus, "coding/schema.py", "coding_reviews.status"),
        (SuggestionDecision, "nlp/schema.py", "decision"),
    ],
)
def test_contracts_enum_values_are_the_schemas(enum: type[StrEnum], schema: str, column: str):
    assert {m.value for m in enum} == _check_values(schema, column)


def test_contracts_enum_members_are_the_stored_strings():
    assert CodingScope.SPAN == "span" and f"{OutcomeStatus.FAILED}" == "failed"
    assert KINDS == ("policy", "interview", "other") and STATUSES == ("ok", "skipped", "failed")


def test_contracts_search_modes_and_agreement_statuses_are_the_strings_callers_pass():
    # ``find --mode``, the Search page and callers pass these strings; hybrid is the default
    assert SEARCH_MODES == ("hybrid", "meaning", "keyword") and SEARCH_MODES[0] == SearchMode.HYBRID
    assert AGREEMENT_STATUSES == (
        "ok",
        "not applied",
        "undefined: no variation",
        "no documents compared",
    )
    assert judged_stats([], [])[3] is AgreementStatus.NOTHING_COMPARED
    # a status read back as a plain string (a saved table) renders as the member does
    assert format_statistic(float("nan"), "not applied") == "n/a (not applied)"
    assert format_statistic(float("nan"), AgreementStatus.NO_VARIATION) == "undefined"
