-- The warehouse schema: the contract (shared/contract/warehouse.sql, kept verbatim below;
-- tests/warehouse/test_schema.py checks the built schema against it) plus project additions.

-- The warehouse contract: the tables and columns that every built warehouse
-- (DuckDB file) must have, with these names and types. The project may add
-- tables, views and columns; it must not rename or drop these.
-- Evaluation question sets (shared/eval) are written against this contract.

-- One row per recorded crime or anti-social behaviour incident.
-- Columns mirror the data.police.uk "street" CSV, plus derived columns.
CREATE TABLE crimes (
    crime_id              VARCHAR NOT NULL,  -- police.uk "Crime ID"; a stable surrogate when empty (ASB rows)
    month                 DATE    NOT NULL,  -- first day of the month the crime was recorded in
    occurred_at           TIMESTAMP,         -- when it happened; NULL when only the month is known (police.uk imports)
    reported_by           VARCHAR,           -- e.g. 'Metropolitan Police Service'
    falls_within          VARCHAR,
    longitude             DOUBLE,            -- WGS84; NULL when the record has no location
    latitude              DOUBLE,
    location              VARCHAR,           -- e.g. 'On or near High Street'
    lsoa_code             VARCHAR,           -- e.g. 'E01000907'
    lsoa_name             VARCHAR,           -- e.g. 'Camden 001A'
    borough               VARCHAR,           -- London borough name as in boroughs.borough, derived from lsoa_name; NULL outside London
    crime_type            VARCHAR NOT NULL,  -- exactly one of the 14 police.uk categories (see crime_types)
    last_outcome_category VARCHAR            -- police.uk outcome text; NULL for anti-social behaviour
);

-- The 33 London local authorities (32 boroughs + City of London).
CREATE TABLE boroughs (
    borough      VARCHAR PRIMARY KEY,        -- e.g. 'Kensington and Chelsea' (police.uk LSOA-name spelling)
    borough_code VARCHAR NOT NULL,           -- ONS code, e.g. 'E09000020'
    bcu          VARCHAR,                    -- Met Basic Command Unit name, e.g. 'Central West'; NULL for City of London
    population   INTEGER NOT NULL,           -- residents (Census 2021)
    area_km2     DOUBLE,
    latitude     DOUBLE NOT NULL,            -- centroid
    longitude    DOUBLE NOT NULL
);

-- The police.uk crime categories, with everyday words people use for them.
CREATE TABLE crime_types (
    crime_type VARCHAR PRIMARY KEY,          -- e.g. 'Violence and sexual offences'
    slug       VARCHAR NOT NULL,             -- police.uk API slug, e.g. 'violent-crime'
    synonyms   VARCHAR[]                     -- e.g. ['violent crime', 'assault', 'vsos']
);

-- Places that events happen at and that people ask about.
CREATE TABLE venues (
    venue     VARCHAR PRIMARY KEY,           -- e.g. 'Wembley Stadium'
    kind      VARCHAR NOT NULL,              -- 'stadium', 'arena', 'park', 'landmark', 'station', ...
    borough   VARCHAR,
    latitude  DOUBLE NOT NULL,
    longitude DOUBLE NOT NULL,
    capacity  INTEGER
);

-- Planned events (concerts, matches, festivals, parades).
CREATE TABLE events (
    event_id            VARCHAR PRIMARY KEY,
    name                VARCHAR NOT NULL,    -- e.g. 'Taylor Swift | The Eras Tour'
    venue               VARCHAR NOT NULL,    -- venues.venue
    starts_at           TIMESTAMP NOT NULL,  -- one row per event day/performance
    ends_at             TIMESTAMP NOT NULL,
    expected_attendance INTEGER,
    category            VARCHAR              -- 'concert', 'football', 'festival', 'parade', ...
);

-- Great-circle distance in metres (haversine, earth radius 6,371,000 m).
-- Every "near" / "within N m of" question uses this macro, so that answers
-- agree to the metre across the app, the evaluation sets and other engines.
CREATE MACRO haversine_m(lat1, lon1, lat2, lon2) AS
    2 * 6371000 * asin(sqrt(
        power(sin(radians(lat2 - lat1) / 2), 2)
        + cos(radians(lat1)) * cos(radians(lat2)) * power(sin(radians(lon2 - lon1) / 2), 2)));

-- Project additions (allowed by the contract: more tables and columns).

-- Other names people use for a venue ("Wembley", "the O2 Arena").
ALTER TABLE venues ADD COLUMN aliases VARCHAR[];

-- London LSOAs (2021) with centroids, for maps and LSOA-grain answers.
CREATE TABLE lsoas (
    lsoa_code VARCHAR PRIMARY KEY,
    lsoa_name VARCHAR NOT NULL,
    borough   VARCHAR NOT NULL,
    latitude  DOUBLE NOT NULL,
    longitude DOUBLE NOT NULL,
    area_km2  DOUBLE
);

-- One row describing how this warehouse was built (the app labels synthetic data as such).
CREATE TABLE build_info (
    built_at    TIMESTAMP NOT NULL,
    source      VARCHAR NOT NULL,    -- 'synthetic' or 'police.uk'
    seed        INTEGER,
    scale       DOUBLE,
    rows        BIGINT NOT NULL,
    first_month DATE,
    last_month  DATE,
    months      INTEGER,
    calibration VARCHAR              -- what the data is calibrated on / where it came from
);
