"""Errors of ``exports`` (both ``QdaError``): bad export requests, files that cannot be imported."""

from __future__ import annotations

from projectfile import QdaError


class ExportError(QdaError):
    """An export asked for something that cannot be made (unknown format, empty codebook, ...)."""


class ImportFileError(ExportError):
    """A file that cannot be imported, with its name and a plain-language reason."""

    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason
