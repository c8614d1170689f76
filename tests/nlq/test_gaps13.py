"""General rules taught by the thirteenth blind set: counting the groups past a threshold, time
before, after or either side of events, text-speak question words, "change on the same period
last year", and a percentage asked for with a change being the change's unit, not a share."""

import pytest

from nlq.intent import Intent


def _value(engine, question):
    reply = engine.ask(question)
    assert reply.error is None, reply.error
    return reply


# ---- how many groups -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counted", "listed"),
    [
        (
            "how many boroughs had more than 10 robberies in 2025",
            "which boroughs had more than 10 robberies in 2025",
        ),
        (
            "number of months when burglary in Camden was below 5",
            "months when burglary in Camden was below 5",
        ),
        (
            "How many boroughs recorded at least 30 burglaries last year?",
            "boroughs with at least 30 burglaries last year",
        ),
    ],
)
def test_how_many_groups_counts_the_groups_a_list_would_show(engine, counted, listed):
    count, groups = _value(engine, counted), _value(engine, listed)
    assert count.intent.count_groups and count.chart == "number"
    assert len(count.frame) == 1 and int(count.frame.iat[0, 0]) == len(groups.frame)
    assert "number of" in count.intent.describe()


def test_how_many_of_something_else_in_groups_past_a_threshold_is_refused(engine):
    parsed = engine.parse("how many robberies in boroughs with more than 1000 burglaries")
    assert parsed.sql is None and "how many boroughs" in parsed.error


def test_counting_groups_needs_groups_and_a_threshold():
    with pytest.raises(ValueError, match="counting groups"):
        Intent.from_dict({"count_groups": True, "group_by": ["borough"]})
    assert Intent(group_by=("borough",), having_op=">", having_value=3.0, count_groups=True).without(
        "having"
    ) == Intent(group_by=("borough",))


# ---- time around events ----------------------------------------------------------------------------

GOLD_AROUND = {
    "before": "c.occurred_at >= e.starts_at - INTERVAL 3 HOUR AND c.occurred_at < e.starts_at",
    "after": "c.occurred_at > e.ends_at AND c.occurred_at <= e.ends_at + INTERVAL 3 HOUR",
    "either side of": "c.occurred_at BETWEEN e.starts_at - INTERVAL 3 HOUR AND e.ends_at + INTERVAL 3 HOUR",
}


@pytest.mark.parametrize("side", list(GOLD_AROUND))
def test_time_around_events_counts_records_in_that_window(engine, side):
    reply = _value(engine, f"crime within 5 km of Wembley Stadium in the 3 hours {side} the football matches")
    assert reply.intent.event_minutes == 180
    gold = engine.con.execute(
        "SELECT count(*) FROM crimes c, venues v WHERE v.venue = 'Wembley Stadium' AND "
        "haversine_m(c.latitude, c.longitude, v.latitude, v.longitude) <= 5000 AND EXISTS (SELECT 1 FROM "
        f"events e WHERE e.category = 'football' AND e.venue = 'Wembley Stadium' AND {GOLD_AROUND[side]})"
    ).fetchone()[0]
    assert int(reply.frame.iat[0, 0]) == gold and (gold or side != "either side of")
    assert f"3 hours {side}" in reply.intent.describe()


def test_before_and_after_do_not_overlap_the_event(engine):
    q = "crime within 5 km of Wembley Stadium {} the football matches"
    during, before, after, around = (
        int(_value(engine, q.format(w)).frame.iat[0, 0])
        for w in ("during", "in the 3 hours before", "in the 3 hours after", "3 hours either side of")
    )
    assert before and after and around == during + before + after


@pytest.mark.parametrize(
    "question",
    [
        "crime 3 hours before",
        "robbery in Camden in the 2 hours after last month",
        "asb 3 hours before Camden",
    ],
)
def test_time_around_needs_an_event(engine, question):
    parsed = engine.parse(question)
    assert parsed.sql is None and parsed.error


