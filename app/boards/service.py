"""The boards domain, without Streamlit: plan a board, starter tiles, re-target and duplicate,
run tiles, build the briefing. Pages draw; this module decides.

Every function takes the engine (``nlq.Engine``) and, where it saves, the store (``app.store.Store``)
as arguments, so it runs the same under the app, in a benchmark and in a unit test.

    report, problem = plan_report(engine, board.event)
    results = run_tiles(engine, board.tiles)            # side by side
    plan = plan_duplicate(engine, board, {"venue": "The O2", ...})
    copy = duplicate(engine, store, user, board, plan.title, plan.event)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from app import briefing, periods
from app.briefing import PLAN_PARTS, TileResult, plan_part
from app.store import Conflict, Tile

log = logging.getLogger(__name__)

DEFAULT_START = dt.time(18, 0)
DEFAULT_END = dt.time(23, 30)
DEFAULT_RADIUS = 500
KIND_PREFIX = "kind:"  # a "learn from" choice naming a kind of event: "kind:concert"
ALL = (
    "all"  # the "learn from" choice for every past event at the venue (None reads as "no choice" in widgets)
)
TILE_WORKERS = 4
NOTES = (
    "Planning notes: briefing points, resources and contacts go here "
    "(markdown: **bold**, - lists, [links](https://example.org))."
)


# ---- the planning report, cached ---------------------------------------------------------------------

_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def warehouse_key(engine) -> str:
    """What identifies the data an engine answers from: its file and modification time."""
    try:
        row = engine.con.execute("SELECT file FROM pragma_database_list WHERE name = current_database()")
        path = row.fetchone()[0]
        import os

        return f"{path}:{os.stat(path).st_mtime}" if path else str(id(engine))
    except Exception:
        return str(id(engine))


def _time(value, default: dt.time) -> dt.time:
    if isinstance(value, dt.time):
        return value
    try:
        return dt.time.fromisoformat(str(value)) if value else default
    except ValueError:
        return default


def plan(engine, venue, start, end, radius_m, event_name=None, event_category=None):
    """``nlq.planning.plan_event``, cached per warehouse and parameters (the data does not change
    while the warehouse file stays the same). Raises ValueError like plan_event."""
    from nlq.planning import plan_event

    key = (warehouse_key(engine), id(engine), venue, f"{start:%H:%M}", f"{end:%H:%M}", int(radius_m),
           event_name, event_category)  # fmt: skip
    with _CACHE_LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    report = plan_event(engine, venue, start, end, int(radius_m), event_name, event_category=event_category)
    with _CACHE_LOCK:
        _CACHE[key] = report
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return report


def clear_cache() -> None:
    with _CACHE_LOCK:
        _CACHE.clear()


def plan_report(engine, event: dict):
    """(PlanReport, None) for a board's event details, or (None, the reason it can't be run)."""
    event = event or {}
    if not event.get("venue"):
        return None, "This board has no venue, so there is no event analysis."
    try:
        report = plan(
            engine,
            event["venue"],
            _time(event.get("start_time"), DEFAULT_START),
            _time(event.get("end_time"), DEFAULT_END),
            int(event.get("radius_m") or DEFAULT_RADIUS),
            event.get("event_name"),
            event.get("event_category"),
        )
    except ValueError as exc:
        return None, f"The event analysis for {event['venue']} can't be run: {exc}."
    except Exception:
        log.exception("plan_event failed")
        return None, "The event analysis failed to run. Please try again in a minute."
    return report, None


def forecast_for(report, venue_point=None):
    """The hour-by-hour expectation for the next event (see ``nlq.planning.forecast``)."""
    from nlq.planning import forecast

    return forecast(report, venue_point)


# ---- what to learn from --------------------------------------------------------------------------


def events_at(engine, venue: str | None) -> list[dict]:
    return [e for e in engine.vocabulary.events if e.get("venue") == venue]


def learn_choices(engine, venue: str | None) -> list[str | None]:
    """'Learn from' options at a venue: None (all past events), 'kind:<category>', event names."""
    events = events_at(engine, venue)
    kinds = sorted({e["category"] for e in events if e.get("category")})
    names = sorted({e["name"] for e in events})
    return [ALL, *(KIND_PREFIX + k for k in kinds if len(kinds) > 1), *names]


def learn_label(choice: str | None, venue: str | None) -> str:
    if choice is None or choice == ALL:
        return f"All past events at {venue}"
    if choice.startswith(KIND_PREFIX):
        return f"Past {choice.removeprefix(KIND_PREFIX)} events at {venue}"
    return choice


def split_learn(choice: str | None) -> tuple[str | None, str | None]:
    """(event_name, event_category) of a 'learn from' choice."""
    if choice is None or choice == ALL:
        return None, None
    if choice.startswith(KIND_PREFIX):
        return None, choice.removeprefix(KIND_PREFIX)
    return choice, None


def join_learn(event: dict) -> str | None:
    if (event or {}).get("event_name"):
        return event["event_name"]
    if (event or {}).get("event_category"):
        return KIND_PREFIX + event["event_category"]
    return ALL


def _kind_of(engine, event: dict) -> str | None:
    """The category of the events a board learns from ('concert' for the Eras Tour)."""
    if event.get("event_category"):
        return event["event_category"]
    name = event.get("event_name")
    kinds = {e.get("category") for e in engine.vocabulary.events if name and e["name"] == name}
    kinds.discard(None)
    return next(iter(kinds)) if len(kinds) == 1 else None


def default_learn(engine, old_event: dict, new_venue: str) -> tuple[str, str]:
    choice, note = _default_learn(engine, old_event, new_venue)
    return choice or ALL, note


def _default_learn(engine, old_event: dict, new_venue: str) -> tuple[str | None, str]:
    """The default 'learn from' for a copy at ``new_venue``, and a sentence saying why: the same
    event if it was held there, else past events of the same kind there, else all past events there."""
    old_event = old_event or {}
    events = events_at(engine, new_venue)
    if not events:
        return (
            None,
            f"The events table has no past events at {new_venue}: there is nothing to learn from there.",
        )
    name = old_event.get("event_name")
    if name and new_venue == old_event.get("venue"):
        return name, f"Learning from {name}, as the original board did."
    if name and any(e["name"] == name for e in events):
        return name, f"Learning from past {name} events at {new_venue}."
    kind = _kind_of(engine, old_event)
    kinds = {e.get("category") for e in events}
    what = f"“{name}”" if name else "the original board's events"
    if kind and kind in kinds:
        count = sum(1 for e in events if e.get("category") == kind)
        if len(kinds) == 1:
            return None, f"Learning from all {count} past events at {new_venue} ({kind} events, like {what})."
        return (
            KIND_PREFIX + kind,
            f"Learning from the {count} past {kind} events at {new_venue}, like {what}.",
        )
    if kind:
        return None, (
            f"{new_venue} has no past {kind} events like {what}: learning from all {len(events)} past events "
            f"there ({', '.join(sorted({e['category'] for e in events if e.get('category')}))})."
        )
    return None, f"Learning from all {len(events)} past events at {new_venue}."


# ---- starter tiles -----------------------------------------------------------------------------------


def _distance(radius_m: int) -> str:
    return f"{radius_m / 1000:g} km" if radius_m >= 1000 and radius_m % 100 == 0 else f"{radius_m} m"


def top_types(report, n: int = 2) -> list[str]:
    """Crime types with the most extra crimes per event (clearly above normal), else the most crimes."""
    frame = report.uplift
    rising = frame[(frame["extra_low"] > 0) & (frame["event_count"] >= 3)]
    if rising.empty:
        rising = frame[frame["event_count"] > 0].sort_values("event_count", ascending=False)
    return [str(t) for t in rising["crime_type"].head(n)]


def _during(report) -> dict:
    if report.event_name:
        return {"event": report.event_name, "event_venue": report.venue}
    if report.event_category:
        return {"event_category": report.event_category, "event_venue": report.venue}
    return {}


def starter_intents(report) -> list[tuple[str, object]]:
    """(title, Intent) for the starter board's question tiles: built directly, never parsed."""
    from nlq import Intent

    near = {"venues": (report.venue,), "radius_m": int(report.radius_m)}
    during = _during(report)
    learned = report.learned_from
    top = top_types(report)
    out = []
    if during:
        out.append((f"Crime types during {learned}", Intent(**near, **during, group_by=("crime_type",))))
    for crime_type in top[:1]:
        title = f"{crime_type} by hour" + (f" during {learned}" if during else "")
        out.append((title, Intent(crime_types=(crime_type,), **near, **during, group_by=("hour",))))
    for crime_type in top[:2]:
        out.append(
            (f"{crime_type} by month within {_distance(report.radius_m)}",
             Intent(crime_types=(crime_type,), **near, group_by=("month",)))
        )  # fmt: skip
    return out


