"""The CLI and the UI call the same use-case functions, and neither rebuilds a chain itself."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from workflow_data import TEXT, coded_transcript

import cli
import workflows
import workflows.commands as commands
import workflows.deid_commands as deid_commands

ROOT = Path(__file__).resolve().parents[2]


class Spy:
    """Records calls, then runs the real use case."""

    def __init__(self, real):
        self.real, self.calls = real, []

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.real(*args, **kwargs)


@pytest.fixture
def spies(monkeypatch):
    out = {}
    for module, name in (
        (commands, "ingest_files"),
        (commands, "import_transcripts"),
        (commands, "correct_document"),
        (commands, "merge_project"),
        (deid_commands, "deidentify"),
    ):
        out[name] = Spy(getattr(workflows, name))
        monkeypatch.setattr(module, name, out[name])
    return out


def test_workflows_cli_commands_call_the_use_cases(spies, tmp_path, capsys):
    project = tmp_path / "p.qda.sqlite"
    src = tmp_path / "maria.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli.main(["interviews", "import", str(src), "--project", str(project), "--quiet"]) == 0
    assert cli.main(["ingest", str(src), "--kind", "interview", "--project", str(project)]) == 0
    fixed = tmp_path / "fixed.txt"
    fixed.write_text(TEXT.replace("teh", "the"), encoding="utf-8")
    assert (
        cli.main(["edit", "--document", "1", "--from-file", str(fixed), "--project", str(project)])
        == 0
    )
    other = tmp_path / "other.qda.sqlite"
    other.write_bytes(project.read_bytes())
    assert cli.main(["merge", str(other), "--project", str(project)]) == 0
    review = tmp_path / "review.csv"
    args = ["interviews", "pseudonymize", "--name", "Maria Lopez", "--no-ner", "--project"]
    assert cli.main([*args, str(project), "--review-out", str(review)]) == 0
    assert cli.main([*args, str(project), "--apply", str(review), "--quiet"]) == 0
    capsys.readouterr()
    assert {name: len(spy.calls) for name, spy in spies.items()} == {
        "ingest_files": 1,
        "import_transcripts": 1,
        "correct_document": 1,
        "merge_project": 1,
        "deidentify": 1,
    }


def test_workflows_the_ui_calls_the_use_cases_and_rebuilds_no_chain():
    """The pages import the use cases from ``workflows``, never the steps they compose."""
    steps = {
        "coding": {"edit_document", "follow_new_versions", "merge_project", "preview_merge"},
        "nlp": {"carry_entities"},
        "exports": {"merge_qdpx"},
        "deid": {"apply_review", "pseudonymize", "shareable_copy"},
        "interviews": {"import_transcripts", "save_transcript"},
        "corpus": {"ingest", "ingest_uploads", "sync_search_index"},
    }
    used, rebuilt = set(), []
    for path in sorted((ROOT / "ui").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module in steps:
                rebuilt += [
                    f"{path.name}: {node.module}.{a.name}"
                    for a in node.names
                    if a.name in steps[node.module]
                ]
            if isinstance(node, ast.ImportFrom) and node.module == "workflows":
                used |= {a.name for a in node.names}
    assert rebuilt == []
    assert {
        "correct_document",
        "merge_project",
        "ingest_upload_files",
        "save_transcript",
        "deidentify",
    } <= used


def test_workflows_a_corrected_upload_from_the_ui_is_followed(db, tmp_path):
    """What the Corpus page calls: a corrected transcript upload carries the codings."""
    doc, _src = coded_transcript(db, tmp_path)
    report = workflows.ingest_upload_files(
        db, [("maria.txt", TEXT.replace("teh", "the").encode())], tmp_path / "up", kind="interview"
    )
    assert "2 codings moved" in report.versions.summary()
