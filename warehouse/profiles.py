"""Hand-set behavioural profiles for the synthetic generator: when and where each crime type happens.

Volumes come from seeds/ (real MPS figures); these shapes do not exist in any published
table, so they are modelled on well-known patterns (night-time economy violence, daytime
shoplifting, overnight vehicle crime) and kept here in one place.
"""

from __future__ import annotations

import numpy as np

CRIME_TYPES = [
    "Anti-social behaviour",
    "Bicycle theft",
    "Burglary",
    "Criminal damage and arson",
    "Drugs",
    "Other crime",
    "Other theft",
    "Possession of weapons",
    "Public order",
    "Robbery",
    "Shoplifting",
    "Theft from the person",
    "Vehicle crime",
    "Violence and sexual offences",
]
ASB = CRIME_TYPES.index("Anti-social behaviour")

# ASB is not in the MPS recorded-crime counts: rows per borough-month = ratio x recorded crime,
# with a summer peak, giving about a fifth of all rows as on police.uk.
ASB_RATIO = 0.22
ASB_SUMMER_AMPLITUDE = 0.12

# Relative volume by hour 0..23, written as 24 numbers per type.
_HOURS = {
    "Anti-social behaviour": "3 2 1.5 1 .6 .5 .6 1 1.5 2 2.5 3 3.5 4 4.5 5 5.5 6 6.5 6.5 6 5.5 5 4",
    "Bicycle theft": "1 .6 .4 .3 .3 .5 1.5 3 5 5 4 4 4.5 4.5 4.5 5 5.5 6 5.5 4.5 3.5 2.5 2 1.5",
    "Burglary": "2.5 2 1.8 1.5 1.2 1 1.2 2 3 3.5 3.5 3.5 3.5 3.5 3.5 3.8 4.5 5 5.5 5.5 5 4.5 3.5 3",
    "Criminal damage and arson": "4 3.5 3 2.5 2 1.5 1.5 2 3 3.5 3.5 3.5 3.5 3.5 3.5 4 4.5 5 5.5 5.5 5.5 5 5 4.5",
    "Drugs": "3 2.5 2 1.5 1 .6 .5 .8 1.5 2.5 3.5 4 4.5 5 5.5 6 6.5 6.5 6.5 6 5.5 5 4.5 4",
    "Other crime": "1.5 1 .8 .6 .5 .5 .8 2 3.5 5 5.5 5.5 5.5 5.5 5.5 5.5 5 4.5 4 3.5 3 2.5 2 1.8",
    "Other theft": "2.5 2 1.5 1 .8 .7 1 2 3.5 4.5 5 5.5 6 6 6 6 6 6 5.5 5 4.5 4 3.5 3",
    "Possession of weapons": "3 2.5 2 1.5 1 .6 .5 .8 1.5 2 2.5 3 3.5 4 5 6 6.5 6.5 6.5 6 5.5 5 4.5 4",
    "Public order": "5 4.5 3.5 2.5 1.5 1 1 1.5 2.5 3.5 4 4.5 5 5 5 5.5 6 6 6 6 6 6 6 5.5",
    "Robbery": "4 3.5 3 2 1.2 .8 .8 1.2 2 2.5 3 3.5 4 4.5 5 5.5 6 6.5 7 7 6.5 6 5.5 5",
    "Shoplifting": ".3 .2 .1 .1 .1 .2 .5 1.5 3.5 5.5 7 8 8.5 8.5 8.5 8.5 8 7.5 6 4.5 3 2 1 .5",
    "Theft from the person": "5 4.5 3 2 1 .6 .6 1.5 3.5 3.5 3 3.5 4.5 5 5 5.5 6.5 7.5 7.5 7 7 7 6.5 6",
    "Vehicle crime": "5.5 5 5 4.5 4 3.5 3 3 3 2.5 2.5 2.5 2.5 2.5 2.5 2.8 3 3.5 4 4.5 5 5.5 6 6",
    "Violence and sexual offences": "5.5 5 4 3 2 1.5 1.5 2 3 3.5 3.5 4 4.5 4.5 4.5 5 5.5 5.5 6 6 6.5 6.5 6.5 6",
}

