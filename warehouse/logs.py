"""The standard `logging` set up once for the app, the CLIs and the warehouse build.

The level comes from the environment variable UB_LOG_LEVEL (DEBUG, INFO, WARNING, ERROR;
default WARNING). Messages go to standard error, one line each.
"""

from __future__ import annotations

import logging
import os
import threading

PACKAGES = ("app", "nlq", "warehouse")
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_configured = False
_lock = threading.Lock()


def configure_logging() -> None:
    """Give the project's loggers one stderr handler and the level from UB_LOG_LEVEL (idempotent)."""
    global _configured
    with _lock:
        if _configured:
            return
        _configured = True
        wanted = (os.environ.get("UB_LOG_LEVEL") or "WARNING").strip().upper()
        level = logging.getLevelName(wanted)
        if not isinstance(level, int):
            level = logging.WARNING
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.ub_handler = True  # marks ours, so tests can tell it from pytest's
        for name in PACKAGES:
            logger = logging.getLogger(name)
            logger.setLevel(level)
            for old in [h for h in logger.handlers if getattr(h, "ub_handler", False)]:
                logger.removeHandler(old)  # configured again (tests): one handler still
            logger.addHandler(handler)
        if not isinstance(logging.getLevelName(wanted), int):
            logging.getLogger("warehouse").warning("UB_LOG_LEVEL=%r is not a level; using WARNING", wanted)
