"""``GET /api/eligibility``: does an address lie in a QPV (the emplois-francs question)? Staff
only; the answer is computed, never stored (:mod:`planner.eligibility`)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Router, get
from litestar.params import QueryParameter

from api.deps import CallerDep, DbSession, Placer
from planner.access import Access, require_caller
from planner.db.territory import get_qpv
from planner.eligibility import ANSWER_LABELS, Answer, Placed, judge


class PositionOut(msgspec.Struct, frozen=True):
    """The position the answer rests on."""

    label: str
    precision: str
    provider: str
    score: float


class QpvRef(msgspec.Struct, frozen=True):
    """A QPV by code and name."""

    code: str
    name: str


class EligibilityOut(msgspec.Struct, frozen=True):
    """``in_qpv``, ``not_in_qpv`` or ``cannot_say``, in French with the reason; the QPV when
    in one; the position used."""

    answer: Answer
    answer_label: str
    reason: str
    qpv: QpvRef | None
    position: PositionOut | None


@get(
    "/",
    summary="Une adresse est-elle dans un QPV ? (emplois francs)",
    opt={"access": Access.STAFF},
)
async def eligibility(
    db_session: DbSession,
    caller: CallerDep,
    placer: Placer,
    address: Annotated[
        str, QueryParameter(min_length=3, max_length=300, description="Adresse à vérifier.")
    ],
) -> EligibilityOut:
    """Answers yes or no only from a house-number or street position; a commune-level or
    named-place position, an unsure or ambiguous address is "cannot say", with why. 503 with
    Retry-After when no geocoder can answer."""
    require_caller(caller)
    return await check_address(db_session, placer, address)


async def check_address(db_session: DbSession, placer: Placer, address: str) -> EligibilityOut:
    """The answer for ``address`` (the API route's and the staff page's)."""
    candidates = await placer.geocoding.geocode(address, limit=5)
    territory = await placer.territory.get(db_session)
    placed = [
        Placed(c.label, c.precision, c.score, c.provider, territory.qpvs.locate(c.lon, c.lat))
        for c in candidates
    ]
    verdict = judge(placed, min_score=placer.min_score)
    qpv = None
    if verdict.qpv is not None:
        row = await get_qpv(db_session, verdict.qpv)
        qpv = QpvRef(row.code, row.name)
    where = verdict.position
    return EligibilityOut(
        answer=verdict.answer,
        answer_label=ANSWER_LABELS[verdict.answer],
        reason=verdict.reason,
        qpv=qpv,
        position=None
        if where is None
        else PositionOut(where.label, where.precision, where.provider, round(where.score, 3)),
    )


router = Router(path="/api/eligibility", route_handlers=[eligibility], tags=["lieux"])
