"""Answer time on DuckDB and on Apache Spark (local) over the same warehouse, and what two of the
SQL's choices buy on each: relative periods as literal anchor dates, and a bounding box before the
haversine distance (issue 14, "Scale figures"). Ratios matter, not raw times: machines are noisy.

usage: python benchmarks/bench_engines.py [--warehouse PATH] [--parquet DIR] [--repeat R]
                                          [--spark-repeat R] [--spark-timeout S] [--master URL]
                                          [--questions N] [--parts ask,anchors,bbox]

The Parquet folder is the warehouse exported for Spark (python -m warehouse export --parquet DIR);
it must come from the same DuckDB file (its manifest names it and the row counts must match).

Questions: the answerable cases of ../shared/eval/dev.toml when present, else of the project's
dev-like sets (tests/nlq/fixtures/paraphrases.toml and blind4.toml, variants of dev.toml); the
output says which. --questions N keeps an evenly spaced N of them (and says so).

Printed:
- the machine (cores, load average at start and end) and the engine versions;
- Engine.ask on each engine, after a warm-up pass, R interleaved repeats (alternating which engine
  goes first): p50 / p95 / max of the per-question medians, the slowest single answer, and the
  Spark / DuckDB ratio per question (median, p95); answers that differ between the engines
  (frames within rounding, records looked at and previous period, as tests/engines compares them)
  and failures and time-outs per engine, each listed;
- literal anchors: for questions with a relative period ("last month", "last year"), the engine's
  SQL against the same SQL with each anchor-derived date literal replaced by the equivalent
  expression on (SELECT max(month) FROM crimes) (or max(occurred_at) for days), run raw on DuckDB
  and on Spark: variant / literal time per question (p50, best, worst) and whether the answers match;
- bounding box: for questions near a venue, the engine's SQL against the same SQL without the
  latitude / longitude BETWEEN predicates (only the exact haversine left), raw on each engine.
"Raw" is outside Engine.ask: on DuckDB the statement and fetchall on the read-only connection; on
Spark SparkBackend.run (its guard check, a few ms, and the frame, under the --spark-timeout limit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlglot import exp  # noqa: E402

from nlq import Engine, what_changed  # noqa: E402
from nlq.backends import DuckDBBackend, SparkBackend, spark_available  # noqa: E402
from nlq.sql import build, period_condition, portable, previous_window  # noqa: E402
from tests.engines.compare import same_frames, same_reply  # noqa: E402

DEV = ROOT.parent / "shared" / "eval" / "dev.toml"
DEV_LIKE = [ROOT / "tests" / "nlq" / "fixtures" / n for n in ("paraphrases.toml", "blind4.toml")]


# ---- questions --------------------------------------------------------------------------------


def questions(limit: int | None) -> tuple[list[str], str]:
    """The answerable questions and where they came from (never a built-in list)."""
    paths = [DEV] if DEV.exists() else [p for p in DEV_LIKE if p.exists()]
    if not paths:
        sys.exit(f"no question set: neither {DEV} nor {', '.join(map(str, DEV_LIKE))}")
    found = []
    for path in paths:
        found += [
            c["question"].replace("\n", " ")
            for c in tomllib.loads(path.read_text())["case"]
            if not c.get("refuse")
        ]
    source = " + ".join(str(p.relative_to(ROOT.parent)) for p in paths) + ", answerable cases"
    if limit and limit < len(found):
        step = len(found) / limit
        source += f" (an evenly spaced {limit} of {len(found)})"
        found = [found[int(k * step)] for k in range(limit)]
    return found, source


# ---- timing helpers ---------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))] if values else float("nan")


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return (time.perf_counter() - start) * 1000, out


def ordered(sql: str | None) -> bool:
    """Whether the statement orders its rows (then rows are compared in order), as same_reply does."""
    return sql is not None and " ORDER BY " in sql.rsplit(")", 1)[-1]


def short(text: str, n: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"


# ---- the machine and versions -----------------------------------------------------------------


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def versions() -> str:
    import duckdb
    import pandas
    import pyspark
    import sqlglot

    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return (
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}, PySpark {pyspark.__version__}, "
        f"sqlglot {sqlglot.__version__}, pandas {pandas.__version__}, Java: {java[0] if java else '?'}"
    )


def describe_data(duck: DuckDBBackend, parquet: Path, warehouse: Path) -> None:
    built, source, scale, rows, first, last = duck.con.execute(
        "SELECT built_at, source, scale, rows, first_month, last_month FROM build_info"
    ).fetchone()
    print(
        f"warehouse: {warehouse}: {rows:,} crimes, {source}, scale {scale}, {first} .. {last}, built {built}"
    )
    manifest = json.loads((parquet / "manifest.json").read_text())
    exported = manifest["tables"]["crimes"]["rows"]
    same = Path(manifest["source"]).resolve() == warehouse.resolve()
    print(f"parquet:   {parquet}: {exported:,} crimes, exported from {manifest['source']}")
    if exported != rows or not same:
        sys.exit("the Parquet export does not come from this warehouse: export it again")


def layout(duck: DuckDBBackend, parquet: Path, facts) -> str:
    """Of the row groups of crimes, how many a 500 m box around a venue must read (their latitude
    and longitude ranges meet the box): what the box lets DuckDB (zone maps) and Spark (Parquet
    row-group statistics) skip."""
    import pyarrow.parquet as pq

    venue = "Wembley Stadium" if "Wembley Stadium" in facts.venues else next(iter(facts.venues), None)
    box = facts.bounding_box([venue], 500) if venue else None
    if box is None:
        return "unknown (no venue)"
    (south, north), (west, east) = box

    def meets(lat, lon) -> bool:
        return lat[0] <= north and lat[1] >= south and lon[0] <= east and lon[1] >= west

    ranges: dict[tuple, dict] = {}
    for group, column, kind, stats in duck.con.execute(
        "SELECT row_group_id, column_name, segment_type, stats FROM pragma_storage_info('crimes') "
        "WHERE column_name IN ('latitude', 'longitude')"
    ).fetchall():
        if kind != "VALIDITY" and isinstance(stats, dict) and stats.get("max") is not None:
            lo, hi = ranges.setdefault(group, {}).get(column, (float("inf"), float("-inf")))
            ranges[group][column] = (min(lo, float(stats["min"])), max(hi, float(stats["max"])))
    duck_read = sum(1 for r in ranges.values() if meets(r["latitude"], r["longitude"]))
    groups = read = 0
    for path in sorted((parquet / "crimes").rglob("*.parquet")):
        meta = pq.ParquetFile(path).metadata
        names = [meta.schema.column(k).name for k in range(meta.num_columns)]
        for g in range(meta.num_row_groups):
            st = [meta.row_group(g).column(names.index(n)).statistics for n in ("latitude", "longitude")]
            groups += 1
            read += all(x is not None and x.has_min_max for x in st) and meets(
                (st[0].min, st[0].max), (st[1].min, st[1].max)
            )
    return (
        f"a 500 m box around {venue} meets {duck_read} of DuckDB's {len(ranges)} row groups "
        f"and {read} of the Parquet export's {groups}"
    )


# ---- engine answers ---------------------------------------------------------------------------


def failed(reply) -> str | None:
    return None if reply.error is None else reply.error


def timeout(reply) -> bool:
    return reply.error is not None and "took longer than" in reply.error


def ask_both(duck: Engine, spark: Engine, qs: list[str], repeat: int, spark_repeat: int) -> None:
    print(f"\n== Engine.ask: warm-up pass, then {repeat} interleaved repeats ({spark_repeat} on Spark)")
    first = {}
    for q in qs:
        d_ms, d = timed(lambda q=q: duck.ask(q))
        s_ms, s = timed(lambda q=q: spark.ask(q))
        first[q] = (d, s, d_ms, s_ms)
    differ = []
    for q, (d, s, _, _) in first.items():
        ok, why = same_reply(d, s)
        if not ok:
            differ.append((q, why, d, s))
    fails = {"duckdb": [], "spark": []}
    for q, (d, s, _, _) in first.items():
        for name, r in (("duckdb", d), ("spark", s)):
            if failed(r):
                fails[name].append((q, r.error, timeout(r)))
    ms = {"duckdb": {q: [] for q in qs}, "spark": {q: [] for q in qs}}
    timed_qs = [q for q in qs if not first[q][0].error or not first[q][1].error]
    for r in range(max(repeat, spark_repeat)):
        for q in timed_qs:
            d, s = first[q][0], first[q][1]
            pair = []
            if r < repeat and not d.error:
                pair.append(("duckdb", duck))
            if r < spark_repeat and not s.error:  # a failed or timed-out answer is not asked again
                pair.append(("spark", spark))
            if r % 2:
                pair.reverse()
            for name, engine in pair:
                t, reply = timed(lambda q=q, engine=engine: engine.ask(q))
                if reply.error:
                    fails[name].append((q, f"(repeat {r + 1}) {reply.error}", timeout(reply)))
                else:
                    ms[name][q].append(t)
    med = {n: {q: statistics.median(v) for q, v in m.items() if v} for n, m in ms.items()}
    print(f"questions: {len(qs)}; answered by DuckDB {len(med['duckdb'])}, by Spark {len(med['spark'])}")
    for name in ("duckdb", "spark"):
        values = list(med[name].values())
        worst = max((max(v) for v in ms[name].values() if v), default=float("nan"))
        print(
            f"{name:7s} ask: p50 {pct(values, 0.5):8.1f} ms   p95 {pct(values, 0.95):8.1f} ms   "
            f"max {max(values, default=float('nan')):8.1f} ms   (slowest single answer {worst:8.1f} ms)"
        )
    warm = [first[q][3] for q in qs if not first[q][1].error]
    print(
        f"spark   first pass (cold plans): p50 {pct(warm, 0.5):8.1f} ms   max {max(warm, default=0):8.1f} ms"
    )
    both = [q for q in qs if q in med["duckdb"] and q in med["spark"]]
    ratios = {q: med["spark"][q] / max(med["duckdb"][q], 0.05) for q in both}
    if ratios:
        r = list(ratios.values())
        p50s = pct([med["spark"][q] for q in both], 0.5) / pct([med["duckdb"][q] for q in both], 0.5)
        print(
            f"Spark / DuckDB per question: median {statistics.median(r):.1f}x   p95 {pct(r, 0.95):.1f}x   "
            f"min {min(r):.1f}x   max {max(r):.1f}x   (ratio of p50s {p50s:.1f}x, {len(both)} questions)"
        )
    for q in sorted(med["spark"], key=med["spark"].get, reverse=True)[:5]:
        print(
            f"    slowest on Spark: {med['spark'][q]:8.1f} ms (DuckDB {med['duckdb'].get(q, float('nan')):7.1f} ms)  {q}"
        )
    for q in sorted(med["duckdb"], key=med["duckdb"].get, reverse=True)[:3]:
        print(
            f"    slowest on DuckDB: {med['duckdb'][q]:7.1f} ms (Spark {med['spark'].get(q, float('nan')):8.1f} ms)  {q}"
        )
    print(f"answers that differ between the engines: {len(differ)}")
    for q, why, d, s in differ:
        print(f"    differs: {q}: {short(why, 300)}")
        print(f"        duckdb: {short(d.sql, 400)}")
        print(f"        spark:  {short(s.sql, 400)}")
    for name in ("duckdb", "spark"):
        n_to = sum(1 for _, _, t in fails[name] if t)
        print(f"{name} failures: {len(fails[name])} (time-outs {n_to})")
        for q, why, _ in fails[name]:
            print(f"    failed: {q}: {short(why)}")


# ---- SQL variants -----------------------------------------------------------------------------


def answer_tree(engine: Engine, question: str):
    """(intent the answer's SQL is built from, its sqlglot tree in DuckDB's meaning), or None when
    the engine's SQL is not a plain build of the intent (no SQL, near me)."""
    parsed = engine.parse(question)
    i = parsed.intent
    if i is None or parsed.sql is None:
        return None
    if i.insight:
        v = engine.vocabulary
        i = what_changed.counts_intent(i, v.anchor_month, v.first_month)
    tree = build(i, engine.facts)
    if portable(tree, engine.dialect).sql(dialect=engine.dialect) != parsed.sql:
        return None
    return i, tree


