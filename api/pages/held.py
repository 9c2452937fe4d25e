"""``/agenda/seances/tenue``: a coordinator enters afterwards a session their organisation held
without booking it, with its outcome — the service behind ``POST /api/sessions/held``."""

from __future__ import annotations

from typing import Any

from litestar import Router, get, post
from litestar.response import Redirect, Template

from api.deps import CallerDep, DbSession, Now, Rules
from api.pages.base import VIEWER, Viewer, page
from api.pages.booking import venue_zone
from api.pages.booking_choices import choices
from api.pages.booking_form import form_field, read_booking_form
from api.pages.form_values import FormData, one
from api.pages.session_view import OUTCOME_LABELS
from planner.access import Access, require_held_session_recorder
from planner.booking_input import OutcomeInput
from planner.db.held_session import record_held_session
from planner.db.models import Staff
from planner.errors import BookingRefusedError, InvalidInputError

SIGN_IN = "/connexion?suivant=/agenda/seances/tenue"


async def _form(
    db_session: DbSession,
    viewer: Staff,
    rules: Rules,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    *,
    status: int = 200,
) -> Template:
    problems = sum(len(v) for v in errors.values())
    return page(
        "seance_tenue.html",
        title="Saisir une séance tenue sans réservation",
        viewer=viewer,
        current="/agenda",
        status=status,
        values=values,
        errors=errors,
        outcome_labels=OUTCOME_LABELS,
        error=f"Saisie impossible : {problems} problème(s) à corriger." if problems else None,
        **await choices(db_session, viewer, rules),
    )


@get("/", opt={"access": Access.PLANNER}, include_in_schema=False)
async def held_form(
    db_session: DbSession, viewer: Viewer, caller: CallerDep, rules: Rules
) -> Template | Redirect:
    """The empty form (the coordinator's organisation's session)."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    require_held_session_recorder(caller, organisation_id=viewer.organisation_id)
    values = {"kind": "neighbourhood_session", "staff_ids": [], "partner_ids": []}
    return await _form(db_session, viewer, rules, values, {})


@post("/", opt={"access": Access.PLANNER}, include_in_schema=False, status_code=303)
async def held_record(
    db_session: DbSession,
    viewer: Viewer,
    caller: CallerDep,
    rules: Rules,
    now: Now,
    data: FormData,
) -> Template | Redirect:
    """Store the session and its outcome, then show it; refused, every reason by its field."""
    if viewer is None or caller is None:
        return Redirect(path=SIGN_IN, status_code=303)
    form = read_booking_form(
        {**data, "count": "1", "publish": "oui"},
        organisation_id=viewer.organisation_id,
        zone=await venue_zone(db_session, data),
    )
    errors: dict[str, list[str]] = {k: [v] for k, v in form.errors.items()}
    counts = {name: one(data, name) for name in OUTCOME_LABELS}
    for name, value in counts.items():
        if not (value.isascii() and value.isdigit() and len(value) <= 6):
            errors[name] = ["un nombre entier, 0 ou plus"]
    values = {**form.values, **counts, "remarks": one(data, "remarks")}
    if not errors and form.request is not None:
        outcome = OutcomeInput(
            **{n: int(v) for n, v in counts.items()}, remarks=values["remarks"][:5000]
        )
        try:
            held = await record_held_session(
                db_session,
                form.request.to_input(),
                outcome,
                caller=caller,
                settings=rules,
                now=now,
            )
            return Redirect(path=f"/agenda/seances/{held.row.id}?fait=tenue", status_code=303)
        except BookingRefusedError as refused:
            for v in refused.violations:
                errors.setdefault(form_field(v.field), []).append(v.message)
        except InvalidInputError as invalid:
            for name, detail in invalid.errors.items():
                errors.setdefault(form_field(name) or name, []).append(detail)
    return await _form(db_session, viewer, rules, values, errors, status=422)


router = Router(
    path="/agenda/seances/tenue",
    route_handlers=[held_form, held_record],
    dependencies=VIEWER,
    tags=["pages"],
)
