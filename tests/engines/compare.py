"""Compare two engines' answers cell by cell: same columns, same rows (in order when the SQL orders
them), numbers equal to 1e-9 relative ('within rounding'), dates and timestamps as ISO text."""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from tests import shared_data

FIXTURES = Path(__file__).resolve().parent.parent / "nlq" / "fixtures"
REL = 1e-9


def question_sets() -> dict[str, list[str]]:
    """name -> questions: the dev set (where ../shared is) and every blind and paraphrase set."""
    paths = [shared_data.SHARED / "eval" / "dev.toml", *sorted(FIXTURES.glob("*.toml"))]
    out = {}
    for path in paths:
        if path.exists():
            out[path.stem] = [c["question"] for c in tomllib.loads(path.read_text())["case"]]
    return out


def cell(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _same_cell(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=REL, abs_tol=REL)
    return a == b


def rows(frame: pd.DataFrame | None) -> list[tuple]:
    if frame is None:
        return []
    return [tuple(cell(v) for v in r) for r in frame.itertuples(index=False, name=None)]


def _key(row):
    # + 0.0 makes -0.0 (DuckDB's centre of a map cell on the meridian) sort as Spark's 0.0
    return tuple(
        (0, "") if v is None else (1, f"{v + 0.0:.6g}" if isinstance(v, float) else str(v)) for v in row
    )


def same_frames(a: pd.DataFrame | None, b: pd.DataFrame | None, ordered: bool) -> tuple[bool, str]:
    if (a is None) != (b is None):
        return False, f"one answer has no frame ({a is None} vs {b is None})"
    if a is None:
        return True, ""
    if list(a.columns) != list(b.columns):
        return False, f"columns {list(a.columns)} vs {list(b.columns)}"
    ra, rb = rows(a), rows(b)
    if len(ra) != len(rb):
        return False, f"{len(ra)} rows vs {len(rb)}"
    if not ordered:
        ra, rb = sorted(ra, key=_key), sorted(rb, key=_key)
    for i, (x, y) in enumerate(zip(ra, rb, strict=True)):
        if not all(_same_cell(p, q) for p, q in zip(x, y, strict=True)):
            return False, f"row {i}: {x} vs {y}"
    return True, ""


def same_reply(a, b) -> tuple[bool, str]:
    """Two engines' replies to one question: the same refusal or error state, the same frame, the
    same record count and the same comparison with the previous period."""
    if (a.error is None) != (b.error is None):
        return False, f"error {a.error!r} vs {b.error!r}"
    if a.error is not None:
        return True, ""
    ordered = a.sql is not None and " ORDER BY " in a.sql.rsplit(")", 1)[-1]
    ok, why = same_frames(a.frame, b.frame, ordered)
    if not ok:
        return ok, why
    if a.rows_scanned != b.rows_scanned:
        return False, f"rows scanned {a.rows_scanned} vs {b.rows_scanned}"
    ca, cb = ({k: cell(v) for k, v in r.context.items()} for r in (a, b))
    if ca.keys() != cb.keys() or not all(_same_cell(ca[k], cb[k]) for k in ca):
        return False, f"context {ca} vs {cb}"
    return True, ""