@pytest.mark.parametrize(
    "bad",
    [
        {"event": "Oasis", "event_side": "before"},
        {"event": "Oasis", "event_side": "later", "event_minutes": 60},
        {"event_side": "after", "event_minutes": 60},
        {"event": "Oasis", "event_side": "after", "event_minutes": 100000},
    ],
)
def test_a_saved_time_around_events_is_checked(bad):
    with pytest.raises(ValueError):
        Intent.from_dict(bad)


# ---- wording -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("hw many burglaries in Camden in 2025", "how many burglaries in Camden in 2025"),
        ("wat time do robberies happen in Hackney", "what time do robberies happen in Hackney"),
        (
            "Which day of the week sees the most robbery in Westminster?",
            "which day of the week has the most robbery in Westminster",
        ),
    ],
)
def test_text_speak_and_plain_verbs_read_like_the_plain_question(engine, typed, plain):
    assert engine.parse(typed).sql == engine.parse(plain).sql is not None


def test_change_on_the_same_period_last_year(engine):
    intent = engine.parse(
        "Robbery in Lambeth in Q3 2025: percentage change on the same period last year"
    ).intent
    assert intent.measure == "change"
    assert (intent.time.start.isoformat(), intent.baseline.start.isoformat()) == ("2025-07-01", "2024-07-01")


@pytest.mark.parametrize(
    "question",
    [
        "Has violent crime in Croydon gone up or down year on year? give me the percentage",
        "is burglary in Camden up or down on last year, in percent",
    ],
)
def test_a_percentage_with_a_change_is_the_change(engine, question):
    assert engine.parse(question).intent.measure == "change"


def test_a_percentage_of_something_is_still_a_share(engine):
    assert (
        engine.parse("what percentage of crime in Croydon was violence last year").intent.measure == "share"
    )


# ---- taught by the fourteenth set ------------------------------------------------------------------


def test_groups_as_a_percentage_of_the_total_are_shares_of_what_is_filtered(engine):
    intent = engine.parse("Southwark robbery by hour in 2025 as a percentage of the total").intent
    assert intent.measure == "share" and intent.share_part == () and intent.group_by == ("hour",)
    assert intent.crime_types == ("Robbery",) and intent.boroughs == ("Southwark",)


@pytest.mark.parametrize("word", ["together", "combined", "between them", "taken together"])
def test_two_boroughs_together_are_one_figure(engine, word):
    intent = engine.parse(f"burglary rate per 1,000 residents for Camden and Islington {word} in 2025").intent
    assert intent.group_by == () and intent.boroughs == ("Camden", "Islington")


# ---- periods the data does not cover ---------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "burglary in Camden in 2019",  # no records then: 0 would be a wrong number
        "which crime types went up in Hackney last year",  # against 2023, before the data starts
        "change in burglary in Camden last year",
    ],
)
def test_a_period_the_data_does_not_cover_is_said_not_counted(engine, question):
    reply = engine.ask(question)
    assert reply.error and "The data covers January 2024 to December 2025" in reply.error
    assert reply.frame is None


@pytest.mark.parametrize(
    "question",
    ["burglary in Camden since January 2024", "burglary in Camden this year vs last year", "robbery in 2024"],
)
def test_periods_the_data_covers_are_answered(engine, question):
    assert engine.ask(question).error is None


@pytest.mark.parametrize(
    "question", ["is burglary in Barnet up or down on last year", "has ASB gone down on last yr"]
)
def test_up_or_down_on_a_period_compares_with_that_period(engine, question):
    intent = engine.parse(question).intent
    assert (intent.time.label(), intent.baseline.label()) == ("this year", "last year")


def test_a_change_from_nothing_is_no_percentage_on_every_engine(engine):
    sql = engine.parse(
        "which crime types went up in Westminster last quarter vs the same period last year"
    ).sql
    assert "/ NULLIF(COUNT(*) FILTER" in sql  # DuckDB's x / 0 is inf, Spark's NULL: both NULL now