def starter_tiles(engine, report) -> list[Tile]:
    """Planning-section tiles, then question tiles (each saved with its intent)."""
    tiles = [Tile(id="", title=title, intent={"plan": part}) for part, title in PLAN_PARTS.items()]
    for title, intent in starter_intents(report):
        tiles.append(
            Tile(id="", title=title, question=intent.describe(engine.data_as_of), intent=intent.to_dict())
        )
    return tiles


def default_title(event: dict, report=None) -> str:
    """'Taylor Swift | The Eras Tour · Sat 20 Jun 2026' or 'The O2 · Sun 01 Mar 2026'."""
    event = event or {}
    name = event.get("event_name") or event.get("venue") or "Event"
    if report is not None and report.event_name:
        name = report.event_name
    day = event.get("date")
    try:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)) if day else None
    except ValueError:
        day = None
    return f"{name} · {day:%a %d %b %Y}" if day else str(name)


def plan_board(engine, store, user, venue, day, start, end, radius_m=DEFAULT_RADIUS, event_name=None,
               title=None, event_category=None):  # fmt: skip
    """Run the planning report and save a starter board. Raises ValueError (bad venue, no past
    events) or StoreError; returns the new Board."""
    report = plan(engine, venue, start, end, int(radius_m), event_name, event_category)
    event = {
        "venue": report.venue,
        "event_name": report.event_name,
        "event_category": report.event_category,
        "date": day,
        "start_time": start,
        "end_time": end,
        "radius_m": int(radius_m),
    }
    title = (title or "").strip() or default_title(event, report)
    tiles = starter_tiles(engine, report)
    return store.create_board(user, title, event=event, notes=NOTES, tiles=tiles)


