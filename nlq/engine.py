"""The engine: question → Intent → SQL → guard → warehouse → Reply. `ask` never raises."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from nlq import near_me, what_changed
from nlq.chart import choose_chart
from nlq.intent import Intent
from nlq.parse import Parser, ParseResult
from nlq.pipeline import build_nlp, english_words
from nlq.refine import refine as refine_intent
from nlq.sql import (
    PREVIOUS_COLUMN,
    RECORDS_COLUMN,
    Facts,
    build,
    count_tree,
    portable,
    previous_window,
)
from nlq.timeexpr import EARLIEST
from nlq.vocabulary import Vocabulary


@dataclass
class Reply:
    question: str
    intent: Intent | None = None
    sql: str | None = None
    error: str | None = None
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    frame: pd.DataFrame | None = None
    chart: str = "table"
    rows_scanned: int | None = None
    elapsed_ms: float = 0.0
    context: dict = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)  # words not understood: no answer was given
    without: str | None = None  # the question without them, offered as a one-click reading
    needs_location: bool = False  # a near-me question asked without the asker's location


class Engine:
    """Open once (vocabulary and spaCy pipeline are built here), then ask many questions."""

    def __init__(self, con, vocabulary: Vocabulary, timeout_s: float = 5.0, row_cap: int = 100_000):
        """*con* is a read-only DuckDB connection or a warehouse backend (nlq.backends)."""
        from nlq.backends import as_backend

        self.backend = as_backend(con)
        self.con = self.backend.con
        self.vocabulary = vocabulary
        self.nlp = build_nlp(vocabulary)
        self.parser = Parser(vocabulary, self.nlp, english_words(self.nlp))
        self.timeout_s = timeout_s
        self.row_cap = row_cap
        self.facts = facts_of(vocabulary)
        self._readings: OrderedDict[str, ParseResult] = OrderedDict()
        self._readings_lock = threading.Lock()
        self._built: OrderedDict[tuple[str, Intent], str] = OrderedDict()  # (kind, intent) -> SQL
        self._trees: OrderedDict[str, object] = OrderedDict()  # SQL -> the tree it was written from

    @classmethod
    def open(cls, path: str | Path | None = None, *, engine: str | None = None, **kw) -> Engine:
        """The warehouse at *path* (default $UB_WAREHOUSE) on DuckDB, or with ``engine="spark"``
        (default $UB_ENGINE) the Parquet export at *path* or $UB_PARQUET on Apache Spark."""
        from nlq.backends import open_backend

        backend = open_backend(path, engine)
        # Closed at exit: DuckDB's bindings complain on stderr about connections left open.
        atexit.register(backend.close)
        return cls(backend, backend.vocabulary(), **kw)

    @property
    def dialect(self) -> str:
        """The SQL dialect of the warehouse the engine answers from ("duckdb" or "spark")."""
        return self.backend.dialect

    @property
    def data_as_of(self) -> dt.date:
        return self.vocabulary.anchor_month

    # ---- without running -------------------------------------------------------------------
    def parse(self, question: str) -> ParseResult:
        """The reading and SQL of *question*. The parser is deterministic, so readings of recent
        questions (dashboards and boards re-ask theirs) are kept and handed out as copies."""
        with self._readings_lock:
            cached = self._readings.get(question)
            if cached is not None:
                self._readings.move_to_end(question)
        if cached is not None:
            return _copy_result(cached)
        try:
            result = self.parser.parse(question)
        except Exception as e:  # a parser bug must not take the app down
            return ParseResult(
                None,
                f"Sorry, I could not read that question ({type(e).__name__}).",
                suggestions=self.parser.suggestions(),
            )
        problem = result.intent is not None and (
            self._unknown_values(result.intent) or self._outside_the_data(result.intent)
        )
        if problem:  # no SQL for a value or a period the warehouse does not hold: nothing to run
            result = ParseResult(None, problem, result.notes, self.parser.suggestions())
        elif result.intent is not None and not (result.intent.near_me and result.intent.latitude is None):
            result.sql = self.sql_for(result.intent)  # a near-me question has SQL once located
        with self._readings_lock:
            self._readings[question] = _copy_result(result)
            while len(self._readings) > READINGS_KEPT:
                self._readings.popitem(last=False)
        return result

    def sql_for(self, intent: Intent) -> str:
        if intent.insight:  # what changed: the monthly counts it compares
            v = self.vocabulary
            intent = what_changed.counts_intent(intent, v.anchor_month, v.first_month)
        return self._written("answer", intent, build)

    def _written(self, kind: str, intent: Intent, make) -> str:
        """The SQL of ``make(intent, facts)`` for the backend, built once per intent and kind
        (dashboards and boards re-ask the same intents). The tree is kept with it, so that the
        guard checks the tree without reading the SQL back."""
        key = (kind, intent)
        try:
            hash(key)
        except TypeError:  # an intent with a list in it (built by hand): no reuse
            key = None
        with self._readings_lock:
            sql = self._built.get(key) if key is not None else None
        if sql is None:
            tree = portable(make(intent, self.facts), self.backend.dialect)
            sql = tree.sql(dialect=self.backend.dialect)
            with self._readings_lock:
                _keep(self._trees, sql, tree)
                if key is not None:
                    _keep(self._built, key, sql)
        return sql

    # ---- answering ----------------------------------------------------------------------------
    def ask(self, question: str, location: tuple[float, float] | None = None) -> Reply:
        """Answer *question*; *location* (latitude, longitude) is the asker's own position, used
        only by near-me questions ("crime near me last month"), which get no answer without it."""
        start = time.perf_counter()
        parsed = self.parse(question)
        if parsed.intent is not None and parsed.intent.near_me:
            if location is None:
                return self._no_location(question, parsed, start)
            try:
                intent = near_me.locate(parsed.intent, *location)
            except (TypeError, ValueError) as e:
                return Reply(
                    question, None, error=f"That location can't be used ({e}).", elapsed_ms=_ms(start)
                )
            parsed = replace(parsed, intent=intent, sql=None)
        if parsed.intent is None:
            return Reply(
                question,
                None,
                None,
                parsed.error,
                parsed.suggestions,
                parsed.notes,
                elapsed_ms=_ms(start),
                unknown=list(parsed.unknown),
                without=parsed.without,
            )
        reply = self.run(parsed.intent, question=question, sql=parsed.sql)
        # The parse notes first, then what the run added (the row cap), each once.
        reply.notes = list(dict.fromkeys([*parsed.notes, *reply.notes]))
        reply.elapsed_ms = _ms(start)
        return reply

    def _no_location(self, question: str, parsed: ParseResult, start: float) -> Reply:
        """A near-me question without a location: no SQL, how to allow it, and places instead."""
        venues = list(self.vocabulary.venues)[:4]
        return Reply(
            question,
            parsed.intent,
            None,
            near_me.NO_LOCATION,
            near_me.instead(question, venues),
            list(parsed.notes),
            elapsed_ms=_ms(start),
            needs_location=True,
        )

    def run(self, intent: Intent, question: str = "", sql: str | None = None) -> Reply:
        """Answer *intent*; *sql* is its SQL when the caller has already built it."""
        from nlq.runner import time_budget

        with time_budget(self.timeout_s):  # one limit for all the answer's statements
            return self._run(intent, question, sql)

    def _run(self, intent: Intent, question: str, sql: str | None) -> Reply:
        if intent.insight:
            return what_changed.answer(self, intent, question)
        start = time.perf_counter()
        reply = Reply(
            question or intent.describe(self.data_as_of),
            intent,
            chart=choose_chart(intent),
            notes=list(intent.notes),
        )
        try:
            intent.check()
            problem = self._unknown_values(intent) or self._outside_the_data(intent)
            if problem:
                reply.error = problem
                return reply
            reply.sql = sql or self.sql_for(intent)
            result = self._run_sql(reply.sql)
            # the previous period and the records looked at may come in the answer's own statement
            frame, (previous, records) = _take(result.frame, (PREVIOUS_COLUMN, RECORDS_COLUMN))
            reply.frame = frame
            if result.truncated:
                reply.notes.append(f"Showing the first {len(frame):,} rows only.")
            if records is not None and not pd.isna(records):
                reply.rows_scanned = int(records)
            else:
                reply.rows_scanned = self._rows_scanned(intent, frame, result.truncated)
            reply.context = self._context(intent, frame, previous)
        except Exception as e:  # guard refusals, timeouts, bad saved intents: a message, never a traceback
            reply.error = _plain(e)
            reply.frame = None
            reply.suggestions = self.parser.suggestions()
        reply.elapsed_ms = _ms(start)
        return reply

    def refine(self, previous: Intent, text: str) -> Reply:
        """A follow-up ('what about Hackney?', 'only robberies', 'by month', 'as a map')."""
        result = refine_intent(previous, text, self.vocabulary, self.parser)
        if isinstance(result, Intent):
            return self.run(result, question=text)
        return Reply(text, previous, None, result, self.parser.suggestions())

    # ---- helpers -------------------------------------------------------------------------------
    def _run_sql(self, sql: str):
        tree = self._trees.get(sql)  # the engine's own statements are checked as built
        return self.backend.run(sql, timeout_s=self.timeout_s, row_cap=self.row_cap, tree=tree)

    def _scalar(self, sql: str):
        frame = self._run_sql(sql).frame
        return None if frame.empty else frame.iat[0, 0]

    def _rows_scanned(self, intent: Intent, frame: pd.DataFrame, truncated: bool = False) -> int | None:
        if intent.measure == "count" and not intent.group_by and intent.chart != "map" and len(frame) == 1:
            value = frame.iat[0, 0]
            return None if pd.isna(value) else int(value)
        every_group = not (intent.top_n or intent.having_op or truncated or "venue" in intent.group_by)
        two_periods = intent.baseline is not None and intent.time is not None  # a row per period
        if (
            intent.measure == "count"
            and (intent.group_by or two_periods)
            and every_group
            and "crimes" in frame
        ):
            return int(frame["crimes"].sum())  # the groups add up to the records: no second statement
        try:
            value = self._scalar(self._written("records", intent, count_tree))
        except Exception:
            return None
        return None if value is None or pd.isna(value) else int(value)

    def _context(self, intent: Intent, frame: pd.DataFrame, prev=None) -> dict:
        """For a single number: the previous comparable period's value and the % change
        (*prev* when the answer's own statement brought it)."""
        if intent.group_by or intent.measure in ("change",) or intent.chart == "map" or len(frame) != 1:
            return {}
        if intent.baseline is not None:
            return {}
        window = intent.time.previous() if intent.time else None
        if window is None:
            return {}
        current = frame.iat[0, -1]
        if previous_window(intent) is None:
            try:
                prev = self._scalar(self.sql_for(replace(intent, time=window)))
            except Exception:
                return {}
        shown = window.resolved(self.data_as_of)
        if shown.kind == "months" and shown.start and shown.start < self.vocabulary.first_month:
            return {}  # the previous period is older than the data: no fair comparison
        ctx = {"previous_period": shown.label(), "previous_value": _num(prev)}
        if prev and current is not None and not pd.isna(current):
            ctx["change_pct"] = 100.0 * (float(current) - float(prev)) / float(prev)
        return ctx

    def _outside_the_data(self, intent: Intent) -> str | None:
        """A period the data does not cover has no records to count: 0 there would be a wrong
        number. So is a named period (a season, a range of months) the data covers only in part,
        or "the last 30 months" of 24, and a comparison with an earlier period the data covers only
        in part."""
        first, last = self.vocabulary.first_month, self.vocabulary.anchor_month
        span = f"{first:%B %Y} to {last:%B %Y}"
        for window, compared in ((intent.time, False), (intent.baseline, True)):
            if window is None or intent.insight:
                continue
            shown = window.resolved(last)
            if shown.kind not in ("months", "days") or shown.start is None:
                continue
            start = shown.start.replace(day=1)
            end = (shown.end or last).replace(day=1)
            if end < first or start > last:
                later = (
                    " to compare with: ask about a later period, such as this year against last year"
                    if compared
                    else ""
                )
                return f"The data covers {span}: there are no records for {shown.label()}{later}."
            if compared and start < first:
                return (
                    f"The data covers {span}, so {shown.label()} is not all there to compare with: "
                    "ask about a later period."
                )
            named_start = window.start != EARLIEST  # "up to June 2024" names no start
            if (named_start and start < first) or end > last:
                # "winter 2025" with data to December 2025: one month counted as a season
                return f"The data covers {span}, so {shown.label()} is only partly there: ask about a period within it."
        return None

    @functools.cached_property
    def _known(self) -> dict[str, frozenset[str]]:
        """The warehouse's values of each kind, as sets (built once: thousands of streets and LSOAs)."""
        v = self.vocabulary
        return {
            "crime type": frozenset(v.crime_types),
            "borough": frozenset(v.boroughs),
            "BCU": frozenset(v.bcus),
            "venue": frozenset(v.venues),
            "outcome": frozenset(v.outcomes),
            "street": frozenset(v.streets.values()),
            "LSOA": frozenset(v.lsoas.values()),
        }

    def _unknown_values(self, intent: Intent) -> str | None:
        v = self.vocabulary
        checks = [
            (intent.crime_types + intent.excluded_types, "crime type"),
            (intent.boroughs, "borough"),
            (intent.bcus, "BCU"),
            (intent.venues, "venue"),
            (intent.outcomes, "outcome"),
            (intent.streets, "street"),
            (intent.lsoas, "LSOA"),
        ]
        for values, what in checks:
            bad = [x for x in values if x not in self._known[what]]
            if bad:
                return f"Unknown {what}: {bad[0]!r}."
        if intent.event and not v.events_matching(intent.event):
            return f"No event matches {intent.event!r}."
        if intent.event_category and intent.event_category not in v.event_categories:
            return f"Unknown event category {intent.event_category!r}."
        if (intent.event or intent.event_category) and intent.event_venue:
            # "concerts at the O2": say there were none rather than answer 0
            if not v.events_matching(intent.event, intent.event_category, intent.event_venue):
                what = intent.event or f"{intent.event_category} events"
                return f"The events table has no {what} at {intent.event_venue}."
        if (intent.event or intent.event_category) and intent.event_year:
            # "during Taylor Swift 2023": no such edition, so no window to count in
            held = v.events_matching(intent.event, intent.event_category, intent.event_venue)
            years = sorted({y for e in held for y in e["years"]})
            if intent.event_year not in years:
                what = intent.event or f"{intent.event_category} events"
                return f"The events table has no {what} in {intent.event_year}; it has {what} in " + (
                    " and ".join(map(str, years)) + "."
                )
        return None


READINGS_KEPT = 512


def _keep(cache: OrderedDict, key, value) -> None:
    """Put *key* in a bounded cache, dropping the least recently kept beyond READINGS_KEPT."""
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > READINGS_KEPT:
        cache.popitem(last=False)


def _take(frame: pd.DataFrame, columns: tuple[str, ...]) -> tuple[pd.DataFrame, list]:
    """*frame* without *columns*, and the first value of each (None when absent or no rows).
    The frame is the statement's own, fresh from the warehouse: the columns are taken out in place
    (a copy without them cost as much as a small query's planning)."""
    firsts = []
    for c in columns:
        taken = frame.pop(c) if c in frame.columns else None
        firsts.append(taken.iat[0] if taken is not None and len(taken) else None)
    return frame, firsts


def _copy_result(r: ParseResult) -> ParseResult:
    return replace(r, notes=list(r.notes), suggestions=list(r.suggestions), unknown=list(r.unknown))


def facts_of(v: Vocabulary) -> Facts:
    """The warehouse facts the SQL inlines as literals (see nlq.sql.Facts)."""
    venues = {
        name: (float(info["latitude"]), float(info["longitude"]))
        for name, info in v.venues.items()
        if info.get("latitude") is not None and info.get("longitude") is not None
    }
    return Facts(v.anchor_month, v.anchor_day, venues, tuple(v.event_windows))


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _num(x):
    if x is None or pd.isna(x):
        return None
    return int(x) if float(x).is_integer() else float(x)


def _plain(e: Exception) -> str:
    reason = getattr(e, "reason", None) or str(e) or type(e).__name__
    return f"Sorry, that could not be answered: {reason}"
