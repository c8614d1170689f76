"""Share links: the URL query parameters that reproduce an answer.

`?q=<question>` re-asks the question; `&i=<token>` carries the exact intent when
the answer was refined (follow-ups, removed chips), so the link shows the same
answer even though the question text alone would not produce it.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass

MAX_TOKEN_CHARS = 4000


@dataclass(frozen=True)
class ShareRequest:
    """What a URL asks for: a question, an intent, or a problem to explain."""

    question: str | None = None
    intent: dict | None = None
    problem: str | None = None


def encode_intent(intent: dict) -> str:
    """Compact, URL-safe token for a JSON-safe intent dict."""
    raw = json.dumps(intent, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_intent(token: str) -> dict:
    """Inverse of `encode_intent`; raises ValueError for anything malformed."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise ValueError("the encoded answer is empty or too long")
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = zlib.decompressobj().decompress(base64.urlsafe_b64decode(padded.encode("ascii")), 100_000)
        value = json.loads(raw)
    except (ValueError, zlib.error, UnicodeError) as exc:
        raise ValueError("the encoded answer is damaged") from exc
    if not isinstance(value, dict):
        raise ValueError("the encoded answer is not an answer")
    return value


def params_for(question: str, intent: dict | None = None) -> dict[str, str]:
    """Query parameters for an answer; `intent` only when the question alone is not enough."""
    params = {"q": question}
    if intent is not None:
        params["i"] = encode_intent(intent)
    return params


def read_params(params: dict[str, str]) -> ShareRequest | None:
    """Parse query parameters; None when the URL asks for nothing."""
    question = (params.get("q") or "").strip() or None
    token = params.get("i")
    if question is None and not token:
        return None
    if token:
        try:
            return ShareRequest(question=question, intent=decode_intent(token))
        except ValueError as exc:
            return ShareRequest(question=question, problem=str(exc))
    return ShareRequest(question=question)
