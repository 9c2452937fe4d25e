"""A resident's search for their neighbourhood: by its name, its commune, a postcode or an address.

The answer never claims more than it knows: an address is said to be *in* a QPV only when the
geocoder placed it at a house number or a street; a postcode, a commune or an address found only
at commune level lists the commune's QPVs and says why, never "your address is in this quarter".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.geocoding import Candidate, GeocoderUnavailableError
from geo.text import fold
from planner.db.models import Commune, CommunePostcode, Qpv, QpvCommune
from planner.db.territory import communes_named, list_qpvs
from planner.db.venues import VenuePlacer

LIMIT = 30
"""At most this many neighbourhoods are listed."""

PRECISE = frozenset({"housenumber", "street"})
"""The geocoder's precisions at which a point stands for the typed address itself."""

POSTCODE = re.compile(r"^\d{5}$")
POSTCODE_IN = re.compile(r"(?<!\d)\d{5}(?!\d)")


@dataclass(frozen=True, slots=True)
class Found:
    """One neighbourhood in the answer, with what is known of it relative to the search."""

    qpv: Qpv
    inside: bool = False
    """The typed address lies in it (placed at a house number or a street)."""
    distance_m: float | None = None
    """From the typed address, when it lies in no QPV and this is the nearest."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the search page shows: the neighbourhoods found and how they were found."""

    found: list[Found] = field(default_factory=list)
    address: str | None = None
    """The geocoder's label of the typed address, when the search went through it."""
    commune_level: bool = False
    """The address was placed only at commune level: the list is the commune's QPVs."""
    postcode: str | None = None
    """The list is the QPVs of this postcode's communes (typed alone, or the only part of an
    address the geocoder could not place)."""
    commune: str | None = None
    """The commune named at the end of an address the geocoder could not place."""
    geocoder_down: bool = False


async def find_neighbourhoods(session: AsyncSession, placer: VenuePlacer, text: str) -> Answer:
    """The QPVs a resident's ``text`` designates (see the module's docstring)."""
    text = text.strip()
    if not fold(text):
        return Answer()
    if POSTCODE.match(text):
        found = [Found(q) for q in await _of_postcode(session, text)][:LIMIT]
        return Answer(found, postcode=text)
    by_name = await _by_words(session, text)
    by_commune = [q for q in await _of_communes_named(session, text) if q not in by_name]
    if by_name or by_commune:
        return Answer([Found(q) for q in [*by_name, *by_commune][:LIMIT]])
    return await _by_address(session, placer, text)


async def _by_words(session: AsyncSession, text: str) -> list[Qpv]:
    """QPVs whose name holds the text, else whose name and communes hold every word of it
    ("Etouvie Amiens" finds Etouvie, in Amiens)."""
    whole = list(await list_qpvs(session, text=text))
    if whole:
        return whole
    words = [w for w in fold(text).split() if len(w) >= 3]
    if len(words) < 2:
        return []
    query = (
        select(Qpv)
        .where(or_(*(Qpv.name_folded.contains(w, autoescape=True) for w in words)))
        .order_by(Qpv.code)
    )
    matches = []
    for qpv in await session.scalars(query):
        haystack = " ".join([qpv.name_folded, *(fold(c.name) for c in qpv.communes)]).split()
        if all(any(h.startswith(w) for h in haystack) for w in words):
            matches.append(qpv)
    return matches


async def _of_communes_named(session: AsyncSession, text: str) -> list[Qpv]:
    found: list[Qpv] = []
    for code in await communes_named(session, text):
        found += await list_qpvs(session, commune=code)
    return found


async def _of_communes(session: AsyncSession, insee_codes: list[str]) -> list[Qpv]:
    if not insee_codes:
        return []
    hosting = select(QpvCommune.qpv_code).where(QpvCommune.insee_code.in_(insee_codes))
    return list(await session.scalars(select(Qpv).where(Qpv.code.in_(hosting)).order_by(Qpv.code)))


async def _of_postcode(session: AsyncSession, postcode: str) -> list[Qpv]:
    codes = await session.scalars(
        select(CommunePostcode.insee_code).where(CommunePostcode.postcode == postcode)
    )
    return await _of_communes(session, list(codes))


async def _by_postcode_in(session: AsyncSession, text: str) -> Answer:
    """An address the geocoder could not place: its postcode's QPVs, said to be only that."""
    postcode = POSTCODE_IN.search(text)
    if postcode is None:
        return await _by_commune_at_end(session, text)
    qpvs = await _of_postcode(session, postcode.group())
    return Answer([Found(q) for q in qpvs][:LIMIT], postcode=postcode.group())


async def _by_commune_at_end(session: AsyncSession, text: str) -> Answer:
    """An address the geocoder could not place, ending with a commune's name: its QPVs."""
    words = fold(text).split()
    for count in (3, 2, 1):
        if len(words) > count:
            codes = await communes_named(session, " ".join(words[-count:]))
            qpvs = await _of_communes(session, codes)
            if qpvs:
                commune = await session.get(Commune, codes[0])
                name = commune.name if commune else None
                return Answer([Found(q) for q in qpvs][:LIMIT], commune=name, commune_level=True)
    return Answer()


async def _by_address(session: AsyncSession, placer: VenuePlacer, text: str) -> Answer:
    """The QPV holding a typed address, or the nearest one; the commune's QPVs when the
    address is known only at commune level."""
    try:
        candidates = await placer.geocoding.geocode(text, limit=1)
    except GeocoderUnavailableError:
        return Answer(geocoder_down=True)
    if not candidates or candidates[0].score < 0.5:
        return await _by_postcode_in(session, text)
    best: Candidate = candidates[0]
    if best.precision not in PRECISE:
        codes = [best.insee_code] if best.insee_code else []
        qpvs = await _of_communes(session, codes)
        return Answer([Found(q) for q in qpvs][:LIMIT], address=best.label, commune_level=True)
    territory = await placer.territory.get(session)
    inside = territory.qpvs.locate(best.lon, best.lat)
    if inside:
        qpv = await session.get(Qpv, inside)
        return Answer([Found(qpv, inside=True)] if qpv else [], address=best.label)
    nearest = territory.qpvs.nearest(best.lon, best.lat)
    qpv = await session.get(Qpv, nearest.code) if nearest else None
    if qpv is None or nearest is None:
        return Answer(address=best.label)
    return Answer([Found(qpv, distance_m=nearest.distance_m)], address=best.label)
