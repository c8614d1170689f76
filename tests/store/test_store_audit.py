"""The audit log: append-only, who may read what, search and CSV export."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import app
from app.store import Forbidden, ValidationError

QUESTION = {
    "text": "robberies in Camden last month",
    "sql": "SELECT count(*) FROM crimes",
    "rows": 1,
    "duration_ms": 12.5,
}


def test_audit_round_trip(store, people):
    row_id = store.audit(people.officer, "question", detail=QUESTION)
    (entry,) = store.search_audit(people.officer, action="question")
    assert entry.id == row_id and entry.username == "officer" and entry.ok
    assert entry.detail == QUESTION and entry.at == datetime(2025, 6, 1, 11, 0, tzinfo=UTC)
    store.audit(
        people.officer, "export", "answer", None, {"format": "csv", "when": date(2025, 1, 1)}, ok=False
    )
    latest = store.search_audit(people.officer, limit=1)[0]
    assert (latest.action, latest.target_kind, latest.ok, latest.detail["when"]) == (
        "export",
        "answer",
        False,
        "2025-01-01",
    )
    with pytest.raises(ValidationError, match="Unknown audit action"):
        store.audit(people.officer, "sneaky")


def test_update_and_delete_are_refused_by_triggers(store, people, raw):
    store.audit(people.officer, "question", detail=QUESTION)
    with pytest.raises(raw.Error, match="append-only"):
        raw.execute("UPDATE audit_log SET username = 'someone_else'")
    with pytest.raises(raw.Error, match="append-only"):
        raw.execute("DELETE FROM audit_log")
    assert raw.one("SELECT count(*) FROM audit_log WHERE username = 'officer'") == (1,)


def test_truncate_is_refused_on_postgres(store, people, raw):
    if raw.dialect != "postgres":
        pytest.skip("SQLite has no TRUNCATE")
    store.audit(people.officer, "question", detail=QUESTION)
    with pytest.raises(raw.Error, match="append-only"):
        raw.execute("TRUNCATE audit_log")
    assert store.verify_audit() is None


def test_no_code_path_updates_or_deletes_audit_rows():
    sources = [p for p in Path(app.__file__).parent.rglob("*") if p.suffix in (".py", ".sql")]
    assert sources
    pattern = re.compile(
        r"\b(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|REPLACE\s+INTO\s+audit_log)\b", re.I
    )
    offenders = [str(p) for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_officers_and_sergeants_see_only_their_own_rows(store, people):
    for who in (people.officer, people.sergeant, people.supervisor, people.admin):
        store.audit(who, "question", detail={"text": f"asked by {who.username}"})
    for who in (people.officer, people.sergeant):
        assert {e.username for e in store.search_audit(who)} == {who.username}
        assert store.search_audit(who, username=who.username.upper())[0].username == who.username
        with pytest.raises(Forbidden, match="only see your own activity"):
            store.search_audit(who, username="admin")
        with pytest.raises(Forbidden, match="only see your own activity"):
            store.export_audit_csv(who, username="admin")
        assert "asked by admin" not in store.export_audit_csv(who)
    for who in (people.supervisor, people.admin):
        assert {"officer", "sergeant", "supervisor", "admin"} <= {e.username for e in store.search_audit(who)}
        assert [e.username for e in store.search_audit(who, username="officer", action="question")] == [
            "officer"
        ]


def test_search_filters(store, people, clock):
    store.audit(people.officer, "question", detail={"text": "burglary 100% up_in Brent"})
    clock.advance(days=1)
    store.audit(people.officer, "question", detail={"text": "robbery in Camden"})
    clock.advance(days=1)
    store.audit(people.officer, "download", "answer", "robbery-camden")

    def find(**filters):
        return [
            e.detail.get("text") or e.target_id
            for e in store.search_audit(people.admin, username="officer", **filters)
        ]

    assert find() == ["robbery-camden", "robbery in Camden", "burglary 100% up_in Brent"]
    assert find(text="camden") == ["robbery-camden", "robbery in Camden"]
    assert find(text="100%") == ["burglary 100% up_in Brent"]
    assert find(text="p_i") == ["burglary 100% up_in Brent"]  # underscore is literal, not a wildcard
    assert find(since=date(2025, 6, 2)) == ["robbery-camden", "robbery in Camden"]
    assert find(until=date(2025, 6, 2)) == ["robbery in Camden", "burglary 100% up_in Brent"]
    assert find(since=datetime(2025, 6, 2, 12, tzinfo=UTC)) == ["robbery-camden"]
    assert find(action="download") == ["robbery-camden"]
    assert len(store.search_audit(people.admin, limit=2)) == 2
    with pytest.raises(ValidationError, match="Limit"):
        store.search_audit(people.admin, limit=0)


def test_export_csv_is_audited_and_safe_for_spreadsheets(store, people):
    store.audit(people.officer, "question", detail={"text": '=HYPERLINK("http://evil")'})
    store.audit(people.officer, "download", "answer", "@SUM(A1)")
    text = store.export_audit_csv(people.supervisor, username="officer")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["action"] for r in rows] == ["download", "question"]
    assert rows[0]["target_id"] == "'@SUM(A1)"
    assert '"text": "=HYPERLINK' in rows[1]["detail"]  # JSON cells start with "{"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    export = store.search_audit(people.supervisor, action="export")[0]
    assert export.username == "supervisor" and export.detail["rows"] == 2
    assert export.detail["filters"]["username"] == "officer"


def test_disabled_users_cannot_read_the_audit(store, people):
    store.disable_user(people.admin, "supervisor")
    with pytest.raises(Forbidden, match="disabled"):
        store.search_audit(people.supervisor)


# REPLACE on SQLite; its PostgreSQL equivalent, an upsert, runs the update trigger.
REPLACE = {
    "sqlite": "INSERT OR REPLACE INTO audit_log (id, at, username, action, detail, ok, prev_hash, row_hash)"
    " VALUES (?, '2025-01-01', 'officer', 'question', '{}', 1, '', '')",
    "postgres": "INSERT INTO audit_log (id, at, username, action, detail, ok, prev_hash, row_hash)"
    " VALUES (?, '2025-01-01', 'officer', 'question', '{}', 1, '', '')"
    " ON CONFLICT (id) DO UPDATE SET detail = excluded.detail",
}


def test_insert_or_replace_cannot_rewrite_a_row(store, people, raw):
    row_id = store.audit(people.officer, "question", detail=QUESTION)
    with pytest.raises(raw.Error, match="append-only"):
        raw.execute(REPLACE[raw.dialect], (row_id,))
    assert store.search_audit(people.officer, action="question")[0].detail == QUESTION
    assert store.verify_audit() is None


def test_hash_chain_finds_the_first_tampered_row(store, people, raw):
    ids = [store.audit(people.officer, "question", detail={"n": n}) for n in range(5)]
    assert store.verify_audit() is None
    raw.drop_trigger("audit_log_append_only_update")  # what an attacker with the file can do
    raw.execute("UPDATE audit_log SET detail = '{\"n\": 99}' WHERE id = ?", (ids[2],))
    broken = store.verify_audit()
    assert broken is not None and broken.id == ids[2] and "changed" in broken.reason


def test_hash_chain_finds_a_deleted_row(store, people, raw):
    ids = [store.audit(people.officer, "question", detail={"n": n}) for n in range(4)]
    raw.drop_trigger("audit_log_append_only_delete")
    raw.execute("DELETE FROM audit_log WHERE id = ?", (ids[1],))
    broken = store.verify_audit()
    assert broken is not None and broken.id == ids[2] and "previous" in broken.reason


def test_hash_chain_finds_rows_removed_from_the_end(store, people, raw):
    ids = [store.audit(people.officer, "question", detail={"n": n}) for n in range(3)]
    raw.drop_trigger("audit_log_append_only_delete")
    raw.execute("DELETE FROM audit_log WHERE id = ?", (ids[-1],))
    broken = store.verify_audit()
    assert broken is not None and broken.id == ids[-1] and "end of the log" in broken.reason
    # The next row does not reuse the id, so the gap stays visible.
    assert store.audit(people.officer, "question") > ids[-1]


def test_verify_audit_command(store, people, raw, capsys):
    from app.users import main

    store.audit(people.officer, "question", detail=QUESTION)
    assert main(["--state", str(store.path), "verify-audit"]) == 0
    assert "intact" in capsys.readouterr().out
    raw.drop_trigger("audit_log_append_only_update")
    raw.execute("UPDATE audit_log SET username = 'someone' WHERE action = 'question'")
    assert main(["--state", str(store.path), "verify-audit"]) == 1
    assert re.search(r"broken at row \d+", capsys.readouterr().err)
