"""Interview transcripts: formats, speaker turns, speakers, cases and their typed attributes.

Parsing is pure (``parse_transcript``); storing writes one transaction per file
(``store_transcript``, ``import_transcripts``); queries return DataFrames (``turns_frame``,
``cases_frame``, ``case_attributes_frame``, ``document_cases``). Case merges and deletes here touch
case records only: ``coding.merge_cases`` / ``coding.delete_case`` compose them with the codings.
De-identification lives in the ``deid`` package.
"""

from . import schema  # noqa: F401  (registers the package's tables with projectfile)
from .attributes import (
    attributes_csv,
    define_attribute,
    delete_attribute,
    import_attributes_csv,
    set_attribute,
)
from .cases import (
    ROLES,
    apply_attribute_edits,
    apply_speaker_edits,
    attribute_edits,
    delete_case_record,
    import_refi_cases,
    merge_case_records,
    rename_case,
    set_speaker,
    speaker_edits,
)
from .document import is_generic
from .errors import InterviewError
from .media import (
    MediaRow,
    StoredMedia,
    detach_media,
    link_media,
    media_dir,
    media_for,
    media_frame,
    media_peaks,
    media_status,
    note_missing_media,
    remove_unused_media,
    store_media,
)
from .media_attach import attach_media_file
from .media_tools import (
    AUDIO_SUFFIXES,
    MediaError,
    MediaInfo,
    MediaTools,
    MediaToolsMissing,
    check_media,
    cut_clip,
    decode_pcm16k,
    listening_copy,
    probe,
    require_tools,
    tools,
    waveform_peaks,
)
from .model import format_time, parse_time
from .parse import parse_transcript
from .preview import import_summary, preview_frame, speakers_summary, turns_html
from .queries import (
    attributes_frame,
    case_attributes_frame,
    cases_frame,
    document_cases,
    speaker_labels,
    speakers_frame,
    transcript_turns,
    transcripts_frame,
    turns_frame,
)
from .store import (
    ensure_case,
    import_transcripts,
    save_transcript,
    store_transcript,
    store_transcript_version,
)
from .stt import LANGUAGES as STT_LANGUAGES
from .stt import SttResult, speech_to_text, stt_transcript
from .stt_model import SttError, SttUnavailable, stt_unavailable_reason
from .timing import (
    TimingError,
    TurnTime,
    carry_turn_times,
    set_turn_time,
    span_times,
    store_word_times,
    turn_at,
    turn_times,
    word_times,
)
from .wer import word_error_rate, word_errors

__all__ = [
    "AUDIO_SUFFIXES",
    "InterviewError",
    "MediaError",
    "MediaInfo",
    "MediaRow",
    "MediaTools",
    "MediaToolsMissing",
    "ROLES",
    "STT_LANGUAGES",
    "StoredMedia",
    "SttError",
    "SttResult",
    "SttUnavailable",
    "TimingError",
    "TurnTime",
    "apply_attribute_edits",
    "apply_speaker_edits",
    "attach_media_file",
    "attribute_edits",
    "attributes_csv",
    "attributes_frame",
    "carry_turn_times",
    "case_attributes_frame",
    "cases_frame",
    "check_media",
    "cut_clip",
    "decode_pcm16k",
    "define_attribute",
    "delete_attribute",
    "delete_case_record",
    "detach_media",
    "document_cases",
    "ensure_case",
    "format_time",
    "import_attributes_csv",
    "import_refi_cases",
    "import_summary",
    "import_transcripts",
    "link_media",
    "is_generic",
    "listening_copy",
    "media_dir",
    "media_for",
    "media_frame",
    "media_peaks",
    "media_status",
    "merge_case_records",
    "note_missing_media",
    "parse_time",
    "parse_transcript",
    "preview_frame",
    "probe",
    "remove_unused_media",
    "rename_case",
    "require_tools",
    "save_transcript",
    "set_attribute",
    "set_speaker",
    "set_turn_time",
    "span_times",
    "speaker_edits",
    "speech_to_text",
    "speaker_labels",
    "speakers_frame",
    "speakers_summary",
    "store_media",
    "store_transcript",
    "store_transcript_version",
    "store_word_times",
    "stt_transcript",
    "stt_unavailable_reason",
    "tools",
    "transcript_turns",
    "transcripts_frame",
    "turn_at",
    "turn_times",
    "turns_frame",
    "turns_html",
    "waveform_peaks",
    "word_error_rate",
    "word_errors",
    "word_times",
]