def relative_windows(i) -> list:
    """The relative windows the statement holds: its period, the previous period and a baseline."""
    out = [w for w in (i.time, i.baseline) if w is not None and w.is_relative]
    prev = previous_window(i)
    if prev is not None and prev.is_relative:
        out.append(prev)
    return out


def _months_between(a: dt.date, b: dt.date) -> int:
    return (a.year - b.year) * 12 + a.month - b.month


def _shift(base: exp.Expression, n: int, unit: str) -> exp.Expression:
    """*base* moved by n units (back when n > 0)."""
    if n == 0:
        return base
    interval = exp.Interval(this=exp.Literal.string(str(abs(n))), unit=exp.var(unit))
    return exp.Sub(this=base, expression=interval) if n > 0 else exp.Add(this=base, expression=interval)


def _max_day() -> exp.Expression:
    """The anchor day D: (SELECT CAST(max(occurred_at) AS DATE) FROM crimes)."""
    latest = exp.cast(exp.Max(this=exp.column("occurred_at")), exp.DataType.Type.DATE)
    return exp.Subquery(this=exp.select(latest).from_("crimes"))


def anchored(kind: str, text: str, facts) -> exp.Expression | None:
    """The expression on the data's own anchor that equals the literal CAST(text AS kind)."""
    max_month = exp.Subquery(this=exp.select(exp.Max(this=exp.column("month"))).from_("crimes"))
    if kind == "DATE":
        day = dt.date.fromisoformat(text)
        if day.day == 1:
            back = _months_between(facts.anchor_month, day)
            return exp.cast(_shift(max_month, back, "MONTH"), exp.DataType.Type.DATE)
        return exp.cast(_shift(_max_day(), (facts.anchor_day - day).days, "DAY"), exp.DataType.Type.DATE)
    if kind == "TIMESTAMP":
        moment = dt.datetime.fromisoformat(text)
        if (moment.minute, moment.second, moment.microsecond) != (0, 0, 0):
            return None
        back = (facts.anchor_day - moment.date()).days
        day = exp.cast(_shift(_max_day(), back, "DAY"), exp.DataType.Type.DATE)
        stamp = exp.cast(day, exp.DataType.Type.TIMESTAMP)
        return _shift(stamp, -moment.hour, "HOUR") if moment.hour else stamp
    return None


