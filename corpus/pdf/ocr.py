"""OCR of scanned PDF pages: render with pypdfium2, read with the tesseract command.

Tesseract runs as a child process per page, fed the page image on stdin and answering TSV on
stdout: no image or text of the page is ever written to a temporary file, and the child is
killed when the page's time limit (or the file's) runs out.  ``OMP_THREAD_LIMIT=1`` keeps one
page on one core, so the ingest workers are the unit of parallelism.

Lines come back as ``pdf.layout.Line`` in PDF points (so running headers, page numbers and
paragraphs are handled like those of a text layer) with the engine's word confidence.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass, field

from .layout import Line

DEFAULT_LANGUAGES = "eng+spa"
MISSING = "install tesseract-ocr to read scanned pages"
OCR_DPI = 300
PAGE_TIMEOUT_S = 120
_LANGUAGES = re.compile(r"^[A-Za-z_]{3,}(?:\+[A-Za-z_]{3,})*$")


class OcrUnavailable(Exception):
    """Tesseract (or a language it needs) is not installed: carries what to do."""


@dataclass
class OcrPage:
    """The lines tesseract read on one page and their mean word confidence (0-100)."""

    lines: list[Line] = field(default_factory=list)
    confidence: float = 0.0
    words: int = 0
    blank: bool = False  # the page holds no image: nothing to read


@functools.cache
def tesseract_languages() -> frozenset[str]:
    """Return the languages the installed tesseract reads (empty when it is not installed)."""
    exe = shutil.which("tesseract")
    if not exe:
        return frozenset()
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def check_languages(languages: str) -> None:
    """Raise OcrUnavailable unless tesseract is installed with every language of ``languages``."""
    if not _LANGUAGES.match(languages or ""):
        raise ValueError(f"OCR languages must look like 'eng+spa', not {languages!r}")
    have = tesseract_languages()
    if not have:
        raise OcrUnavailable(MISSING)
    missing = [lang for lang in languages.split("+") if lang not in have]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m.lower()}" for m in missing)
        raise OcrUnavailable(f"install {packages} to read scanned pages in {', '.join(missing)}")


def render_page(pdf, index: int, dpi: int = OCR_DPI):
    """Return page ``index`` (0-based) of an open ``pypdfium2.PdfDocument`` as a grey PIL image."""
    from PIL import ImageFilter

    page = pdf[index]
    try:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
    finally:
        page.close()
    # a 3x3 median removes scanner speckle, which tesseract otherwise reads as | , . '
    return image.filter(ImageFilter.MedianFilter(3))


def ocr_image(
    image, languages: str = DEFAULT_LANGUAGES, dpi: int = OCR_DPI, timeout_s: float = PAGE_TIMEOUT_S
) -> OcrPage:
    """Return the text lines tesseract reads in a PIL ``image`` rendered at ``dpi``.

    Raises OcrUnavailable when tesseract is missing, TimeoutError after ``timeout_s`` and
    RuntimeError when tesseract fails.
    """
    check_languages(languages)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=1)  # fast: the bytes only cross a pipe
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    cmd = [shutil.which("tesseract") or "tesseract", "stdin", "stdout", "-l", languages]
    cmd += ["--dpi", str(dpi), "--psm", "3", "tsv"]
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    try:
        out, err = proc.communicate(buf.getvalue(), timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        raise TimeoutError(f"OCR took longer than {timeout_s:g} s") from exc
    finally:  # also when the file's own time limit interrupts us: never leave tesseract running
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode:
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(
            f"tesseract failed ({message[-1][:160] if message else proc.returncode})"
        )
    return tsv_to_page(out.decode("utf-8", "replace"), 72 / dpi)


def tsv_to_page(tsv: str, scale: float = 1.0) -> OcrPage:
    """Return the lines of tesseract's TSV output, boxes multiplied by ``scale`` (to points).

    Each line carries its block and paragraph as ``Line.block``, so paragraphs follow
    tesseract's layout analysis; ``Line.confidence`` is the mean of its words' confidences.
    """
    lines: dict[tuple, list[tuple]] = {}
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = unicodedata.normalize("NFC", cols[11].strip())
        if not text:
            continue
        try:
            left, top, width, height = (int(c) for c in cols[6:10])
            conf = float(cols[10])
        except ValueError:
            continue
        key = (int(cols[2]), int(cols[3]), int(cols[4]))
        lines.setdefault(key, []).append((text, left, top, left + width, top + height, conf))
    page = OcrPage()
    confs: list[float] = []
    for (block, par, _line), words in lines.items():
        heights = sorted(w[4] - w[2] for w in words)
        line_confs = [w[5] for w in words if w[5] >= 0]
        confs.extend(line_confs)
        page.lines.append(
            Line(
                text=" ".join(w[0] for w in words),
                top=min(w[2] for w in words) * scale,
                bottom=max(w[4] for w in words) * scale,
                x0=min(w[1] for w in words) * scale,
                x1=max(w[3] for w in words) * scale,
                size=heights[len(heights) // 2] * scale,
                block=block * 10000 + par,
                confidence=sum(line_confs) / len(line_confs) if line_confs else 0.0,
            )
        )
    page.words = len(confs)
    page.confidence = round(sum(confs) / len(confs), 1) if confs else 0.0
    return page


def ocr_pdf_pages(
    path,
    numbers: list[int],
    password: str | None = None,
    languages: str = DEFAULT_LANGUAGES,
    timeout_s: float = PAGE_TIMEOUT_S,
    dpi: int = OCR_DPI,
):
    """Yield (page number, OcrPage or None, problem) for the 1-based page ``numbers`` of a PDF.

    A page that times out or that tesseract cannot read yields None and the reason; the others
    go on.  Raises OcrUnavailable (before rendering anything) when tesseract is missing.
    """
    import pypdfium2
    import pypdfium2.raw as pdfium_c

    check_languages(languages)
    try:
        pdf = pypdfium2.PdfDocument(str(path), password=password or None)
    except pypdfium2.PdfiumError as exc:  # pdfminer read the text, pdfium cannot render the file
        for number in numbers:
            yield number, None, f"the page cannot be rendered for OCR ({exc})"
        return
    try:
        for number in numbers:
            try:
                page = pdf[number - 1]
                images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2))
                page.close()
                if not images:
                    yield number, OcrPage(blank=True), ""  # nothing scanned on this page
                    continue
                image = render_page(pdf, number - 1, dpi)
                yield number, ocr_image(image, languages, dpi, timeout_s), ""
            except (TimeoutError, RuntimeError, OSError, pypdfium2.PdfiumError) as exc:
                yield number, None, str(exc)
    finally:
        pdf.close()


_GARBAGE = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff\x00-\x08\x0b-\x1f]")


def is_garbage(text: str) -> bool:
    """Return True when a text layer is mostly unmapped glyphs (``(cid:12)``, U+FFFD, private use).

    Such a page is read by OCR instead.
    """
    letters = sum(not c.isspace() for c in text)
    if letters < 20:
        return False
    bad = sum(len(m) for m in _GARBAGE.findall(text))
    return bad > 0.3 * letters
