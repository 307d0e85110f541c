"""Interview transcripts: formats, speaker turns, cases and attributes, de-identification.

Public face: ``parse_transcript`` (pure), ``store_transcript`` / ``import_transcripts`` (one transaction per file),
query functions returning DataFrames (``turns_frame``, ``cases_frame``, ``case_attributes_frame``, ``document_cases``),
and ``pseudonymize`` (see ``interviews.deid``).
"""

from .attributes import attributes_csv, define_attribute, import_attributes_csv, set_attribute
from .cases import (
    apply_attribute_edits,
    apply_speaker_edits,
    attribute_edits,
    delete_case,
    import_refi_cases,
    merge_cases,
    rename_case,
    set_speaker,
    speaker_edits,
)
from .model import Transcript, Turn
from .parse import parse_transcript
from .queries import (
    attributes_frame,
    case_attributes_frame,
    cases_frame,
    document_cases,
    speakers_frame,
    transcript_turns,
    transcripts_frame,
    turns_frame,
)
from .store import ensure_case, import_transcripts, store_transcript

__all__ = [
    "Transcript",
    "Turn",
    "parse_transcript",
    "store_transcript",
    "import_transcripts",
    "ensure_case",
    "turns_frame",
    "transcript_turns",
    "speakers_frame",
    "transcripts_frame",
    "cases_frame",
    "document_cases",
    "attributes_frame",
    "case_attributes_frame",
    "define_attribute",
    "set_attribute",
    "attributes_csv",
    "import_attributes_csv",
    "set_speaker",
    "rename_case",
    "merge_cases",
    "delete_case",
    "speaker_edits",
    "apply_speaker_edits",
    "attribute_edits",
    "apply_attribute_edits",
    "import_refi_cases",
]
