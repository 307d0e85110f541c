"""CLI of nlp: entities, entity-list, entity-merge, gazetteer, topics, topics-show, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nlp_docs import EN_PARAS, ES_PARAS, add_doc
from topic_corpus import paragraphs

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "cli.py"), *args, "--quiet"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )


def test_cli_entities_gazetteer_and_listing(project_path, db, tmp_path):
    add_doc(db, "\n\n".join(EN_PARAS), "en", language="en")
    add_doc(db, "\n\n".join(ES_PARAS), "es", language="es")
    gaz = tmp_path / "g.csv"
    gaz.write_text(
        "pattern,label,canonical\nCONACYT,ORG,CONACYT\n"
        "Consejo Nacional de Ciencia y Tecnología,ORG,CONACYT\n"
    )
    p = str(project_path)
    r = cli("gazetteer", "import", str(gaz), "--project", p)
    assert r.returncode == 0 and "imported 2" in r.stdout
    r = cli("entities", "--project", p)
    assert r.returncode == 0, r.stderr
    assert "processed 6" in r.stdout
    assert "processed 0, up to date 6" in cli("entities", "--project", p).stdout
    r = cli("entity-list", "--project", p, "--format", "json", "--label", "ORG")
    rows = json.loads(r.stdout)
    assert rows[0] == {"canonical": "CONACYT", "label": "ORG", "mentions": 3, "documents": 2}
    r = cli("entity-merge", "Jalisco", "Coahuila", "--into", "Estados del norte", "--project", p)
    assert r.returncode == 0
    r = cli(
        "entity-list",
        "--project",
        p,
        "--mentions",
        "--format",
        "csv",
        "--name",
        "Estados del norte",
    )
    assert r.stdout.count("Estados del norte") == 2
    out = tmp_path / "out.jsonl"
    assert cli("gazetteer", "export", str(out), "--project", p).returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("nope\n1\n")
    r = cli("gazetteer", "import", str(bad), "--project", p)
    assert r.returncode == 2 and "bad.csv" in r.stderr and "pattern,label" in r.stderr


def test_cli_topics_fit_show_and_errors(project_path, db):
    p = str(project_path)
    r = cli("topics", "--project", p, "--backend", "tfidf")
    assert r.returncode == 2 and "topics need at least 6" in r.stderr
    r = cli("topics-show", "--project", p)
    assert r.returncode == 2 and "fit topics first" in r.stderr
    add_doc(db, "\n\n".join(paragraphs(24, spanish_every=0)), "doc")
    r = cli("topics", "--project", p, "--backend", "tfidf", "--format", "json")
    assert r.returncode == 0, r.stderr
    topics = json.loads(r.stdout)
    assert sum(t["size"] for t in topics) == 24
    r = cli(
        "topics-show", "--project", p, "--segments", str(topics[-1]["topic"]), "--format", "csv"
    )
    assert r.returncode == 0 and r.stdout.startswith("document_id,document_title,char_start")
    r = cli("topics", "--project", p, "--unit", "turn", "--backend", "tfidf")
    assert r.returncode == 2 and "only 0 turn segments" in r.stderr
