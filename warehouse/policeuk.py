"""Import data.police.uk street-level CSV files exactly as downloaded.

Takes folders (nested month folders or flat), single CSV files and zips, any force and any
months, and reads them with DuckDB's CSV reader, each file by the column names in its header.
Rows missing coordinates or an LSOA are kept with NULLs; coordinates outside the UK are reported
and dropped. Malformed rows are kept out of `crimes` and reported by file and line; they never
stop the other rows of a file from loading. Unreadable zips, empty files and duplicate files are
reported by name (line 0) and the rest imported.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
import zipfile
import zlib
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
REQUIRED = ("Month", "Crime type")
STREET_SUFFIX = "-street.csv"
# Zip bombs: refuse an archive that unpacks to more than this, or a member packed tighter than
# MAX_RATIO to one (police.uk CSV files pack about 10 to 1).
MAX_EXTRACTED_BYTES = 20 << 30
MAX_RATIO = 100


# Generous bounds around the United Kingdom (Northern Ireland to Lowestoft, the Scillies to Shetland).
UK_LONGITUDE = (-8.7, 1.8)
UK_LATITUDE = (49.8, 60.9)


@dataclass(frozen=True)
class Reject:
    """One problem: the file (zip members as 'archive.zip!member'), its line (0: the whole file), why."""

    file: str
    line: int
    error: str


def import_files(con: duckdb.DuckDBPyConnection, paths: Sequence[Path]) -> list[Reject]:
    """Load every street-level CSV under paths into crimes; return the problems found."""
    with tempfile.TemporaryDirectory(prefix="ub-police-uk-") as tmp:
        files, problems = collect(paths, Path(tmp))
        headers, more = _headers(files)
        problems += more
        if not headers:
            found = "; ".join(f"{p.file}: {p.error}" for p in problems)
            raise ValueError(
                f"no police.uk street-level CSV files (*{STREET_SUFFIX}) found in {list(map(str, paths))}"
                + (f" ({found})" if found else "")
            )
        rejects = _load(con, {disk: files[disk] for disk in headers}, headers)
    return sorted(problems + rejects, key=lambda r: (r.file, r.line))


def collect(paths: Iterable[Path], scratch: Path) -> tuple[dict[str, str], list[Reject]]:
    """Map each CSV to read (on disk) to the name to report it by; zips are extracted to scratch.

    A file whose name was seen before is compared by content: the same download twice loads
    once (the skip is reported); same name, different content loads both (and says so).
    """
    found: dict[str, str] = {}
    first: dict[str, tuple[Path, str]] = {}
    problems: list[Reject] = []

    def add(disk: Path, shown: str) -> None:
        earlier = first.setdefault(disk.name, (disk, shown))
        if earlier[0] != disk:
            if _digest(earlier[0]) == _digest(disk):
                problems.append(Reject(shown, 0, f"skipped: the same content as {earlier[1]}"))
                return
            problems.append(
                Reject(shown, 0, f"same file name as {earlier[1]} but different content: both imported")
            )
        found[str(disk)] = shown

    for path in map(Path, paths):
        if path.is_file() and path.suffix.lower() == ".csv":
            add(path, str(path))
        elif path.is_file() and path.suffix.lower() == ".zip":
            _extract(path, scratch, add, problems)
        elif path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.is_file() and p.name.lower().endswith(STREET_SUFFIX):
                    add(p, str(p))
                elif p.is_file() and p.suffix.lower() == ".zip":
                    _extract(p, scratch, add, problems)
        else:
            raise FileNotFoundError(f"not a CSV file, zip or folder: {path}")
    return found, problems


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


class _ZipBomb(ValueError):
    """A zip over the size or compression-ratio limit."""


def _extract(archive: Path, scratch: Path, add, problems: list[Reject]) -> None:
    """Extract the street-level CSVs of one zip within the size and ratio limits; an unreadable
    or oversized zip is reported and skipped whole."""
    extracted = []
    budget = MAX_EXTRACTED_BYTES
    try:
        with zipfile.ZipFile(archive) as zf:
            for i, info in enumerate(zf.infolist()):
                name = Path(info.filename).name
                if (
                    info.is_dir()
                    or info.filename.startswith("__MACOSX")
                    or not name.lower().endswith(STREET_SUFFIX)
                ):
                    continue
                if info.file_size > MAX_RATIO * max(info.compress_size, 1024):
                    raise _ZipBomb(f"{info.filename} is compressed too tightly to be a police.uk file")
                target = scratch / f"{len(list(scratch.iterdir()))}-{i}" / name
                target.parent.mkdir(parents=True)
                with zf.open(info) as src, open(target, "wb") as dst:
                    while chunk := src.read(1 << 20):
                        budget -= len(chunk)  # counted as unpacked: the sizes in the header may lie
                        if budget < 0:
                            raise _ZipBomb(
                                f"it unpacks to too much data (over {MAX_EXTRACTED_BYTES:,} bytes)"
                            )
                        dst.write(chunk)
                extracted.append((target, f"{archive}!{info.filename}"))
    except _ZipBomb as e:
        problems.append(Reject(str(archive), 0, f"refused: {e}; skipped"))
        return
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as e:
        reason = str(e) or type(e).__name__
        problems.append(Reject(str(archive), 0, f"not a readable zip file ({reason}): skipped"))
        return
    for target, shown in extracted:
        add(target, shown)


def _headers(files: dict[str, str]) -> tuple[dict[str, tuple[str, ...]], list[Reject]]:
    """Each readable file's columns, in its own order, named as in COLUMNS; the files left out."""
    out: dict[str, tuple[str, ...]] = {}
    problems: list[Reject] = []
    canonical = {name.lower(): name for name in COLUMNS}
    for disk, shown in files.items():
        with open(disk, newline="", encoding="utf-8-sig", errors="replace") as fh:
            header = next(csv.reader(fh), [])
        names = []
        for i, raw in enumerate(header):
            name = canonical.get(raw.strip().lower(), f"extra {i}")
            names.append(name if name not in names else f"extra {i}")
        missing = [c for c in REQUIRED if c not in names]
        if not header or _data_lines(Path(disk)) == 0:
            problems.append(Reject(shown, 0, "empty file: no rows"))
        elif missing:
            problems.append(Reject(shown, 0, f"no {' or '.join(map(repr, missing))} column: skipped"))
        else:
            out[disk] = tuple(names)
    return out, problems