# Relative volume Monday..Sunday.
_WEEKDAYS = {
    "Anti-social behaviour": "1 1 1 1 1.1 1.2 1.1",
    "Bicycle theft": "1.05 1.05 1.05 1.05 1 .9 .85",
    "Burglary": "1 1 1 1 1.05 1 .95",
    "Criminal damage and arson": ".95 .95 .95 1 1.05 1.1 1.05",
    "Drugs": "1 1.05 1.05 1.05 1.1 1 .85",
    "Other crime": "1.05 1.05 1.05 1.05 1.05 .9 .8",
    "Other theft": "1 1 1 1 1.05 1.05 .95",
    "Possession of weapons": "1 1 1 1 1.05 1.05 .95",
    "Public order": ".9 .95 .95 1 1.1 1.2 1.1",
    "Robbery": "1 1 1 1 1.05 1.05 .95",
    "Shoplifting": "1.05 1.05 1.05 1.05 1.05 1 .75",
    "Theft from the person": ".95 .95 .95 1 1.15 1.2 .95",
    "Vehicle crime": "1 1 1 1 1 1 1",
    "Violence and sexual offences": ".95 .9 .9 .95 1.1 1.25 1.2",
}

# Night-time economy: extra weight late on Friday and Saturday nights (and the early hours after).
NTE_TYPES = [
    "Violence and sexual offences",
    "Public order",
    "Theft from the person",
    "Criminal damage and arson",
]
NTE_BOOST = 1.8


def hour_weekday_grid(type_idx: int) -> np.ndarray:
    """7 x 24 relative weights (Monday=0) for one crime type."""
    name = CRIME_TYPES[type_idx]
    hours = np.array(_HOURS[name].split(), dtype=float)
    days = np.array(_WEEKDAYS[name].split(), dtype=float)
    grid = np.outer(days, hours)
    if name in NTE_TYPES:
        grid[4:6, 21:] *= NTE_BOOST  # Friday and Saturday 21:00-23:59
        grid[5:7, :4] *= NTE_BOOST  # Saturday and Sunday 00:00-03:59
    return grid


# Kinds of police.uk anonymised map points besides streets, and the types they attract.
PLACES = [
    "Supermarket",
    "Shopping Area",
    "Parking Area",
    "Petrol Station",
    "Nightclub",
    "Sports/Recreation Area",
    "Further/Higher Educational Building",
    "Hospital",
    "Bus/Coach Station",
    "Theatre/Concert Hall",
    "Police Station",
    "Pedestrian Subway",
]
PLACE_AFFINITY = {
    "Shoplifting": {"Supermarket": 12, "Shopping Area": 10, "Petrol Station": 3},
    "Vehicle crime": {"Parking Area": 8, "Petrol Station": 3},
    "Violence and sexual offences": {"Nightclub": 4, "Hospital": 2},
    "Public order": {"Nightclub": 4, "Police Station": 3},
    "Theft from the person": {"Nightclub": 4, "Shopping Area": 3, "Bus/Coach Station": 3},
    "Bicycle theft": {"Further/Higher Educational Building": 4, "Sports/Recreation Area": 3},
    "Drugs": {"Police Station": 3, "Sports/Recreation Area": 2},
    "Anti-social behaviour": {"Sports/Recreation Area": 3, "Shopping Area": 2},
}
PLACE_SHARE = 0.22  # share of map points named after a place rather than a street

# Extra offences per 1,000 expected attendees at an event (capped attendance), around the venue.
EVENT_RATES = {
    "Theft from the person": 0.40,
    "Robbery": 0.12,
    "Public order": 0.12,
    "Violence and sexual offences": 0.20,
    "Anti-social behaviour": 0.15,
    "Drugs": 0.06,
    "Other theft": 0.10,
}
EVENT_ATTENDANCE_CAP = 300_000
EVENT_RADIUS_M = 1000.0
EVENT_DECAY_M = 300.0
