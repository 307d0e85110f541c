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
from .survey import (
    ColumnGuess,
    SurveyPlan,
    SurveyTable,
    infer_columns,
    plan_survey,
    read_table,
)
from .survey_store import SurveyReport, store_survey, survey_answers, surveys_frame
from .values import infer_type

__all__ = [
    "ROLES",
    "InterviewError",
    "apply_attribute_edits",
    "apply_speaker_edits",
    "attribute_edits",
    "attributes_csv",
    "attributes_frame",
    "case_attributes_frame",
    "cases_frame",
    "define_attribute",
    "delete_attribute",
    "delete_case_record",
    "document_cases",
    "ensure_case",
    "import_attributes_csv",
    "import_refi_cases",
    "import_summary",
    "import_transcripts",
    "is_generic",
    "merge_case_records",
    "parse_transcript",
    "preview_frame",
    "rename_case",
    "save_transcript",
    "set_attribute",
    "set_speaker",
    "speaker_edits",
    "speaker_labels",
    "speakers_frame",
    "speakers_summary",
    "store_transcript",
    "store_transcript_version",
    "transcript_turns",
    "transcripts_frame",
    "turns_html",
    "turns_frame",
    "ColumnGuess",
    "SurveyPlan",
    "SurveyReport",
    "SurveyTable",
    "infer_columns",
    "infer_type",
    "plan_survey",
    "read_table",
    "store_survey",
    "survey_answers",
    "surveys_frame",
]
