"""The import-linter contract of the pure planner names every pure module of the planner."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE_CONTRACT = "Geo, calendars and the pure planner never import planner.db, SQLAlchemy or Alembic"


def test_pure_planner_contract_lists_every_module_outside_planner_db() -> None:
    """A new module of the planner outside planner.db is held to the pure planner's contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (contract,) = [c for c in contracts if c["name"] == PURE_CONTRACT]
    planner = ROOT / "planner"
    modules = {
        f"planner.{path.stem}" for path in planner.glob("*.py") if path.stem != "__init__"
    } | {
        f"planner.{path.name}"
        for path in planner.iterdir()
        if (path / "__init__.py").is_file() and path.name != "db"
    }
    listed = {m for m in contract["source_modules"] if m.startswith("planner.")}
    assert listed == modules
