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
from .merge import MergeOutcome, is_qdpx, merge_project, preview_merge
from .server_files import ServerFileRefused, import_folder, project_path, read_confined
from .survey import apply_grid_edits, grid_edits, import_survey, survey_grid
from .transcripts import import_transcripts, save_transcript
from .versions import VersionsReport, follow_versions

__all__ = [
    "Correction",
    "Deidentified",
    "IngestReport",
    "MergeOutcome",
    "ServerFileRefused",
    "VersionsReport",
    "clean_up_killed_runs",
    "correct_document",
    "deidentify",
    "follow_versions",
    "import_folder",
    "import_survey",
    "apply_grid_edits",
    "grid_edits",
    "survey_grid",
    "import_transcripts",
    "ingest_files",
    "ingest_upload_files",
    "is_qdpx",
    "merge_project",
    "preview_merge",
    "project_path",
    "read_confined",
    "read_review_csv",
    "save_transcript",
]
