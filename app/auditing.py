"""Audit helpers every page calls: log a question or a download for the signed-in user. Never raise.

- ``audit_question(reply, **extra)``: a question (text, SQL, row count, duration, outcome).
- ``audit_download(what, detail=None)``: an export or download.

Apart from ``app.render`` and ``app.dashboards_ui`` so that neither imports the other.
"""

from __future__ import annotations

import logging

from app import services, session

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
    """What the audit keeps about a question: text, SQL, row count, duration, outcome."""
    frame = getattr(reply, "frame", None)
    intent = getattr(reply, "intent", None)
    detail = {
        "text": getattr(reply, "question", ""),
        "sql": getattr(reply, "sql", None),
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
    return detail


def audit_question(reply, **extra) -> None:
    """Log a question the user asked (call once per answer shown)."""
    detail = {**question_detail(reply), **extra}
    _audit("question", "question", None, detail, ok=not getattr(reply, "error", None))


def audit_download(what: str, detail: dict | None = None) -> None:
    """Log a download or export, e.g. ``audit_download("answer_csv", {"question": q, "rows": n})``."""
    _audit("download", what, None, {"what": what, **(detail or {})})
