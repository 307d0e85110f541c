"""Reproducible 'scanned' pages: text we write, rendered with Pillow, degraded, wrapped as PDFs.

A page is drawn at 200 dpi (A4), rotated by a slight skew, blurred and sprinkled with noise
from a fixed seed, then saved as an image-only PDF page (no text layer), so OCR has to read it.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

TESSERACT_MISSING = "install tesseract-ocr to read scanned pages"

SPANISH = [
    "Acta de la sesión ordinaria del Consejo Municipal",
    "En la ciudad de Querétaro, a catorce de marzo, se reunió el Consejo para revisar la",
    "política de vivienda. La señora Núñez explicó que la construcción de viviendas",
    "asequibles avanzó según lo previsto, aunque la participación ciudadana fue baja.",
    "¿Cómo garantizar la información pública? El regidor Ibáñez pidió que cada año se",
    "publique un informe de evaluación con los indicadores de acceso al agua potable.",
    "Se acordó por unanimidad crear una comisión técnica de seguimiento.",
]
ENGLISH = [
    "Minutes of the Regional Transport Committee",
    "The committee reviewed the proposal to extend the bus network to the northern",
    "districts. Members noted that ridership grew by twelve percent last year, while",
    "operating costs remained stable. The chair asked staff to prepare a detailed",
    "budget for the extension and to consult residents before the next meeting.",
    "The motion to approve the consultation plan was carried without objection.",
]


def require_tesseract() -> None:
    """Skip OCR tests on a machine without tesseract; on CI (which installs it) fail instead."""
    from corpus import tesseract_languages

    if {"eng", "spa"} <= tesseract_languages():
        return
    if os.environ.get("CI"):
        raise RuntimeError("tesseract (eng, spa) is missing on CI: .ci/run installs it")
    pytest.skip(TESSERACT_MISSING, allow_module_level=True)


def _font(size: int):
    from PIL import ImageFont

    for path in (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    ):
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def scan_image(lines: list[str], dpi: int = 200, skew: float = 0.8, seed: int = 7):
    """Return a degraded greyscale page image (A4 at ``dpi``) showing ``lines``."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    size = int(dpi * 12 / 72)  # 12 pt text
    font = _font(size)
    y = int(dpi * 1.0)
    for i, line in enumerate(lines):
        draw.text((int(dpi * 0.9), y), line, fill=0, font=font)
        y += int(size * (2.2 if i == 0 else 1.5))
    img = img.rotate(skew, resample=Image.BICUBIC, fillcolor=255, expand=False)
    img = img.filter(ImageFilter.GaussianBlur(0.6))
    rnd = random.Random(seed)
    px = img.load()
    for _ in range(width * height // 400):  # salt and pepper noise on 0.25% of pixels
        x, yy = rnd.randrange(width), rnd.randrange(height)
        px[x, yy] = 0 if rnd.random() < 0.5 else 255
    return img


def make_scanned_pdf(path: Path, pages: list[list[str]], dpi: int = 200) -> Path:
    """Write an image-only PDF with one degraded scan per page of ``pages``."""
    images = [scan_image(lines, dpi=dpi, seed=7 + i) for i, lines in enumerate(pages)]
    images[0].save(path, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return path


def make_mixed_pdf(path: Path, text_pages: list[list[str]], scanned: list[list[str]]) -> Path:
    """Write a PDF of text pages (fpdf2) followed by scanned pages (images only)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(False)
    for lines in text_pages:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        for line in lines:
            pdf.cell(0, 6, line)
            pdf.ln(6)
    for i, lines in enumerate(scanned):
        img_path = path.with_name(f"{path.stem}-scan{i}.png")
        scan_image(lines, seed=20 + i).save(img_path)
        pdf.add_page()
        pdf.image(str(img_path), x=0, y=0, w=pdf.w, h=pdf.h)
        img_path.unlink()
    pdf.output(str(path))
    return path


def cer(reference: str, hypothesis: str) -> float:
    """Return the character error rate: edit distance / reference length (whitespace collapsed)."""
    ref, hyp = " ".join(reference.split()), " ".join(hypothesis.split())
    if not ref:
        return 0.0 if not hyp else 1.0
    prev = list(range(len(hyp) + 1))
    for i, a in enumerate(ref, start=1):
        cur = [i]
        for j, b in enumerate(hyp, start=1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a != b)))
        prev = cur
    return prev[-1] / len(ref)
