"""Coverage's reading of each session, ``session_reach``, kept current by one Session hook.

Coverage sums the sessions of a period per QPV and per organisation. Read from the sessions
themselves, each sum joins their QPVs (``session_qpv``), staff (``session_staff``), partners and
outcomes: PostgreSQL hashed those tables whole, several times over, ~300 ms of a 400 ms answer
at 100,000 sessions (``bench/coverage.py``). A ``session_reach`` row holds what those joins give
for one session — its kind, status, lead organisation, start, hours, staff-hours, outcome
figures, the QPVs it serves and its other organisations — so that coverage reads one row per
session, and spreads it over its QPVs with ``unnest`` (PostgreSQL) or ``json_each`` (SQLite).

Like :mod:`planner.db.shown`, the hook runs on every SQLAlchemy ``Session``, after each flush,
in the same transaction: the rows of the sessions changed, or whose QPVs, staff, partners or
outcome changed, are built again from them by one ``INSERT … SELECT`` (:func:`rebuild`), so no
service can forget and a rolled-back change leaves no trace. Writes that bypass the unit of
work (the benchmarks' bulk INSERTs) call :func:`rebuild` themselves; migration 0017 filled it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Integer,
    String,
    cast,
    delete,
    event,
    func,
    insert,
    inspect,
    literal_column,
    select,
    union,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from planner.db.models import (
    OutreachSession,
    SessionOutcome,
    SessionPartner,
    SessionQpv,
    SessionReach,
    SessionStaff,
)

READ_FROM = (SessionQpv, SessionStaff, SessionPartner, SessionOutcome)
"""The rows besides the session's own that its reach is made of."""
READ_ON_SESSION = (
    "kind",
    "status",
    "organisation_id",
    "start_at",
    "end_at",
    "staff",
    "partners",
    "qpvs",
    "outcome",
)
"""A session's attributes its reach is made of: a change to another (a place taken by a
registration, a title) rebuilds nothing."""
CHUNK = 500
"""Sessions rebuilt per statement (a flush of thousands stays under the engines' limits on
bound values)."""


def hours(dialect: str) -> ColumnElement[Any]:
    """A session's length in hours, in the dialect's own date arithmetic (PostgreSQL's
    ``date_part`` is a float, where ``extract`` is a numeric ~40 % slower to sum)."""
    start, end = OutreachSession.start_at, OutreachSession.end_at
    if dialect == "postgresql":
        return func.date_part("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _listed(dialect: str, column: Any, kind: Any) -> ColumnElement[Any]:
    """The values of ``column`` over a subquery's rows: an array (empty, not null, for no row)
    on PostgreSQL, a JSON array on SQLite."""
    if dialect == "postgresql":
        return func.coalesce(func.array_agg(column), cast(literal_column("'{}'"), ARRAY(kind)))
    return func.json_group_array(column)


def reach_rows(dialect: str, ids: Collection[int] | None) -> Any:
    """The ``session_reach`` rows of the sessions ``ids`` (of every session for ``None``), as a
    SELECT of the table's columns."""
    s = OutreachSession
    length = hours(dialect)
    staff = (
        select(func.count()).where(SessionStaff.session_id == s.id).correlate(s).scalar_subquery()
    )
    qpvs = (
        select(_listed(dialect, SessionQpv.qpv_code, String))
        .where(SessionQpv.session_id == s.id)
        .correlate(s)
        .scalar_subquery()
    )
    others = union(
        select(SessionStaff.organisation_id.label("org"))
        .where(SessionStaff.session_id == s.id, SessionStaff.organisation_id != s.organisation_id)
        .correlate(s),
        select(SessionPartner.organisation_id)
        .where(
            SessionPartner.session_id == s.id, SessionPartner.organisation_id != s.organisation_id
        )
        .correlate(s),
    ).subquery("others")
    organisations = select(_listed(dialect, others.c.org, Integer)).correlate(s).scalar_subquery()
    outcome = SessionOutcome
    query = select(
        s.id,
        s.kind,
        s.status,
        s.organisation_id,
        s.start_at,
        length,
        length * staff,
        func.coalesce(outcome.people_met, 0),
        func.coalesce(outcome.new_contacts, 0),
        func.coalesce(outcome.job_offers, 0),
        func.coalesce(outcome.immersions, 0),
        qpvs,
        organisations,
    ).outerjoin(outcome, outcome.session_id == s.id)
    if ids is not None:
        query = query.where(s.id.in_(sorted(ids)))
    return query


COLUMNS = [column.name for column in SessionReach.__table__.columns]
"""The table's columns in their order, which :func:`reach_rows` selects in."""


def rebuild(connection: Connection, ids: Collection[int] | None = None) -> None:
    """Build again the reach of the sessions ``ids`` (of every session for ``None``) from their
    rows: what was there goes, what the sessions now are comes (none for a deleted one).

    On PostgreSQL, a transaction changing a session waits, at the DELETE, for another that
    rebuilt the same row to end; its INSERT then meets that row, and updates it with what it
    reads — both changes, the other's being committed."""
    if ids is None:
        connection.execute(delete(SessionReach))
        connection.execute(
            insert(SessionReach).from_select(COLUMNS, reach_rows(connection.dialect.name, None))
        )
        return
    listed = sorted(ids)
    engine = postgresql if connection.dialect.name == "postgresql" else sqlite
    for start in range(0, len(listed), CHUNK):
        chunk = listed[start : start + CHUNK]
        connection.execute(delete(SessionReach).where(SessionReach.session_id.in_(chunk)))
        fill = engine.insert(SessionReach).from_select(
            COLUMNS, reach_rows(connection.dialect.name, chunk)
        )
        # another transaction may have put the row back since the DELETE read (PostgreSQL):
        # this one's rows, read after it committed, then win
        connection.execute(
            fill.on_conflict_do_update(
                index_elements=[SessionReach.session_id],
                set_={name: fill.excluded[name] for name in COLUMNS[1:]},
            )
        )


def _touched(session: Session) -> set[int]:
    """The sessions whose reach this flush changes: the sessions added, deleted or modified in
    what their reach reads, and those whose QPVs, staff, partners or outcome were."""
    ids: set[int] = set()
    for row in [*session.new, *session.deleted]:
        if isinstance(row, OutreachSession) and row.id is not None:
            ids.add(row.id)
        elif isinstance(row, READ_FROM) and row.session_id is not None:
            ids.add(row.session_id)
    for row in session.dirty:
        if isinstance(row, OutreachSession):
            state = inspect(row)
            if any(state.attrs[name].history.has_changes() for name in READ_ON_SESSION):
                ids.add(row.id)
        elif isinstance(row, READ_FROM) and row.session_id is not None:
            ids.add(row.session_id)
    return ids


@event.listens_for(Session, "after_flush")
def _keep_reach(session: Session, _context: Any) -> None:
    """Rebuild, in the flush's transaction, the reach of the sessions it touched."""
    rebuild(session.connection(), _touched(session))
