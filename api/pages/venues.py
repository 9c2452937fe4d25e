"""``/lieux``: find a venue by name, commune or quarter (a list and a small map), and
``/lieux/nouveau``: create one from its typed address.

The search is the service behind ``GET /api/venues?q=``; creating calls the one behind ``POST
/api/venues``. When the geocoder is unsure, its proposals are shown to choose from (a list and
points on the map), or the person places the venue on the map (provenance ``manual``); an
unknown address is said by the address field, and nothing is saved until the venue is placed.
"""

from __future__ import annotations

from typing import Any

from litestar import Router, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Now, Placer
from api.pages.base import VIEWER, Viewer, local_path, page
from api.pages.form_values import FormData
from api.pages.venue_form import ON_MAP, PLACE, blank, field_of, kinds, read_venue_form
from geo.geocoding import GeocoderUnavailableError
from planner.access import Access
from planner.db.models import Staff
from planner.db.venue_search import Spot, proposal_spots, search_venues
from planner.db.venues import create_venue, get_venue
from planner.errors import (
    AddressNotFoundError,
    AmbiguousAddressError,
    ConflictError,
    InvalidInputError,
    NotFoundError,
)

SIGN_IN = "/connexion?suivant="
NEW = "/lieux/nouveau"


def _short(text: str) -> bool:
    return 0 < len(text) < 2


@get("/", opt={"access": Access.BOOKER}, include_in_schema=False)
async def venues_page(
    db_session: DbSession,
    viewer: Viewer,
    q: FromQuery[str] = "",
    cree: FromQuery[str] = "",
) -> Template | Redirect:
    """The venues matching ``q`` (every venue when blank), to book one; ``?cree=`` says which
    venue was just created."""
    if viewer is None:
        return Redirect(path=SIGN_IN + "/lieux", status_code=303)
    text, notice = q.strip()[:100], None
    if cree.isascii() and cree.isdigit() and len(cree) <= 9:
        try:
            venue = await get_venue(db_session, int(cree))
        except NotFoundError:
            pass
        else:
            notice, text = f"Lieu « {venue.name} » enregistré.", text or venue.name
    spots, count = ([], 0) if _short(text) else await search_venues(db_session, text)
    return page(
        "lieux.html",
        title="Lieux" + (f" — « {text} »" if text else ""),
        viewer=viewer,
        notice=notice,
        asked=text,
        short=_short(text),
        spots=spots,
        count=count,
    )


def _sentence(text: str) -> str:
    """A service's message as a sentence by its field: capital first, full stop last."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "»")) else text + "."


def _new_page(
    viewer: Staff,
    values: dict[str, str],
    *,
    suivant: str,
    errors: dict[str, str] | None = None,
    proposals: list[Spot] | None = None,
    placing: bool = False,
    problem: str | None = None,
    status: int = 200,
) -> Template:
    errors = errors or {}
    count = len(errors) + (1 if problem else 0)
    return page(
        "lieu_nouveau.html",
        title="Nouveau lieu" + (" (à corriger)" if count else ""),
        viewer=viewer,
        status=status,
        error=f"Lieu non enregistré : {count} point(s) à corriger ou à préciser."
        if count
        else None,
        values=values,
        placed={
            name: [{"kind": "erreur", "text": _sentence(text)}] for name, text in errors.items()
        },
        problem=problem,
        proposals=proposals or [],
        placing=placing or bool(proposals),
        on_map=ON_MAP,
        place_field=PLACE,
        kinds=kinds(),
        suivant=suivant,
    )


@get("/nouveau", opt={"access": Access.BOOKER}, include_in_schema=False)
async def new_venue_page(viewer: Viewer, suivant: FromQuery[str] = "") -> Template | Redirect:
    """The empty form; ``suivant`` is where to go once the venue is created (e.g. the booking
    form, which then has it chosen)."""
    if viewer is None:
        return Redirect(path=SIGN_IN + NEW, status_code=303)
    return _new_page(viewer, blank(), suivant=local_path(suivant, ""))


def _after(suivant: str, venue_id: int) -> str:
    """Where to go once venue ``venue_id`` is created: ``suivant`` with the venue chosen
    (``lieu=``, as the booking form reads it), or the venue list saying it is created."""
    if not suivant:
        return f"/lieux?cree={venue_id}"
    return f"{suivant}{'&' if '?' in suivant else '?'}lieu={venue_id}"


@post("/nouveau", opt={"access": Access.BOOKER}, include_in_schema=False, status_code=303)
async def create_from_page(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    placer: Placer,
    now: Now,
    data: FormData,
) -> Template | Redirect:
    """Create the venue and go on (303); otherwise the form again (422, nothing saved) with
    every error by its field, the geocoder's proposals to choose from, or the map to place it."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN + NEW, status_code=303)
    suivant = local_path(str(data.get("suivant", "")), "")
    form = read_venue_form(data)

    def again(**context: Any) -> Template:
        return _new_page(viewer, form.values, suivant=suivant, status=422, **context)

    if form.venue is None:
        return again(errors=form.errors, placing=form.values[PLACE] == ON_MAP)
    try:
        venue = await create_venue(db_session, placer, form.venue, now=now, caller=caller)
    except InvalidInputError as invalid:
        errors = {field_of(name): text for name, text in invalid.errors.items()}
        return again(errors=errors, problem=errors.pop("", None))
    except AmbiguousAddressError as unsure:
        proposals = await proposal_spots(db_session, placer, unsure.candidates)
        return again(problem=str(unsure), proposals=proposals)
    except AddressNotFoundError as unknown:
        return again(errors={"street": str(unknown)}, placing=True)
    except ConflictError as clash:
        return again(errors={"name": str(clash)})
    except GeocoderUnavailableError:
        return again(
            problem="Le géocodage ne répond pas pour l'instant : réessayez dans un moment, "
            "ou placez le lieu sur la carte.",
            placing=True,
        )
    await db_session.flush()
    return Redirect(path=_after(suivant, venue.id), status_code=303)


router = Router(
    path="/lieux",
    route_handlers=[venues_page, new_venue_page, create_from_page],
    dependencies=VIEWER,
    tags=["pages"],
)

__all__ = ["router"]
