"""Persistence: SQLAlchemy 2 models, the engine factory, Alembic migrations and services."""

# Every session of this package keeps what sessions show current (see planner.db.shown).
from planner.db import shown as _shown  # noqa: F401
