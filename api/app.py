"""The Litestar application factory: everything is built from the :class:`Settings` given."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from advanced_alchemy.extensions.litestar import (
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
    SQLAlchemyPlugin,
)
from litestar import Litestar
from litestar.datastructures import State
from litestar.logging import LoggingConfig
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router
from swagger_ui_bundle import swagger_ui_path

from api.errors import exception_handlers
from api.routes.health import health
from api.routes.territory import locate_point, qpv_detail, qpv_list
from api.settings import Settings
from planner.db.engine import create_engine
from planner.db.territory import TerritoryCache


def _version() -> str:
    try:
        return version("allervers")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+source"


DOCS_ASSETS = "/schema/assets"


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


def create_app(settings: Settings) -> Litestar:
    """Build the application for ``settings``; nothing global is read or configured."""
    database = SQLAlchemyAsyncConfig(
        engine_instance=create_engine(settings.database_url),
        session_config=AsyncSessionConfig(expire_on_commit=False),
        session_dependency_key="db_session",
        before_send_handler="autocommit",
        set_default_exception_handler=False,
    )
    return Litestar(
        route_handlers=[
            health,
            qpv_list,
            qpv_detail,
            locate_point,
            create_static_files_router(
                path=DOCS_ASSETS,
                directories=[str(swagger_ui_path)],
                include_in_schema=False,
                name="docs-assets",
            ),
        ],
        plugins=[SQLAlchemyPlugin(config=database)],
        exception_handlers=exception_handlers(),
        state=State({"settings": settings, "territory": TerritoryCache()}),
        openapi_config=OpenAPIConfig(
            title="allervers",
            version=_version(),
            description=(
                "Planification des actions « aller vers » dans les quartiers prioritaires (QPV)."
            ),
            path="/schema",
            render_plugins=[_swagger()],
        ),
        logging_config=LoggingConfig(
            root={"level": settings.log_level, "handlers": ["queue_listener"]},
            log_exceptions="never",
        ),
        debug=settings.debug,
    )
