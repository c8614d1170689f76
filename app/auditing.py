"""Audit helpers every page calls: log a question or a download for the signed-in user. Never raise.

- ``audit_question(reply, **extra)``: a question (text, SQL, row count, duration, outcome).
- ``audit_download(what, detail=None)``: an export or download.

Apart from ``app.render`` and ``app.dashboards_ui`` so that neither imports the other.
"""

from __future__ import annotations

import logging

from app import services, session
from nlq import near_me

log = logging.getLogger(__name__)


def _audit(action: str, target_kind=None, target_id=None, detail=None, ok: bool = True) -> None:
    user = session.current_user()
    if user is None:
        return
    try:
        services.get_store().audit(user, action, target_kind, target_id, detail, ok=ok)
    except Exception:  # the audit must never take a page down; the log shows the failure
        log.exception("audit %s failed", action)


def question_detail(reply) -> dict:
    """What the audit keeps about a question: text, SQL, row count, duration, outcome.
    A near-me question's location is kept rounded to 3 decimals (about 100 m), in its
    reading and its SQL too."""
    frame = getattr(reply, "frame", None)
    intent = getattr(reply, "intent", None)
    sql = getattr(reply, "sql", None)
    located = intent is not None and getattr(intent, "latitude", None) is not None
    if located:
        intent = near_me.rounded(intent)
        sql = _sql_for(intent) if sql else None
    detail = {
        "text": getattr(reply, "question", ""),
        "sql": sql,
        "rows": 0 if frame is None else len(frame),
        "duration_ms": round(float(getattr(reply, "elapsed_ms", 0) or 0), 1),
    }
    if getattr(reply, "error", None):
        detail["error"] = reply.error
    if intent is not None:
        try:
            detail["understood"] = intent.describe()
        except Exception:
            pass
    if located:
        detail["location"] = [intent.latitude, intent.longitude]
    return detail


def _sql_for(intent) -> str | None:
    """The SQL of the intent at its rounded location (what the audit keeps in place of the exact one)."""
    try:
        return services.get_engine().sql_for(intent)
    except Exception:
        log.exception("SQL for the audit's rounded location failed")
        return None


def audit_question(reply, **extra) -> None:
    """Log a question the user asked (call once per answer shown)."""
    detail = {**question_detail(reply), **extra}
    _audit("question", "question", None, detail, ok=not getattr(reply, "error", None))


def audit_download(what: str, detail: dict | None = None) -> None:
    """Log a download or export, e.g. ``audit_download("answer_csv", {"question": q, "rows": n})``."""
    _audit("download", what, None, {"what": what, **(detail or {})})
