"""The few files of ../shared that the project's own tests use, with copies shipped in tests/fixtures.

``../shared`` is the source of truth where it exists (tests check that the copies still match it);
in a clone without it the tests use the copies and still run.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
COPIES = Path(__file__).resolve().parent / "fixtures" / "shared"
COPIED = ("contract/warehouse.sql", "eval/score.py")
# Two months of real City of London Police street-level files (data.police.uk, OGL v3.0).
POLICE_UK_SAMPLE = Path(__file__).resolve().parent / "fixtures" / "police_uk_sample"


def shared_or_copy(relative: str) -> Path:
    """../shared/<relative> when present, else the copy shipped in tests/fixtures/shared."""
    original = SHARED / relative
    return original if original.exists() else COPIES / relative
