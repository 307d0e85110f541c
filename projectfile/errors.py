"""The one family of errors meant for users: every package's errors derive from ``QdaError``.

The CLI and the app catch ``QdaError`` only and show its message; anything else is a bug and
shows its traceback.
"""

from __future__ import annotations


class QdaError(Exception):
    """An error a user can act on: a plain-language message naming the file or thing concerned."""


class NotFound(QdaError):
    """A document, code, case, coder, memo or other record that does not exist."""


class ProjectError(QdaError):
    """A project file that cannot be opened or written, with a plain-language reason."""

    def __init__(self, message: str, code: str = "failed"):
        super().__init__(message)
        self.code = code


class WriteRefused(QdaError):
    """A write a guard refused before anything was written (a role, the demo): passed on as is,
    never wrapped into another failure."""
