"""The errors of ``nlp`` meant for users, in the workbench's one family (``QdaError``)."""

from __future__ import annotations

from projectfile import QdaError


class NlpError(QdaError):
    """Bad input to an nlp function (e.g. no code named for a preview), in plain words."""


class GazetteerError(NlpError):
    """Bad gazetteer input, with the file (and line) and a plain-language reason."""


class TopicError(NlpError):
    """A topic fit that cannot run (too few segments, no words left), with the reason."""
