"""A standalone HTML report: the Analysis page's charts (static SVG, no script: a few kilobytes,
works offline, prints) and the evidence, readable from phone width to a wide screen.

It renders what it is given: the evidence frame and the frames its charts show (co-occurrence,
agreement), computed by the caller (``exports.report``). Every piece of project text (code names,
case names, titles, quotes, memos) is HTML-escaped, in the page and in the chart labels, so a
document holding ``<script>`` shows it as text.
"""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime

import pandas as pd

from coding import agreement_summary, agreement_table

from .evidence import unique_quotes
from .svg_charts import bar_chart, heatmap
from .tables import Out, _open

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #ddd;font-size:1.7em}
h2{margin-top:2em;border-left:6px solid var(--c,#999);padding-left:.4em;overflow-wrap:anywhere}
h3{overflow-wrap:anywhere}
blockquote{margin:.6em 0 .2em 1em;padding:.3em .8em;border-left:3px solid #ccc;font-style:italic;
white-space:pre-wrap;overflow-wrap:anywhere}
.cite{color:#555;margin-left:1em;font-size:.9em}.memo{color:#666;font-size:.85em;margin-left:1em}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px}.def{color:#555}
.note{color:#666;font-size:.9em}audio.clip{display:block;margin:.2em 0 .4em 1em;max-width:100%}
figure.chart{margin:1.5em 0}figure.chart figcaption{font-weight:600;margin-bottom:.4em}
figure.chart>div{overflow-x:auto;max-width:100%}figure.chart svg{display:block}
@media (max-width:700px){body{margin:1em auto}blockquote{margin-left:.2em}}
"""


def plural(n: int, word: str, many: str | None = None) -> str:
    """Return '1 quote', '2 quotes' ('1 case', '3 cases'; ``many`` for irregular plurals)."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _e(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return html.escape(str(value), quote=True)


AGREEMENT_TITLE = "Krippendorff's alpha per code (characters)"
AGREEMENT_TABLE_TITLE = "Agreement between coders (characters)"
COOCCURRENCE_TITLE = "Code co-occurrence (overlapping codings)"
CASES_TITLE = "Codes x cases (coded segments)"
SEGMENTS_TITLE = "Coded segments per code"


def _figures(
    df: pd.DataFrame, cooccurrence: pd.DataFrame | None, agreement: pd.DataFrame | None
) -> list[str]:
    """Return SVG figures: coded segments per code, code x case heatmap (both from the
    evidence), alpha per code and the co-occurrence heatmap (from the frames given)."""
    figs: list[str] = []
    if df.empty:
        return figs
    # segments, not codings: a span coded by several coders counts once, as in the matrices
    segments = unique_quotes(df)
    counts = segments.groupby("code_path", sort=False).size()
    figs.append(bar_chart(counts, SEGMENTS_TITLE))
    with_case = segments[segments["case_name"].notna()]
    if not with_case.empty:
        figs.append(
            heatmap(pd.crosstab(with_case["code_path"], with_case["case_name"]), CASES_TITLE)
        )
    per_code = agreement[agreement["code_id"].notna()] if agreement is not None else None
    if per_code is not None and not per_code.empty and per_code["alpha"].notna().any():
        # rounded first, + 0.0: a bar label of -0.001 read "-0"; undefined alphas are not drawn
        alpha = per_code.set_index("code_path")["alpha"].astype(float).round(2) + 0.0
        figs.append(bar_chart(alpha, AGREEMENT_TITLE, value_range=(-1.0, 1.0)))
    if cooccurrence is not None and not cooccurrence.empty and cooccurrence.values.sum() > 0:
        figs.append(heatmap(cooccurrence, COOCCURRENCE_TITLE))
    return figs


def _agreement_section(agreement: pd.DataFrame) -> list[str]:
    """Return the HTML of the agreement table: what was compared and left out, each code's figures
    as text ('n/a (not applied)', 'undefined', never '-0')."""
    table = agreement_table(agreement).rename(
        columns={
            "units": "characters compared",
            "documents": "documents compared",
            "percent": "percent agreement",
            "left out": "coded in documents left out",
        }
    )
    head = "".join(f"<th>{_e(c)}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    coders = agreement.iloc[-1]["coders"]
    return [
        f"<h2>{_e(AGREEMENT_TABLE_TITLE)}</h2>",
        f'<p class="note">Coders compared: {_e(coders)}. {_e(agreement_summary(agreement))}'
        " n/a (not applied): no coder compared applied the code in the compared documents;"
        " undefined: no variation, so kappa and alpha are not defined.</p>",
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>",
    ]


def _clip(data: bytes | None) -> str:
    """Return an audio player holding ``data`` (m4a) inside the page, or ''."""
    if not data:
        return ""
    b64 = base64.b64encode(data).decode("ascii")
    return f'<audio class="clip" controls preload="none" src="data:audio/mp4;base64,{b64}"></audio>'


def _evidence_sections(
    df: pd.DataFrame, codebook: pd.DataFrame | None, clips: dict[int, bytes] | None = None
) -> list[str]:
    """Return the HTML of the evidence: one section per code, quotes grouped by case (each with
    its clip when ``clips`` has one for its coding id)."""
    clips = clips or {}
    parts = []
    info = {}
    if codebook is not None and not codebook.empty:
        info = {r.path: (r.color, r.definition) for r in codebook.itertuples(index=False)}
    for path, by_code in df.groupby("code_path", sort=False):
        color, definition = info.get(path, ("#999999", ""))
        parts.append(
            f'<h2 style="--c:{_e(color)}">{_e(path)} <small>'
            f"{_e(plural(len(by_code), 'quote'))} from "
            f"{_e(plural(by_code['document_id'].nunique(), 'document'))}</small></h2>"
        )
        if definition:
            parts.append(f'<p class="def">{_e(definition)}</p>')
        for case, rows in by_code.groupby(
            by_code["case_name"].map(lambda v: "No case" if v is None or pd.isna(v) else str(v)),
            sort=False,
        ):
            parts.append(f"<h3>{_e(case)}</h3>")
            cols = ["quote", "citation", "memo", "coding_id"]
            for quote, cite, memo, cid in rows[cols].itertuples(index=False):
                parts.append(
                    f'<blockquote>{_e(quote)}</blockquote><div class="cite">{_e(cite)}</div>'
                    + _clip(clips.get(int(cid)))
                )
                if isinstance(memo, str) and memo:
                    parts.append(f'<div class="memo">Memo: {_e(memo)}</div>')
    return parts


def evidence_html(
    df: pd.DataFrame,
    out: Out,
    title: str = "Coded evidence",
    codebook: pd.DataFrame | None = None,
    charts: bool = True,
    cooccurrence: pd.DataFrame | None = None,
    agreement: pd.DataFrame | None = None,
    not_computed: dict[str, str] | None = None,
    clips: dict[int, bytes] | None = None,
    clip_notes: list[str] | None = None,
) -> Out:
    """Write a standalone HTML report (charts + evidence grouped by code then case); return ``out``.

    ``cooccurrence`` (code x code) and ``agreement`` (coding's agreement frame) are shown as
    given; ``not_computed`` {chart: reason} lists the charts the caller left out, and why.
    ``clips`` {coding id: m4a bytes} are embedded under their quotes (``exports.report_clips``);
    ``clip_notes`` say which quotes have none and why.
    """
    df_all, df = df, unique_quotes(df)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title)}</title><style>{CSS}</style>",
    ]
    figs = _figures(df_all, cooccurrence, agreement) if charts else []
    parts.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    parts.append("</head><body>")
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    codes = df["code_path"].nunique() if len(df) else 0
    documents = df["document_id"].nunique() if len(df) else 0
    summary = ", ".join([plural(codes, "code"), plural(documents, "document")])
    parts.append(
        f"<h1>{_e(title)}</h1><p>{plural(len(df_all), 'coding')} on "
        f"{plural(len(df), 'coded segment')}, {summary}. Made {stamp}.</p>"
    )
    parts += figs
    if charts:
        for chart, reason in (not_computed or {}).items():
            parts.append(f'<p class="note">{_e(chart)}: not computed ({_e(reason)}).</p>')
        if agreement is not None and not agreement.empty:
            parts += _agreement_section(agreement)
    for note in clip_notes or []:
        parts.append(f'<p class="note">Clips: {_e(note)}.</p>')
    parts += _evidence_sections(df, codebook, clips)
    parts.append("</body></html>")
    with _open(out) as fh:
        fh.write("\n".join(parts).encode("utf-8"))
    return out
