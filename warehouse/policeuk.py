"""Import data.police.uk street-level CSV files exactly as downloaded.

Takes folders (nested month folders or flat), single CSV files and zips, any force and any
months, and reads them with DuckDB's CSV reader. Rows missing coordinates or an LSOA are kept
with NULLs. Malformed rows are kept out of `crimes` and reported by file and line; they never
stop the other rows of a file from loading.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse.profiles import CRIME_TYPES

COLUMNS = {
    "Crime ID": "VARCHAR",
    "Month": "DATE",
    "Reported by": "VARCHAR",
    "Falls within": "VARCHAR",
    "Longitude": "DOUBLE",
    "Latitude": "DOUBLE",
    "Location": "VARCHAR",
    "LSOA code": "VARCHAR",
    "LSOA name": "VARCHAR",
    "Crime type": "VARCHAR",
    "Last outcome category": "VARCHAR",
    "Context": "VARCHAR",
}
STREET_SUFFIX = "-street.csv"


@dataclass(frozen=True)
class Reject:
    """One malformed row: the file (zip members as 'archive.zip!member'), its line and why."""

    file: str
    line: int
    error: str


def import_files(con: duckdb.DuckDBPyConnection, paths: Sequence[Path]) -> list[Reject]:
    """Load every street-level CSV under paths into crimes; return the malformed rows."""
    with tempfile.TemporaryDirectory(prefix="ub-police-uk-") as tmp:
        files = collect(paths, Path(tmp))
        if not files:
            raise ValueError(
                f"no police.uk street-level CSV files (*{STREET_SUFFIX}) found in {list(map(str, paths))}"
            )
        return _load(con, files)


def collect(paths: Iterable[Path], scratch: Path) -> dict[str, str]:
    """Map each CSV to read (on disk) to the name to report it by; zips are extracted to scratch."""
    found: dict[str, str] = {}
    seen: set[str] = set()

    def add(disk: Path, shown: str) -> None:
        if disk.name not in seen:  # the same month downloaded twice (a folder and its zip) loads once
            seen.add(disk.name)
            found[str(disk)] = shown

    for path in map(Path, paths):
        if path.is_file() and path.suffix.lower() == ".csv":
            add(path, str(path))
        elif path.is_file() and path.suffix.lower() == ".zip":
            _extract(path, scratch, add)
        elif path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.name.lower().endswith(STREET_SUFFIX):
                    add(p, str(p))
                elif p.is_file() and p.suffix.lower() == ".zip":
                    _extract(p, scratch, add)
        else:
            raise FileNotFoundError(f"not a CSV file, zip or folder: {path}")
    return found


def _extract(archive: Path, scratch: Path, add) -> None:
    with zipfile.ZipFile(archive) as zf:
        for i, info in enumerate(zf.infolist()):
            name = Path(info.filename).name
            if (
                info.is_dir()
                or info.filename.startswith("__MACOSX")
                or not name.lower().endswith(STREET_SUFFIX)
            ):
                continue
            target = scratch / f"{len(list(scratch.iterdir()))}-{i}" / name
            target.parent.mkdir(parents=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                while chunk := src.read(1 << 20):
                    dst.write(chunk)
            add(target, f"{archive}!{info.filename}")


def _load(con: duckdb.DuckDBPyConnection, files: dict[str, str]) -> list[Reject]:
    con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
    con.execute(
        """
        CREATE TEMP TABLE staged AS
        SELECT *, filename FROM read_csv(
            $files, header = true, columns = $columns, dateformat = '%Y-%m', auto_detect = false,
            delim = ',', quote = '"', escape = '"', filename = true, store_rejects = true)
        """,
        {"files": list(files), "columns": COLUMNS},
    )
    # Rows in each file, in file order, for stable surrogate ids and for line numbers.
    con.execute(
        """
        CREATE TEMP TABLE staged_n AS
        SELECT *, row_number() OVER (PARTITION BY filename ORDER BY rowid) AS ordinal FROM staged
        """
    )
    structural = _structural_rejects(con, files)
    rejects = structural + _invalid_rows(con, files, structural) + _unread_lines(con, files, structural)
    con.execute(
        """
        INSERT INTO crimes
        SELECT coalesce(nullif(trim(s."Crime ID"), ''),
                        'ASB-' || substr(sha256(parse_filename(s.filename) || '/' || s.ordinal), 1, 24)),
               s."Month", NULL, s."Reported by", s."Falls within", s."Longitude", s."Latitude",
               s."Location", s."LSOA code", s."LSOA name", b.borough, s."Crime type",
               nullif(s."Last outcome category", '')
        FROM staged_n s
        LEFT JOIN boroughs b ON b.borough = regexp_replace(s."LSOA name", ' [0-9]{3}[A-Z]$', '')
        WHERE s."Month" IS NOT NULL AND s."Crime type" IN (SELECT unnest($types))
        ORDER BY s."Month", s.filename, s.ordinal
        """,
        {"types": CRIME_TYPES},
    )
    con.execute("DROP TABLE staged; DROP TABLE staged_n")
    return sorted(rejects, key=lambda r: (r.file, r.line))


def _structural_rejects(con, files: dict[str, str]) -> list[Reject]:
    """Rows DuckDB's reader refused (wrong column count, bad quoting, a bad month or number)."""
    rows = con.execute(
        """
        SELECT s.file_path, e.line, string_agg(DISTINCT e.error_type || ': ' || e.error_message, '; ')
        FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
        GROUP BY ALL
        """
    ).fetchall()
    return [Reject(files.get(path, path), int(line), msg) for path, line, msg in rows]


def _line_of(ordinal: int, rejected: list[int]) -> int:
    """File line of the ordinal-th accepted row, given the (sorted) lines the reader rejected."""
    line = ordinal + 1  # the header is line 1
    for r in rejected:
        if r <= line:
            line += 1
    return line


def _invalid_rows(con, files: dict[str, str], structural: list[Reject]) -> list[Reject]:
    """Rows that parse but are not police.uk crimes: no month or an unknown crime type."""
    rows = con.execute(
        """
        SELECT filename, ordinal, "Crime type" FROM staged_n
        WHERE "Month" IS NULL OR "Crime type" IS NULL OR "Crime type" NOT IN (SELECT unnest($types))
        """,
        {"types": CRIME_TYPES},
    ).fetchall()
    out = []
    for path, ordinal, crime_type in rows:
        shown = files.get(path, path)
        rejected = sorted(r.line for r in structural if r.file == shown)
        why = (
            "missing month"
            if crime_type and crime_type in CRIME_TYPES
            else f"unknown crime type {crime_type!r}"
        )
        out.append(Reject(shown, _line_of(ordinal, rejected), why))
    return out


def _unread_lines(con, files: dict[str, str], structural: list[Reject]) -> list[Reject]:
    """Lines the reader never returned at all (an unterminated quote swallows the rest of a file)."""
    counts = dict(con.execute("SELECT filename, count(*) FROM staged GROUP BY filename").fetchall())
    out = []
    for path, shown in files.items():
        data_lines = _data_lines(Path(path))
        rejected = {r.line for r in structural if r.file == shown}
        accounted = counts.get(path, 0) + len(rejected)
        if accounted < data_lines:
            first = max(rejected, default=1) + 1
            out.append(
                Reject(shown, first, f"{data_lines - accounted} line(s) not read (unterminated quote?)")
            )
    return out


def _data_lines(path: Path) -> int:
    """Non-empty lines after the header."""
    with open(path, "rb") as fh:
        return max(sum(1 for line in fh if line.strip()) - 1, 0)
