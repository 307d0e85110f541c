"""Errors of ``interviews`` meant for users (bad roles, case names, attribute values and CSVs)."""

from __future__ import annotations

from projectfile import QdaError


class InterviewError(QdaError):
    """Bad input for speakers, cases or attributes, with a plain-language reason."""
