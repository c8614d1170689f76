"""Which chart suits an answer.

>>> from nlq.intent import Intent
>>> choose_chart(Intent(group_by=("month",)))
'line'
>>> choose_chart(Intent(group_by=("borough",)))
'bar'
>>> choose_chart(Intent())
'number'
"""

from __future__ import annotations

from nlq.intent import Intent

LINE_GRAINS = {"day", "week", "month", "quarter", "year"}


def choose_chart(intent: Intent) -> str:
    if intent.chart:
        return intent.chart
    if not intent.group_by or intent.count_groups:
        return "number"
    if len(intent.group_by) > 2:
        return "table"
    if any(g in LINE_GRAINS for g in intent.group_by) and intent.top_n is None:
        return "line"
    if len(intent.group_by) == 2:
        return "table" if intent.top_n else "bar"
    return "bar"
