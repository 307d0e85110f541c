"""Entity extraction: spaCy NER plus the gazetteer over every paragraph and turn, incrementally.

Each segment runs through the pipeline of its language (``segments.language``); a segment is re-run
only when its text hash or its language's pipeline version (model + gazetteer) changed. Mentions are
stored as code-point ranges into the document text (segment start + offset in the segment).
"""

from __future__ import annotations

import functools
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from corpus import detect_language, get_document, get_segments, language_bucket, list_documents
from projectfile import Progress, now_iso, transaction, writes

from .embeddings import text_hash
from .gazetteer import gazetteer_version, ruler_patterns
from .pipelines import MODELS, model_version, ner_pipeline, split_long_text
from .places import places_version

log = logging.getLogger(__name__)
EXTRACTOR_VERSION = "e2"
# Numbers and measures say little about who and what a text is about; they are not stored.
SKIP_LABELS = frozenset({"CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "TIME"})
_LEAD_PUNCT = "¿¡\"'«»“”‘’([:;,.-–—"
_TRAIL_PUNCT = "?!\"'«»“”‘’)]:;,-–—"  # a final '.' stays, as in "Inc."
LABEL_MAP = {"PER": "PERSON"}  # Spanish PER and English PERSON counted as one label
MAX_CHARS = 100_000  # chunk size for long segments (well under spaCy's max_length; bounded memory)
WRITE_EVERY = 2_000


@dataclass
class ExtractionReport:
    """What one extraction run did: segments seen, re-run, up to date, mentions stored, messages."""

    segments: int = 0
    processed: int = 0
    up_to_date: int = 0
    entities: int = 0
    messages: list[str] = field(default_factory=list)


def pipeline_version(db: sqlite_utils.Database, language: str) -> str:
    """Return the pipeline version for ``language`` (model, gazetteer, extractor)."""
    return (
        f"{model_version(language)}+gaz.{gazetteer_version(db, language)}"
        f"+places.{places_version()}+{EXTRACTOR_VERSION}"
    )


def _segments(db: sqlite_utils.Database, document_ids: Iterable[int] | None):
    docs = list_documents(db)
    ids = [int(i) for i in docs["id"]] if document_ids is None else [int(i) for i in document_ids]
    for doc_id in ids:
        doc_lang = get_document(db, doc_id).get("language")
        segs = get_segments(db, doc_id)
        for sid, start, text, lang in zip(
            segs["id"], segs["char_start"], segs["text"], segs["language"]
        ):
            yield int(doc_id), int(sid), int(start), text, lang, doc_lang


def _language_of(text: str, seg_lang, doc_lang) -> tuple[str, str]:
    """Return (pipeline language, detected code) of a segment: 'en', 'es' or 'other'."""
    if seg_lang in MODELS:
        return seg_lang, seg_lang
    if seg_lang == "other":
        code = detect_language(text)
        return ("other", code) if language_bucket(code) == "other" else (code, code)
    code = detect_language(text)
    if code in MODELS:
        return code, code
    if code == "und":  # too short to tell: the document's language, else English
        bucket = language_bucket(doc_lang or "en")
        return (bucket, bucket) if bucket in MODELS else ("en", "en")
    return "other", code


def _runs(db: sqlite_utils.Database) -> dict[int, tuple[str, str]]:
    return {
        r[0]: (r[1], r[2])
        for r in db.execute("SELECT segment_id, text_hash, pipeline_version FROM entity_runs")
    }


@writes("entities")
def extract_entities(
    db: sqlite_utils.Database,
    progress: Progress | None = None,
    document_ids: Iterable[int] | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    max_chars: int = MAX_CHARS,
    force: bool = False,
) -> ExtractionReport:
    """Run NER + gazetteer over changed segments, store their mentions; return an ExtractionReport.

    Languages without a model ('other') get the gazetteer only, with a message saying so.
    """
    report = ExtractionReport()
    runs = {} if force else _runs(db)
    versions: dict[str, str] = {}
    todo: dict[str, list[tuple]] = defaultdict(list)
    other_codes: Counter = Counter()
    for doc_id, sid, start, text, seg_lang, doc_lang in _segments(db, document_ids):
        report.segments += 1
        lang, code = _language_of(text, seg_lang, doc_lang)
        if lang not in versions:
            versions[lang] = pipeline_version(db, lang)
        h = text_hash(text)
        if runs.get(sid) == (h, versions[lang]):
            report.up_to_date += 1
            continue
        if lang == "other":
            other_codes[code] += 1
        todo[lang].append((doc_id, sid, start, text, h))
    for code, n in sorted(other_codes.items()):
        msg = (
            f"no pipeline for language {code!r}; "
            "using the gazetteer only (no statistical entities) "
            f"for {n} segment{'s' if n != 1 else ''}"
        )
        report.messages.append(msg)
        log.info(msg)
    total = sum(len(v) for v in todo.values())
    done = 0
    if progress:
        progress(0, total, "entities")
    for lang in sorted(todo):
        nlp = ner_pipeline(lang, ruler_patterns(db, lang))
        version = versions[lang]
        items = todo[lang]
        for lo in range(0, len(items), WRITE_EVERY):
            part = items[lo : lo + WRITE_EVERY]
            found = _run_pipeline(nlp, part, max_chars, batch_size, n_process)
            report.entities += _write(db, part, found, lang, version)
            done += len(part)
            report.processed += len(part)
            if progress:
                progress(done, total, f"entities ({lang})")
    return report


def _run_pipeline(
    nlp, items: list[tuple], max_chars: int, batch_size: int, n_process: int
) -> dict[int, list]:
    """Return {segment index: [(start, end, text, label, canonical, source)]}, document offsets."""
    limit = min(max_chars, nlp.max_length - 1)
    # identical chunks (repeated headers, boilerplate, table rows) run once
    where: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for i, (_doc, _sid, seg_start, text, _h) in enumerate(items):
        if not text.strip():
            continue
        for c_start, c_end in split_long_text(text, limit):
            where[text[c_start:c_end]].append((i, seg_start + c_start))
    found: dict[int, list] = defaultdict(list)
    if not where:
        return found
    kwargs = {"batch_size": batch_size, "as_tuples": True}
    if n_process > 1 and len(where) > batch_size:
        kwargs["n_process"] = n_process
    for doc, key in nlp.pipe(((t, t) for t in where), **kwargs):
        mentions = []
        for ent in doc.ents:
            if ent.ent_id_:
                mentions.append(
                    (ent.start_char, ent.end_char, ent.text, ent.label_, ent.ent_id_, "gazetteer")
                )
                continue
            kept = clean_mention(ent)
            if kept is not None:
                s, e = kept
                text = doc.text[s:e]
                mentions.append(
                    (s, e, text, LABEL_MAP.get(ent.label_, ent.label_), _canonical(text), "ner")
                )
        for i, base in where[key]:
            found[i] += [
                (base + s, base + e, t, lab, canon, src) for s, e, t, lab, canon, src in mentions
            ]
    return found


def clean_mention(ent) -> tuple[int, int] | None:
    """Return (start, end) of a statistical mention without edge punctuation, or None to drop.

    Dropped: numeric labels (SKIP_LABELS), spans with no letters, and single stop words
    ("Además", "¿Cómo").
    """
    if ent.label_ in SKIP_LABELS:
        return None
    text = ent.text
    s, e = 0, len(text)
    while s < e and (text[s] in _LEAD_PUNCT or text[s].isspace()):
        s += 1
    while e > s and (text[e - 1] in _TRAIL_PUNCT or text[e - 1].isspace()):
        e -= 1
    core = text[s:e]
    if not any(c.isalpha() for c in core):
        return None
    first = core.split(" ", 1)[0].lower()
    if " " not in core and first.strip("?!") in _stop_words():
        return None
    if (
        ent.label_ == "MISC" and first in _stop_words()
    ):  # es model: sentence openings such as "Las empresas"
        return None
    return ent.start_char + s, ent.start_char + e


@functools.cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.es.stop_words import STOP_WORDS as ES

    return frozenset(
        EN | ES | {"buenos", "buenas", "gracias", "entrevista", "entrevistador", "entrevistadora"}
    )


def _canonical(text: str) -> str:
    """Return the default canonical name of a mention: spaces collapsed, a leading 'the' dropped."""
    name = " ".join(text.split())
    if name[:4].lower() == "the " and len(name) > 4:
        name = name[4:]
    return name[:-2] if name.endswith(("'s", "’s")) else name


def _write(
    db: sqlite_utils.Database, items: list[tuple], found: dict[int, list], lang: str, version: str
) -> int:
    stamp = now_iso()
    rows, run_rows = [], []
    for i, (doc_id, sid, _start, _text, h) in enumerate(items):
        run_rows.append((sid, doc_id, h, version, lang, "ok", stamp))
        rows += [
            (doc_id, sid, s, e, t, label, canon, src, lang, version)
            for s, e, t, label, canon, src in found.get(i, [])
        ]
    with transaction(db):
        db.conn.executemany(
            "DELETE FROM entities WHERE segment_id = ?", [(r[0],) for r in run_rows]
        )
        db.conn.executemany(
            "INSERT INTO entities (document_id, segment_id, char_start, char_end, text, label,"
            " canonical, source, language, pipeline_version)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        db.conn.executemany(
            "INSERT OR REPLACE INTO entity_runs (segment_id, document_id, text_hash,"
            " pipeline_version, language, status, done_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            run_rows,
        )
    return len(rows)


@writes("entities")
def clear_entities(db: sqlite_utils.Database) -> None:
    """Forget every stored mention and run (the next extraction re-runs everything)."""
    with transaction(db):
        db.execute("DELETE FROM entities")
        db.execute("DELETE FROM entity_runs")
