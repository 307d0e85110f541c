"""NLP: language detection, spaCy entities with a project gazetteer and aliases, embeddings cache, BERTopic topics.

Public functions take an open project Database (``corpus.project.open_project``); queries return DataFrames.
Heavy pieces (spaCy, BERTopic, sentence-transformers) are imported only when used.
"""
from .entities import ExtractionReport, clear_entities, extract_entities, pipeline_version
from .entity_queries import (
    ENTITY_COLUMNS, apply_code_preview, cooccurrence_frame, cooccurrence_graph, counts_by_case, counts_by_document,
    entities_frame, entity_labels, kwic, preview_code_mentions, top_entities,
)
from .gazetteer import (
    GazetteerError, add_entries, add_entry, add_starter_gazetteer, aliases_frame, export_gazetteer, gazetteer_frame, import_gazetteer,
    merge_entities, remove_entries, replace_gazetteer, unmerge_entity,
)
from .language import detect_language, language_bucket
from .topic_queries import (
    SEGMENT_COLUMNS, TOPIC_COLUMNS, latest_model, models_frame, preview_topic_codes, set_topic_label, topic_segments,
    topics_by_case, topics_by_document, topics_by_speaker, topics_frame, topics_over_time,
)
from .topics import FitResult, TopicError, fit_topics, topic_units

__all__ = [
    "ENTITY_COLUMNS", "ExtractionReport", "GazetteerError", "add_entries", "add_entry", "add_starter_gazetteer", "aliases_frame",
    "apply_code_preview", "clear_entities", "cooccurrence_frame", "cooccurrence_graph", "counts_by_case",
    "counts_by_document", "detect_language", "entities_frame", "entity_labels", "export_gazetteer", "extract_entities",
    "gazetteer_frame", "import_gazetteer", "kwic", "language_bucket", "merge_entities", "pipeline_version",
    "preview_code_mentions", "remove_entries", "replace_gazetteer", "top_entities", "unmerge_entity",
    "SEGMENT_COLUMNS", "TOPIC_COLUMNS", "FitResult", "TopicError", "fit_topics", "latest_model", "models_frame",
    "preview_topic_codes", "set_topic_label", "topic_segments", "topic_units", "topics_by_case", "topics_by_document",
    "topics_by_speaker", "topics_frame", "topics_over_time",
]
