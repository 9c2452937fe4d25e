"""The ``allervers`` command: errors are French lines on standard error, not tracebacks."""

from __future__ import annotations

import pytest

from api.cli import main
from geo.reference import BUNDLED_QPV, bundled_path


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], url: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setenv("ALLERVERS_DATABASE_URL", url)
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_import_unreachable_database_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unreachable database is a French error, not a traceback."""
    status, _, err = _run(
        monkeypatch,
        capsys,
        "postgresql://x@127.0.0.1:9/x",
        "import-qpv",
        str(bundled_path(BUNDLED_QPV)),
    )
    assert (
        status,
        err.splitlines()[0].startswith("allervers : la base de données ne répond pas"),
    ) == (1, True)


def test_bad_setting_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong ALLERVERS_PORT stops the command with its name."""
    monkeypatch.setenv("ALLERVERS_PORT", "abc")
    assert _run(monkeypatch, capsys, "sqlite:///unused.sqlite3", "migrate") == (
        1,
        "",
        "allervers : ALLERVERS_PORT doit être un entier, pas « abc ».\n",
    )
