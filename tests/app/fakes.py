"""Small hand-made stand-ins for nlq's Reply and Intent, for rendering tests."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Chip:
    key: str
    label: str
    sql: str


@dataclass(frozen=True)
class FakeIntent:
    parts: tuple[tuple[str, str], ...] = (("crime_type", "Burglary"), ("grain", "by month"))
    venues: tuple[str, ...] = ()
    radius_m: int = 500
    chart: str = "line"
    insight: str | None = None

    def describe(self, anchor=None) -> str:
        return " · ".join(label for _, label in self.parts)

    def chips(self, anchor=None) -> list[Chip]:
        return [Chip(k, label, f"{k} = '{label}'") for k, label in self.parts]

    def without(self, key: str) -> FakeIntent:
        return replace(self, parts=tuple(p for p in self.parts if p[0] != key))

    def to_dict(self) -> dict:
        return {"parts": [list(p) for p in self.parts], "venues": list(self.venues), "chart": self.chart}

    @classmethod
    def from_dict(cls, d: dict) -> FakeIntent:
        try:
            return cls(
                parts=tuple(tuple(p) for p in d["parts"]), venues=tuple(d.get("venues", ())), chart=d["chart"]
            )
        except (KeyError, TypeError) as exc:
            raise ValueError("bad intent") from exc

    def with_chart(self, chart: str) -> FakeIntent:
        return replace(self, chart=chart)


@dataclass
class FakeReply:
    question: str
    intent: FakeIntent | None
    frame: pd.DataFrame | None
    chart: str
    sql: str | None = "SELECT 1"
    error: str | None = None
    suggestions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rows_scanned: int | None = 12345
    elapsed_ms: float = 42.0
    context: dict = field(default_factory=dict)
    needs_location: bool = False


MONTHS = pd.date_range("2024-01-01", "2025-12-01", freq="MS").date


def line_reply() -> FakeReply:
    frame = pd.DataFrame(
        [
            (m, b, int(100 + 10 * i + (5 if b == "Camden" else 0)))
            for i, m in enumerate(MONTHS)
            for b in ("Camden", "Islington")
        ],
        columns=["month", "borough", "crimes"],
    )
    intent = FakeIntent((("crime_type", "Burglary"), ("borough", "Camden, Islington"), ("grain", "by month")))
    return FakeReply("compare burglary in Camden and Islington by month", intent, frame, "line")


def hour_reply() -> FakeReply:
    frame = pd.DataFrame({"hour": range(24), "crimes": [int(5 + h % 7) for h in range(24)]})
    intent = FakeIntent((("crime_type", "Robbery"), ("venue", "near Oxford Circus"), ("grain", "by hour")))
    return FakeReply("robberies near Oxford Circus by hour last month", intent, frame, "line")


def bar_reply() -> FakeReply:
    frame = pd.DataFrame({"borough": ["Westminster", "Camden", "Hackney"], "crimes": [900, 700, 650]})
    return FakeReply(
        "top 3 boroughs", FakeIntent((("grain", "by borough"), ("limit", "top 3"))), frame, "bar"
    )


def number_reply() -> FakeReply:
    frame = pd.DataFrame({"crimes": [1234]})
    return FakeReply(
        "how many burglaries in Westminster last month",
        FakeIntent((("crime_type", "Burglary"), ("borough", "Westminster"))),
        frame,
        "number",
        context={"previous_value": 1100, "change_pct": 12.2, "previous_period": "November 2025"},
    )


def map_reply(venue: str | None = None) -> FakeReply:
    rng = np.random.default_rng(1)
    lat, lon = (51.5152, -0.1418) if venue else (51.545, -0.055)
    spread = 0.003 if venue else 0.02
    n = 300
    frame = pd.DataFrame(
        {
            "latitude": lat + rng.normal(0, spread, n),
            "longitude": lon + rng.normal(0, spread * 1.6, n),
            "crime_type": "Bicycle theft",
            "location": "On or near Mare Street",
            "occurred_at": pd.Timestamp("2025-06-01 14:30"),
        }
    )
    intent = FakeIntent(
        (("crime_type", "Bicycle theft"), ("borough", "Hackney")), venues=(venue,) if venue else ()
    )
    return FakeReply("map of bicycle theft in Hackney in 2025", intent, frame, "map")


def refusal_reply() -> FakeReply:
    return FakeReply(
        "who is John Smith",
        None,
        None,
        "table",
        sql=None,
        error="I can only answer questions about recorded crime, not about people.",
        suggestions=["burglary in Camden by month"],
    )


class FakeEngine:
    """Answers a few questions by keyword, like nlq.Engine would."""

    class vocabulary:  # noqa: N801 - mimics an attribute holding an object
        crime_types = ["Burglary", "Robbery", "Bicycle theft"]
        boroughs = {"Camden": {}, "Hackney": {}, "Islington": {}}
        venues = {"Oxford Circus": {}, "Wembley Stadium": {}}

    data_as_of = __import__("datetime").date(2025, 12, 1)

    def ask(self, question: str, location=None) -> FakeReply:
        q = question.lower()
        if "map" in q:
            reply = map_reply()
        elif "near" in q:
            reply = hour_reply()
        elif "compare" in q:
            reply = line_reply()
        elif "how many" in q:
            reply = number_reply()
        elif "select" in q or "who" in q:
            reply = refusal_reply()
        else:
            reply = bar_reply()
        reply.question = question
        return reply

    def run(self, intent: FakeIntent) -> FakeReply:
        reply = line_reply()
        reply.intent = intent
        reply.question = intent.describe()
        return reply

    def refine(self, intent: FakeIntent, text: str) -> FakeReply:
        if "map" in text:
            return map_reply()
        return self.run(replace(intent, parts=intent.parts + (("extra", text),)))
