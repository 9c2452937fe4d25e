"""Settings come from ALLERVERS_* variables, validated, frozen."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from api.settings import Settings, SettingsError


def test_settings_defaults_to_sqlite_under_var() -> None:
    """Without variables: embedded SQLite under ./var, 127.0.0.1:8000."""
    settings = Settings.from_env({})
    expected = f"sqlite+aiosqlite:///{(Path.cwd() / 'var' / 'allervers.sqlite3').resolve()}"
    assert (settings.database_url, settings.host, settings.port, settings.public_url) == (
        expected,
        "127.0.0.1",
        8000,
        "http://127.0.0.1:8000",
    )


def test_settings_postgresql_url_uses_asyncpg() -> None:
    """A plain PostgreSQL URL is served by asyncpg."""
    settings = Settings.from_env(
        {"ALLERVERS_DATABASE_URL": "postgres://u:p@db:5432/allervers", "ALLERVERS_PORT": "9000"}
    )
    assert (settings.database_url, settings.port) == (
        "postgresql+asyncpg://u:p@db:5432/allervers",
        9000,
    )


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        (
            {"ALLERVERS_PORT": "huit mille"},
            "ALLERVERS_PORT doit être un entier, pas « huit mille ».",
        ),
        ({"ALLERVERS_PORT": "70000"}, "ALLERVERS_PORT doit être entre 1 et 65535, pas 70000."),
        (
            {"ALLERVERS_DEBUG": "peut-être"},
            "ALLERVERS_DEBUG doit valoir true ou false, pas « peut-être ».",
        ),
        (
            {"ALLERVERS_DATABASE_URL": "mysql://x@y/z"},
            "ALLERVERS_DATABASE_URL invalide : base de données non prise en charge : mysql "
            "(SQLite ou PostgreSQL)",
        ),
        (
            {"ALLERVERS_MAP_TILES": "https://tuiles.example/{z}/{x}.png"},
            "ALLERVERS_MAP_TILES doit être une adresse http(s) contenant {z}, {x} et {y}, pas "
            "« https://tuiles.example/{z}/{x}.png ».",
        ),
        (
            {"ALLERVERS_MAP_TILES": "https://tuiles.example/{z}/{x}/{y}.png"},
            "ALLERVERS_MAP_TILES_ATTRIBUTION est obligatoire avec ALLERVERS_MAP_TILES : les "
            "fonds de carte exigent leur attribution.",
        ),
    ],
)
def test_settings_bad_values_are_named(environ: dict[str, str], message: str) -> None:
    """A wrong variable is refused with its name and value."""
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert str(caught.value) == message


def test_settings_are_frozen() -> None:
    """Settings cannot be changed once built."""
    settings = Settings.from_env({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.port = 1  # type: ignore[misc]


def test_settings_map_tiles_with_their_attribution() -> None:
    """A tile URL template is kept with its attribution; none by default (no tiles at all)."""
    settings = Settings.from_env(
        {
            "ALLERVERS_MAP_TILES": "https://tuiles.example/{z}/{x}/{y}.png",
            "ALLERVERS_MAP_TILES_ATTRIBUTION": "© contributeurs OpenStreetMap",
        }
    )
    default = Settings.from_env({})
    assert (settings.map_tiles, settings.map_tiles_attribution) == (
        "https://tuiles.example/{z}/{x}/{y}.png",
        "© contributeurs OpenStreetMap",
    )
    assert (default.map_tiles, default.map_tiles_attribution) == ("", "")
