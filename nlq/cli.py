"""Command line: ask the warehouse a question, or translate many questions to SQL.

    python -m nlq ask "robberies in Westminster by hour last month" [--warehouse PATH]
    python -m nlq ask --jsonl [--warehouse PATH] < questions.txt

The JSON-lines mode writes exactly one object per input line,
``{"question": ..., "sql": ... or null, "error": null or "why"}``; it never stops
early. Its SQL is generated and passed through the guard but not run. A what-changed question
("what changed in Camden last month") is answered from a statistical model, not by one statement:
its object has ``"sql": null, "error": null`` and ``"insight": "what_changed"``, its ``reading``
and, as ``insight_sql``, the SQL of the monthly counts it compares.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

import sqlglot

from nlq import near_me, what_changed
from nlq.guard import GuardError, check_sql
from warehouse.logs import configure_logging

SHOW_ROWS = 20


def main(argv: list[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the CLI; returns the exit status.

    >>> main(["ask"], stdout=sys.stdout)
    give a question, or --jsonl to read questions from standard input
    2
    """
    configure_logging()
    stdin = stdin or _lenient(sys.stdin)
    stdout = stdout or sys.stdout
    args = _parser().parse_args(argv)
    if args.command != "ask":
        _parser().print_help(stdout)
        return 2
    if args.jsonl:
        return _jsonl(args.warehouse, stdin, stdout)
    if not args.question:
        print("give a question, or --jsonl to read questions from standard input", file=stdout)
        return 2
    return _ask(args.warehouse, " ".join(args.question), stdout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m nlq", description="Ask the crime warehouse in plain English."
    )
    sub = parser.add_subparsers(dest="command")
    ask = sub.add_parser("ask", help="answer a question, or translate questions from stdin with --jsonl")
    ask.add_argument("question", nargs="*", help="the question, in plain English")
    ask.add_argument("--jsonl", action="store_true", help="read questions from stdin, write JSON lines")
    ask.add_argument(
        "--warehouse", type=Path, default=None, help="warehouse file (default: data/warehouse.duckdb)"
    )
    return parser


def _lenient(stream: TextIO) -> TextIO:
    # Bad bytes must not kill the loop, and only "\n" ends a question ("\r" is kept inside it).
    if hasattr(stream, "reconfigure"):
        try:
            stream.reconfigure(errors="replace", newline="\n")
        except (OSError, ValueError):
            pass
    return stream


def _warehouse_path(given: Path | None) -> Path:
    if given is not None:
        return given
    try:
        from warehouse.paths import warehouse_path
    except ImportError:
        return Path(os.environ.get("UB_WAREHOUSE", "data/warehouse.duckdb"))
    return warehouse_path()


def _open_engine(path: Path):
    spark = os.environ.get("UB_ENGINE", "").strip().lower() == "spark"  # reads $UB_PARQUET instead
    if not spark and not path.exists():
        raise FileNotFoundError(f"no warehouse at {path} (build one with: python -m warehouse build)")
    from nlq.logged import LoggedEngine

    return LoggedEngine.open(path)


def _jsonl(warehouse: Path | None, stdin: TextIO, stdout: TextIO) -> int:
    try:
        engine, startup_error = _open_engine(_warehouse_path(warehouse)), None
    except Exception as e:  # still answer every line, each with the reason
        engine, startup_error = None, f"the engine could not start: {_describe(e)}"
    for line in stdin:
        question = line.rstrip("\r\n")
        insight = None
        try:
            insight = None if engine is None else _insight(engine, question)
            if insight is not None:  # answered from a model, not by one statement: no sql, no error
                sql, error = None, None
            else:
                sql, error = (None, startup_error) if engine is None else translate(engine, question)
        except Exception as e:
            sql, error = None, f"internal error: {_describe(e)}"
        record = {"question": question, "sql": sql, "error": error if not sql else None}
        if insight is not None:
            record.update(insight)
        elif not sql and not record["error"]:
            record["error"] = "the question could not be answered"
        stdout.write(json.dumps(record) + "\n")
        stdout.flush()
    return 0