def _literal_of(node: exp.Expression) -> tuple[str, str] | None:
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        kind = node.to.this.name if hasattr(node.to.this, "name") else str(node.to.this)
        return kind, node.this.name
    return None


def without_anchors(i, tree, facts) -> tuple[exp.Expression, int] | None:
    """*tree* with every date literal that a relative window resolved to replaced by the equivalent
    expression on the anchor subquery; None when there is none. Only literals of the question's own
    relative windows are replaced (an absolute date elsewhere stays)."""
    windows = relative_windows(i)
    if not windows:
        return None
    wanted = set()
    for w in windows:
        for node in period_condition(i, w, facts).find_all(exp.Cast):
            lit = _literal_of(node)
            if lit:
                wanted.add(lit)
    replaced = 0

    def fix(node):
        nonlocal replaced
        lit = _literal_of(node)
        if lit in wanted:
            new = anchored(*lit, facts)
            if new is not None:
                replaced += 1
                return new
        return node

    out = tree.copy().transform(fix)
    return (out, replaced) if replaced else None


def _box(node: exp.Expression) -> bool:
    """c.latitude / c.longitude BETWEEN two literals: the bounding box of a venue condition."""
    return (
        isinstance(node, exp.Between)
        and isinstance(node.this, exp.Column)
        and node.this.table == "c"
        and node.this.name in ("latitude", "longitude")
        and all(_number(node.args[k]) for k in ("low", "high"))
    )


