"""Checks and normalises input before it is stored; raises ValidationError."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, time
from typing import Any

from app.store.errors import ValidationError
from app.store.models import CHARTS, PRINCIPAL_KINDS, ROLES, SHARE_ROLES

MAX_TITLE = 200
MAX_NOTES = 200_000
MAX_QUESTION = 2_000
MAX_JSON = 100_000
USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,31}")
SOURCE_RE = re.compile(r"ask|default|board:[A-Za-z0-9_-]{1,64}")
EVENT_KEYS = ("venue", "event_name", "event_category", "date", "start_time", "end_time", "radius_m")
FILTER_KEYS = ("borough", "bcu", "period")


def _encodable(text: str, what: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(f"{what} contains characters that cannot be saved") from None
    if "\x00" in text:  # PostgreSQL text cannot hold NUL: refused on every backend alike
        raise ValidationError(f"{what} contains characters that cannot be saved")


def text(value: Any, what: str, max_len: int) -> str:
    """Free text (notes, questions): kept exactly as typed."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text")
    if len(value) > max_len:
        raise ValidationError(f"{what} is too long (at most {max_len:,} characters)")
    _encodable(value, what)
    return value


def line(value: Any, what: str, max_len: int = MAX_TITLE, required: bool = True) -> str:
    """A one-line name such as a title: trimmed, no control characters."""
    if not isinstance(value, str):
        raise ValidationError(f"{what} must be text")
    _encodable(value, what)
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{what} can't be empty")
    if len(value) > max_len:
        raise ValidationError(f"{what} is too long (at most {max_len} characters)")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValidationError(f"{what} can't contain line breaks or control characters")
    return value


def username(value: Any) -> str:
    """A login name: trimmed and lower-cased, 2–32 letters, digits, dots, dashes or underscores."""
    name = value.strip().lower() if isinstance(value, str) else ""
    if not USERNAME_RE.fullmatch(name):
        raise ValidationError("Usernames are 2–32 letters, digits, dots, dashes or underscores")
    return name


def role(value: Any) -> str:
    """One of the account roles in ``ROLES``."""
    if value not in ROLES:
        raise ValidationError(f"Role must be one of: {', '.join(ROLES)}")
    return value


def team(value: Any) -> str | None:
    """A team is a BCU name such as 'Central West'; empty means no team."""
    if value is None:
        return None
    value = line(value, "Team", 64, required=False)
    return value or None


def share_role(value: Any) -> str:
    """'viewer' or 'editor'."""
    if value not in SHARE_ROLES:
        raise ValidationError("Share as 'viewer' or 'editor'")
    return value


def principal_kind(value: Any) -> str:
    """Whom a share is with: 'user' or 'team'."""
    if value not in PRINCIPAL_KINDS:
        raise ValidationError("Share with a 'user' or a 'team'")
    return value


def chart(value: Any) -> str | None:
    """A chart kind from ``CHARTS``, or None."""
    if value is not None and value not in CHARTS:
        raise ValidationError(f"Chart must be one of: {', '.join(CHARTS)}")
    return value


def json_dict(value: Any, what: str) -> str:
    """A JSON object, returned serialised."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise ValidationError(f"{what} must be a dictionary")
    try:
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError):
        raise ValidationError(f"{what} can't be saved (not plain JSON data)") from None
    if len(encoded) > MAX_JSON:
        raise ValidationError(f"{what} is too large")
    _encodable(encoded, what)
    return encoded


def item_fields(title: Any, question: Any, intent: Any, chart_: Any) -> dict[str, Any]:
    """Fields of a tile or pin; the title defaults to the question."""
    question = text(question or "", "Question", MAX_QUESTION).strip()
    title = line(title or "", "Title", required=False) or question[:MAX_TITLE].strip()
    if not title:
        raise ValidationError("A tile or pin needs a title or a question")
    return {
        "title": title,
        "question": question,
        "intent": json_dict(intent, "Intent"),
        "chart": chart(chart_),
    }


def item_changes(title: Any, question: Any, intent: Any, chart_: Any) -> dict[str, Any]:
    """The fields of a tile or pin to change; None means leave it."""
    changes: dict[str, Any] = {}
    if title is not None:
        changes["title"] = line(title, "Title")
    if question is not None:
        changes["question"] = text(question, "Question", MAX_QUESTION).strip()
    if intent is not None:
        changes["intent"] = json_dict(intent, "Intent")
    if chart_ is not None:
        changes["chart"] = chart(chart_)
    return changes


def _known_keys(value: Any, keys: tuple[str, ...], what: str, key_name: str) -> tuple[dict, dict[str, Any]]:
    """``value`` as a dict (None means empty) with no keys outside ``keys``, and an output
    dict with every key set to None."""
    value = value or {}
    if not isinstance(value, dict):
        raise ValidationError(f"{what} must be a dictionary")
    unknown = set(value) - set(keys)
    if unknown:
        raise ValidationError(f"Unknown {key_name}: {', '.join(sorted(map(str, unknown)))}")
    return value, dict.fromkeys(keys)


def event(value: Any) -> dict[str, Any]:
    """Normalise an event: every key present, dates and times as ISO text."""
    value, out = _known_keys(value, EVENT_KEYS, "Event details", "event detail")
    for key in ("venue", "event_name", "event_category"):
        if value.get(key) is not None:
            out[key] = line(value[key], key.replace("_", " ").capitalize(), required=False) or None
    if value.get("date") is not None:
        out["date"] = _iso_date(value["date"])
    for key in ("start_time", "end_time"):
        if value.get(key) is not None:
            out[key] = _hh_mm(value[key], key.replace("_", " ").capitalize())
    radius = value.get("radius_m")
    if radius is not None:
        if isinstance(radius, bool) or not isinstance(radius, int) or not 1 <= radius <= 50_000:
            raise ValidationError("Radius must be a whole number of metres between 1 and 50,000")
        out["radius_m"] = radius
    if out.get("event_category") is None:
        out.pop("event_category", None)  # optional: boards saved before it keep their exact shape
    return out


def _iso_date(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationError("Event date must be a date like 2024-06-21") from None


def _hh_mm(value: Any, what: str) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    try:
        return time.fromisoformat(str(value)).strftime("%H:%M")
    except ValueError:
        raise ValidationError(f"{what} must be a time like 18:30") from None


def filters(value: Any) -> dict[str, Any]:
    """Dashboard filters: borough, bcu (text) and period (text or JSON), all optional."""
    value, out = _known_keys(value, FILTER_KEYS, "Filters", "filter")
    for key in ("borough", "bcu"):
        if value.get(key) is not None:
            out[key] = line(value[key], key.capitalize(), 64, required=False) or None
    if value.get("period") is not None:
        json_dict({"period": value["period"]}, "Period")
        out["period"] = value["period"]
    return out


def refresh_seconds(value: Any) -> int | None:
    """None (no auto refresh) or a whole number of seconds from 10 to 86,400."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 10 <= value <= 86_400:
        raise ValidationError("Refresh must be a whole number of seconds between 10 and 86,400")
    return value


def source(value: Any) -> str:
    """Where a pin came from: 'ask', 'default' or 'board:<board id>'."""
    if not isinstance(value, str) or not SOURCE_RE.fullmatch(value):
        raise ValidationError("A pin's source is 'ask', 'default' or 'board:<board id>'")
    return value


def expected_version(value: Any) -> int:
    """The version the user opened, as an int."""
    # A type error here means the arguments were passed in the wrong order.
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected_version must be an int, not {type(value).__name__}")
    return value
