"""General rules added for the last tester's gaps: unknown groupings refused, averages per unit
of time, last weekend, weekday/weekend as a grain, named hours, abbreviations of venue names,
venues of a kind, events at a named venue."""

import pytest

from nlq.intent import Intent, hour_spans
from nlq.timeexpr import TimeWindow


@pytest.mark.parametrize(
    "question",
    [
        "burglary in Camden by ward",
        "burglaries in Brent by postcode",
        "crime split by ward and month",
        "robbery broken down by constituency",
        "crime in Hackney by officer",
    ],
)
def test_unknown_grain_is_refused_with_the_grains(engine, question):
    parsed = engine.parse(question)
    assert parsed.sql is None and parsed.error


def test_unknown_grain_message_lists_what_can_be_grouped(engine):
    error = engine.parse("burglary in Camden by ward").error
    assert "'ward'" in error and "borough" in error and "LSOA" in error


@pytest.mark.parametrize(
    "question",
    [
        "robberies in Lambeth by ethnicity",
        "violence by age of victim",
        "crime by gender in Camden",
        "ASB by age",
    ],
)
def test_personal_attribute_grain_is_refused_as_personal(engine, question):
    parsed = engine.parse(question)
    assert parsed.sql is None and "people" in parsed.error


@pytest.mark.parametrize(
    ("question", "measure"),
    [
        ("how many crimes a day in Westminster", "average_per_day"),
        ("robberies a week in Camden in 2025", "average_per_week"),
        ("how many burglaries per month in Barnet", "average_per_month"),
        ("burglaries in Ealing each month on average", "average_per_month"),
        ("daily average of robbery in Lambeth", "average_per_day"),
        ("how many crimes per day on average in Hackney", "average_per_day"),
    ],
)
def test_count_per_unit_of_time_is_an_average(engine, question, measure):
    assert engine.parse(question).intent.measure == measure


@pytest.mark.parametrize("question", ["ASB per month in Redbridge", "crime per day in Hackney last month"])
def test_per_unit_without_how_many_stays_a_grouping(engine, question):
    intent = engine.parse(question).intent
    assert intent.measure == "count" and intent.group_by


@pytest.mark.parametrize(
    "question", ["crime in Camden last weekend", "robbery over the past weekend in Brent"]
)
def test_last_weekend(engine, question):
    intent = engine.parse(question).intent
    assert intent.time == TimeWindow("rel_weekend") and intent.day_type is None


def test_last_weekend_is_the_latest_saturday_and_sunday(engine):
    con = engine.con.cursor()
    sql = engine.parse("crime last weekend by day").sql
    days = [r[0] for r in con.execute(sql).fetchall()]
    anchor = con.execute("SELECT max(occurred_at)::DATE FROM crimes").fetchone()[0]
    assert len(days) == 2 and {d.isoweekday() for d in days} == {6, 7}
    assert 0 <= (anchor - max(days)).days <= 6


def test_last_week_is_the_seven_days_ending_with_the_anchor_day(engine):
    assert engine.parse("robbery last week").intent.time == TimeWindow("rel_days", n=7)


@pytest.mark.parametrize(
    "question",
    ["weekend vs weekday robberies", "crime on weekdays or weekends in Camden", "burglary by day type"],
)
def test_day_type_grain(engine, question):
    parsed = engine.parse(question)
    assert parsed.intent.group_by[0] == "day_type" and parsed.intent.day_type is None
    rows = dict(engine.con.cursor().execute(parsed.sql).fetchall())
    assert set(rows) == {"Weekend", "Weekday"}


@pytest.mark.parametrize(
    "question",
    [
        "robberies at lunchtime in Westminster",
        "theft over lunch in Soho",
        "theft during rush hour near Waterloo",
        "pickpocketing in the rush hour",
    ],
)
def test_times_of_day_with_no_fixed_hours_ask_for_the_hours(engine, question):
    parsed = engine.parse(question)
    assert parsed.intent is None and "has no fixed hours" in parsed.error and "between 7am" in parsed.error


def test_rush_hour_is_two_ranges():
    assert hour_spans("rush hour") == ((7, 9), (16, 18))
    assert "07:00–09:59, 16:00–18:59" in Intent(time_of_day="rush hour").describe()
    Intent(time_of_day="rush hour").check()


@pytest.mark.parametrize("question", ["crimes near Kings X", "robbery near King's X last month"])
def test_abbreviated_venue(engine, question):
    assert engine.parse(question).intent.venues == ("King's Cross",)


def test_abbreviation_only_when_it_names_a_place(engine):
    assert engine.parse("robbery near x").intent is None


def test_each_venue_of_a_kind(engine):
    intent = engine.parse("crime near each stadium in 2025").intent
    kinds = {engine.vocabulary.venues[v]["kind"] for v in intent.venues}
    assert kinds == {"stadium"} and intent.group_by == ("venue",)
    top = engine.parse("which arena had the most robbery").intent
    assert top.group_by == ("venue",) and top.top_n == 1


def test_by_venue_means_every_venue(engine):
    intent = engine.parse("robbery by venue last month").intent
    assert set(intent.venues) == set(engine.vocabulary.venues) and intent.group_by == ("venue",)


def test_kind_word_alone_is_not_understood(engine):
    parsed = engine.parse("crime near the stadium in Brent")
    assert parsed.intent is None and "stadium" in parsed.unknown


def test_event_at_a_named_venue_keeps_to_that_venue(engine):
    intent = engine.parse("crimes during NFL games at Tottenham Hotspur Stadium").intent
    assert intent.event_venue == "Tottenham Hotspur Stadium"
    # DESIGN.md: a named venue keeps the event to the ones held there
    assert engine.parse("crime near Wembley during NFL games").intent.event_venue == "Wembley Stadium"


def test_unknown_words_are_reported_and_not_answered(engine):
    parsed = engine.parse("burglary in Camden flibbertigibbet")
    assert parsed.intent is None and parsed.unknown == ["flibbertigibbet"]


def test_no_events_of_that_kind_at_the_venue_is_said(engine):
    reply = engine.ask("concerts at the O2 in 2025")
    assert reply.sql is None and "no concert events at The O2" in reply.error


@pytest.mark.parametrize("day", ["22 June 2024", "30 June 2024"])
def test_the_night_of_a_day_runs_into_the_next_morning(engine, day):
    import datetime as dt

    parsed = engine.parse(f"crime on the night of {day}")
    start = dt.datetime.strptime(day, "%d %B %Y") + dt.timedelta(hours=22)
    (expected,) = engine.con.execute(
        "SELECT count(*) FROM crimes WHERE occurred_at >= ? AND occurred_at < ?",
        [start, start + dt.timedelta(hours=8)],
    ).fetchone()
    (got,) = engine.con.execute(parsed.sql).fetchone()[:1]
    assert expected > 0 and got == expected
