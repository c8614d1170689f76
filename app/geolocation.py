"""The browser's position for near-me questions: a tiny inline component (st.components.v2).

Streamlit 1.67 has no geolocation API of its own, so ``locator(request, key, ...)`` mounts a
few lines of JavaScript (no external script, nothing fetched) that ask
``navigator.geolocation`` once per *request* and send back only ``{request, latitude,
longitude, accuracy}`` or ``{request, code}`` when the position is refused or unavailable.
Nothing else leaves the browser. Browsers share a position only with secure pages (HTTPS, or
localhost) and only after the user allows it.

``refusal(code)`` is what to tell the user for each failure (the W3C GeolocationPositionError
codes; 0 = no geolocation in this browser).
"""

from __future__ import annotations

import streamlit as st

JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const request = data && data.request;
  if (!request) return;
  const asked = (window.__ubLocationRequests = window.__ubLocationRequests || {});
  if (asked[request]) return;  // once per request, however often the page redraws
  asked[request] = true;
  if (!navigator.geolocation) {
    setTriggerValue("failed", { request, code: 0 });
    return;
  }
  navigator.geolocation.getCurrentPosition(
    (p) => setTriggerValue("located", {
      request,
      latitude: p.coords.latitude,
      longitude: p.coords.longitude,
      accuracy: p.coords.accuracy,
    }),
    (e) => setTriggerValue("failed", { request, code: e.code }),
    { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 },
  );
}
"""

REFUSALS = {
    0: "This browser can't share its location.",
    1: "Location is blocked for this site.",
    2: "Your device couldn't find its position just now.",
    3: "Finding your position took too long.",
}

_component = None


def locator(request: str, key: str, on_located, on_failed):
    """Mount the locator for *request*; the callbacks run when the browser answers."""
    global _component
    if _component is None:
        _component = st.components.v2.component("ub_locator", js=JS)
    return _component(
        key=key,
        data={"request": request},
        height="content",
        on_located_change=on_located,
        on_failed_change=on_failed,
    )


def refusal(code) -> str:
    """The sentence for a failed location request."""
    return REFUSALS.get(code, REFUSALS[2]) if isinstance(code, int) else REFUSALS[2]
