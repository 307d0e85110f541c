"""REFI-QDA import of files shaped like NVivo, ATLAS.ti, MAXQDA and QualCoder exports."""

from __future__ import annotations

import zipfile
from pathlib import Path

from coding import codes_frame, codings_frame, memos_frame
from corpus import get_text, list_documents
from exports import import_qdpx, parse_qdpx
from exports.refi.positions import convert_positions
from projectfile import open_project

NS = "urn:QDA-XML:project:1.0"
U1, U2 = "7C4F0B2A-1D5E-4B8C-9A11-0E2D3C4B5A61", "1B2C3D4E-5F60-4718-8293-A4B5C6D7E8F9"
C1, C2, C3 = ("0A1B2C3D-0000-4000-8000-00000000000" + str(i) for i in (1, 2, 3))
S1, S2 = "5E6F7081-0000-4000-8000-000000000011", "5E6F7081-0000-4000-8000-000000000012"


def make_qdpx(
    path: Path, xml: str | bytes, files: dict[str, bytes] | None = None, name: str = "project.qde"
) -> Path:
    """Write a .qdpx archive with the project XML under ``name`` and extra entries."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, xml if isinstance(xml, bytes) else xml.encode("utf-8"))
        for n, data in (files or {}).items():
            zf.writestr(n, data)
    return path


def utf16_pos(text: str, i: int) -> int:
    return len(text[:i].encode("utf-16-le")) // 2


NVIVO_TEXT = (
    "Entrevista 4 — Experta en manufactura 🙂\r\n"
    "P: ¿Cómo empezó el consorcio?\r\n"
    "R: Con el consejo binacional 🇲🇽🇺🇸 en 1994, después del TLCAN.\r\n"
    "R: La financiación pública fue escasa; los técnicos eran la barrera.\r\n"
)


def nvivo_archive(tmp_path: Path) -> tuple[Path, str]:
    """An NVivo 12-style export: UTF-8 BOM + CRLF source file, UTF-16 code-unit positions over CRLF
    text."""
    canon = NVIVO_TEXT.replace("\r\n", "\n")
    sels = []
    for i, phrase in enumerate(
        ["consejo binacional", "financiación pública", "los técnicos eran la barrera"]
    ):
        s = NVIVO_TEXT.index(phrase)
        code = C1 if i == 0 else (C2 if i == 1 else C3)
        sels.append(
            f'<PlainTextSelection guid="AAAAAAAA-0000-4000-8000-00000000010{i}" name="{phrase}" '
            f'startPosition="{utf16_pos(NVIVO_TEXT, s)}" '
            f'endPosition="{utf16_pos(NVIVO_TEXT, s + len(phrase))}" '
            f'creatingUser="{U1 if i != 1 else U2}" creationDateTime="2021-03-04T10:00:00Z">'
            f'<Coding guid="BBBBBBBB-0000-4000-8000-00000000010{i}" '
            f'creatingUser="{U1 if i != 1 else U2}">'
            f'<CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
        )
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Consorcio" origin="NVivo 12 (12.6.1.970)">
  <Users><User guid="{U1}" name="María López"/><User guid="{U2}" name="John Smith"/></Users>
  <CodeBook><Codes>
    <Code guid="{C1}" name="Instituciones" isCodable="true" color="#FF0000">
      <Description>Consejos y organismos</Description>
      <Code guid="{C2}" name="Financiación" isCodable="true" color="#0F0"/>
    </Code>
    <Code guid="{C3}" name="Barreras" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{S1}" name="Entrevista 4" plainTextPath="internal://{S1}.txt">{"".join(sels)}</TextSource>
  </Sources>
</Project>"""
    path = make_qdpx(
        tmp_path / "nvivo.qdpx",
        xml,
        {f"sources/{S1}.txt": b"\xef\xbb\xbf" + NVIVO_TEXT.encode("utf-8")},
    )
    return path, canon


def test_nvivo_utf16_crlf_positions_land_on_the_same_words(tmp_path):
    path, canon = nvivo_archive(tmp_path)
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert report.skipped == []
    db = open_project(tmp_path / "p.qda.sqlite")
    doc_id = int(list_documents(db)["id"].iloc[0])
    assert get_text(db, doc_id) == canon
    df = codings_frame(db)
    assert sorted(df["text"]) == sorted(
        ["consejo binacional", "financiación pública", "los técnicos eran la barrera"]
    )
    assert dict(zip(df["text"], df["coder"]))["financiación pública"] == "John Smith"
    codes = codes_frame(db).set_index("path")
    assert codes.loc["Instituciones > Financiación", "color"] == "#00ff00"
    assert codes.loc["Instituciones", "definition"] == "Consejos y organismos"


