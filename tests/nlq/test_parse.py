"""Question → Intent parts, as tables."""

import datetime as dt

import pytest

from nlq.timeexpr import TimeWindow, months, year

CASES = [
    (
        "How many burglaries were there in Camden in 2024?",
        dict(crime_types=("Burglary",), boroughs=("Camden",), time=year(2024)),
    ),
    ("show me ASB in Hackney by month", dict(crime_types=("Anti-social behaviour",), group_by=("month",))),
    ("top 5 boroughs for bicycle theft", dict(group_by=("borough",), top_n=5, order="desc")),
    ("least burgled borough in 2024", dict(group_by=("borough",), top_n=1, order="asc")),
    ("bottom 3 boroughs for knife crime", dict(crime_types=("Possession of weapons",), top_n=3, order="asc")),
    ("which 3 streets in Islington had the most bike thefts?", dict(group_by=("location",), top_n=3)),
    (
        "muggings in Southwark in the last 3 months",
        dict(crime_types=("Robbery",), time=TimeWindow("rel_months", n=3)),
    ),
    (
        "violent crime in Croydon this year",
        dict(crime_types=("Violence and sexual offences",), time=TimeWindow("rel_year")),
    ),
    ("burglary last year", dict(time=TimeWindow("rel_year", offset=-1))),
    ("crime in Q1 2025", dict(time=months(2025, 1, 2025, 3))),
    ("crime in summer 2024", dict(time=months(2024, 6, 2024, 8))),
    ("crime between Jan 2024 and Mar 2025", dict(time=months(2024, 1, 2025, 3))),
    ("crime on 5 March 2025", dict(time=TimeWindow("days", dt.date(2025, 3, 5), dt.date(2025, 3, 5)))),
    ("crime since September 2024", dict(time=TimeWindow("months", dt.date(2024, 9, 1), None))),
    (
        "compare burglary in Camden and Islington",
        dict(boroughs=("Camden", "Islington"), group_by=("borough",)),
    ),
    ("Barnet vs Enfield vs Harrow for vehicle crime", dict(boroughs=("Barnet", "Enfield", "Harrow"))),
    ("crime in Kingston", dict(boroughs=("Kingston upon Thames",))),
    ("crime in Hammersmith & Fulham", dict(boroughs=("Hammersmith and Fulham",))),
    ("burglary rate per 1,000 residents by borough", dict(measure="rate_per_1000", group_by=("borough",))),
    # the head noun of "types of crime" is plural: a grouping even with no "by" before it
    ("types of crime within 750m of Canary Wharf", dict(group_by=("crime_type",), venues=("Canary Wharf",))),
    ("kinds of crime in Camden", dict(group_by=("crime_type",))),
    # "by what percentage did X change": the percentage is the unit of a change, not a share
    ("By what percentage did robbery in Newham change between 2024 and 2025?", dict(measure="change")),
    ("what percentage of crime in Newham is robbery", dict(measure="share")),
    (
        "what percentage of crime in Tower Hamlets is anti-social behaviour?",
        dict(measure="share", share_part=("crime_types",)),
    ),
    (
        "how did burglary in Barnet change from 2024 to 2025",
        dict(measure="change", time=year(2025), baseline=year(2024)),
    ),
    (
        "year on year change in robbery",
        dict(measure="change", time=TimeWindow("rel_year"), baseline=TimeWindow("rel_year", offset=-1)),
    ),
    ("average monthly shoplifting in Croydon", dict(measure="average_per_month")),
    ("average daily robbery in Soho", dict(measure="average_per_day", venues=("Soho",))),
    ("crimes within 1 km of the O2", dict(venues=("The O2",), radius_m=1000)),
    ("crimes within 300 metres of Oxford Circus", dict(venues=("Oxford Circus",), radius_m=300)),
    ("crime near Wembley", dict(venues=("Wembley Stadium",), radius_m=500)),
    ("crimes during the Eras Tour", dict(event="Eras Tour", venues=("Wembley Stadium",))),
    (
        "crime near Hyde Park during Notting Hill Carnival 2024",
        dict(venues=("Hyde Park",), event="Notting Hill Carnival", event_year=2024, time=None),
    ),
    ("robbery in Westminster at night", dict(time_of_day="night")),
    ("burglary overnight", dict(time_of_day="night")),
    ("weekend public order offences", dict(day_type="weekend", crime_types=("Public order",))),
    ("ASB on weekdays", dict(day_type="weekday")),
    ("robbery on Fridays", dict(weekdays=("Friday",))),
    (
        "all crime in Hackney excluding anti-social behaviour",
        dict(crime_types=(), excluded_types=("Anti-social behaviour",)),
    ),
    (
        "theft in Camden",
        dict(crime_types=("Bicycle theft", "Other theft", "Shoplifting", "Theft from the person")),
    ),
    ("unsolved burglaries", dict(outcomes=("Investigation complete; no suspect identified",))),
    ("robberies under investigation", dict(outcomes=("Under investigation",))),
    ("crime in the Central West BCU by borough", dict(bcus=("Central West",), group_by=("borough",))),
    ("map of robberies in Westminster", dict(chart="map")),
    ("robbery in Westminster by hour of day", dict(group_by=("hour",))),
    ("ASB in Camden by day of the week", dict(group_by=("weekday",))),
    ("quarterly burglary", dict(group_by=("quarter",))),
    ("crime by LSOA", dict(group_by=("lsoa",))),
    ("asb by hr in islington", dict(group_by=("hour",))),
    ("robbery per hrs in camden", dict(group_by=("hour",))),
    # each group's share of what is filtered, not the filters' share of all crime
    (
        "outcomes of vehicle crime in Redbridge as percentages",
        dict(measure="share", group_by=("outcome",), share_part=(), crime_types=("Vehicle crime",)),
    ),
    ("burglary as a percentage of all crime in Camden", dict(measure="share", share_part=("crime_types",))),
    # a comparative between two named sides is a comparison, side by side
    ("is robbery higher in Hackney than in Tower Hamlets", dict(group_by=("borough",), compare=True)),
    ("is robbery higher than burglary in Camden", dict(group_by=("crime_type",), compare=True)),
    ("were there fewer burglaries in 2025 than in 2024", dict(group_by=("year",), compare=True)),
    ("phone snatchings in Camden", dict(crime_types=("Theft from the person",))),
]


