"""The Litestar application factory: everything is built from the :class:`Settings` given."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar, Router
from litestar.datastructures import State
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from swagger_ui_bundle import swagger_ui_path

from api import coverage_page, pages
from api.access_log import access_log
from api.auth import CallerMiddleware
from api.browser import csrf_middleware, session_middleware
from api.deps import app_dependencies
from api.errors import exception_handlers
from api.feeds.middleware import feed_cache, forget_feeds_after_writes
from api.feeds.service import FeedService
from api.guards import access_guard, declare_access, openapi_components
from api.head import head_as_get
from api.input_check import refuse_unreadable_input
from api.jobs import job_runner, start_if_needed
from api.log_config import logging_config
from api.problems_doc import document_problems
from api.public_answers import PublicAnswers, public_answers
from api.routes import ROUTERS
from api.settings import Settings
from geo.gazetteer import OfflineGeocoder
from geo.geocoding import GeocoderChain
from geo.providers import build_geocoders
from planner.access import Access
from planner.clock import Clock, system_clock
from planner.db.engine import create_engine
from planner.db.geocoding import GeocodingService
from planner.db.map_context import CommuneOutlines
from planner.db.territory import TerritoryCache
from planner.db.venues import VenuePlacer
from planner.db.wake import WAKER


def _version() -> str:
    try:
        return version("allervers")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+source"


DOCS_ASSETS = "/schema/assets"
PUBLIC = {"access": Access.ANYONE}
"""Route-level access of the static files and of the OpenAPI document's own routes."""
STATIC = Path(__file__).with_name("static")
"""The app's own static files (Leaflet, the coverage page's script), served under /static."""
TEMPLATES = Path(__file__).with_name("templates")
"""The Jinja templates of the pages (one base layout, ``base.html``)."""


def _swagger() -> SwaggerRenderPlugin:
    """Swagger UI served from our own static files (the swagger-ui-bundle package), no CDN."""
    return SwaggerRenderPlugin(
        version=swagger_ui_path.name.removeprefix("swagger-ui-"),
        js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
        css_url=f"{DOCS_ASSETS}/swagger-ui.css",
        standalone_preset_js_url=f"{DOCS_ASSETS}/swagger-ui-standalone-preset.js",
        path="/swagger",
        favicon=f"<link rel='icon' type='image/png' href='{DOCS_ASSETS}/favicon-32x32.png'>",
    )


def chain_factory(settings: Settings) -> Callable[[OfflineGeocoder], GeocoderChain]:
    """How the geocoder chain of ``ALLERVERS_GEOCODERS`` is built around a gazetteer."""

    def make_chain(offline: OfflineGeocoder) -> GeocoderChain:
        geocoders = build_geocoders(
            settings.geocoder_chain,
            offline=offline,
            ban_domain=settings.ban_domain,
            ban_scheme=settings.ban_scheme,
            nominatim_domain=settings.nominatim_domain,
            nominatim_scheme=settings.nominatim_scheme,
            user_agent=settings.geocoder_user_agent,
            timeout=settings.geocoder_timeout,
        )
        return GeocoderChain(geocoders, confident_score=settings.geocode_min_score)

    return make_chain


def build_placer(
    settings: Settings, engine: AsyncEngine, *, clock: Clock = system_clock
) -> VenuePlacer:
    """The venue placer (geocoder chain, gazetteer, territory) for ``settings`` on ``engine``."""
    return VenuePlacer(
        geocoding=GeocodingService(
            async_sessionmaker(engine, expire_on_commit=False),
            chain_factory(settings),
            clock=clock,
        ),
        territory=TerritoryCache(),
        min_score=settings.geocode_min_score,
        serve_radius_m=settings.serve_radius_m,
    )


def app_from_environment() -> Litestar:
    """The application the ``ALLERVERS_*`` variables describe: what each worker process of
    ``allervers serve --workers N`` builds for itself."""
    return create_app(Settings.from_env())


def create_app(settings: Settings, *, clock: Clock = system_clock) -> Litestar:
    """Build the application for ``settings``; nothing global is read or configured. Handlers
    read the current instant from ``clock`` (once per request), tests may give a fixed one.

    Raises :class:`api.guards.UndeclaredAccessError` when a route handler declares no access.
    """
    engine = create_engine(settings.database_url)
    placer = build_placer(settings, engine, clock=clock)
    feeds = FeedService(settings)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    runner = job_runner(settings, clock=clock)

    async def start_jobs() -> None:
        await start_if_needed(runner, sessions)

    async def stop_jobs() -> None:
        await asyncio.to_thread(runner.stop)

    database = SQLAlchemyAsyncConfig(
        engine_instance=engine,
        # a transaction that gave the runner work wakes it when it commits (planner.db.wake)
        session_config=AsyncSessionConfig(expire_on_commit=False, info={WAKER: runner.wake}),
        session_dependency_key="db_session",
        # pages answer a successful form with a 303 redirect: commit on 3xx too
        before_send_handler="autocommit_include_redirects",
        set_default_exception_handler=False,
    )
    app = Litestar(
        route_handlers=[
            *ROUTERS,
            *pages.ROUTERS,
            coverage_page.router,
            create_static_files_router(
                path="/static",
                directories=[STATIC],
                include_in_schema=False,
                name="static",
                opt=PUBLIC,
            ),
            create_static_files_router(
                path=DOCS_ASSETS,
                directories=[str(swagger_ui_path)],
                include_in_schema=False,
                name="docs-assets",
                opt=PUBLIC,
            ),
        ],
        plugins=[SQLAlchemyPlugin(config=database)],
        exception_handlers=exception_handlers(),
        before_request=refuse_unreadable_input,
        before_send=[forget_feeds_after_writes(feeds)],
        # a feed remembered moments ago is served to a request without credentials before
        # anything else; otherwise the browser session is loaded first, the caller resolved
        # from it (or a bearer token) before CSRF is checked (a revoked token is a 401
        # everywhere) and before a remembered public answer is served
        middleware=[
            access_log,
            feed_cache(feeds),  # credential-less feed requests: before anything else
            session_middleware(settings, database),
            DefineMiddleware(CallerMiddleware, sessions=sessions),
            csrf_middleware(settings),
            public_answers(PublicAnswers(feeds)),
        ],
        guards=[access_guard],
        template_config=TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine),
        state=State(
            {
                "settings": settings,
                "territory": placer.territory,
                "communes": CommuneOutlines(),
                "sessions": sessions,
            }
        ),
        dependencies=app_dependencies(
            settings, placer=placer, feeds=feeds, runner=runner, clock=clock
        ),
        on_startup=[start_jobs],
        on_shutdown=[stop_jobs],
        openapi_config=OpenAPIConfig(
            title="allervers",
            version=_version(),
            description=(
                "Planification des actions « aller vers » dans les quartiers prioritaires (QPV)."
            ),
            path="/schema",
            render_plugins=[_swagger()],
            components=openapi_components(),
            openapi_router=Router(
                "/schema", route_handlers=[], include_in_schema=False, opt=PUBLIC
            ),
        ),
        logging_config=logging_config(settings.log_level),
        debug=settings.debug,
    )
    app.asgi_handler = head_as_get(app.asgi_handler)  # before routing: GET routes answer HEAD
    return document_problems(declare_access(app))
