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
        self.resources: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        for name in ("src", "href") if tag in {"script", "link", "img"} else ():
            if values.get(name):
                self.resources.append(str(values[name]))
        if tag == "img":
            self.images.append(str(values.get("src")))


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
    """Etouvie's page links the feed as webcal and https, draws a QR code, and loads nothing
    from another site."""
    page = client.get("/calendriers/qpv/QN08001M")
    links = _links(page.text)
    feed = "127.0.0.1:8000/feeds/qpv/QN08001M.ics"
    assert f"webcal://{feed}" in links.hrefs
    assert (f"http://{feed}" in page.text, links.images[0][:26]) == (
        True,
        "data:image/svg+xml;charset",
    )
    assert [r for r in links.resources if not r.startswith(("/", "data:"))] == []
    assert [h for h in ("Google Agenda", "Outlook", "Apple") if h not in page.text] == []
    subscribed = client.get(re.sub(r"^http://127\.0\.0\.1:8000", "", f"http://{feed}"))
    assert (subscribed.status_code, subscribed.text.startswith("BEGIN:VCALENDAR")) == (200, True)


def test_unknown_neighbourhood_page_is_404(client: Client) -> None:
    """An unknown QPV code is a 404."""
    assert client.get("/calendriers/qpv/QN99999Z").status_code == 404


def _found(page_text: str) -> list[str]:
    return [h for h in _links(page_text).hrefs if h.startswith("/calendriers/qpv/")]


AMIENS = [
    "/calendriers/qpv/QN08001M",
    "/calendriers/qpv/QN08002M",
    "/calendriers/qpv/QN08003M",
    "/calendriers/qpv/QN08004M",
    "/calendriers/qpv/QN08005M",
    "/calendriers/qpv/QN08006M",
    "/calendriers/qpv/QN08010N",
]


def test_neighbourhood_and_commune_typed_together(client: Client) -> None:
    """ "Etouvie Amiens" finds Etouvie, in Amiens, and only it."""
    page = client.get("/calendriers", params={"q": "Etouvie Amiens"})
    assert _found(page.text) == ["/calendriers/qpv/QN08001M"]


def test_postcode_alone_lists_its_communes_quarters_without_claiming_one(client: Client) -> None:
    """A postcode lists the QPVs of its communes and never says the address is in one."""
    page = client.get("/calendriers", params={"q": "80000"})
    assert (sorted(_found(page.text)), "est dans ce quartier" in page.text) == (AMIENS, False)
    assert "code postal 80000" in page.text


def test_address_placed_at_commune_level_says_so(client: Client) -> None:
    """An address found only at commune level lists the commune's QPVs and says why."""
    for typed in ("Hôtel de ville 80000 Amiens", "12 rue Imaginaire 80000 Amiens", "gare d'Amiens"):
        page = client.get("/calendriers", params={"q": typed})
        assert (sorted(_found(page.text)), "est dans ce quartier" in page.text) == (AMIENS, False)
        assert "code postal 80000" in page.text or "niveau de la commune" in page.text, typed


def test_address_outside_every_quarter_gives_the_nearest_in_french(client: Client) -> None:
    """An address in no QPV gets the nearest one, its distance with a decimal comma."""
    page = client.get("/calendriers", params={"q": "3 Place de la Mairie 02200 Acy"})
    assert _found(page.text) == ["/calendriers/qpv/QN00214M"]
    assert re.search(r"à \d+,\d km\)", page.text) is not None


def _webcal_paths(html: str) -> list[str]:
    return ["/" + h.split("/", 3)[3] for h in _links(html).hrefs if h.startswith("webcal://")]


def test_directory_offers_audience_and_kind_calendars_that_answer(client: Client) -> None:
    """The directory lists a calendar per audience and per kind; each address is a feed."""
    paths = _webcal_paths(client.get("/calendriers").text)
    assert "/feeds/public.ics?audience=jeunes-16-25" in paths
    assert "/feeds/kind/employer_forum.ics" in paths
    answers = {p: client.get(p).status_code for p in paths}
    assert [p for p, status in answers.items() if status != 200] == []


def test_neighbourhood_page_offers_its_commune_and_nearby_forums(client: Client) -> None:
    """Etouvie's page offers Amiens' calendar and the employer forums within 10 km."""
    paths = _webcal_paths(client.get("/calendriers/qpv/QN08001M").text)
    forums = [p for p in paths if "kind=employer_forum" in p]
    assert "/feeds/commune/80021.ics" in paths
    assert (len(forums), "radius_km=10" in forums[0]) == (1, True)
    assert [client.get(p).status_code for p in paths] == [200] * len(paths)
