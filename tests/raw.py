"""Independent readings of the bundled files (plain json/csv), used as oracles by the tests."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent.parent / "geo" / "data"


@cache
def qpv_features() -> list[dict[str, Any]]:
    """The bundled QPV features, straight from the GeoJSON."""
    return list(json.loads((DATA / "qp2024_hdf.geojson").read_text("utf-8"))["features"])


def qpv_codes(**where: str) -> list[str]:
    """Sorted codes of the bundled QPVs whose properties equal ``where``."""
    return sorted(
        f["properties"]["code_qp"]
        for f in qpv_features()
        if all(f["properties"][k] == v for k, v in where.items())
    )


def qpv_codes_in_commune(insee: str) -> list[str]:
    """Sorted codes of the bundled QPVs that list ``insee`` among their host communes."""
    return sorted(
        f["properties"]["code_qp"]
        for f in qpv_features()
        if insee in [c.strip() for c in f["properties"]["insee_com"].split(",")]
    )


def write_feature_collection(path: Path, features: list[dict[str, Any]], **members: Any) -> Path:
    """Write a GeoJSON FeatureCollection for an import test."""
    path.write_text(
        json.dumps({"type": "FeatureCollection", **members, "features": features}), "utf-8"
    )
    return path


def changed_qpv_feature(**changes: object) -> dict[str, Any]:
    """A copy of the first bundled QPV feature with properties set, removed (``None``) or its
    ``geometry`` replaced: a wrong file, written with :func:`write_feature_collection`."""
    feature = copy.deepcopy(qpv_features()[0])
    for key, value in changes.items():
        if key == "geometry":
            feature["geometry"] = value
        elif value is None:
            del feature["properties"][key]
        else:
            feature["properties"][key] = value
    return feature
