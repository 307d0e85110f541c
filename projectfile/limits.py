"""The limits on what one operation reads into memory, and the one wording of their messages.

Every path that reads something from outside in the main process (a project to merge, a
corrected text, the text inside a REFI-QDA project, an uploaded file) checks its size against a
limit here *before* reading it, and says so in the same words: what was over, by how much, which
limit, and what to do.  ``docs/bad-inputs.md`` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import QdaError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """A limit: its value, what it is a limit for, what to do when over it, and its unit
    (``"MB"`` for bytes, else the noun counted, e.g. ``"paragraphs"``)."""

    value: int
    what: str
    advice: str
    unit: str = "MB"

    def amount(self, n: float) -> str:
        """``n`` in this limit's unit, as a person reads it (``20 MB``, ``8,000 levels``)."""
        if self.unit == "MB":
            mb = n / MiB
            return f"{mb:.1f} MB" if mb < 10 and mb != int(mb) else f"{mb:,.0f} MB"
        if self.unit == "duration":
            minutes = int(n) // 60
            return f"{minutes // 60} h {minutes % 60:02d} min"
        return f"{int(n):,} {self.unit}"


# One document's text: what a parse keeps, an edit stores, a merge brings in.
DOCUMENT_TEXT = Limit(
    50 * MiB, "the text of one document", "split it into smaller documents and add each"
)
DOCUMENT_PARAGRAPHS = Limit(
    200_000,
    "the paragraphs of one document",
    "split it into smaller documents and add each",
    unit="paragraphs",
)
# A project file given to `merge` (with its -wal file); read in place, never loaded whole.
MERGE_FILE = Limit(
    1024 * MiB,
    "a project file to merge",
    "merge a smaller project: split the work into several projects, or export the codes you"
    " need as a .qdpx and merge that",
)
MERGE_DOCUMENT = Limit(
    16 * MiB,
    "one document of a project to merge (its text is compared word by word with this project's)",
    "split the document into smaller documents in that project, then merge",
)
MERGE_TEXT = Limit(
    128 * MiB,
    "the text of all documents of a project to merge",
    "merge the project in parts (a copy holding some of the documents each time)",
)
MERGE_ROWS = Limit(
    500_000,
    "one table of a project to merge",
    "merge the project in parts (a copy holding some of the documents each time)",
    unit="rows",
)
CODE_DEPTH = Limit(
    64,
    "how deep codes may nest",
    "flatten the codebook (move deep codes up) in the other program or project, then try again",
    unit="levels",
)
# A text compared word by word with another (an edit, a merged document): the diff takes about
# 40 MB of memory per MB of text, so this is smaller than what a parse may keep.
EDIT_FILE = Limit(
    16 * MiB,
    "a corrected text (it is compared word by word with the document)",
    "correct the document in parts: split it into smaller documents, ingest them, and correct each",
)
UPLOAD_FILE = Limit(
    200 * MiB,
    "one uploaded file",
    "split the file, or ingest it from the command line (`cli.py ingest --max-mb`)",
)
REFI_SOURCE_TEXT = Limit(
    16 * MiB,
    "the text of one source",
    "split large documents into smaller ones in the other program and export again",
)
REFI_XML = Limit(
    64 * MiB,
    "the project XML",
    "split large documents into smaller ones in the other program and export again",
)
REFI_TEXT_TOTAL = Limit(
    128 * MiB,
    "the text of one import",
    "export the project in parts and import each",
)


# A recording attached to a transcript: probed before a byte is copied beside the project.
MEDIA_FILE = Limit(
    4 * 1024 * MiB,
    "one recording",
    "attach a smaller file: an audio-only copy (e.g. `ffmpeg -i in.mp4 -vn -ac 1 -b:a 64k"
    " out.m4a`) is enough to listen to an interview",
)
MEDIA_DURATION = Limit(
    6 * 3600,
    "the length of one recording",
    "cut the recording into parts (`ffmpeg -i in.m4a -ss 0 -t 3:00:00 -c copy part1.m4a`) and"
    " attach each to the transcript of its part",
    unit="duration",
)


class LimitExceeded(QdaError):
    """Something to read is over one of the limits above; nothing was read or changed."""

    def __init__(self, message: str, limit: Limit, label: str = ""):
        super().__init__(message)
        self.limit = limit
        self.label = label
        self.reason = message.split(": ", 1)[1] if label and ": " in message else message


def limit_reason(limit: Limit, subject: str, amount: float | None, verb: str = "is") -> str:
    """The message without the file name: ``<subject> <verb> <amount>, over the limit of <limit>
    for <what>: <advice>`` (``<subject> <verb> over the limit ...`` when the amount is not
    known, e.g. a value SQLite refused to load)."""
    size = f" {limit.amount(amount)}," if amount is not None else ""
    return (
        f"{subject} {verb}{size} over the limit of"
        f" {limit.amount(limit.value)} for {limit.what}: {limit.advice}"
    )


def over_limit(
    label: str, limit: Limit, subject: str, amount: float | None, verb: str = "is"
) -> LimitExceeded:
    """Return the error for ``subject`` of ``label`` (a file name) at ``amount``, over ``limit``."""
    return LimitExceeded(f"{label}: {limit_reason(limit, subject, amount, verb)}", limit, label)


def check_limit(label: str, limit: Limit, subject: str, amount: float, verb: str = "is") -> None:
    """Raise ``over_limit`` when ``amount`` is over ``limit``."""
    if amount > limit.value:
        raise over_limit(label, limit, subject, amount, verb)
