"""Issue 25 §2: no name survives in a shareable copy. The review is accepted as proposed, the
CLI writes the copy, then every byte of the copy, its folder and every export made from it is
searched for every form of every name (any case, accents folded, joined by underscores, dots or
hyphens, a first name or surname alone, e-mail addresses). A run killed midway leaves nothing at
the final name and the same command run again works."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import pandas as pd
import pytest

import cli
from coding import add_code, add_memo, code_span
from corpus import get_text, list_documents
from exports import codebook_file, evidence_file, evidence_table, export_qdpx
from interviews import set_attribute
from projectfile import open_project

ROOT = Path(__file__).resolve().parents[2]
CODER = "investigadora"
NAMES = ["Ana Robles", "Dra. Robles", "ana.robles@uaq.mx", "Jorge Ramírez"]
TITLES = {"dr", "dra"}

SEGUIMIENTO = """Entrevistador: Buenos días, Ana. ¿Cómo sigue el proyecto?

Ana Robles: Bien. La Dra. Robles, mi hermana, me escribe a ana.robles@uaq.mx cada semana.

Entrevistador: ¿Y el consorcio con Jorge Ramírez?

Ana Robles: Ramirez firmó en 2019; Robles's team is small, y RAMÍREZ no contesta.
"""

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Entrevistadora: Gracias, Ana Robles, por venir otra vez.

2
00:00:04.000 --> 00:00:09.000
Ana Robles: Con gusto. Pregunte a la Dra. Robles por el consorcio.
"""


class _TopicModel:  # what nlp's topic storage reads of a fitted model
    def get_topic(self, topic):
        return [("ana", 0.3), ("robles", 0.2), ("consorcio", 0.1)] if topic == 0 else [("x", 0.1)]


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text)
    return "".join(c for c in plain if not unicodedata.combining(c)).lower()


def _forms(names) -> set[str]:
    """Every shape of every name, folded: whole (any joining), words alone, e-mails."""
    out: set[str] = set()
    for name in names:
        if "@" in name:
            out.add(_fold(name))
            name = name.split("@")[0]
        words = [w for w in re.findall(r"[^\W_]+", _fold(name)) if w not in TITLES]
        for sep in (" ", "_", "-", ".", ""):
            out.add(sep.join(words))
        out.update(w for w in words if len(w) >= 3)
    return {f for f in out if f}


def _found(blob: bytes, forms: set[str]) -> list[str]:
    text = _fold(blob.decode("utf-8", "replace"))
    return sorted(
        f for f in forms if re.search(r"(?<![^\W\d_])" + re.escape(f) + r"(?![^\W\d_])", text)
    )


def _blobs(path: Path) -> list[bytes]:
    data = path.read_bytes()
    if data[:2] == b"PK":  # docx, xlsx, qdpx: every entry, decompressed
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [data] + [zf.read(n) for n in zf.namelist()]
    return [data]


def _run(*argv) -> int:
    return cli.main([str(a) for a in argv])


