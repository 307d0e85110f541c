"""Use cases: work that spans packages, one function each, called alike by ``cli.py`` and ``ui/``.

Ingest files, import transcripts, correct a document, merge a project, de-identify: each stores
what it stores through the packages below, then lets everything that follows new versions follow
(codings, entity mentions, the search and meaning indexes: ``follow_versions``). Nothing here
holds SQL; the packages own their tables.
"""

from .deidentify import Deidentified, deidentify, read_review_csv
from .edit import Correction, correct_document
from .ingest import IngestReport, ingest_files, ingest_upload_files
from .leftovers import clean_up_killed_runs
from .media import (
    MediaReport,
    align_turn,
    attach_media,
    attach_to_imported,
    check_recording,
    check_recordings,
    detach_recording,
    media_capabilities,
)
from .merge import MergeOutcome, is_qdpx, merge_project, preview_merge
from .server_files import ServerFileRefused, import_folder, project_path, read_confined
from .transcribe import TranscribeReport, transcribe_recording
from .transcripts import import_transcripts, save_transcript
from .versions import VersionsReport, follow_versions

__all__ = [
    "Correction",
    "Deidentified",
    "IngestReport",
    "MediaReport",
    "MergeOutcome",
    "ServerFileRefused",
    "TranscribeReport",
    "VersionsReport",
    "align_turn",
    "attach_media",
    "attach_to_imported",
    "check_recording",
    "check_recordings",
    "clean_up_killed_runs",
    "correct_document",
    "deidentify",
    "detach_recording",
    "follow_versions",
    "import_folder",
    "import_transcripts",
    "ingest_files",
    "ingest_upload_files",
    "is_qdpx",
    "media_capabilities",
    "merge_project",
    "preview_merge",
    "project_path",
    "read_confined",
    "read_review_csv",
    "save_transcript",
    "transcribe_recording",
]
