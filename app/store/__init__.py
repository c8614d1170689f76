"""The state store: users, boards, dashboards and the audit log (SQLite or PostgreSQL, no streamlit).

    from app.store import Store, User, Board, Tile, Dashboard, Pin, AuditEntry
    from app.store import NotFound, Forbidden, Conflict, AuthError, ValidationError
    store = Store(path)            # the caller resolves the path (warehouse.paths.state_path())
    store = Store("postgresql://user@host:5432/db")   # the same store on PostgreSQL (psycopg 3)

Every exception's ``str()`` is a short message to show the user. ``Conflict.current``
is the saved Board/Dashboard (or User for a taken username).

Accounts (``actor=None`` = trusted code such as the CLI; otherwise admins only):
    authenticate(username, password) -> User              # AuthError; audited
    get_user(username) -> User;  list_users(actor=None) -> [User];  directory(actor) -> [User]
    list_teams() -> [str]
    add_user(actor, username, password, *, role="officer", team=None, display_name=None) -> User
    update_user(actor, username, *, display_name=None, role=None, team=None) -> User   # team="" clears
    disable_user(actor, username);  enable_user(actor, username);  reset_password(actor, username, pw)
    change_password(actor, old_password, new_password) -> User

Boards (actor first; permission checked here; ``expected_version`` = ``board.version`` as opened):
    create_board(actor, title, *, event=None, notes="", tiles=()) -> Board
    get_board(actor, board_id) -> Board;  list_boards(actor, *, everything=False) -> [Board]
    update_board(actor, board_id, expected_version, *, title=None, notes=None, event=None) -> Board
    add_tile(actor, board_id, expected_version, *, title="", question="", intent=None, chart=None) -> Board
    update_tile(actor, board_id, tile_id, expected_version, *, title=None, question=None, intent=None, chart=None)
    rename_tile(actor, board_id, tile_id, title, expected_version) -> Board
    move_tile(actor, board_id, tile_id, new_position, expected_version) -> Board
    remove_tile(actor, board_id, tile_id, expected_version) -> Board
    share_board(actor, board_id, "user"|"team", principal, "viewer"|"editor") -> Board
    unshare_board(actor, board_id, "user"|"team", principal) -> Board
    duplicate_board(actor, board_id, title, event=None, retarget=None) -> Board   # retarget(Tile) -> Tile
    delete_board(actor, board_id, expected_version=None) -> None

Dashboards (same rules):
    create_dashboard(actor, title, *, filters=None, refresh_seconds=None, pins=()) -> Dashboard
    get_dashboard(actor, id);  list_dashboards(actor, *, everything=False)
    update_dashboard(actor, id, expected_version, *, title=None, filters=None, refresh_seconds=None)
    pin(actor, id, expected_version, *, title="", question="", intent=None, chart=None, source="ask")
    update_pin(actor, id, pin_id, expected_version, *, title=None, question=None, intent=None, chart=None)
    unpin(actor, id, pin_id, expected_version);  move_pin(actor, id, pin_id, new_position, expected_version)
    share_dashboard / unshare_dashboard / delete_dashboard   (as for boards)
    ensure_supervisor_overview(actor, pins) -> Dashboard | None

Sessions and recent questions (app/store/sessions.py):
    start_session(actor, *, lifetime) -> token;  resume_session(token, *, idle) -> User   # AuthError
    keep_session(token, *, idle, touch_every) -> bool;  end_session(token, reason="sign_out")
    remember_question(actor, question, keep=8);  recent_questions(actor, limit=8) -> [str]

Audit:
    audit(actor, action, target_kind=None, target_id=None, detail=None, ok=True) -> int
    search_audit(actor, username=None, action=None, since=None, until=None, text=None, limit=500)
    export_audit_csv(actor, ...same filters...) -> str      # audited as 'export'
"""

from app.store.audit import ACTIONS
from app.store.errors import AuthError, Conflict, Forbidden, NotFound, StoreError, ValidationError
from app.store.models import AuditEntry, Board, Dashboard, Pin, Share, Tile, User
from app.store.store import Store

__all__ = [
    "ACTIONS",
    "AuditEntry",
    "AuthError",
    "Board",
    "Conflict",
    "Dashboard",
    "Forbidden",
    "NotFound",
    "Pin",
    "Share",
    "Store",
    "StoreError",
    "Tile",
    "User",
    "ValidationError",
]