def _insight(engine, question: str) -> dict | None:
    """For a what-changed question: its kind, reading and the SQL of the counts it compares
    (under "insight_sql", so that nothing takes it for the answer). None for other questions."""
    if not question.strip():
        return None
    parsed = engine.parse(question)
    if parsed.intent is None or not parsed.intent.insight:
        return None
    return {
        "insight": parsed.intent.insight,
        "reading": parsed.intent.describe(engine.data_as_of),
        "insight_sql": check_sql(parsed.sql),
    }


def translate(engine, question: str) -> tuple[str | None, str | None]:
    """Question → (guarded SQL, None) or (None, reason), without running the SQL."""
    if not question.strip():
        return None, "the question is empty"
    parsed = engine.parse(question)
    if getattr(parsed.intent, "near_me", False) and not parsed.sql:
        return None, near_me.NO_LOCATION  # the command line has no location: never London-wide
    if parsed.intent is None or not parsed.sql:
        return None, parsed.error or "the question was not understood"
    try:
        return check_sql(parsed.sql), None
    except GuardError as e:
        return None, f"the generated SQL was refused: {e.reason}"


def _ask(warehouse: Path | None, question: str, out: TextIO) -> int:
    try:
        engine = _open_engine(_warehouse_path(warehouse))
    except Exception as e:
        print(f"The engine could not start: {_describe(e)}", file=out)
        return 1
    try:
        reply = engine.ask(question)
    except Exception as e:  # ask should never raise; say so plainly if it does
        print(f"Internal error: {_describe(e)}", file=out)
        return 1
    print(f"Question: {question}", file=out)
    as_of = getattr(engine, "data_as_of", None)
    if as_of:
        print(f"Data as of: {as_of:%B %Y}", file=out)
    if reply.intent is not None:
        print(f"Understood as: {reply.intent.describe(as_of)}", file=out)
        for chip in reply.intent.chips(as_of):
            print(f"  [{chip.label}]" + (f"  {chip.sql}" if getattr(chip, "sql", "") else ""), file=out)
    for note in reply.notes or []:
        print(f"Note: {note}", file=out)
    if reply.error:
        print(f"Not answered: {reply.error}", file=out)
        without = getattr(reply, "without", None)
        if without:
            print(f"  Answer without {', '.join(repr(w) for w in reply.unknown)}: {without}", file=out)
        for suggestion in reply.suggestions or []:
            print(f"  Try: {suggestion}", file=out)
        return 0
    if reply.sql:
        print("SQL:", file=out)
        print(_indent(pretty_sql(reply.sql)), file=out)
    changes = (getattr(reply, "context", None) or {}).get(what_changed.KIND)
    if changes is not None:  # flags in words, as the app shows them
        print(_changes(changes, getattr(reply, "elapsed_ms", None)), file=out)
    elif reply.frame is not None:
        print(_table(reply.frame, getattr(reply, "elapsed_ms", None)), file=out)
    return 0


def _changes(changes, elapsed_ms: float | None) -> str:
    lines = [f"{changes.heading} ({changes.method})"]
    lines += [f"- {flag.sentence()}" for flag in changes.flags] or [changes.nothing()]
    if elapsed_ms is not None:
        lines.append(f"in {elapsed_ms:.0f} ms")
    return "\n".join(lines)


def pretty_sql(sql: str) -> str:
    """Multi-line SQL for reading; the text itself if sqlglot cannot read it.

    >>> print(pretty_sql("select borough, count(*) from crimes group by borough"))
    SELECT
      borough,
      COUNT(*)
    FROM crimes
    GROUP BY
      borough
    """
    try:
        return sqlglot.transpile(sql, read="duckdb", write="duckdb", pretty=True)[0]
    except Exception:
        return sql


def _table(frame, elapsed_ms: float | None) -> str:
    n = len(frame)
    head = f"Answer: {n} row{'s' if n != 1 else ''}"
    if n > SHOW_ROWS:
        head += f" (showing the first {SHOW_ROWS})"
    if elapsed_ms is not None:
        head += f" in {elapsed_ms:.0f} ms"
    body = frame.head(SHOW_ROWS).to_string(index=False) if n else "(no rows)"
    return head + "\n" + _indent(body)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


def _describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
