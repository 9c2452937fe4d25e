"""The one table from errors to HTTP: every error answer is an RFC 9457 problem in French.

Domain errors (``planner.errors``, ``geo.errors``) map to a status and a stable code here and
nowhere else; Litestar's own errors (bad parameters, unknown routes) are translated to French.
Unknown errors are logged with a request id and answered 500 without internals.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from api.access_log import loggable_path
from geo.errors import GeoError, ReferenceDataError
from geo.geocoding import GeocoderUnavailableError
from planner.audiences import Audience
from planner.db.health import is_unavailable
from planner.errors import (
    AddressNotFoundError,
    AmbiguousAddressError,
    AuthenticationError,
    BookingRefusedError,
    ConflictError,
    DatabaseUnavailableError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "urn:allervers:probleme:"

logger = logging.getLogger("allervers.api")
RETRY_AFTER_SECONDS = 30
"""What a 503 answer asks the client to wait before trying again."""


@dataclass(frozen=True, slots=True)
class ProblemKind:
    """How one kind of error is answered: HTTP status, stable code, French title."""

    status: int
    code: str
    title: str


ERROR_TABLE: dict[type[Exception], ProblemKind] = {
    NotFoundError: ProblemKind(404, "introuvable", "Introuvable"),
    InvalidInputError: ProblemKind(422, "donnee-invalide", "Donnée invalide"),
    DatabaseUnavailableError: ProblemKind(
        503, "base-indisponible", "Service momentanément indisponible"
    ),
    ReferenceDataError: ProblemKind(
        422, "fichier-reference-invalide", "Fichier de référence invalide"
    ),
    AddressNotFoundError: ProblemKind(422, "adresse-introuvable", "Adresse introuvable"),
    AmbiguousAddressError: ProblemKind(422, "adresse-ambigue", "Adresse à préciser"),
    ConflictError: ProblemKind(409, "conflit", "Conflit"),
    GeocoderUnavailableError: ProblemKind(
        503, "geocodeur-indisponible", "Géocodage momentanément indisponible"
    ),
    AuthenticationError: ProblemKind(401, "non-authentifie", "Authentification requise"),
    PermissionDeniedError: ProblemKind(403, "interdit", "Accès refusé"),
    BookingRefusedError: ProblemKind(422, "reservation-refusee", "Réservation refusée"),
    DomainError: ProblemKind(422, "erreur-metier", "Demande impossible"),
    GeoError: ProblemKind(422, "erreur-geographique", "Demande impossible"),
}

_HTTP_TITLES = {
    400: ("requete-invalide", "Requête invalide"),
    401: ("non-authentifie", "Authentification requise"),
    403: ("interdit", "Accès refusé"),
    404: ("introuvable", "Introuvable"),
    405: ("methode-non-autorisee", "Méthode non autorisée"),
    406: ("format-non-disponible", "Format non disponible"),
    413: ("requete-trop-grosse", "Requête trop volumineuse"),
    415: ("format-non-pris-en-charge", "Format non pris en charge"),
    429: ("trop-de-requetes", "Trop de requêtes"),
}

FIELD_HINTS = {
    "lat": "une latitude en degrés décimaux, entre -90 et 90 (ex. 49.8941)",
    "lon": "une longitude en degrés décimaux, entre -180 et 180 (ex. 2.2567)",
    "dep": "un code de département (ex. 80, 2A, 971)",
    "commune": "un code INSEE de commune à 5 caractères (ex. 80021 pour Amiens)",
    "code": "un code de QPV (ex. QN08001M)",
    "q": "un texte de 1 à 100 caractères",
    "near": "« latitude,longitude » en degrés décimaux (ex. 49.9151,2.2502)",
    "radius_km": "un rayon en kilomètres, de plus de 0 à 50",
    "audience": "un public de la liste : " + ", ".join(a.value for a in Audience),
    "audiences": "des publics de la liste : " + ", ".join(a.value for a in Audience),
}


SIGN_IN = "/connexion"
API_PREFIXES = ("/api/", "/feeds/", "/schema", "/health", "/static/")
"""Paths that answer machines: their errors are always problem documents."""


def wants_page(request: Request[Any, Any, Any]) -> bool:
    """Whether the request is a browser asking for a page (not an API, feed or asset address):
    its errors are then pages in French, never a JSON body."""
    path = request.url.path
    if path.startswith(API_PREFIXES) or path in ("/api", "/feeds"):
        return False
    return "text/html" in request.headers.get("accept", "")


def problem(
    request: Request[Any, Any, Any],
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    **extra: Any,
) -> Response[Any]:
    """Build an ``application/problem+json`` response (RFC 9457 §3) — or, for a browser asking
    for a page, the same in French HTML: a sign-in redirect for a 401, an error page otherwise."""
    if wants_page(request):
        if status == 401:
            return Redirect(path=f"{SIGN_IN}?suivant={quote(request.url.path)}", status_code=303)
        return Template(
            template_name="erreur.html",
            context={"title": title, "detail": detail, "viewer": None},
            status_code=status,
        )
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        **extra,
    }
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE)


def _kind_of(exc: Exception) -> ProblemKind:
    for cls in type(exc).__mro__:
        if cls in ERROR_TABLE:
            return ERROR_TABLE[cls]
    raise LookupError(type(exc))  # pragma: no cover - only registered classes are routed here


def domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Answer a domain error from the table."""
    kind = _kind_of(exc)
    message = getattr(exc, "message", str(exc))
    extra: dict[str, Any] = {}
    if isinstance(exc, InvalidInputError):
        extra["errors"] = [{"field": f, "detail": d} for f, d in exc.errors.items()]
    if isinstance(exc, AmbiguousAddressError):
        extra["candidates"] = [
            {
                "label": c.label,
                "commune": c.commune,
                "insee_code": c.insee_code,
                "score": round(c.score, 3),
                "provider": c.provider,
                "lat": c.lat,
                "lon": c.lon,
            }
            for c in exc.candidates
        ]
    status = kind.status
    if isinstance(exc, BookingRefusedError):
        extra["violations"] = [
            {"code": v.code, "message": v.message, "session_id": v.session_id, "field": v.field}
            for v in exc.violations
        ]
        status = 409 if exc.is_conflict else 422
    response = problem(
        request, status=status, code=kind.code, title=kind.title, detail=message, **extra
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="allervers"'
    if kind.status == 503:
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


_MISSING = re.compile(r"Missing required (\w+) parameter '([^']+)'")
_RANGE = re.compile(r"Expected `(\w+)` (>=|<=|>|<) ([-\d.e]+)")


def _translate(message: str) -> str:
    """Turn one of msgspec's/Litestar's English validation messages into French."""
    if _MISSING.search(message):
        return "paramètre obligatoire manquant"
    if match := _RANGE.search(message):
        words = {
            ">=": "supérieur ou égal à",
            "<=": "inférieur ou égal à",
            ">": "supérieur à",
            "<": "inférieur à",
        }
        return f"doit être {words[match.group(2)]} {float(match.group(3)):g}"
    if "Expected `float`" in message or "Expected `int`" in message:
        return "un nombre est attendu"
    if "length" in message:
        return "longueur incorrecte"
    if "Invalid enum value" in message:
        return "valeur inconnue"
    if "matching regex" in message or "Expected `str`" in message:
        return "format incorrect"
    return "valeur invalide"


def validation_handler(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Answer a request whose parameters do not validate: 400, naming each offending field."""
    errors = []
    extra = exc.extra if isinstance(exc.extra, list) else []
    if not extra and (missing := _MISSING.search(str(exc.detail))):
        extra = [{"key": missing.group(2), "source": missing.group(1), "message": missing.group(0)}]
    for item in extra:
        if not isinstance(item, dict):
            continue
        key = item.get("key")
        # a parameter named after a Python keyword is declared with a trailing "_" (from_)
        field = key.rstrip("_") if isinstance(key, str) else key
        message = str(item.get("message", ""))
        received = request.query_params.get(field) if field else None
        hint = FIELD_HINTS.get((field or "").split("[")[0])
        detail = _translate(message)
        if hint:
            detail = f"{detail} ; attendu {hint}"
        if received is not None:
            detail = f"{detail} (reçu « {received} »)"
        errors.append({"field": field, "source": item.get("source", "query"), "detail": detail})
    if errors:
        summary = "; ".join(f"« {e['field']} » : {e['detail']}" for e in errors)
        detail = f"Paramètre(s) invalide(s) — {summary}."
    else:
        detail = "La requête est invalide."
    return problem(
        request,
        status=400,
        code="parametre-invalide",
        title="Paramètre invalide",
        detail=detail,
        errors=errors,
    )


def http_error_handler(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    """Answer Litestar's own HTTP errors (unknown route, wrong method…) as French problems."""
    code, title = _HTTP_TITLES.get(exc.status_code, ("erreur-http", "Erreur"))
    details = {
        404: f"Aucune ressource à l'adresse {request.url.path}.",
        405: f"La méthode {request.method} n'est pas acceptée à l'adresse {request.url.path}.",
    }
    response = problem(
        request,
        status=exc.status_code,
        code=code,
        title=title,
        detail=details.get(exc.status_code, title + "."),
    )
    if exc.headers:
        response.headers.update(exc.headers)
    return response


def internal_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Log an unexpected error with a request id and answer 500 without internals."""
    request_id = uuid.uuid4().hex
    logger.error(
        "erreur interne %s sur %s %s",
        request_id,
        request.method,
        loggable_path(request.url.path),
        exc_info=exc,
    )
    return problem(
        request,
        status=HTTP_500_INTERNAL_SERVER_ERROR,
        code="erreur-interne",
        title="Erreur interne",
        detail=(
            "Une erreur inattendue est survenue. "
            f"Référence à transmettre au support : {request_id}."
        ),
        request_id=request_id,
    )


def unexpected_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A database that cannot serve now (unreachable, locked, read-only) is a 503 with
    ``Retry-After``, whichever route met it; anything else is an internal error (500)."""
    if is_unavailable(exc):
        logger.warning("base indisponible sur %s : %s", loggable_path(request.url.path), exc)
        return domain_error_handler(
            request,
            DatabaseUnavailableError(
                "La base de données ne peut pas servir pour le moment ; réessayez dans un instant."
            ),
        )
    return internal_error_handler(request, exc)


def exception_handlers() -> dict[type[Exception] | int, Any]:
    """The handlers to give Litestar, most specific first."""
    handlers: dict[type[Exception] | int, Any] = dict.fromkeys(ERROR_TABLE, domain_error_handler)
    handlers[ValidationException] = validation_handler
    handlers[HTTPException] = http_error_handler
    handlers[Exception] = unexpected_error_handler
    return handlers


__all__ = ["ERROR_TABLE", "PROBLEM_MEDIA_TYPE", "exception_handlers", "problem"]
