"""The values coding stores and compares: a coding's scope, an action's state, a review's status.

``StrEnum`` members are the stored strings (``CodingScope.SPAN == "span"``), so SQL literals, rows
read back and JSON agree with them; ``tests/test_contracts.py`` holds them to ``coding/schema.py``'s
CHECK constraints.
"""

from __future__ import annotations

from enum import StrEnum


class CodingScope(StrEnum):
    """What a coding covers (``codings.scope``)."""

    SPAN = "span"
    DOCUMENT = "document"
    CASE = "case"


class ActionState(StrEnum):
    """Where an action stands on the undo stack (``coding_actions.state``)."""

    DONE = "done"
    UNDONE = "undone"
    DISCARDED = "discarded"


class ReviewStatus(StrEnum):
    """Where a coding an edit put in doubt stands (``coding_reviews.status``)."""

    OPEN = "open"
    REANCHORED = "reanchored"
    DISCARDED = "discarded"