@pytest.mark.parametrize(
    "question, why",
    [
        ("is robbery higher in Camden", "I don't know 'higher'"),
        ("is shoplifting in Sutton higher than the national average", "name both sides"),
    ],
)
def test_a_comparative_with_one_side_is_refused(engine, question, why):
    parsed = engine.parse(question)
    assert parsed.intent is None and why in parsed.error


@pytest.mark.parametrize("question,expected", CASES, ids=[c[0] for c in CASES])
def test_parse_parts(engine, question, expected):
    result = engine.parse(question)
    assert result.intent is not None, result.error
    for key, value in expected.items():
        assert getattr(result.intent, key) == value, (key, result.intent)


@pytest.mark.parametrize(
    "question,note",
    [
        ("burgalries in Southwork last year", "Southwork → Southwark"),
        ("knife crime in Lambeth", "police.uk has no knife-crime flag"),
    ],
)
def test_notes_report_corrections_and_unknown_words(engine, question, note):
    result = engine.parse(question)
    assert result.intent is not None
    assert any(note in n for n in result.notes), result.notes


def test_misspellings_are_corrected(engine):
    intent = engine.parse("burgalries in Southwork last year").intent
    assert intent.crime_types == ("Burglary",) and intent.boroughs == ("Southwark",)


@pytest.mark.parametrize(
    "question, word, without",
    [
        ("burglary in Camden flibbertigibbet", "flibbertigibbet", "burglary in camden"),
        ("theft during the regatta last month", "regatta", "theft last month"),
        ("robbery near Bank station in 2025", "bank", "robbery in 2025"),
        ("crime near the stadium in Brent", "stadium", "crime in brent"),
    ],
)
def test_an_unknown_word_means_no_answer_and_a_reading_without_it(engine, question, word, without):
    result = engine.parse(question)
    assert result.intent is None and result.sql is None
    assert word in [w.lower() for w in result.unknown], result.unknown
    assert word in result.error.lower()
    assert result.without == without
    assert engine.parse(result.without).intent is not None


def test_an_lsoa_named_by_name_or_code_is_a_place(engine):
    name, code = engine.con.execute(
        "SELECT lsoa_name, lsoa_code FROM crimes WHERE lsoa_name LIKE 'Camden %' ORDER BY 1 LIMIT 1"
    ).fetchone()
    for question in (f"burglary in LSOA {name} by month", f"burglary in lsoa {code.lower()} by month"):
        intent = engine.parse(question).intent
        assert intent.lsoas == (name,) and not intent.boroughs and intent.group_by == ("month",)
        assert f"c.lsoa_name = '{name}'" in engine.sql_for(intent)
    assert engine.parse("burglary in Camden 999Z").intent is None  # no such LSOA: not understood


def test_an_lsoa_not_in_the_data_is_refused_when_run(engine):
    from nlq import Intent

    reply = engine.run(Intent(lsoas=("Nowhere 001A",)))
    assert reply.sql is None and "Unknown LSOA" in reply.error