# ---- running tiles -------------------------------------------------------------------------------------


def tile_intent(tile):
    """The saved Intent with the tile's chart choice, or ValueError."""
    from nlq import Intent

    intent = Intent.from_dict(tile.intent)
    if tile.chart and intent.chart != tile.chart:
        intent = intent.with_chart(tile.chart)
    return intent


def run_tile(engine, tile) -> TileResult:
    """Answer one tile live. Never raises: problems become this tile's error."""
    part = plan_part(tile)
    if part is not None:
        if part not in PLAN_PARTS:
            return TileResult(tile, error=f"Unknown planning section {part!r}.")
        return TileResult(tile, plan_part=part)
    try:
        if tile.intent:
            try:
                intent = tile_intent(tile)
            except (ValueError, TypeError, KeyError) as exc:
                if not tile.question:
                    raise ValueError(f"its saved question can no longer be read ({exc})") from exc
                reply = engine.ask(tile.question)  # an old saved intent: ask the question again
            else:
                reply = engine.run(intent, question=tile.question)
        elif tile.question:
            reply = engine.ask(tile.question)
        else:
            return TileResult(tile, error="This tile has no question.")
    except Exception as exc:
        log.exception("tile %s failed", getattr(tile, "id", ""))
        return TileResult(tile, error=f"This tile could not be answered: {exc}")
    if reply.error:
        return TileResult(tile, reply=reply, error=f"This tile's question no longer works: {reply.error}")
    try:
        period = periods.period_text(reply.intent, engine.vocabulary)
    except Exception:
        period = ""
    return TileResult(tile, reply=reply, period=period)