def test_atlas_ti_inner_xml_named_after_project_with_inline_text_and_braced_guids(tmp_path):
    text = "Línea uno del documento.\nEl clúster automotriz creció con la inversión extranjera."
    s = text.index("clúster automotriz")
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Clúster Bajío" origin="ATLAS.ti 23.1">
  <Users><User guid="{{{U1}}}" name="Ana"/></Users>
  <CodeBook><Codes><Code guid="{{{C1}}}" name="Clúster" isCodable="true"
      color="#112233"/></Codes></CodeBook>
  <Sources><TextSource guid="{{{S1}}}" name="Documento A">
    <PlainTextContent>{text}</PlainTextContent>
    <PlainTextSelection guid="{{AAAAAAAA-0000-4000-8000-000000000001}}" startPosition="{s}"
        endPosition="{s + 18}" creatingUser="{{{U1}}}">
      <Coding guid="{{BBBBBBBB-0000-4000-8000-000000000001}}" creatingUser="{{{U1}}}"><CodeRef
          targetGUID="{{{C1}}}"/>
        <NoteRef targetGUID="{{CCCCCCCC-0000-4000-8000-000000000001}}"/></Coding>
    </PlainTextSelection>
  </TextSource></Sources>
  <Notes><Note guid="{{CCCCCCCC-0000-4000-8000-000000000001}}" name="comentario"
      creatingUser="{{{U1}}}">
    <PlainTextContent>Buen ejemplo</PlainTextContent></Note></Notes>
</Project>"""
    path = make_qdpx(tmp_path / "atlas.qdpx", xml, name="Clúster Bajío.qde")
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    assert report.imported["codings"] == 1 and report.skipped == []
    db = open_project(tmp_path / "p.qda.sqlite")
    row = codings_frame(db).iloc[0]
    assert (
        row["text"] == "clúster automotriz"
        and row["coder"] == "Ana"
        and row["memo"] == "Buen ejemplo"
    )


def test_maxqda_pdf_picture_audio_and_sets_are_reported_not_dropped(tmp_path):
    text = "Resumen del informe.\nEl consorcio CIATEQ firmó el convenio."
    s = text.index("CIATEQ")
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="Informe" origin="MAXQDA 2022">
  <CodeBook><Codes><Code guid="{C1}" name="Organizaciones" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <PDFSource guid="{S1}" name="Informe CIATEQ" path="relative://informe.pdf">
      <PDFSelection guid="AAAAAAAA-0000-4000-8000-000000000009" page="1" firstX="10" firstY="10"
          secondX="90" secondY="40">
        <Coding guid="BBBBBBBB-0000-4000-8000-000000000009"><CodeRef
            targetGUID="{C1}"/></Coding></PDFSelection>
      <Representation guid="{S2}" plainTextPath="internal://rep.txt">
        <PlainTextSelection guid="AAAAAAAA-0000-4000-8000-000000000001" startPosition="{s}"
            endPosition="{s + 6}">
          <Coding guid="BBBBBBBB-0000-4000-8000-000000000001"><CodeRef targetGUID="{C1}"/></Coding>
        </PlainTextSelection>
      </Representation>
    </PDFSource>
    <PictureSource guid="DDDDDDDD-0000-4000-8000-000000000001" name="Planta.jpg" path="internal://planta.jpg">
      <PictureSelection guid="DDDDDDDD-0000-4000-8000-000000000002" firstX="1" firstY="1"
          secondX="5" secondY="5"/>
    </PictureSource>
    <AudioSource guid="DDDDDDDD-0000-4000-8000-000000000003" name="Entrevista.mp3" path="internal://e.mp3">
      <Transcript guid="DDDDDDDD-0000-4000-8000-000000000005" plainTextPath="internal://e.txt">
        <SyncPoint guid="DDDDDDDD-0000-4000-8000-000000000006" timeStamp="0" position="0"/>
        <TranscriptSelection guid="DDDDDDDD-0000-4000-8000-000000000007"
            fromSyncPoint="DDDDDDDD-0000-4000-8000-000000000006"/>
      </Transcript>
      <AudioSelection guid="DDDDDDDD-0000-4000-8000-000000000004" begin="0" end="1000"/>
    </AudioSource>
  </Sources>
  <Sets><Set guid="EEEEEEEE-0000-4000-8000-000000000001" name="Grupo"/></Sets>
</Project>"""
    path = make_qdpx(
        tmp_path / "maxqda.qdpx",
        xml,
        {
            "sources/rep.txt": text.encode("utf-8"),
            "sources/e.txt": "Entrevistador: ¿Cuándo?\r\nExperta: En 1994.".encode(),
        },
    )
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    joined = "\n".join(report.skipped)
    assert (
        "1 region selection" in joined and "picture source 'Planta.jpg' with 1 selection" in joined
    )
    assert "audio source 'Entrevista.mp3'" in joined and "1 sets not imported" in joined
    db = open_project(tmp_path / "p.qda.sqlite")
    docs = list_documents(db)
    assert docs["title"].tolist() == ["Entrevista.mp3 (transcript)", "Informe CIATEQ"]
    assert docs["file_type"].tolist() == ["txt", "pdf"] and docs["kind"].tolist() == [
        "interview",
        "other",
    ]
    transcript_id = int(docs["id"].iloc[0])
    assert get_text(db, transcript_id) == "Entrevistador: ¿Cuándo?\nExperta: En 1994."
    # a transcript selection needs two sync points: this one names only where it starts
    assert "does not name two sync points with positions" in joined
    assert codings_frame(db)["text"].tolist() == ["CIATEQ"]
    assert any("not imported" in line for line in report.lines())


