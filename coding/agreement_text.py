"""Agreement for people: a statistic as text ("n/a (not applied)", "undefined", never "-0"), the
agreement frame as a table of text, and the line naming the documents compared and left out. The
CLI, the Analysis page and the HTML report all use these."""

from __future__ import annotations

import pandas as pd

from .agreement_stats import AgreementStatus


def format_statistic(value, status: str = AgreementStatus.OK, digits: int = 3) -> str:
    """Return a statistic for people: '0.318', 'n/a (not applied)', 'undefined', 'n/a'; a value
    that rounds to zero prints as 0.000, never -0.000."""
    if status == AgreementStatus.NOT_APPLIED:
        return "n/a (not applied)"
    if status == AgreementStatus.NOTHING_COMPARED:
        return "n/a (nothing compared)"
    if value is None or value != value:
        return "undefined" if status == AgreementStatus.NO_VARIATION else "n/a"
    return f"{round(float(value), digits) + 0.0:.{digits}f}"  # + 0.0 turns -0.0 into 0.0


def agreement_table(df: pd.DataFrame) -> pd.DataFrame:
    """Return the agreement frame for people: code, units, documents, percent, kappa, alpha as
    text ('n/a (not applied)', 'undefined', 'n/a (2 coders only)' for kappa of 3+ coders), and
    the documents left out."""
    out = pd.DataFrame({"code": df["code_path"], "units": df["units"]})
    out["documents"] = df["documents"]
    for col, name in (("percent_agreement", "percent"), ("kappa", "kappa"), ("alpha", "alpha")):
        out[name] = [format_statistic(v, s) for v, s in zip(df[col], df["status"])]
    many = df["coders"].str.count(",") >= 2
    out.loc[many & (out["kappa"] == "n/a"), "kappa"] = "n/a (2 coders only)"
    out["left out"] = df["documents_left_out"]
    return out


def agreement_summary(df: pd.DataFrame) -> str:
    """Return one plain line from an agreement frame: the documents compared and the documents left
    out, by title."""
    overall = df.iloc[-1]
    n = int(overall["documents"])
    line = f"Compared {n} document{'' if n == 1 else 's'}"
    line += f": {overall['documents_compared']}." if n else "."
    left = overall["documents_left_out"]
    if left:
        return line + f" Left out (coded by only some of the coders): {left}."
    return line + " None left out."
