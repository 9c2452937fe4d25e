"""Persistence: SQLAlchemy 2 models, the engine factory, Alembic migrations and services."""
