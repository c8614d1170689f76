"""Streamlit's AppTest leaves the app's script as ``sys.modules["__main__"]``. Every process that
multiprocessing then starts with spawn or a fork server re-runs that script first (it "prepares"
the child from the parent's main module): the store's twenty writer processes each imported and ran
the whole app, which cost 30-56 s in the full suite (1-6 s alone) and hung under pytest-xdist.
tests/conftest.py puts the real main module back after every test; these two tests, in this order,
show it (the first leaves the leak, the second would see it)."""

from __future__ import annotations

import sys

from tests.conftest import PYTEST_MAIN


def test_an_app_test_replaces_the_main_module(tmp_path):
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "tiny_app.py"
    script.write_text('import streamlit as st\nst.write("hello")\n')
    AppTest.from_file(str(script)).run()
    assert sys.modules["__main__"] is not PYTEST_MAIN  # what the fixture has to undo


def test_the_main_module_is_pytests_own_again():
    assert sys.modules["__main__"] is PYTEST_MAIN
