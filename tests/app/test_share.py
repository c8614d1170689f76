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
