"""The OpenAPI documentation is served whole from the app itself, with no CDN."""

from __future__ import annotations

import re

from litestar.testing import TestClient


def test_openapi_lists_the_endpoints(client: TestClient) -> None:  # type: ignore[type-arg]
    """The OpenAPI document under /schema describes the endpoints."""
    paths = client.get("/schema/openapi.json").json()["paths"]
    assert sorted(paths) == [
        "/api/audit",
        "/api/campaigns",
        "/api/campaigns/{campaign_id}",
        "/api/campaigns/{campaign_id}/plan",
        "/api/campaigns/{campaign_id}/plans",
        "/api/campaigns/{campaign_id}/plans/{plan_id}",
        "/api/campaigns/{campaign_id}/plans/{plan_id}/accept",
        "/api/campaigns/{campaign_id}/plans/{plan_id}/publish",
        "/api/campaigns/{campaign_id}/plans/{plan_id}/withdraw",
        "/api/communes.geojson",
        "/api/coverage",
        "/api/coverage.csv",
        "/api/coverage.png",
        "/api/departements.geojson",
        "/api/eligibility",
        "/api/geocode",
        "/api/immersions/{immersion_id}",
        "/api/jobs/{job_id}",
        "/api/locate",
        "/api/open-data",
        "/api/open-data/{territory}",
        "/api/organisations",
        "/api/organisations/{org_id}",
        "/api/organisations/{organisation_id}/partners",
        "/api/organisations/{organisation_id}/partners/{partner_id}",
        "/api/organisations/{organisation_id}/partners/{partner_id}/agree",
        "/api/qpv",
        "/api/qpv/{code}",
        "/api/registrations/{secret}",
        "/api/registrations/{secret}/accept",
        "/api/registrations/{secret}/cancel",
        "/api/series",
        "/api/sessions",
        "/api/sessions/check",
        "/api/sessions/held",
        "/api/sessions/{session_id}",
        "/api/sessions/{session_id}/attendance",
        "/api/sessions/{session_id}/cancel",
        "/api/sessions/{session_id}/funnel",
        "/api/sessions/{session_id}/hires",
        "/api/sessions/{session_id}/immersions",
        "/api/sessions/{session_id}/outcome",
        "/api/sessions/{session_id}/publish",
        "/api/sessions/{session_id}/registrations",
        "/api/sessions/{session_id}/registrations.csv",
        "/api/sessions/{session_ref}",
        "/api/staff",
        "/api/staff/available",
        "/api/staff/me/feed-token",
        "/api/staff/{staff_id}",
        "/api/staff/{staff_id}/invitation",
        "/api/tokens",
        "/api/tokens/{token_id}",
        "/api/venues",
        "/api/venues/import",
        "/api/venues/{venue_id}",
        "/donnees-ouvertes/{territory}/qpv.csv",
        "/donnees-ouvertes/{territory}/qpv.geojson",
        "/feeds/commune/{filename}",
        "/feeds/kind/{filename}",
        "/feeds/organisation/{filename}",
        "/feeds/public.ics",
        "/feeds/qpv/{filename}",
        "/feeds/staff/{filename}",
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


def test_openapi_booking_body_has_an_example(client: TestClient) -> None:  # type: ignore[type-arg]
    """The booking request shows a worked example in the documentation."""
    body = client.get("/schema/openapi.json").json()["paths"]["/api/sessions"]["post"]
    example = body["requestBody"]["content"]["application/json"]["schema"]["examples"][0]
    assert (example["kind"], example["staff_ids"]) == ("neighbourhood_session", [2, 3])