def run_tiles(engine, tiles, workers: int = TILE_WORKERS) -> list[TileResult]:
    """Every tile answered, side by side (each query runs on its own DuckDB cursor), in tile order."""
    tiles = list(tiles)
    if len(tiles) <= 1:
        return [run_tile(engine, t) for t in tiles]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(lambda t: run_tile(engine, t), tiles))


def tile_period(engine, tile, report=None) -> str:
    """The period a tile covers, in words, even when its question named none."""
    if plan_part(tile) is not None:
        return f"past events: {report.period}" if report is not None else ""
    try:
        intent = tile_intent(tile)
    except (ValueError, TypeError, KeyError):
        return ""
    return periods.period_text(intent, engine.vocabulary)


# ---- duplicating for another venue or date ----------------------------------------------------------


def retarget_tile(tile, old_event: dict, new_event: dict, data_as_of=None):
    """The tile about the new venue and event. Planning sections follow the board's event, so
    they are kept as they are; so is a tile whose saved question can't be read."""
    if plan_part(tile) is not None or not tile.intent:
        return tile
    try:
        intent = tile_intent(tile)
    except (ValueError, TypeError, KeyError):
        return tile
    old_venue, new_venue = old_event.get("venue"), new_event.get("venue")
    moved = bool(intent.venues and new_venue and new_venue != old_venue)
    if moved:
        intent = intent.retarget(venue=new_venue)
    if intent.venues and new_event.get("radius_m") and new_event.get("radius_m") != old_event.get("radius_m"):
        intent = dataclasses.replace(intent, radius_m=int(new_event["radius_m"]))
    if intent.event or intent.event_category:
        venue = new_venue or intent.event_venue
        if new_event.get("event_name"):
            intent = dataclasses.replace(
                intent, event=new_event["event_name"], event_category=None, event_year=None, event_venue=venue
            )
        elif new_event.get("event_category"):
            intent = dataclasses.replace(
                intent,
                event=None,
                event_category=new_event["event_category"],
                event_year=None,
                event_venue=venue,
            )
        elif moved or new_venue != old_venue:
            intent = intent.without("event")  # those events were not at the new venue
    title = retarget_title(tile.title, old_event, new_event)
    return dataclasses.replace(
        tile, title=title, intent=intent.to_dict(), question=intent.describe(data_as_of)
    )


def _learned(event: dict) -> str | None:
    if event.get("event_name"):
        return event["event_name"]
    if event.get("event_category"):
        return f"{event['event_category']} events"
    return None


def retarget_title(title: str, old_event: dict, new_event: dict) -> str:
    """A tile title with the old venue and events replaced by the new ones."""
    out = title
    old_what, new_what = _learned(old_event or {}), _learned(new_event or {})
    if old_what and old_what in out:
        out = out.replace(f" during {old_what}", f" during {new_what}" if new_what else " during past events")
        out = out.replace(old_what, new_what or "past events")
    old_venue, new_venue = (old_event or {}).get("venue"), (new_event or {}).get("venue")
    if old_venue and new_venue and old_venue in out:
        out = out.replace(old_venue, new_venue)
    old_r, new_r = (old_event or {}).get("radius_m"), (new_event or {}).get("radius_m")
    if old_r and new_r and old_r != new_r:
        out = out.replace(f"within {_distance(int(old_r))}", f"within {_distance(int(new_r))}")
    return out


@dataclass
class DuplicatePlan:
    """What a duplicate will hold, worked out before anything is saved."""

    event: dict
    title: str
    tiles: list = field(default_factory=list)  # re-targeted tiles that run
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (tile title, why) left out
    learn_note: str = ""  # which past events the copy learns from, and why
    problem: str | None = None  # the event analysis can't run at all: say why (nothing is saved)
    moved: dict = field(default_factory=dict)  # source tile id -> re-targeted tile
    drop_ids: set = field(default_factory=set)  # source tile ids left out

    @property
    def messages(self) -> list[str]:
        out = [self.learn_note] if self.learn_note else []
        out += [f"“{t}” is left out: {why}" for t, why in self.dropped]
        return out