def _number(node: exp.Expression) -> bool:
    """A number literal, negative ones included (-0.28 is Neg(0.28))."""
    if isinstance(node, exp.Neg):
        node = node.this
    return isinstance(node, exp.Literal) and node.is_number


def without_box(tree) -> tuple[exp.Expression, int] | None:
    """*tree* without its bounding-box predicates (the exact haversine kept); None when it has none."""
    out = tree.copy()
    removed = 0
    while True:
        hits = [n for n in out.find_all(exp.Between) if _box(n)]
        if not hits:
            break
        node = hits[0]
        parent = node.parent
        if not isinstance(parent, exp.And):
            return None
        other = parent.expression if parent.this is node else parent.this
        parent.replace(other)
        removed += 1
    return (out, removed) if removed else None


# ---- raw runs of two variants -----------------------------------------------------------------


def raw_duckdb(con, sql: str):
    return con.execute(sql).fetchall()


def compare_variants(
    title: str,
    cases: list[tuple[str, exp.Expression, exp.Expression]],
    duck: DuckDBBackend,
    spark: SparkBackend,
    repeat: int,
    spark_repeat: int,
    spark_timeout: float,
) -> None:
    """Time the engine's SQL ('engine') and its variant raw on both engines, interleaved."""
    print(f"\n== {title}: {len(cases)} questions, {repeat} interleaved repeats ({spark_repeat} on Spark)")
    if not cases:
        return
    sql = {
        (q, kind, eng): portable(t, eng).sql(dialect=eng)
        for q, base, variant in cases
        for kind, t in (("engine", base), ("variant", variant))
        for eng in ("duckdb", "spark")
    }
    runners = {
        "duckdb": lambda s: duck.run(s, timeout_s=60, row_cap=1_000_000).frame,
        "spark": lambda s: spark.run(s, timeout_s=spark_timeout, row_cap=1_000_000).frame,
    }
    timers = {
        "duckdb": lambda s: raw_duckdb(duck.con, s),  # raw: the statement alone, fetchall
        "spark": runners["spark"],  # raw Spark SQL under the time limit (the guard's parse is ms)
    }
    ms = {(q, k, e): [] for (q, k, e) in sql}
    bad = {}
    for q, _, _ in cases:  # warm-up, and are the answers the same?
        for eng in ("duckdb", "spark"):
            if (q, eng) in bad:
                continue
            frames = {}
            for kind in ("engine", "variant"):
                try:
                    frames[kind] = runners[eng](sql[q, kind, eng])
                except Exception as e:
                    bad[q, eng] = f"{kind}: {short(e)}"
            if len(frames) == 2:
                ok, why = same_frames(frames["engine"], frames["variant"], ordered(sql[q, "engine", eng]))
                if not ok:
                    bad[q, eng] = f"answers differ: {why}"
    for r in range(max(repeat, spark_repeat)):
        for q, _, _ in cases:
            for eng, n in (("duckdb", repeat), ("spark", spark_repeat)):
                if r >= n or (q, eng) in bad:
                    continue
                kinds = ["engine", "variant"] if r % 2 == 0 else ["variant", "engine"]
                for kind in kinds:
                    try:
                        t, _ = timed(lambda s=sql[q, kind, eng], eng=eng: timers[eng](s))
                    except Exception as e:
                        bad[q, eng] = f"{kind}, repeat {r + 1}: {short(e)}"
                        break
                    ms[q, kind, eng].append(t)
    for eng in ("duckdb", "spark"):
        ratio = {}
        for q, _, _ in cases:
            a, b = ms[q, "engine", eng], ms[q, "variant", eng]
            if a and b:
                ratio[q] = (
                    statistics.median(b) / max(statistics.median(a), 0.05),
                    statistics.median(a),
                    statistics.median(b),
                )
        if not ratio:
            print(f"{eng}: nothing timed")
            continue
        r = [x[0] for x in ratio.values()]
        print(
            f"{eng:7s} variant / engine SQL: p50 {pct(r, 0.5):.2f}x   best {max(r):.2f}x   worst {min(r):.2f}x   "
            f"({len(r)} questions; above 1: the engine's SQL is faster)"
        )
        for q in sorted(ratio, key=lambda q: ratio[q][0], reverse=True):
            x, a, b = ratio[q]
            print(f"    {x:6.2f}x  engine {a:8.1f} ms  variant {b:8.1f} ms  {q}")
    same = sum(1 for q, _, _ in cases for e in ("duckdb", "spark") if (q, e) not in bad)
    pairs = 2 * len(cases)
    print(f"answers of the two variants the same: {same} of {pairs} (question, engine) pairs run")
    for (q, eng), why in bad.items():
        print(f"    {eng}: {q}: {why}")
    q0, base, variant = cases[0]
    print(f"example ({q0}):\n    engine:  {short(sql[q0, 'engine', 'duckdb'], 600)}")
    print(f"    variant: {short(sql[q0, 'variant', 'duckdb'], 600)}")