@pytest.fixture
def named_project(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    project = work / "estudio.qda.sqlite"
    a = work / "Ana_Robles_seguimiento.txt"
    a.write_text(SEGUIMIENTO, encoding="utf-8")
    b = work / "entrevista_robles.vtt"
    b.write_text(VTT, encoding="utf-8")
    open_project(project).conn.close()
    assert _run("interviews", "import", a, b, "--project", project, "--quiet") == 0
    db = open_project(project)
    try:
        set_attribute(
            db, "Ana Robles", "notas", "Hermana de la Dra. Robles; Ana Robles tel 442-555"
        )
        doc = int(list_documents(db)["id"].iloc[0])
        text = get_text(db, doc)
        code = add_code(
            db,
            "Familia Robles",
            definition="Cuando Ana Robles habla de su hermana (ana_robles en las notas)",
            example="La Dra. Robles, mi hermana",
            coder=CODER,
        )
        s = text.index("La Dra. Robles")
        code_span(db, doc, s, s + 30, code, CODER, memo="Ver ana.robles@uaq.mx; Ramírez firmó")
        add_memo(db, "Llamar a Ana; RAMIREZ pendiente", CODER, title="Robles, seguimiento")
        from nlp.topics import _store  # the topic storage, without fitting a model

        units = pd.DataFrame(
            {"document_id": [doc, doc], "char_start": [0, 20], "char_end": [15, 40]}
        )
        _store(db, "paragraph", "bertopic", {}, _TopicModel(), units, [0, 1], [0.9, 0.8], "")
    finally:
        db.conn.close()
    review = work / "review.csv"
    assert (
        _run(
            "interviews",
            "pseudonymize",
            "--no-ner",
            "--name",
            "Jorge Ramírez",
            "--review-out",
            review,
            "--project",
            project,
            "--quiet",
        )
        == 0
    )
    return project, review


def _apply(project: Path, review: Path, share: Path) -> list[str]:
    return [
        "interviews",
        "pseudonymize",
        "--apply",
        str(review),
        "--shareable",
        str(share),
        "--project",
        str(project),
        "--quiet",
    ]


def _exports(share: Path, out: Path) -> list[Path]:
    out.mkdir()
    copy = open_project(share)
    try:
        table = evidence_table(copy)
        assert len(table)
        files = []
        for fmt in ("csv", "xlsx", "docx", "html", "md"):
            p = out / f"evidence.{fmt}"
            p.write_bytes(evidence_file(copy, table, fmt)[0])
            files.append(p)
        for fmt in ("csv", "docx", "qdc"):
            p = out / f"codebook.{fmt}"
            p.write_bytes(codebook_file(copy, fmt)[0])
            files.append(p)
        files.append(export_qdpx(copy, out / "shared.qdpx"))
    finally:
        copy.conn.close()
    return files


def test_shareable_copy_its_folder_and_exports_hold_no_form_of_any_name(named_project, tmp_path):
    project, review = named_project
    proposed = pd.read_csv(review)
    assert proposed["accept"].all()
    originals = {_fold(o) for o in proposed["original"]}
    # every form is proposed: first name alone, surname alone, e-mail, accents folded, capitals
    assert {"ana", "robles", "ana robles", "ana.robles@uaq.mx", "ramirez"} <= originals
    share_dir = tmp_path / "share"
    share = share_dir / "share.qda.sqlite"
    assert _run(*_apply(project, review, share)) == 0
    key = json.loads(Path(str(project) + ".deid-key.json").read_text(encoding="utf-8"))
    forms = _forms(NAMES + list(key["people"]) + list(key["organisations"]))
    assert {"ana", "robles", "ana_robles", "ramirez", "ana.robles@uaq.mx"} <= forms

    files = _exports(share, tmp_path / "exports")
    on_disk = [p for p in share_dir.rglob("*") if p.is_file()] + files
    assert share in on_disk and not [p for p in on_disk if ".partial-" in p.name]
    leaks = {}
    for path in on_disk:
        hits = sorted({f for blob in _blobs(path) for f in _found(blob, forms)})
        if hits:
            leaks[str(path.relative_to(tmp_path))] = hits
    assert not leaks, leaks
    assert oct(share.stat().st_mode & 0o777) == "0o600"
    # the key never enters the copy or an export, and the copy is still useful
    copy = open_project(share)
    try:
        assert len(evidence_table(copy)) == 1
        dump = "\n".join(copy.conn.iterdump())
    finally:
        copy.conn.close()
    assert '"people"' not in dump and "[Expert 1]" in dump


def test_shareable_copy_killed_midway_leaves_nothing_then_runs_again(named_project, tmp_path):
    project, review = named_project
    share = tmp_path / "share" / "share.qda.sqlite"
    script = tmp_path / "killed.py"
    script.write_text(
        "import os, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import cli\n"
        "import deid.shareable as shareable\n"
        "shareable.compact_project = lambda db: os._exit(9)  # killed with the copy half made\n"
        "if __name__ == '__main__':\n"
        "    cli.main(sys.argv[1:])\n",
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, str(script), *_apply(project, review, share)],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert run.returncode == 9, run.stderr.decode()[-2000:]
    assert not share.exists()  # nothing at the final name
    left = list(share.parent.glob(".share.qda.sqlite.partial-*"))
    assert left and all(oct(p.stat().st_mode & 0o777) == "0o600" for p in left)
    # the same command again works (the review was applied already) and clears what was left
    assert _run(*_apply(project, review, share)) == 0
    assert share.exists() and not list(share.parent.glob(".share.qda.sqlite.partial-*"))
    key = json.loads(Path(str(project) + ".deid-key.json").read_text(encoding="utf-8"))
    forms = _forms(NAMES + list(key["people"]))
    assert not [f for p in share.parent.iterdir() for f in _found(p.read_bytes(), forms)]


def test_shareable_copy_refuses_when_a_name_is_left(named_project, tmp_path):
    project, review = named_project
    rows = pd.read_csv(review)
    rows.loc[rows["original"] == "RAMÍREZ", "accept"] = False  # the reviewer left one out
    rows.to_csv(review, index=False)
    share = tmp_path / "share" / "share.qda.sqlite"
    assert _run(*_apply(project, review, share)) == 2
    assert not share.exists() and not list(share.parent.glob(".share*"))


def test_deid_forms_find_every_shape_of_a_name():
    from deid.forms import NameForms

    forms = NameForms({"Ana Robles": True, "Dra. Robles": True, "Jorge Ramírez": True})
    text = (
        "Ana_Robles_seguimiento; entrevista_robles; ANA ROBLES; Robles's; ramirez; RAMÍREZ;"
        " AnaRobles; a.robles@uaq.mx; semana canonical; Ana"
    )
    found = [text[s:e] for s, e, _ in forms.find(text)]
    assert found == [
        "Ana_Robles",
        "robles",
        "ANA ROBLES",
        "Robles",
        "ramirez",
        "RAMÍREZ",
        "AnaRobles",
        "a.robles@uaq.mx",
        "Ana",
    ]
