"""The same answers on DuckDB and on Apache Spark (issue 14): the dev set, the blind and paraphrase
sets and the event planner, over the same small warehouse (DuckDB file vs its Parquet export).

Every question of every set runs (UB_CROSS_ENGINE_SAMPLE=N runs an evenly spaced N of each set
but the dev and refusal sets, for a quicker look). Spark answers two questions at a time, as two
officers would, over tables cached once read: the whole run (2,041 questions and the planner) takes about five and a half minutes on two cores.
"""

from __future__ import annotations

import datetime as dt
import os
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pytest

from nlq.planning import PARTS, plan_event
from tests.engines.compare import question_sets, same_frames, same_reply

pytestmark = pytest.mark.spark

WHOLE = {"dev", "blind7_refusals"}


def _sample(name: str, questions: list[str]) -> list[str]:
    wanted = os.environ.get("UB_CROSS_ENGINE_SAMPLE", "all")
    if name in WHOLE or wanted == "all" or len(questions) <= int(wanted):
        return questions
    step = len(questions) / int(wanted)
    return [questions[int(k * step)] for k in range(int(wanted))]


SETS = {name: _sample(name, qs) for name, qs in question_sets().items()}


@pytest.mark.parametrize("name", sorted(SETS))
def test_same_answers_on_duckdb_and_spark(engines, name):
    duck, spark = engines
    differ = []
    with ThreadPoolExecutor(2) as pool:
        on_spark = list(pool.map(spark.ask, SETS[name]))
    for question, b in zip(SETS[name], on_spark, strict=True):
        a = duck.ask(question)
        ok, why = same_reply(a, b)
        if not ok:
            differ.append(f"{question!r}: {why}\n  duckdb: {a.sql}\n  spark:  {b.sql}")
    assert not differ, f"{len(differ)} of {len(SETS[name])} answers differ:\n" + "\n".join(differ)


@pytest.mark.parametrize(
    "venue,start,end,kw",
    [
        ("Wembley Stadium", dt.time(16, 0), dt.time(23, 30), {"event_name": "Taylor Swift | The Eras Tour"}),
        ("The O2", dt.time(22, 0), dt.time(2, 0), {"radius_m": 800}),  # a window across midnight
    ],
)
def test_event_planner_same_on_both(engines, venue, start, end, kw):
    duck, spark = engines
    a = plan_event(duck, venue, start, end, **kw)
    b = plan_event(spark, venue, start, end, **kw)
    assert (a.event_days, a.baseline_days) == (b.event_days, b.baseline_days)
    for part in PARTS:
        fa, fb = getattr(a, part), getattr(b, part)
        ordered = part not in ("hotspots",)
        ok, why = same_frames(_plain(fa), _plain(fb), ordered)
        assert ok, f"{part}: {why}\n{b.sql[part]}"
    assert a.summary == b.summary
    assert "HAVERSINE_M" not in b.sql["uplift"].upper() and "TO_MINUTES" not in b.sql["uplift"].upper()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Row order of equal timestamps is free: sort the map points by every column."""
    return frame.sort_values(list(frame.columns)).reset_index(drop=True) if "occurred_at" in frame else frame
