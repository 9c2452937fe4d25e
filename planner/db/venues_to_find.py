"""Stand-in venues: "lieu à trouver dans le quartier" for a QPV no registered venue serves.

A campaign plan proposes the evening and the pair for such a QPV anyway (travel counted to the
QPV's centroid); when the plan is accepted, its session is booked as a draft at the QPV's
stand-in venue (one per QPV, shared, placed at the centroid, flagged ``to_find``). The booking
rules refuse to publish a session there (:func:`planner.rules_hard.check_placed`): its organiser
sets the real venue first, on the session's page.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from geo.text import fold
from planner.db.audit import audited
from planner.db.models import Qpv, QpvCommune, Venue
from planner.db.venues import venue_snapshot
from planner.errors import NotFoundError
from planner.venue import VenueKind

TO_FIND = "Lieu à trouver dans le quartier"
"""The stand-in's name as plans show it."""


def stand_in_key(qpv_code: str) -> str:
    """The stand-in's address key (unique, never an address anyone types)."""
    return f"lieu-a-trouver:{qpv_code}"


async def stand_in_venue(
    session: AsyncSession, qpv_code: str, *, now: datetime, actor_id: int | None
) -> Venue:
    """The QPV's stand-in venue, created the first time (audited as made by ``actor_id``, who
    accepted the plan)."""
    found = await session.scalar(select(Venue).where(Venue.address_key == stand_in_key(qpv_code)))
    if found is not None:
        return found
    qpv = await session.get(Qpv, qpv_code)
    if qpv is None:
        raise NotFoundError(f"Aucun QPV {qpv_code}.")
    commune = await session.scalar(
        select(QpvCommune).where(QpvCommune.qpv_code == qpv_code).order_by(QpvCommune.position)
    )
    name = f"{TO_FIND} {qpv.name}"
    venue = Venue(
        name=name,
        name_folded=fold(name),
        kind=VenueKind.OTHER.value,
        street=TO_FIND,
        postcode=None,
        commune_name=commune.name if commune is not None else qpv.name,
        address_key=stand_in_key(qpv_code),
        lon=qpv.centroid_lon,
        lat=qpv.centroid_lat,
        geocode_provider="manual",
        geocode_score=None,
        geocode_label=None,
        geocoded_at=now,
        insee_code=commune.insee_code if commune is not None else None,
        qpv_code=qpv_code,
        nearest_qpv_code=qpv_code,
        nearest_qpv_distance_m=0.0,
        organisation_id=None,
        notes="Créé par une campagne : remplacez-le par le lieu de la séance avant de la publier.",
        to_find=True,
        created_at=now,
        updated_at=now,
    )
    session.add(venue)
    await session.flush()
    await audited(
        session,
        venue,
        actor_id=actor_id,
        action="create",
        entity="venue",
        before=None,
        after=venue_snapshot,
        now=now,
    )
    return venue
