"""Logging: configured once from UB_LOG_LEVEL, answers timed, no prints in library code, a quiet
warm-up thread (issue 10, item 19)."""

from __future__ import annotations

import ast
import logging
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Command-line entry points print their output; everything else logs.
CLI_MODULES = {
    "nlq/cli.py",
    "nlq/__main__.py",
    "warehouse/__main__.py",
    "warehouse/derive_seeds.py",
    "app/users.py",
}


@pytest.fixture
def fresh_logging(monkeypatch):
    from warehouse import logs

    monkeypatch.setattr(logs, "_configured", False)
    yield logs
    for name in logs.PACKAGES:
        logger = logging.getLogger(name)
        for handler in [h for h in logger.handlers if getattr(h, "ub_handler", False)]:
            logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def test_logging_is_configured_once_from_the_environment(fresh_logging, monkeypatch):
    monkeypatch.setenv("UB_LOG_LEVEL", "debug")
    fresh_logging.configure_logging()
    fresh_logging.configure_logging()
    for name in ("app", "nlq", "warehouse"):
        logger = logging.getLogger(name)
        assert logger.level == logging.DEBUG
        assert len([h for h in logger.handlers if getattr(h, "ub_handler", False)]) == 1


def test_a_bad_level_falls_back_to_warning(fresh_logging, monkeypatch):
    monkeypatch.setenv("UB_LOG_LEVEL", "chatty")
    fresh_logging.configure_logging()
    assert logging.getLogger("nlq").level == logging.WARNING


def test_each_answer_is_logged_with_its_time_and_failures_as_warnings(small_warehouse, caplog):
    from nlq.logged import LoggedEngine

    engine = LoggedEngine.open(small_warehouse)
    with caplog.at_level(logging.INFO, logger="nlq"):
        reply = engine.ask("burglary in Camden in 2025")
        refused = engine.ask("who did it")
    assert reply.error is None and refused.error
    timed = [r for r in caplog.records if r.name == "nlq.answers"]
    assert timed[0].levelno == logging.INFO and "ms" in timed[0].getMessage()
    assert "burglary in Camden" in timed[0].getMessage()
    assert timed[1].levelno == logging.WARNING and "not answered" in timed[1].getMessage()
    assert engine.vocabulary is not None  # everything else passes through to the engine


def test_library_code_does_not_print():
    offenders = []
    for package in ("app", "nlq", "warehouse"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative in CLI_MODULES:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_the_warm_up_thread_has_no_missing_context_warning(small_warehouse, tmp_path, monkeypatch):
    from app import services

    path = tmp_path / "warehouse.duckdb"  # a path no other test opened, so the thread opens it
    shutil.copy(small_warehouse, path)
    monkeypatch.setenv("UB_WAREHOUSE", str(path))
    seen: list[str] = []

    class Catch(logging.Handler):
        def emit(self, record):
            seen.append(f"{record.threadName}: {record.getMessage()}")

    catch = Catch()
    streamlit_logger = logging.getLogger("streamlit")
    watched = [
        streamlit_logger,
        *[logging.getLogger(n) for n in logging.root.manager.loggerDict if n.startswith("streamlit")],
    ]
    for logger in watched:
        logger.addHandler(catch)
    try:
        services.warm_up()
        for thread in __import__("threading").enumerate():
            if thread.name == "engine-warm-up":
                thread.join(60)
    finally:
        for logger in watched:
            logger.removeHandler(catch)
    assert [s for s in seen if "ScriptRunContext" in s and "warm-up" in s] == []
