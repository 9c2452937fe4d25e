"""Persistence: SQLAlchemy 2 models, the engine factory, Alembic migrations and services."""

# Every session of this package keeps current what sessions show (see planner.db.shown) and
# what coverage reads of them (see planner.db.reach).
from planner.db import reach as _reach  # noqa: F401
from planner.db import shown as _shown  # noqa: F401
