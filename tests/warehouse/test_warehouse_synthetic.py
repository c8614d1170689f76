"""The synthetic Met dataset: volumes, structure, time profiles, clustering and event uplifts."""

from __future__ import annotations

import pytest

from warehouse.build import build_warehouse
from warehouse.connect import connect_readonly

# Theft from the person within 1 km of Wembley Stadium: per Eras Tour show, versus the same
# clock hours on days with no event at Wembley.
ERAS_RATIO_SQL = """
WITH v AS (SELECT * FROM venues WHERE venue = 'Wembley Stadium'),
eras AS (SELECT * FROM events WHERE name LIKE '%Taylor Swift | The Eras Tour%'),
wembley_days AS (SELECT DISTINCT CAST(starts_at AS DATE) AS day FROM events, v WHERE events.venue = v.venue),
near AS (
    SELECT c.occurred_at FROM crimes c, v
    WHERE c.crime_type = 'Theft from the person'
      AND haversine_m(c.latitude, c.longitude, v.latitude, v.longitude) <= 1000
),
during AS (SELECT count(*) AS n FROM near WHERE EXISTS
           (SELECT 1 FROM eras e WHERE near.occurred_at BETWEEN e.starts_at AND e.ends_at)),
baseline AS (SELECT count(*) AS n FROM near
             WHERE CAST(occurred_at AS DATE) NOT IN (SELECT day FROM wembley_days)
               AND CAST(occurred_at AS TIME) BETWEEN TIME '17:30' AND TIME '23:30'),
days AS (SELECT 731 - (SELECT count(*) FROM wembley_days) AS n)
SELECT during.n / (SELECT count(*) FROM eras) AS per_show,
       baseline.n / days.n AS per_other_day
FROM during, baseline, days
"""


@pytest.fixture(scope="module")
def con(small_warehouse):
    with connect_readonly(small_warehouse) as c:
        yield c


def one(con, sql):
    return con.execute(sql).fetchone()


def test_small_warehouse_spans_two_years(con):
    n, first, last, months = one(
        con, "SELECT count(*), min(month), max(month), count(DISTINCT month) FROM crimes"
    )
    assert 38_000 < n < 50_000  # scale 0.02 of 2.0-2.4 million
    assert (str(first), str(last), months) == ("2024-01-01", "2025-12-01", 24)
    assert one(con, "SELECT source, scale, seed FROM build_info") == ("synthetic", 0.02, 42)


def test_rows_follow_police_uk_conventions(con):
    bad = one(
        con,
        """
        SELECT count(*) FILTER (WHERE crime_type NOT IN (SELECT crime_type FROM crime_types)),
               count(*) FILTER (WHERE crime_type <> 'Anti-social behaviour'
                                AND NOT regexp_full_match(crime_id, '[0-9a-f]{64}')),
               count(*) FILTER (WHERE crime_type = 'Anti-social behaviour' AND last_outcome_category IS NOT NULL),
               count(*) FILTER (WHERE crime_type <> 'Anti-social behaviour' AND last_outcome_category IS NULL),
               count(*) FILTER (WHERE date_trunc('month', occurred_at) <> month OR occurred_at IS NULL),
               count(*) FILTER (WHERE borough <> regexp_extract(lsoa_name, '^(.*) [0-9]{3}[A-Z]$', 1)),
               count(*) FILTER (WHERE borough NOT IN (SELECT borough FROM boroughs)),
               count(*) FILTER (WHERE NOT starts_with(location, 'On or near ')),
               count(*) FILTER (WHERE reported_by <> 'Metropolitan Police Service'
                                OR falls_within <> 'Metropolitan Police Service'),
               count(*) - count(DISTINCT crime_id)
        FROM crimes
        """,
    )
    assert bad == (0,) * 10


