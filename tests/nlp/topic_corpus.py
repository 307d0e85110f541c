"""A small fictional bilingual corpus with three clear themes, for topic tests and pages."""

from __future__ import annotations

import random

THEMES = {
    "funding": (
        "CONACYT funding grants budget money federal programme call financing".split(),
        "fondos financiamiento presupuesto dinero convocatoria federal becas apoyo".split(),
    ),
    "training": (
        "training students technicians dual education courses engineers skills".split(),
        "capacitación estudiantes técnicos educación dual cursos ingenieros habilidades".split(),
    ),
    "trade": (
        "NAFTA tariffs exports trade agreement border customs USMCA".split(),
        "TLCAN aranceles exportaciones comercio tratado frontera aduanas T-MEC".split(),
    ),
}


def paragraphs(n: int, seed: int = 3, spanish_every: int = 4) -> list[str]:
    """Return ``n`` paragraphs cycling through the themes; every ``spanish_every``-th in Spanish."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        en, es = THEMES[list(THEMES)[i % 3]]
        words = es if spanish_every and i % spanish_every == 0 else en
        out.append(" ".join(rng.choice(words) for _ in range(14)).capitalize() + ".")
    return out
