"""Generators of the hostile inputs of issue 15 (small by default, full size on request).

Each returns the path written.  They reproduce the outside probe's files: a PDF whose content
stream inflates far beyond the file, a DOCX whose XML is mostly markup, a one-line text file,
a QDPX whose sources expand 100x+, a QDPX with thousands of codes.
"""

from __future__ import annotations

import io
import threading
import time
import uuid
import zipfile
import zlib
from pathlib import Path

import psutil
from raw_pdf import raw_pdf


def pdf_bomb(path: Path, stream_mb: float) -> Path:
    """A one-page PDF whose content stream inflates to ``stream_mb`` MB of text operators."""
    op = b"BT /F1 9 Tf 20 700 Td (Consorcio ficticio de manufactura) Tj ET\n"
    raw = op * int(stream_mb * 1024 * 1024 / len(op))
    body = zlib.compress(raw, 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    path.write_bytes(raw_pdf(objs))
    return path


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def docx_markup_bomb(path: Path, xml_mb: float, text: str = "Consorcio ficticio.") -> Path:
    """A DOCX whose document.xml is ``xml_mb`` MB: empty runs of markup around one paragraph."""
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    run = '<w:r w:rsidR="{:08X}"><w:rPr><w:b/><w:sz w:val="24"/></w:rPr><w:t></w:t></w:r>'
    n = int(xml_mb * 1024 * 1024 / len(run.format(0)))
    head = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}">'
        f"<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p><w:p>"
    ).encode()
    tail = b"</w:p></w:body></w:document>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "word/document.xml":
                with dst.open("word/document.xml", "w") as fh:
                    fh.write(head)
                    for start in range(0, n, 10_000):  # numbered runs: ~100:1 like Word's
                        fh.write(
                            "".join(
                                run.format(i * 2654435761 % 2**32)
                                for i in range(start, start + 10_000)
                            ).encode()
                        )
                    fh.write(tail)
            else:
                dst.writestr(info, src.read(info.filename))
    return path


def one_line_text(path: Path, mb: float) -> Path:
    """A text file of ``mb`` MB on one line (no paragraph breaks at all)."""
    word = b"consorcio "
    with open(path, "wb") as fh:
        chunk = word * 100_000
        for _ in range(max(1, int(mb * 1024 * 1024 / len(chunk)))):
            fh.write(chunk)
    return path


def qdpx_many_codes(path: Path, n_codes: int, duplicate_guid: bool = False) -> Path:
    """A REFI-QDA project with ``n_codes`` codes, one text source and one coding per code."""
    text = " ".join(f"palabra{i}" for i in range(max(n_codes, 10)))
    src_guid = str(uuid.uuid4())
    codes, sels = [], []
    guids = [str(uuid.uuid4()) for _ in range(n_codes)]
    if duplicate_guid and n_codes > 1:
        guids[1] = guids[0]
    pos = 0
    for i, g in enumerate(guids):
        codes.append(f'<Code guid="{g}" name="Code {i}" isCodable="true"/>')
        word = f"palabra{i}"
        start = text.index(word, pos)
        pos = start + len(word)
        sels.append(
            f'<PlainTextSelection guid="{uuid.uuid4()}" startPosition="{start}"'
            f' endPosition="{pos}"><Coding guid="{uuid.uuid4()}"><CodeRef targetGUID="{g}"/>'
            f"</Coding></PlainTextSelection>"
        )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Many codes (fictional)">'
        f"<CodeBook><Codes>{''.join(codes)}</Codes></CodeBook>"
        f'<Sources><TextSource guid="{src_guid}" name="Entrevista" plainTextPath='
        f'"internal://{src_guid}.txt">{"".join(sels)}</TextSource></Sources></Project>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        zf.writestr(f"sources/{src_guid}.txt", text)
    return path


def qdpx_text_bomb(path: Path, text_mb: float, sources: int = 1) -> Path:
    """A REFI-QDA project whose text sources expand to ``text_mb`` MB in all (highly repetitive)."""
    per = int(text_mb * 1024 * 1024 / sources)
    line = "La entrevista ficticia habla del consorcio de manufactura. " * 20 + "\n\n"
    entries = []
    for _ in range(sources):
        entries.append(str(uuid.uuid4()))
    src_xml = "".join(
        f'<TextSource guid="{g}" name="Fuente {i}" plainTextPath="internal://{g}.txt"/>'
        for i, g in enumerate(entries)
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="Text bomb (fictional)">'
        f"<Sources>{src_xml}</Sources></Project>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", xml)
        for g in entries:
            with zf.open(f"sources/{g}.txt", "w") as fh:
                written, n = 0, 0
                while written < per:  # numbered paragraphs: ~100:1, under the ratio check
                    block = "".join(f"{n + k}. {line}" for k in range(1000)).encode()
                    fh.write(block)
                    written += len(block)
                    n += 1000
    return path


class PeakRSS:
    """Context manager: the peak RSS (bytes) of the largest process started inside it (a child or
    a forkserver's worker), and how much this process grew (``peak_self``, above its RSS at
    entry), polled every 20 ms.

    Only processes that did not exist at entry count: in a full run this process also holds
    earlier tests' children (a Streamlit server, a module's worker pool, a forkserver), whose
    memory is not the call's.  Whole-history figures (``ru_maxrss`` of RUSAGE_CHILDREN) would
    count every earlier test's children too."""

    def __init__(self, include_self: bool = False):
        self.include_self = include_self
        self.peak_children = 0
        self.peak_self = 0
        self._stop = threading.Event()

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            try:
                for child in me.children(recursive=True):
                    if child.pid in self._before:
                        continue
                    try:
                        total = max(total, child.memory_info().rss)
                    except psutil.Error:
                        pass
                self.peak_self = max(self.peak_self, me.memory_info().rss)
            except psutil.Error:
                pass
            self.peak_children = max(self.peak_children, total)
            time.sleep(0.02)

    def __enter__(self):
        # In a full test run this process already holds models and other tests' data: what a
        # limit must bound is what the call adds, so peak_self counts from the RSS at entry.
        self._base_self = psutil.Process().memory_info().rss
        self._before = {c.pid for c in psutil.Process().children(recursive=True)}
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak_self = max(0, self.peak_self - self._base_self)
        return False


def pid_or_hog(mb: int):
    """Worker task for tests: return the worker's pid, or try to hold ``mb`` MB (a memory hog)."""
    import os

    if mb:  # touched, so resident (an untouched bytearray is only reserved, not resident)
        hog = [b"\x01" * (1024 * 1024) for _ in range(mb)]
        return len(hog)
    return os.getpid()


def sleep_then_pid(seconds: float):
    """Worker task for tests: sleep (a stuck parser), then return the worker's pid."""
    import os

    time.sleep(seconds)
    return os.getpid()
