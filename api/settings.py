"""Settings read from ``ALLERVERS_*`` environment variables into one frozen value.

Nothing is read at import time: :meth:`Settings.from_env` is called by the CLI (or a test) and
its result handed to :func:`api.app.create_app`.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import time, timedelta
from pathlib import Path

from geo.providers import GEOCODER_NAMES
from planner.db.engine import async_url
from planner.db.registrations import Links
from planner.registration import RegistrationRules
from planner.session import EveningWindow, RuleSettings


class SettingsError(ValueError):
    """An ``ALLERVERS_*`` variable holds a value that cannot be used; the message is French."""


def default_database_url(base: Path) -> str:
    """The embedded SQLite database under ``var/`` of ``base``."""
    return f"sqlite+aiosqlite:///{(base / 'var' / 'allervers.sqlite3').resolve()}"


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the service can be configured with; each field maps to ``ALLERVERS_<NAME>``."""

    database_url: str = field(default_factory=lambda: default_database_url(Path.cwd()))
    """SQLAlchemy URL; ``postgresql://`` URLs use asyncpg, ``sqlite://`` ones aiosqlite."""
    host: str = "127.0.0.1"
    """Address the HTTP server listens on."""
    port: int = 8000
    """Port the HTTP server listens on."""
    public_url: str = ""
    """Base URL people reach the service at (links in pages and feeds); defaults to host:port."""
    log_level: str = "INFO"
    """Python logging level of the service."""
    debug: bool = False
    """Litestar debug mode (never in production: it shows tracebacks)."""
    load_reference_data: bool = True
    """Load the bundled QPV and commune data into an empty database when the service starts."""
    demo: bool = True
    """Load the demonstration dataset (fictitious, labelled "démo") into a database without
    organisations when the service starts; ``ALLERVERS_DEMO=0`` to start empty."""
    geocoders: str = "offline"
    """Geocoder chain, in order: ``offline``, ``ban``, ``nominatim`` (e.g. ``offline,ban``)."""
    geocode_min_score: float = 0.8
    """Score (0–1) a geocoding candidate needs for a venue to be placed without asking."""
    geocoder_timeout: float = 5.0
    """Seconds a network geocoder may take before the chain passes to the next one."""
    ban_domain: str = "api-adresse.data.gouv.fr"
    """Host (and port) of the national address search service."""
    ban_scheme: str = "https"
    """``https``, or ``http`` for a local copy of the service."""
    nominatim_domain: str = "nominatim.openstreetmap.org"
    """Host (and port) of the Nominatim service."""
    nominatim_scheme: str = "https"
    """``https``, or ``http`` for a local Nominatim."""
    geocoder_user_agent: str = "allervers/0.1 (outreach planner; set ALLERVERS_GEOCODER_USER_AGENT)"
    """User agent sent to geocoding services; Nominatim's policy asks for a contact: set one."""
    serve_radius_m: float = 500.0
    """A venue serves every QPV within this distance in metres."""
    evening_start: str = "17:00"
    """Earliest start of an evening neighbourhood session (an organisation may set its own)."""
    evening_end: str = "22:00"
    """Latest end of an evening neighbourhood session."""
    travel_speed_kmh: float = 20.0
    """Urban speed for the travel time between two sessions of one person."""
    travel_margin_minutes: int = 15
    """Fixed margin added to every travel between two sessions."""
    max_evenings_per_week: int = 3
    """More evening sessions than this for one person in a week is a warning."""
    booking_horizon_days: int = 730
    """How many days ahead a session may be booked (beyond: refused, a likely typing error)."""
    qpv_revisit_days: int = 3
    """A QPV visited again within this many days is a warning."""
    feed_max_age: int = 300
    """Seconds calendar clients and proxies may keep a feed (``Cache-Control: max-age``)."""
    feed_days_back: int = 60
    """Feeds show sessions from this many days ago…"""
    feed_days_ahead: int = 365
    """…to this many days ahead."""
    feed_revalidate_seconds: float = 2.0
    """A feed whose version was checked this recently is served without asking the database."""
    feed_cancelled_retention_days: int = 30
    """A cancelled session stays in feeds, struck out, until this many days after its date."""
    plan_wait_seconds: float = 10.0
    """``POST …/plan`` answers with the finished plan when it takes less than this; otherwise
    with the running plan (202) to follow at its address."""
    plan_workers: int = 2
    """CP-SAT worker threads of a campaign plan (with its seed, its answer is reproducible)."""
    smtp_host: str = ""
    """SMTP server sending the mail; empty: messages are written as ``.eml`` files instead."""
    smtp_port: int = 587
    """Port of the SMTP server (587 submission with STARTTLS, 465 implicit TLS, 25 plain)."""
    smtp_user: str = ""
    """SMTP login; empty: no authentication."""
    smtp_password: str = ""
    """SMTP password of ``smtp_user``."""
    smtp_starttls: bool = True
    """Upgrade the SMTP connection with STARTTLS (``false`` only for a local relay)."""
    smtp_from: str = "allervers <ne-pas-repondre@allervers.invalid>"
    """``From`` address of every message."""
    smtp_timeout: float = 10.0
    """Seconds an SMTP exchange may take before the attempt counts as failed."""
    outbox_dir: str = field(default_factory=lambda: str(Path.cwd() / "var" / "outbox"))
    """Where messages are written as ``.eml`` files when no SMTP host is set."""
    mail_poll_seconds: float = 30.0
    """How often the job runner looks for mail to send again (a failed attempt's retry, or mail
    queued where no runner was told); new mail is sent as soon as its transaction commits."""
    jobs_in_service: bool = True
    """Run background jobs (imports…) in the service's processes; ``false`` when
    ``allervers run-jobs`` runs them in a process of its own."""
    job_poll_seconds: float = 2.0
    """SQLite: how often the job runner looks for jobs queued by another process."""
    job_stalled_seconds: float = 30.0
    """PostgreSQL: a job whose worker sent no heartbeat for this long is retried (its process
    was killed)."""
    registration_offer_hours: int = 48
    """How long a freed place is held for the first person on a waiting list."""
    registration_erase_after_days: int = 90
    """Residents' names and contacts are erased this many days after their session."""
    registration_reminder_hours: int = 48
    """Registrants with an e-mail are reminded this many hours before the session."""
    invitation_hours: int = 72
    """How long an invitation link stays valid."""
    reset_hours: int = 2
    """How long a « mot de passe oublié » link stays valid."""
    session_hours: int = 12
    """A browser session ends after this many hours without a request."""
    map_tiles: str = ""
    """URL template of a tile server for the maps' background (``https://…/{z}/{x}/{y}.png``);
    empty: no background tiles and no request to any other site (outlines and names of the
    communes, served by the app, give the bearings)."""
    map_tiles_attribution: str = ""
    """Attribution of the tiles (plain text, shown on the map); required with ``map_tiles``."""
    secret_key: str = ""
    """Key signing the anti-CSRF tokens; empty: a random key for this process (set one when
    several processes serve the same site)."""

    def __post_init__(self) -> None:
        try:
            object.__setattr__(
                self,
                "database_url",
                async_url(self.database_url).render_as_string(hide_password=False),
            )
        except Exception as exc:
            raise SettingsError(f"ALLERVERS_DATABASE_URL invalide : {exc}") from None
        if not 0 < self.port < 65536:
            raise SettingsError(f"ALLERVERS_PORT doit être entre 1 et 65535, pas {self.port}.")
        names = [name.strip() for name in self.geocoders.split(",") if name.strip()]
        unknown = [name for name in names if name not in GEOCODER_NAMES]
        if not names or unknown:
            raise SettingsError(
                "ALLERVERS_GEOCODERS : fournisseur(s) inconnu(s) "
                f"{', '.join(unknown) or '(aucun)'} ; "
                f"choisissez parmi {', '.join(GEOCODER_NAMES)}."
            )
        object.__setattr__(self, "geocoders", ",".join(names))
        if not 0 <= self.geocode_min_score <= 1:
            raise SettingsError("ALLERVERS_GEOCODE_MIN_SCORE doit être entre 0 et 1.")
        for name in ("geocoder_timeout", "serve_radius_m", "plan_workers", "booking_horizon_days"):
            if getattr(self, name) <= 0:
                raise SettingsError(f"ALLERVERS_{name.upper()} doit être positif.")
        if self.plan_wait_seconds < 0:
            raise SettingsError("ALLERVERS_PLAN_WAIT_SECONDS ne peut pas être négatif.")
        for name in ("evening_start", "evening_end"):
            try:
                time.fromisoformat(getattr(self, name))
            except ValueError:
                raise SettingsError(
                    f"ALLERVERS_{name.upper()} doit être une heure HH:MM, "
                    f"pas « {getattr(self, name)} »."
                ) from None
        for name in (
            "smtp_timeout",
            "mail_poll_seconds",
            "job_poll_seconds",
            "job_stalled_seconds",
            "invitation_hours",
            "reset_hours",
            "registration_offer_hours",
            "registration_erase_after_days",
            "registration_reminder_hours",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"ALLERVERS_{name.upper()} doit être positif.")
        if self.session_hours <= 0:
            raise SettingsError("ALLERVERS_SESSION_HOURS doit être positif.")
        if not 0 < self.smtp_port < 65536:
            raise SettingsError("ALLERVERS_SMTP_PORT doit être entre 1 et 65535.")
        self._check_map_tiles()
        if not self.secret_key:
            object.__setattr__(self, "secret_key", secrets.token_urlsafe(32))
        if not self.public_url:
            object.__setattr__(self, "public_url", f"http://{self.host}:{self.port}")
        object.__setattr__(self, "public_url", self.public_url.rstrip("/"))

    def _check_map_tiles(self) -> None:
        """A tile URL is an http(s) template naming {z}, {x} and {y}, with its attribution."""
        if not self.map_tiles:
            return
        placeholders = all(part in self.map_tiles for part in ("{z}", "{x}", "{y}"))
        if not self.map_tiles.startswith(("https://", "http://")) or not placeholders:
            raise SettingsError(
                "ALLERVERS_MAP_TILES doit être une adresse http(s) contenant {z}, {x} et {y}, "
                f"pas « {self.map_tiles} »."
            )
        if not self.map_tiles_attribution.strip():
            raise SettingsError(
                "ALLERVERS_MAP_TILES_ATTRIBUTION est obligatoire avec ALLERVERS_MAP_TILES : "
                "les fonds de carte exigent leur attribution."
            )

    def registration_links(self) -> Links:
        """Where registrants' messages and pages point, and the registration rules."""
        rules = RegistrationRules(
            offer_hours=self.registration_offer_hours,
            erase_after_days=self.registration_erase_after_days,
            reminder_hours=self.registration_reminder_hours,
        )
        return Links(self.public_url, rules)

    def rule_settings(self) -> RuleSettings:
        """The booking rules' settings."""
        return RuleSettings(
            travel_speed_kmh=self.travel_speed_kmh,
            travel_margin=timedelta(minutes=self.travel_margin_minutes),
            max_evenings_per_week=self.max_evenings_per_week,
            horizon=timedelta(days=self.booking_horizon_days),
            qpv_revisit_days=self.qpv_revisit_days,
            serve_radius_m=self.serve_radius_m,
            evening_window=EveningWindow(
                start=time.fromisoformat(self.evening_start),
                end=time.fromisoformat(self.evening_end),
            ),
        )

    @property
    def https(self) -> bool:
        """Whether people reach the service over https (cookies are then ``Secure``)."""
        return self.public_url.startswith("https://")

    @property
    def geocoder_chain(self) -> list[str]:
        """The provider names of ``geocoders``, in order."""
        return self.geocoders.split(",")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from ``ALLERVERS_*`` variables (``os.environ`` by default)."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = env.get(f"ALLERVERS_{item.name.upper()}")
            if raw is None or raw == "":
                continue
            if item.type in ("int", int):
                try:
                    values[item.name] = int(raw)
                except ValueError:
                    raise SettingsError(
                        f"ALLERVERS_{item.name.upper()} doit être un entier, pas « {raw} »."
                    ) from None
            elif item.type in ("float", float):
                try:
                    values[item.name] = float(raw)
                except ValueError:
                    raise SettingsError(
                        f"ALLERVERS_{item.name.upper()} doit être un nombre, pas « {raw} »."
                    ) from None
            elif item.type in ("bool", bool):
                lowered = raw.strip().lower()
                if lowered not in {"1", "0", "true", "false", "yes", "no", "oui", "non"}:
                    raise SettingsError(
                        f"ALLERVERS_{item.name.upper()} doit valoir true ou false, pas « {raw} »."
                    )
                values[item.name] = lowered in {"1", "true", "yes", "oui"}
            else:
                values[item.name] = raw
        return cls(**values)  # type: ignore[arg-type]
