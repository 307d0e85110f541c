"""Use cases: work that spans packages, one function each, called alike by ``cli.py`` and ``ui/``.

Ingest files, import transcripts, correct a document, merge a project, de-identify: each stores
what it stores through the packages below, then lets everything that follows new versions follow
(codings, entity mentions, the search and meaning indexes: ``follow_versions``). Nothing here
holds SQL; the packages own their tables.
"""

from .access import (
    POLICY,
    AccessDenied,
    Actor,
    Role,
    actor_for,
    attach,
    attach_cli,
    can,
    create_owned_project,
)
from .assistant import AssistantReport, run_assistant
from .deidentify import Deidentified, deidentify, read_review_csv
from .edit import Correction, correct_document
from .ingest import IngestReport, ingest_files, ingest_upload_files
from .leftovers import clean_up_killed_runs
from .live import (
    FEED_COLUMNS,
    activity_feed,
    change_token,
    place_link,
    team_sees_others,
    work_only_changed,
)
from .meaning_index import (
    IndexJob,
    index_job,
    meaning_setting,
    models_to_follow,
    set_background_default,
    set_meaning_setting,
    start_background_index,
)
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
from .summaries import save_summary_memo, summary_memo_text
from .survey import apply_grid_edits, grid_edits, import_survey, survey_grid
from .transcribe import TranscribeReport, transcribe_recording
from .transcripts import import_transcripts, save_transcript
from .versions import VersionsReport, follow_versions

__all__ = [
    "AssistantReport",
    "FEED_COLUMNS",
    "POLICY",
    "AccessDenied",
    "Actor",
    "Role",
    "actor_for",
    "attach",
    "attach_cli",
    "can",
    "create_owned_project",
    "Correction",
    "Deidentified",
    "IndexJob",
    "IngestReport",
    "MediaReport",
    "MergeOutcome",
    "ServerFileRefused",
    "TranscribeReport",
    "VersionsReport",
    "activity_feed",
    "change_token",
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
    "index_job",
    "import_survey",
    "apply_grid_edits",
    "grid_edits",
    "survey_grid",
    "import_transcripts",
    "ingest_files",
    "ingest_upload_files",
    "is_qdpx",
    "meaning_setting",
    "media_capabilities",
    "merge_project",
    "place_link",
    "models_to_follow",
    "preview_merge",
    "project_path",
    "read_confined",
    "read_review_csv",
    "save_summary_memo",
    "run_assistant",
    "save_transcript",
    "team_sees_others",
    "work_only_changed",
    "set_background_default",
    "set_meaning_setting",
    "start_background_index",
    "summary_memo_text",
    "transcribe_recording",
]
