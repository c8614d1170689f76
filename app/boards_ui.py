"""The boards' Streamlit layer under its old name: see ``app.boards.ui`` and ``app.boards.service``."""

from app.boards.ui import *  # noqa: F403
from app.boards.ui import __all__  # noqa: F401
