"""The calendars page: a resident finds Etouvie by name, commune or address, and subscribes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from litestar.testing import TestClient

Client = TestClient  # type: ignore[type-arg]


class Links(HTMLParser):
    """Collects the links and the script and external resources of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if tag in {"script", "link", "img"}:
            self.external.append(tag)


def _links(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def test_search_by_neighbourhood_name(client: Client) -> None:
    """Typing "etouvie" lists Etouvie with a link to its page."""
    page = client.get("/calendriers", params={"q": "etouvie"})
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert [h for h in _links(page.text).hrefs if h.startswith("/calendriers/qpv/")] == [
        "/calendriers/qpv/QN08001M"
    ]


def test_search_by_commune_lists_its_neighbourhoods(client: Client) -> None:
    """Typing a commune lists the QPVs it hosts."""
    page = client.get("/calendriers", params={"q": "ROUBAIX"})
    assert [h for h in _links(page.text).hrefs if h.startswith("/calendriers/qpv/")] == [
        "/calendriers/qpv/QN05980M",
        "/calendriers/qpv/QN05981M",
        "/calendriers/qpv/QN05969M",
    ]


def test_search_by_address_locates_the_neighbourhood(client: Client) -> None:
    """A typed address is geocoded and placed in its QPV."""
    page = client.get("/calendriers", params={"q": "25 rue Léon Blum 59950 Auby"})
    assert [h for h in _links(page.text).hrefs if h.startswith("/calendriers/qpv/")] == [
        "/calendriers/qpv/QN05901M"
    ]


def test_search_escapes_what_is_typed(client: Client) -> None:
    """What a person types is shown back escaped, never as markup."""
    page = client.get("/calendriers", params={"q": "<script>alert(1)</script>"})
    assert ("<script>alert" in page.text, "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text) == (
        False,
        True,
    )


def test_neighbourhood_page_offers_webcal_https_and_qr(client: Client) -> None:
    """Etouvie's page links the feed as webcal and https, draws a QR code, and loads nothing."""
    page = client.get("/calendriers/qpv/QN08001M")
    links = _links(page.text)
    feed = "127.0.0.1:8000/feeds/qpv/QN08001M.ics"
    assert f"webcal://{feed}" in links.hrefs
    assert (f"http://{feed}" in page.text, "<svg" in page.text, links.external) == (True, True, [])
    assert [h for h in ("Google Agenda", "Outlook", "Apple") if h not in page.text] == []
    subscribed = client.get(re.sub(r"^http://127\.0\.0\.1:8000", "", f"http://{feed}"))
    assert (subscribed.status_code, subscribed.text.startswith("BEGIN:VCALENDAR")) == (200, True)


def test_unknown_neighbourhood_page_is_404(client: Client) -> None:
    """An unknown QPV code is a 404."""
    assert client.get("/calendriers/qpv/QN99999Z").status_code == 404
