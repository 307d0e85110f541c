"""CLI commands of ``nlp``: entities, entity-list, entity-merge, gazetteer, topics, topics-show,
index-passages, find, similar.

Errors meant for users (``projectfile.QdaError``: a bad gazetteer file, too few segments, no topic
model) reach cli.py, which prints them and exits 2.
"""

from __future__ import annotations

import argparse
import sys

from corpus import scheduler_executor
from projectfile import add_format_option, fail, open_project, print_frame, tqdm_progress

from .encoders import DEFAULT_MODEL as EMBEDDING_MODEL
from .encoders import ENCODERS
from .entities import extract_entities
from .entity_queries import entities_frame, top_entities
from .gazetteer import export_gazetteer, gazetteer_frame, import_gazetteer, merge_entities
from .hybrid_search import MODES as SEARCH_MODES
from .hybrid_search import (
    SearchMode,
    more_like_coding,
    more_like_this,
    search_passages,
    snippet_text,
)
from .topic_queries import topic_segments, topics_frame
from .topics import fit_topics
from .vectors import index_passages


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the nlp commands to the CLI parser."""
    p = sub.add_parser(
        "entities", parents=[common], help="extract entities (spaCy NER + gazetteer), incrementally"
    )
    p.add_argument("--document", type=int, action="append", help="only these document ids")
    p.add_argument("--n-process", type=int, default=1, help="spaCy worker processes (default 1)")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument(
        "--force", action="store_true", help="re-run every segment, not only changed ones"
    )
    p.set_defaults(func=cmd_entities)

    p = sub.add_parser(
        "entity-list", parents=[common], help="list top entities, or every mention with --mentions"
    )
    p.add_argument("--label", action="append", help="only these labels (ORG, PERSON, LAW, ...)")
    p.add_argument("--name", action="append", help="only these canonical names")
    p.add_argument(
        "--mentions", action="store_true", help="one row per mention instead of top entities"
    )
    p.add_argument("--limit", type=int, default=30)
    add_format_option(p)
    p.set_defaults(func=cmd_entity_list)

    p = sub.add_parser(
        "entity-merge", parents=[common], help="merge entity names under one canonical name"
    )
    p.add_argument("names", nargs="+")
    p.add_argument("--into", required=True, help="the canonical name")
    p.set_defaults(func=cmd_entity_merge)

    p = sub.add_parser(
        "gazetteer", parents=[common], help="list, import or export the project's gazetteer"
    )
    p.add_argument("action", choices=["list", "import", "export"])
    p.add_argument("file", nargs="?", help="CSV (pattern,label,canonical,language) or JSONL file")
    add_format_option(p)
    p.set_defaults(func=cmd_gazetteer)

    p = sub.add_parser(
        "topics", parents=[common], help="fit a BERTopic model over segments and list its topics"
    )
    p.add_argument("--unit", choices=["paragraph", "turn", "sentence"], default="paragraph")
    p.add_argument(
        "--backend",
        choices=["multilingual", "minilm", "tfidf"],
        default="multilingual",
        help="multilingual: Universal Sentence Encoder multilingual v3 (English and Spanish in "
        "shared topics; cached); minilm: all-MiniLM-L6-v2 (English); tfidf: TF-IDF+SVD",
    )
    p.add_argument("--min-topic-size", type=int, default=None)
    p.add_argument("--nr-topics", default=None, help="reduce to this many topics (or 'auto')")
    p.add_argument("--reduce-outliers", action="store_true")
    p.add_argument("--seed", type=int, default=42)
    add_format_option(p)
    p.set_defaults(func=cmd_topics)

    p = sub.add_parser(
        "topics-show",
        parents=[common],
        help="list the topics of a stored model (newest by default)",
    )
    p.add_argument("--model", type=int, default=None)
    p.add_argument(
        "--segments", type=int, default=None, metavar="TOPIC", help="list the segments of one topic"
    )
    add_format_option(p)
    p.set_defaults(func=cmd_topics_show)
    _register_meaning(sub, common)


def _register_meaning(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add ``index-passages``, ``find`` and ``similar`` (meaning search)."""
    p = sub.add_parser(
        "index-passages",
        parents=[common],
        help="embed new or changed passages for meaning search (resumable, in worker processes)",
    )
    p.add_argument("--model", default=EMBEDDING_MODEL, choices=list(ENCODERS))
    p.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786")
    p.set_defaults(func=cmd_index_passages)

    p = sub.add_parser(
        "find", parents=[common], help="search by keyword, meaning or both (hybrid, default)"
    )
    p.add_argument("query")
    p.add_argument("--mode", choices=[str(m) for m in SEARCH_MODES], default=SearchMode.HYBRID)
    p.add_argument("--language", action="append", help="only passages in these languages")
    p.add_argument("--limit", type=int, default=20)
    add_format_option(p)
    p.set_defaults(func=cmd_find)

    p = sub.add_parser(
        "similar",
        parents=[common],
        help="passages nearest in meaning to a passage or coding, minus those coded with a code",
    )
    p.add_argument("--coding", type=int, help="a coding id (its span and its code)")
    p.add_argument("--document", type=int)
    p.add_argument("--start", type=int)
    p.add_argument("--end", type=int)
    p.add_argument("--code", help="leave out passages already coded with this code")
    p.add_argument("--limit", type=int, default=20)
    add_format_option(p)
    p.set_defaults(func=cmd_similar)