def _load(
    con: duckdb.DuckDBPyConnection, files: dict[str, str], headers: dict[str, tuple[str, ...]]
) -> list[Reject]:
    names = ", ".join(f'"{c}" {t}' for c, t in COLUMNS.items())
    con.execute(f"CREATE TEMP TABLE staged ({names}, filename VARCHAR)")
    structural: list[Reject] = []
    groups: dict[tuple[str, ...], list[str]] = {}
    for disk, columns in headers.items():
        groups.setdefault(columns, []).append(disk)
    for columns, disks in groups.items():
        # Read each file by its own header: the columns it has, by name, in its order.
        picked = ", ".join(f'"{c}"' if c in columns else f'NULL::{t} AS "{c}"' for c, t in COLUMNS.items())
        con.execute("DROP TABLE IF EXISTS reject_errors; DROP TABLE IF EXISTS reject_scans")
        con.execute(
            f"""
            INSERT INTO staged
            SELECT {picked}, filename FROM read_csv(
                $files, header = true, columns = $columns, dateformat = '%Y-%m', auto_detect = false,
                delim = ',', quote = '"', escape = '"', filename = true, store_rejects = true)
            """,
            {"files": disks, "columns": {c: COLUMNS.get(c, "VARCHAR") for c in columns}},
        )
        structural += _structural_rejects(con, files, len(columns))
    # Rows in each file, in file order, for stable surrogate ids and for line numbers.
    con.execute(
        """
        CREATE TEMP TABLE staged_n AS
        SELECT *, row_number() OVER (PARTITION BY filename ORDER BY rowid) AS ordinal FROM staged
        """
    )
    rejects = (
        structural
        + _invalid_rows(con, files, structural)
        + _outside_uk(con, files, structural)
        + _unread_lines(con, files, structural)
    )
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
    return rejects


def _structural_rejects(con, files: dict[str, str], width: int) -> list[Reject]:
    """Rows DuckDB's reader refused (wrong column count, bad quoting, a bad month or number), one
    message per line: the reader may raise several errors for one line."""
    if not con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = 'reject_errors'").fetchall():
        return []
    rows = con.execute(
        """
        SELECT s.file_path, e.line, arg_min(e.error_type, e.byte_position), arg_min(e.error_message, e.byte_position)
        FROM reject_errors e JOIN reject_scans s USING (scan_id, file_id)
        GROUP BY ALL
        """
    ).fetchall()
    return [
        Reject(files.get(path, path), int(line), _plain_error(kind, msg, width))
        for path, line, kind, msg in rows
    ]


def _plain_error(kind: str, message: str, width: int) -> str:
    """The reader's error in plain words."""
    if kind == "MISSING COLUMNS":
        return f"truncated line: fewer than the header's {width} columns"
    if kind == "TOO MANY COLUMNS":
        return f"more columns than the header's {width}"
    return f"{kind.lower()}: {message}"


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


def _outside_uk(con, files: dict[str, str], structural: list[Reject]) -> list[Reject]:
    """Rows whose coordinates are not in the UK: reported, and their map position dropped."""
    outside = """
        "Longitude" IS NOT NULL AND "Latitude" IS NOT NULL
        AND NOT ("Longitude" BETWEEN $lon0 AND $lon1 AND "Latitude" BETWEEN $lat0 AND $lat1)
    """
    bounds = {
        "lon0": UK_LONGITUDE[0],
        "lon1": UK_LONGITUDE[1],
        "lat0": UK_LATITUDE[0],
        "lat1": UK_LATITUDE[1],
    }
    rows = con.execute(
        f'SELECT filename, ordinal, "Longitude", "Latitude" FROM staged_n WHERE {outside}', bounds
    ).fetchall()
    con.execute(f'UPDATE staged_n SET "Longitude" = NULL, "Latitude" = NULL WHERE {outside}', bounds)
    out = []
    for path, ordinal, lon, lat in rows:
        shown = files.get(path, path)
        rejected = sorted(r.line for r in structural if r.file == shown)
        why = f"coordinates outside the UK (longitude {lon}, latitude {lat}): kept without a map position"
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
