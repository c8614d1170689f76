"""Event-planning boards: ``service`` (the domain, no Streamlit) and ``ui`` (the widgets).

Import ``app.boards.service`` where no Streamlit may run (tests, benchmarks, the CLI); the pages
use ``app.boards.ui`` (also reachable as ``app.boards_ui``).
"""