def test_qualcoder_notes_whole_source_coding_and_cases(tmp_path):
    text = "Expert 7: Trabajamos con el consejo de innovación."
    xml = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="{NS}" name="qc" origin="QualCoder 3.5">
  <Users><User guid="{U1}" name="colin"/></Users>
  <CodeBook><Codes><Code guid="{C1}" name="Innovation council" isCodable="true">
    <NoteRef targetGUID="CCCCCCCC-0000-4000-8000-000000000002"/></Code></Codes></CodeBook>
  <Variables><Variable guid="{C2}" name="sector" typeOfVariable="Text"/><Variable guid="{C3}"
      name="years" typeOfVariable="Integer"/></Variables>
  <Cases><Case guid="DDDDDDDD-0000-4000-8000-000000000001" name="Expert 7">
    <VariableValue><VariableRef targetGUID="{C2}"/><TextValue>academia</TextValue></VariableValue>
    <VariableValue><VariableRef targetGUID="{C3}"/><IntegerValue>12</IntegerValue></VariableValue>
    <SourceRef targetGUID="{S1}"/></Case></Cases>
  <Sources><TextSource guid="{S1}" name="Expert 7" plainTextPath="internal://e7.txt">
    <Coding guid="BBBBBBBB-0000-4000-8000-000000000001" creatingUser="{U1}"><CodeRef
        targetGUID="{C1}"/></Coding>
    <NoteRef targetGUID="CCCCCCCC-0000-4000-8000-000000000001"/>
  </TextSource></Sources>
  <Notes>
    <Note guid="CCCCCCCC-0000-4000-8000-000000000001" name="about e7"
        creatingUser="{U1}"><PlainTextContent>Long interview</PlainTextContent></Note>
    <Note guid="CCCCCCCC-0000-4000-8000-000000000002"
        name="def"><PlainTextContent>Councils only</PlainTextContent></Note>
    <Note guid="CCCCCCCC-0000-4000-8000-000000000003"
        name="loose"><PlainTextContent>Unattached</PlainTextContent></Note>
  </Notes>
</Project>"""
    path = make_qdpx(tmp_path / "qc.qdpx", xml, {"sources/e7.txt": text.encode("utf-8")})
    parsed = parse_qdpx(path)
    assert parsed.cases[0].variables == {"sector": "academia", "years": 12}
    report = import_qdpx(path, tmp_path / "p.qda.sqlite")
    db = open_project(tmp_path / "p.qda.sqlite")
    whole = codings_frame(db)
    assert whole["scope"].tolist() == ["document"] and whole["coder"].tolist() == ["colin"]
    memos = memos_frame(db).set_index("text")
    assert (
        memos.loc["Long interview", "target"] == "document"
        and memos.loc["Councils only", "target"] == "code"
    )
    assert memos.loc["Unattached", "target"] == "project"
    assert report.imported["memos"] == 3
    assert report.imported["cases"] == 1
    import interviews

    attrs = interviews.case_attributes_frame(db).set_index("case_name")
    assert (
        attrs.loc["Expert 7", "sector"] == "academia"
        and float(attrs.loc["Expert 7", "years"]) == 12
    )
    assert interviews.document_cases(db)["case_name"].tolist() == ["Expert 7"]


def test_origin_is_overruled_when_another_reading_fits_word_boundaries():
    raw = (
        "Línea uno 🙂 con acentos.\r\nSegunda línea 🙂 con más texto.\r\n"
        "Tercera línea: técnicos y barreras.\r\n"
    )
    phrases = ["acentos", "Segunda", "más texto", "técnicos", "barreras"]
    positions = []
    for p in phrases:
        s = raw.index(p)
        positions.append((utf16_pos(raw, s), utf16_pos(raw, s + len(p))))
    conv = convert_positions(
        raw, positions, origin="MAXQDA 2022"
    )  # claims code points; really NVivo-style
    assert conv.switched and conv.reading.unit == "utf16"
    assert [conv.text[s:e] for s, e in conv.spans] == phrases
    plain = convert_positions("abc def", [(4, 7)], origin="QualCoder")
    assert not plain.switched and plain.spans == [(4, 7)]
