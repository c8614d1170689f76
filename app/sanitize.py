"""Making untrusted text safe where it is shown or saved: one helper per place, used everywhere.

- ``md_escape(text)``: user- or URL-supplied text made literal for Streamlit's markdown
  (``st.error``, ``st.caption``, ``st.markdown``…): no links, no bold, no HTML.
- ``csv_cell(value)`` and ``frame_csv(frame)``: spreadsheet formula injection neutralised in
  every CSV the app writes (a cell starting ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``).

No streamlit import here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

_MARKDOWN = re.compile(r"([\\`*_\[\]#<>~$])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def md_escape(text: Any) -> str:
    """``text`` made literal for Streamlit's markdown: no links, no bold, no HTML, no bare URLs."""
    escaped = _MARKDOWN.sub(r"\\\1", str(text))
    return escaped.replace("://", ":\\/\\/").replace("www.", "www\\.")


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula, prefixed with ``'``; anything else as is."""
    if isinstance(value, str) and value.lstrip(" ")[:1] in _FORMULA_START:
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """Rows written as CSV text, every cell through ``csv_cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def frame_csv(frame: pd.DataFrame) -> str:
    """A data frame as CSV text (header, no index), every text cell through ``csv_cell``."""
    import pandas as pd

    safe = frame.copy()
    safe.columns = [csv_cell(str(c)) for c in safe.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(csv_cell)
    return safe.to_csv(index=False)