def cmd_index_passages(args) -> int:
    """Index passages for meaning search and say how many were embedded."""
    db = open_project(args.project, create=False)
    with (
        scheduler_executor(args.scheduler) as executor,
        tqdm_progress("embedding", disable=args.quiet) as progress,
    ):
        res = index_passages(
            db, args.model, progress=progress, workers=args.workers, executor=executor
        )
    print(
        f"{res.passages} passages indexed ({res.embedded} embedded, {res.reused} from the cache,"
        f" {res.removed} removed)"
    )
    return 0


def cmd_find(args) -> int:
    """Print the hits of a keyword, meaning or hybrid search."""
    db = open_project(args.project, create=False)
    hits = search_passages(db, args.query, args.mode, languages=args.language, limit=args.limit)
    hits["snippet"] = hits["snippet"].map(lambda s: snippet_text(s))
    cols = ["title", "language", "segment_kind", "char_start", "score", "matched", "snippet"]
    print_frame(hits[cols], args.format, max_width=70, raw=args.raw)
    return 0


def cmd_similar(args) -> int:
    """Print the passages nearest a coding or a span."""
    db = open_project(args.project, create=False)
    if args.coding is not None:
        hits = more_like_coding(db, args.coding, limit=args.limit)
    elif None in (args.document, args.start, args.end):
        return fail("give --coding ID, or --document, --start and --end")
    else:
        hits = more_like_this(
            db, args.document, args.start, args.end, code=args.code, limit=args.limit
        )
    hits["snippet"] = hits["snippet"].map(lambda s: snippet_text(s))
    cols = ["title", "language", "segment_kind", "char_start", "score", "snippet"]
    print_frame(hits[cols], args.format, max_width=70, raw=args.raw)
    return 0


def cmd_entities(args) -> int:
    """Extract entities, incrementally; print what was processed."""
    db = open_project(args.project, create=False)
    with tqdm_progress("entities", disable=args.quiet) as progress:
        report = extract_entities(
            db,
            progress=progress,
            document_ids=args.document,
            n_process=args.n_process,
            batch_size=args.batch_size,
            force=args.force,
        )
    for msg in report.messages:
        print(f"note: {msg}", file=sys.stderr)
    print(
        f"segments {report.segments}: processed {report.processed}, "
        f"up to date {report.up_to_date}; "
        f"{report.entities} mentions stored"
    )
    return 0


def cmd_entity_list(args) -> int:
    """Print top entities, or every mention with --mentions."""
    db = open_project(args.project, create=False)
    m = entities_frame(db, labels=args.label, names=args.name)
    if args.mentions:
        cols = [
            "document_id",
            "document_title",
            "char_start",
            "char_end",
            "text",
            "label",
            "canonical",
            "language",
        ]
        print_frame(
            m[cols].head(args.limit) if args.format == "table" else m, args.format, raw=args.raw
        )
    else:
        print_frame(top_entities(m, args.limit), args.format, raw=args.raw)
    return 0


def cmd_entity_merge(args) -> int:
    """Merge entity names under one canonical name."""
    n = merge_entities(open_project(args.project, create=False), args.names, args.into)
    print(f"merged {n} name{'s' if n != 1 else ''} into {args.into}")
    return 0


def cmd_gazetteer(args) -> int:
    """List, import or export the project's gazetteer."""
    db = open_project(args.project, create=False)
    if args.action == "list":
        print_frame(gazetteer_frame(db), args.format, raw=args.raw)
        return 0
    if not args.file:
        return fail(f"gazetteer {args.action} needs a FILE", 2)
    if args.action == "import":
        print(f"imported {import_gazetteer(db, args.file)} entries from {args.file}")
    else:
        print(f"exported {export_gazetteer(db, args.file)} entries to {args.file}")
    return 0


def cmd_topics(args) -> int:
    """Fit a topic model and print its topics."""
    db = open_project(args.project, create=False)
    nr = args.nr_topics if args.nr_topics in (None, "auto") else int(args.nr_topics)
    with tqdm_progress("topics", disable=args.quiet) as progress:
        res = fit_topics(
            db,
            unit=args.unit,
            backend=args.backend,
            min_topic_size=args.min_topic_size,
            nr_topics=nr,
            reduce_outliers=args.reduce_outliers,
            random_state=args.seed,
            progress=progress,
        )
    if res.message:
        print(f"note: {res.message}", file=sys.stderr)
    if args.format == "table":
        print(
            f"model {res.model_id}: {res.topics} topics over {res.segments} segments"
            f" ({res.outliers} outliers)"
        )
    print_frame(
        topics_frame(db, res.model_id).drop(columns=["label", "custom_label"]),
        args.format,
        max_width=70,
        raw=args.raw,
    )
    return 0


def cmd_topics_show(args) -> int:
    """Print the topics of a stored model, or the segments of one topic."""
    db = open_project(args.project, create=False)
    if args.segments is not None:
        seg = topic_segments(db, args.model, topics=[args.segments])
        print_frame(seg, args.format, max_width=70, raw=args.raw)
    else:
        print_frame(topics_frame(db, args.model), args.format, max_width=70, raw=args.raw)
    return 0
