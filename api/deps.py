"""The dependencies routes ask for by name: their type aliases and the app's providers, declared
once here instead of in every route module.

A handler parameter annotated ``db_session: DbSession`` receives the request's database session
(the SQLAlchemy plugin provides it); ``now: Now`` receives the instant the request is handled,
read once per request from the app's clock (HOUSE_STYLE, "Time is injected"); ``caller:
CallerDep`` the staff member the request was authenticated as (``None``: anonymous).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from litestar.di import NamedDependency, Provide
from sqlalchemy.ext.asyncio import AsyncSession

from api.auth import provide_caller
from api.feeds.service import FeedService
from api.jobs import JobRunner
from api.settings import Settings
from planner.access import Caller
from planner.clock import Clock
from planner.db.venues import VenuePlacer
from planner.session import RuleSettings

DbSession = NamedDependency[AsyncSession]
CallerDep = NamedDependency[Caller | None]
Rules = NamedDependency[RuleSettings]
Runner = NamedDependency[JobRunner]
AppSettings = NamedDependency[Settings]
Feeds = NamedDependency[FeedService]
Placer = NamedDependency[VenuePlacer]
Now = NamedDependency[datetime]
Retention = NamedDependency[timedelta]


def app_dependencies(
    settings: Settings,
    *,
    placer: VenuePlacer,
    feeds: FeedService,
    runner: JobRunner,
    clock: Clock,
) -> dict[str, Provide]:
    """The app-wide providers: one instance of each service for the app's life, the caller
    resolved by :class:`api.auth.CallerMiddleware`, ``now`` from ``clock`` once per request,
    and ``retention``, how long a cancelled session stays public (as in feeds)."""
    rules = settings.rule_settings()
    retention = timedelta(days=settings.feed_cancelled_retention_days)
    return {
        "placer": Provide(lambda: placer, sync_to_thread=False),
        "rules": Provide(lambda: rules, sync_to_thread=False),
        "caller": Provide(provide_caller, sync_to_thread=False),
        "feeds": Provide(lambda: feeds, sync_to_thread=False),
        "runner": Provide(lambda: runner, sync_to_thread=False),
        "settings": Provide(lambda: settings, sync_to_thread=False),
        "now": Provide(lambda: clock(), sync_to_thread=False),
        "retention": Provide(lambda: retention, sync_to_thread=False),
    }
