"""Share links: the URL query parameters that reproduce an answer.

`?q=<question>` re-asks the question; `&i=<token>` carries the exact intent when
the answer was refined (follow-ups, removed chips), so the link shows the same
answer even though the question text alone would not produce it.

A token is untrusted input: its unpacked size and nesting depth are capped, any failure
to decode it is one plain problem (``BROKEN``), and notes are dropped so a link cannot put
words in the engine's mouth. The values in it are checked by the engine like any others.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass

MAX_TOKEN_CHARS = 4000
MAX_JSON_BYTES = 64_000
MAX_DEPTH = 8
BROKEN = "it could not be read"
UNTRUSTED_KEYS = ("notes",)  # what a link may not say on the engine's behalf


@dataclass(frozen=True)
class ShareRequest:
    """What a URL asks for: a question, an intent, or a problem to explain."""

    question: str | None = None
    intent: dict | None = None
    problem: str | None = None


def encode_intent(intent: dict) -> str:
    """Compact, URL-safe token for a JSON-safe intent dict (its notes left out)."""
    intent = {k: v for k, v in intent.items() if k not in UNTRUSTED_KEYS}
    raw = json.dumps(intent, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


def decode_intent(token: str) -> dict:
    """Inverse of `encode_intent`; raises ValueError(BROKEN) for anything malformed or too big."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise ValueError(BROKEN)
    try:
        padded = token + "=" * (-len(token) % 4)
        unpacker = zlib.decompressobj()
        raw = unpacker.decompress(base64.urlsafe_b64decode(padded.encode("ascii")), MAX_JSON_BYTES)
        if unpacker.unconsumed_tail or not unpacker.eof:
            raise ValueError("too big or truncated")
        if _depth(raw) > MAX_DEPTH:
            raise ValueError("nested too deeply")
        value = json.loads(raw)
    except Exception as exc:  # anything at all: a link is untrusted input
        raise ValueError(BROKEN) from exc
    if not isinstance(value, dict):
        raise ValueError(BROKEN)
    return {k: v for k, v in value.items() if k not in UNTRUSTED_KEYS}


def _depth(raw: bytes) -> int:
    """The deepest nesting of [ and { in JSON text (brackets inside strings not counted)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _located(intent: dict | None) -> bool:
    return bool(intent) and bool(intent.get("near_me") or intent.get("latitude") is not None)


def params_for(question: str, intent: dict | None = None) -> dict[str, str]:
    """Query parameters for an answer; `intent` only when the question alone is not enough.
    A near-me answer's link carries only its question: a link never holds anyone's location,
    and whoever opens it is asked for their own."""
    params = {"q": question}
    if intent is not None and not _located(intent):
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
            intent = decode_intent(token)
        except ValueError as exc:
            return ShareRequest(question=question, problem=str(exc))
        if _located(intent):  # never someone else's position shown as "your location"
            return ShareRequest(question=question, problem="a link cannot carry a location")
        return ShareRequest(question=question, intent=intent)
    return ShareRequest(question=question)
