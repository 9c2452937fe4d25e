"""The OpenAPI documentation is served whole from the app itself, with no CDN."""

from __future__ import annotations

import re

from litestar.testing import TestClient


def test_openapi_lists_the_endpoints(client: TestClient) -> None:  # type: ignore[type-arg]
    """The OpenAPI document under /schema describes the endpoints."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert sorted(paths) == [
        "/api/geocode",
        "/api/locate",
        "/api/qpv",
        "/api/qpv/{code}",
        "/api/venues",
        "/api/venues/import",
        "/api/venues/{venue_id}",
        "/health",
    ]


def test_openapi_ui_loads_only_local_assets(client: TestClient) -> None:  # type: ignore[type-arg]
    """The /schema page refers only to assets the app serves itself, and each is served."""
    page = client.get("/schema")
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)""", page.text)
    served = {url: client.get(url).status_code for url in urls}
    assert (page.status_code, sorted(served.items())) == (
        200,
        [
            ("/schema/assets/favicon-32x32.png", 200),
            ("/schema/assets/swagger-ui-bundle.js", 200),
            ("/schema/assets/swagger-ui-standalone-preset.js", 200),
            ("/schema/assets/swagger-ui.css", 200),
        ],
    )
