"""NLP: spaCy entities with a project gazetteer and aliases, embeddings cache, BERTopic topics.

Public functions take an open project Database (``projectfile.open_project``); queries return
DataFrames. Heavy pieces (spaCy, BERTopic, sentence-transformers) are imported only when used.
This front door exports what the other packages, the UI, the demo and the benchmarks use.
"""

from . import schema  # noqa: F401  (registers the package's tables with projectfile)
from .assistant import AssistantDecisions, run_assistant_codes
from .calibrate import Thresholds, calibrate
from .embeddings import embed_texts, sentence_model
from .encoders import DEFAULT_MODEL as EMBEDDING_MODEL
from .encoders import ENCODERS, encoder_spec
from .entities import extract_entities
from .entity_queries import (
    cooccurrence_frame,
    cooccurrence_graph,
    counts_by_case,
    counts_by_document,
    entities_frame,
    entity_labels,
    graph_figure,
    kwic,
    preview_code_mentions,
    top_entities,
)
from .entity_versions import carry_entities
from .errors import GazetteerError, NlpError, TopicError
from .evaluation import gazetteer_effect
from .gazetteer import (
    add_entries,
    add_starter_gazetteer,
    aliases_frame,
    export_gazetteer,
    gazetteer_frame,
    import_gazetteer,
    merge_entities,
    replace_gazetteer,
    ruler_patterns,
    unmerge_entity,
)
from .hybrid_search import MODES as SEARCH_MODES
from .hybrid_search import SearchMode, count_passages, more_like_this, search_passages
from .pipelines import ner_pipeline
from .places import (
    boundaries,
    place_counts,
    place_groups,
    place_mentions,
    places_frame,
)
from .suggest import (
    MIN_CODINGS,
    SuggestionDecision,
    accept_suggestion,
    decisions_frame,
    load_passages,
    preview_suggestions,
    record_batch,
    reject_suggestion,
    suggest_passages,
    suggestable_codes,
)
from .summaries import SUMMARY_COLUMNS, summarize_spans
from .topic_queries import (
    latest_model,
    models_frame,
    preview_topic_codes,
    set_topic_label,
    topic_segments,
    topics_by_case,
    topics_by_document,
    topics_by_speaker,
    topics_frame,
    topics_over_time,
)
from .topics import fit_topics
from .units import GRAINS as SUGGESTION_GRAINS
from .units import candidate_units, code_grain
from .vectors import IndexResult, index_passages, index_status, passage_vectors

__all__ = [
    "SUMMARY_COLUMNS",
    "summarize_spans",
    "AssistantDecisions",
    "MIN_CODINGS",
    "EMBEDDING_MODEL",
    "ENCODERS",
    "GazetteerError",
    "IndexResult",
    "NlpError",
    "SEARCH_MODES",
    "SearchMode",
    "SUGGESTION_GRAINS",
    "SuggestionDecision",
    "Thresholds",
    "TopicError",
    "accept_suggestion",
    "add_entries",
    "add_starter_gazetteer",
    "aliases_frame",
    "boundaries",
    "calibrate",
    "candidate_units",
    "code_grain",
    "cooccurrence_frame",
    "cooccurrence_graph",
    "count_passages",
    "counts_by_case",
    "counts_by_document",
    "decisions_frame",
    "embed_texts",
    "encoder_spec",
    "entities_frame",
    "entity_labels",
    "export_gazetteer",
    "carry_entities",
    "extract_entities",
    "fit_topics",
    "gazetteer_effect",
    "gazetteer_frame",
    "graph_figure",
    "import_gazetteer",
    "index_passages",
    "index_status",
    "kwic",
    "latest_model",
    "load_passages",
    "merge_entities",
    "models_frame",
    "more_like_this",
    "ner_pipeline",
    "passage_vectors",
    "place_counts",
    "place_groups",
    "place_mentions",
    "places_frame",
    "preview_code_mentions",
    "preview_suggestions",
    "preview_topic_codes",
    "record_batch",
    "reject_suggestion",
    "run_assistant_codes",
    "replace_gazetteer",
    "ruler_patterns",
    "search_passages",
    "sentence_model",
    "set_topic_label",
    "suggest_passages",
    "suggestable_codes",
    "top_entities",
    "topic_segments",
    "topics_by_case",
    "topics_by_document",
    "topics_by_speaker",
    "topics_frame",
    "topics_over_time",
    "unmerge_entity",
]
