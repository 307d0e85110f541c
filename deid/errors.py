"""Errors of ``deid`` meant for users: a review table that does not match the text, a taken path."""

from __future__ import annotations

from projectfile import QdaError


class DeidError(QdaError):
    """A de-identification step that cannot run as asked, with a plain-language reason."""