def test_category_mix_and_asb_share(con):
    shares = dict(
        con.execute("SELECT crime_type, count(*) / sum(count(*)) OVER () FROM crimes GROUP BY ALL").fetchall()
    )
    assert len(shares) == 14
    assert 0.15 < shares["Anti-social behaviour"] < 0.25
    assert shares["Violence and sexual offences"] == max(shares.values())
    assert shares["Possession of weapons"] < 0.01


def test_hour_and_weekday_profiles(con):
    def hours(crime_type, lo, hi):
        return one(
            con,
            f"SELECT count(*) FROM crimes WHERE crime_type = '{crime_type}' AND hour(occurred_at) BETWEEN {lo} AND {hi}",
        )[0]

    assert hours("Shoplifting", 11, 16) > 10 * hours("Shoplifting", 0, 5)
    night = "(hour(occurred_at) >= 22 OR hour(occurred_at) < 4)"
    weekend_night, weekday_night = one(
        con,
        f"""
        SELECT count(*) FILTER (WHERE dayname(occurred_at) IN ('Friday', 'Saturday') AND hour(occurred_at) >= 22),
               count(*) FILTER (WHERE dayname(occurred_at) IN ('Monday', 'Tuesday') AND hour(occurred_at) >= 22)
        FROM crimes WHERE crime_type = 'Violence and sexual offences' AND {night}
        """,
    )
    assert weekend_night > 1.5 * weekday_night


def test_crime_concentrates_in_the_west_end(con):
    top = [
        b
        for (b,) in con.execute(
            "SELECT borough FROM crimes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        ).fetchall()
    ]
    assert top == ["Westminster"]
    for venue in ("Oxford Circus", "Wembley Stadium", "The O2", "Hyde Park", "Emirates Stadium"):
        n = one(
            con,
            f"""SELECT count(*) FROM crimes c, venues v WHERE v.venue = '{venue}'
                AND haversine_m(c.latitude, c.longitude, v.latitude, v.longitude) <= 500""",
        )[0]
        assert n >= 20, venue


def test_several_streets_per_lsoa(con):
    streets, lsoas = one(
        con,
        "SELECT count(DISTINCT location), count(DISTINCT lsoa_code) FROM crimes WHERE borough = 'Westminster'",
    )
    assert lsoas > 100 and streets >= 15
    top = con.execute(
        "SELECT location FROM crimes WHERE borough = 'Westminster' GROUP BY 1 ORDER BY count(*) DESC LIMIT 3"
    ).fetchall()
    assert all(loc.startswith("On or near ") for (loc,) in top)


def test_eras_tour_uplift_on_small_warehouse(con):
    per_show, per_other_day = one(con, ERAS_RATIO_SQL)
    assert per_show > 3 * max(per_other_day, 0.01)


def test_same_seed_same_rows_other_seed_other_rows(tmp_path, small_warehouse):
    digest = "SELECT count(*), sum(hash(crime_id, occurred_at, latitude, location, last_outcome_category)) FROM crimes"
    a = build_warehouse(tmp_path / "a.duckdb", seed=42, scale=0.02, progress=False)
    b = build_warehouse(tmp_path / "b.duckdb", seed=7, scale=0.02, progress=False)
    with connect_readonly(small_warehouse) as s, connect_readonly(a.path) as x, connect_readonly(b.path) as y:
        assert x.execute(digest).fetchone() == s.execute(digest).fetchone()
        assert y.execute(digest).fetchone() != s.execute(digest).fetchone()


@pytest.mark.slow
def test_full_size_build(tmp_path):
    report = build_warehouse(tmp_path / "full.duckdb", progress=False)
    assert 2_000_000 <= report.rows <= 2_400_000
    with connect_readonly(report.path) as con:
        assert [str(d) for d in one(con, "SELECT min(month), max(month) FROM crimes")] == [
            "2024-01-01",
            "2025-12-01",
        ]
        per_show, per_other_day = one(con, ERAS_RATIO_SQL)
    assert per_show > 3 * per_other_day