def variant_cases(engine: Engine, qs: list[str]):
    anchors, boxes = [], []
    for q in qs:
        got = answer_tree(engine, q)
        if got is None:
            continue
        i, tree = got
        a = without_anchors(i, tree, engine.facts)
        if a is not None:
            anchors.append((q, tree, a[0]))
        b = without_box(tree)
        if b is not None:
            boxes.append((q, tree, b[0]))
    return anchors, boxes


# ---- main -------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", type=Path, default=ROOT / "data" / "warehouse.duckdb")
    ap.add_argument("--parquet", type=Path, default=ROOT / "data" / "parquet", help="its Parquet export")
    ap.add_argument("--repeat", type=int, default=3, help="timed repeats per question on DuckDB")
    ap.add_argument("--spark-repeat", type=int, default=None, help="on Spark (default: --repeat)")
    ap.add_argument("--duckdb-timeout", type=float, default=5.0, help="Engine time limit (the app's 5 s)")
    ap.add_argument(
        "--spark-timeout", type=float, default=60.0, help="Engine time limit on Spark (the app's 60 s)"
    )
    ap.add_argument("--master", default=os.environ.get("UB_SPARK_MASTER", "local[2]"))
    ap.add_argument("--questions", type=int, default=None, help="an evenly spaced N of the set")
    ap.add_argument(
        "--parts", default="ask,anchors,bbox", help="comma-separated: ask, anchors, bbox (default: all)"
    )
    args = ap.parse_args()
    spark_repeat = args.repeat if args.spark_repeat is None else args.spark_repeat
    # a failed Spark statement would print its Java stack trace here
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    why = spark_available()
    if why:
        sys.exit(f"Spark cannot run here: {why}")
    started = time.perf_counter()
    print("command: python " + " ".join(sys.argv))
    print(f"machine: {os.cpu_count()} cores, {platform.platform()}; load average at start {load()}")
    print(versions())
    qs, source = questions(args.questions)
    print(f"questions: {len(qs)} from {source}")

    duck_backend = DuckDBBackend.open(args.warehouse)
    describe_data(duck_backend, args.parquet, args.warehouse)
    t0 = time.perf_counter()
    duck = Engine(duck_backend, duck_backend.vocabulary(), timeout_s=args.duckdb_timeout)
    t1 = time.perf_counter()
    spark_backend = SparkBackend.open(args.parquet, args.master)
    spark = Engine(spark_backend, spark_backend.vocabulary(), timeout_s=args.spark_timeout)
    t2 = time.perf_counter()
    conf = spark_backend.session.sparkContext.getConf()
    print(
        f"engines: DuckDB (threads {duck_backend.con.execute('SELECT current_setting(' + repr('threads') + ')').fetchone()[0]}, "
        f"time limit {args.duckdb_timeout:g} s), open {t1 - t0:.1f} s; Spark master {args.master} "
        f"(driver memory {conf.get('spark.driver.memory', '?')}, shuffle partitions "
        f"{conf.get('spark.sql.shuffle.partitions', '?')}, time limit {args.spark_timeout:g} s), "
        f"session and vocabulary {t2 - t1:.1f} s"
    )
    print(f"row groups: {layout(duck_backend, args.parquet, duck.facts)}")
    if duck.facts != spark.facts:
        print("WARNING: the two engines read different warehouse facts (anchor, venues, events)")

    parts = set(args.parts.split(","))
    if "ask" in parts:
        ask_both(duck, spark, qs, args.repeat, spark_repeat)
    anchors, boxes = variant_cases(duck, qs)
    if "anchors" in parts:
        compare_variants(
            "literal anchors: engine SQL vs anchor subqueries (raw)",
            anchors,
            duck_backend,
            spark_backend,
            args.repeat,
            spark_repeat,
            args.spark_timeout,
        )
    if "bbox" in parts:
        compare_variants(
            "bounding box: engine SQL vs haversine only (raw)",
            boxes,
            duck_backend,
            spark_backend,
            args.repeat,
            spark_repeat,
            args.spark_timeout,
        )
    print(f"\nload average at end {load()}; {time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