def plan_duplicate(engine, board, new_event: dict, title: str | None = None) -> DuplicatePlan:
    """Re-target every tile of ``board`` for ``new_event`` and try each: a tile that cannot run
    there is listed with the reason and left out. A 'learn from' that does not exist at the new
    venue falls back to the default for that venue (with a sentence saying so)."""
    old_event = dict(board.event or {})
    new_event = dict(new_event or {})
    venue = new_event.get("venue")
    note = ""
    names = {e["name"] for e in events_at(engine, venue)}
    kinds = {e.get("category") for e in events_at(engine, venue)}
    bad_name = new_event.get("event_name") and new_event["event_name"] not in names
    bad_kind = new_event.get("event_category") and new_event["event_category"] not in kinds
    if "event_name" not in new_event and "event_category" not in new_event or bad_name or bad_kind:
        choice, note = default_learn(engine, old_event, venue)
        if bad_name or bad_kind:
            what = new_event.get("event_name") or f"{new_event.get('event_category')} events"
            note = f"There were no past {what} at {venue}. " + note
        new_event["event_name"], new_event["event_category"] = split_learn(choice)
    else:
        what = learn_label(join_learn(new_event), venue)
        note = f"Learning from: {what}."
    plan_ = DuplicatePlan(event=new_event, title=title or default_title(new_event), learn_note=note)
    report, problem = plan_report(engine, new_event)
    if report is None:
        plan_.problem = problem
    moved = [retarget_tile(tile, old_event, new_event, engine.data_as_of) for tile in board.tiles]
    questions = [t for t in moved if plan_part(t) is None]
    errors = {id(t): r.error for t, r in zip(questions, run_tiles(engine, questions), strict=True)}
    for source, tile in zip(board.tiles, moved, strict=True):
        plan_.moved[source.id] = tile
        if plan_part(tile) is not None:
            why = (problem or "the event analysis can't run there") if report is None else None
        else:
            why = errors.get(id(tile))
        if why:
            plan_.dropped.append((tile.title, why))
            plan_.drop_ids.add(source.id)
        else:
            plan_.tiles.append(tile)
    return plan_


def duplicate(engine, store, user, board, title: str, new_event: dict, plan_: DuplicatePlan | None = None):
    """A copy of ``board`` for ``new_event`` owned by ``user``, with only tiles that run there (when
    the event analysis cannot run at the new venue, its sections are left out and the board says why)."""
    plan_ = plan_ or plan_duplicate(engine, board, new_event, title)
    copy = store.duplicate_board(
        user, board.id, title, event=plan_.event, retarget=lambda t: plan_.moved.get(t.id, t)
    )
    # the copy's tiles are in the source's order: remove those that cannot run there
    drop = [new.id for old, new in zip(board.tiles, copy.tiles, strict=False) if old.id in plan_.drop_ids]
    for tile_id in drop:
        copy = store.remove_tile(user, copy.id, tile_id, copy.version)
    return copy


# ---- the briefing and the Ask page's control ---------------------------------------------------------


def briefing_html(board, report, results, *, report_error=None, forecast=None, **meta) -> str:
    """The board's HTML briefing (see ``app.briefing.build_html`` for ``meta``)."""
    return briefing.build_html(board, report, results, report_error=report_error, forecast=forecast, **meta)


def add_reply(store, user, reply, board_id: str | None, title: str, new_title: str = ""):
    """Add ``reply`` as a tile (to a new board when ``board_id`` is None); returns the board.
    Adding does not overwrite anything, so on Conflict it is retried once on the saved version."""
    fields = {
        "title": title.strip() or reply.question,
        "question": reply.question or "",
        "intent": reply.intent.to_dict(),
        "chart": reply.chart if reply.chart in ("number", "line", "bar", "map", "table") else None,
    }
    if board_id is None:
        return store.create_board(user, new_title.strip() or "My board", tiles=[Tile(id="", **fields)])
    board = store.get_board(user, board_id)
    try:
        return store.add_tile(user, board_id, board.version, **fields)
    except Conflict as exc:
        return store.add_tile(user, board_id, exc.current.version, **fields)
