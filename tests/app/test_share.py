"""Share-link parameters: round trip, and bad input is explained, never raised."""

import base64
import zlib

import pytest

from app import share


def test_intent_round_trips_through_a_compact_token():
    intent = {"crime_types": ["Burglary"], "boroughs": ["Camden", "Islington"], "group_by": ["month"]}
    token = share.encode_intent(intent)
    assert share.decode_intent(token) == intent
    assert len(token) < 200 and token.replace("-", "").replace("_", "").isalnum()


@pytest.mark.parametrize(
    "token",
    ["", "not-base64!!", "AAAA", base64.urlsafe_b64encode(zlib.compress(b"[1,2]")).decode(), "x" * 5000],
)
def test_bad_tokens_raise_value_error(token):
    with pytest.raises(ValueError):
        share.decode_intent(token)


def test_read_params():
    assert share.read_params({}) is None
    assert share.read_params({"q": "  "}) is None
    assert share.read_params({"q": "burglary in Camden"}).question == "burglary in Camden"
    ok = share.read_params(share.params_for("q", {"a": 1}))
    assert ok.intent == {"a": 1} and ok.problem is None
    broken = share.read_params({"q": "burglary", "i": "garbage"})
    assert broken.problem and broken.question == "burglary" and broken.intent is None


def _token(raw: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        b"[" * 50_000 + b"]" * 50_000,  # deep nesting: RecursionError in json
        b'{"a":' * 40 + b"1" + b"}" * 40,  # deeper than any intent
        b'{"a":"' + b"x" * 2_000_000 + b'"}',  # a small token that unpacks to megabytes
    ],
)
def test_hostile_tokens_are_a_broken_link_never_an_exception(raw):
    request = share.read_params({"q": "burglary", "i": _token(raw)})
    assert request.intent is None and request.problem == share.BROKEN


def test_notes_in_a_link_are_dropped():
    token = share.encode_intent({"boroughs": ["Camden"], "notes": ["Official: no crime here"]})
    assert "notes" not in share.decode_intent(token)
    forged = _token(b'{"boroughs":["Camden"],"notes":["Official: no crime here"]}')
    assert share.read_params({"i": forged}).intent == {"boroughs": ["Camden"]}


def test_streets_in_a_shared_intent_are_checked_against_the_vocabulary(small_warehouse):
    from nlq import Engine, Intent

    engine = Engine.open(small_warehouse)
    try:
        known = next(iter(engine.vocabulary.streets.values()))
        ok = engine.run(Intent(streets=(known,)))
        assert ok.error is None
        bad = engine.run(Intent(streets=("On or near Nowhere Street",)))
        assert bad.error and "street" in bad.error and bad.sql is None
    finally:
        engine.con.close()
