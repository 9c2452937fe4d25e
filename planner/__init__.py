"""The planning domain: sessions, staff, venues, campaigns, booking rules and their persistence.

Rules are pure functions on domain values; persistence (SQLAlchemy models, services, Alembic
migrations) lives in :mod:`planner.db` and only there.
"""
