"""An Engine that logs each answer: the question, how long it took, and why it failed if it did."""

from __future__ import annotations

import logging
import time

from nlq.engine import Engine, Reply

log = logging.getLogger("nlq.answers")


class LoggedEngine:
    """Wraps an Engine; `ask`, `run` and `refine` are logged, everything else passes through."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @classmethod
    def open(cls, path=None, **kw) -> LoggedEngine:
        return cls(Engine.open(path, **kw))

    def __getattr__(self, name):
        return getattr(self.engine, name)

    def ask(self, question: str, location: tuple[float, float] | None = None) -> Reply:
        """The asker's location (near-me questions) is passed on, never logged."""
        return self._logged("ask", question, lambda: self.engine.ask(question, location=location))

    def run(self, intent, question: str = "") -> Reply:
        return self._logged(
            "run",
            question or intent.describe(self.engine.data_as_of),
            lambda: self.engine.run(intent, question),
        )

    def refine(self, previous, text: str) -> Reply:
        return self._logged("refine", text, lambda: self.engine.refine(previous, text))

    def _logged(self, kind: str, text: str, answer) -> Reply:
        started = time.perf_counter()
        try:
            reply = answer()
        except Exception:
            log.exception("%s failed after %.0f ms: %.200r", kind, _ms(started), text)
            raise
        ms = _ms(started)
        if reply.error:
            log.warning("%s not answered in %.0f ms: %.200r: %s", kind, ms, text, reply.error)
        else:
            rows = None if reply.frame is None else len(reply.frame)
            log.info("%s answered in %.0f ms (%s rows, %s): %.200r", kind, ms, rows, reply.chart, text)
        return reply


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
