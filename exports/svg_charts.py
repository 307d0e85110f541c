"""Static SVG charts for the HTML report: a horizontal bar chart and a heatmap.

No script, no library: a report of three quotes stays a few kilobytes, opens offline, prints, and
reads at any width (a chart wider than the page scrolls inside its own box, labels never cut: a
long label is shortened with '…' and shown whole on hover). Every label is HTML-escaped.
"""

from __future__ import annotations

import html

import pandas as pd

FONT = 12
LABEL_CHARS = 56
CHAR_W = 6.6  # average width of a 12 px system-ui character, for layout


def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _short(label: str, n: int = LABEL_CHARS) -> str:
    label = str(label)
    return label if len(label) <= n else label[: n - 1] + "…"


def _label(x: float, y: float, text: str, anchor: str = "end", extra: str = "") -> str:
    full = str(text)
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle"'
        f"{extra}><title>{_e(full)}</title>{_e(_short(full))}</text>"
    )


def bar_chart(values: pd.Series, title: str, value_range: tuple[float, float] | None = None) -> str:
    """Return a <figure> with a horizontal bar chart of ``values`` (index = labels)."""
    values = values.dropna()
    labels = [str(i) for i in values.index]
    left = min(LABEL_CHARS, max((len(lab) for lab in labels), default=4)) * CHAR_W + 12
    bar_w, row_h = 360, 24
    nums = values.to_numpy(dtype=float)
    lo, hi = value_range or (min(0.0, float(nums.min(initial=0))), float(nums.max(initial=1)))
    hi = hi if hi > lo else lo + 1
    width = left + bar_w + 60
    height = row_h * len(values) + 30
    zero = left + (0 - lo) / (hi - lo) * bar_w
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height}"'
        f' viewBox="0 0 {width:.0f} {height}" role="img" aria-label="{_e(title)}"'
        f' font-size="{FONT}" font-family="system-ui, sans-serif">',
        f'<line x1="{zero:.1f}" y1="4" x2="{zero:.1f}" y2="{height - 24}" stroke="#999"/>',
    ]
    for i, (label, v) in enumerate(zip(labels, values.to_numpy(dtype=float))):
        y = 4 + i * row_h
        x = left + (min(v, 0) - lo) / (hi - lo) * bar_w
        w = abs(v) / (hi - lo) * bar_w
        shown = f"{v:.2f}".rstrip("0").rstrip(".") if not float(v).is_integer() else f"{int(v)}"
        parts.append(_label(left - 6, y + row_h / 2, label))
        parts.append(
            f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}"'
            f' fill="#4C78A8"><title>{_e(label)}: {_e(shown)}</title></rect>'
        )
        parts.append(
            f'<text x="{x + max(w, 1) + 4:.1f}" y="{y + row_h / 2:.1f}"'
            f' dominant-baseline="middle">{_e(shown)}</text>'
        )
    axis_y = height - 12
    parts.append(f'<text x="{left:.1f}" y="{axis_y}" fill="#666">{_e(f"{lo:g}")}</text>')
    parts.append(
        f'<text x="{left + bar_w:.1f}" y="{axis_y}" text-anchor="end" fill="#666">'
        f"{_e(f'{hi:g}')}</text>"
    )
    parts.append("</svg>")
    return _figure(title, "".join(parts))


def _shade(v: float, top: float) -> tuple[str, str]:
    """Return (fill, text colour) for a heatmap cell: white to blue."""
    t = 0.0 if top <= 0 else max(0.0, min(1.0, v / top))
    r, g, b = (int(255 + (c - 255) * t) for c in (8, 81, 156))
    return f"rgb({r},{g},{b})", ("#fff" if t > 0.55 else "#222")


def heatmap(frame: pd.DataFrame, title: str) -> str:
    """Return a <figure> with a heatmap of ``frame`` (rows x columns, numbers in the cells)."""
    rows = [str(i) for i in frame.index]
    cols = [str(c) for c in frame.columns]
    left = min(LABEL_CHARS, max((len(r) for r in rows), default=4)) * CHAR_W + 12
    top = min(LABEL_CHARS, max((len(c) for c in cols), default=4)) * CHAR_W * 0.72 + 16
    cell_w, cell_h = 56, 26
    width = left + cell_w * len(cols) + 16 + top * 0.72
    height = top + cell_h * len(rows) + 8
    vmax = float(pd.to_numeric(frame.stack(), errors="coerce").max()) if frame.size else 0.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}"'
        f' viewBox="0 0 {width:.0f} {height:.0f}" role="img" aria-label="{_e(title)}"'
        f' font-size="{FONT}" font-family="system-ui, sans-serif">'
    ]
    for j, col in enumerate(cols):
        x = left + j * cell_w + cell_w / 2
        parts.append(
            _label(
                x,
                top - 6,
                col,
                anchor="start",
                extra=f' transform="rotate(-40 {x:.1f} {top - 6:.1f})"',
            )
        )
    for i, row in enumerate(rows):
        y = top + i * cell_h
        parts.append(_label(left - 6, y + cell_h / 2, row))
        for j, col in enumerate(cols):
            v = frame.iat[i, j]
            v = 0.0 if v is None or pd.isna(v) else float(v)
            fill, ink = _shade(v, vmax)
            x = left + j * cell_w
            shown = f"{int(v)}" if v.is_integer() else f"{v:.2f}"
            parts.append(
                f'<rect x="{x}" y="{y:.1f}" width="{cell_w - 2}" height="{cell_h - 2}"'
                f' fill="{fill}"><title>{_e(row)} × {_e(col)}: {_e(shown)}</title></rect>'
                f'<text x="{x + cell_w / 2 - 1:.1f}" y="{y + cell_h / 2:.1f}" fill="{ink}"'
                f' text-anchor="middle" dominant-baseline="middle">{_e(shown)}</text>'
            )
    parts.append("</svg>")
    return _figure(title, "".join(parts))


def _figure(title: str, svg: str) -> str:
    return f'<figure class="chart"><figcaption>{_e(title)}</figcaption><div>{svg}</div></figure>'
