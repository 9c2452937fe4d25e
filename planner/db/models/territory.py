"""Territory tables: QPVs, communes and their postcodes, BAN addresses and the geocode cache.

Geometries are stored as WKB with their bounding box and centroid in plain columns, so that both
SQLite and PostgreSQL hold them without a spatial extension; point-in-area questions are answered
by :mod:`geo.index` over geometries loaded once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.db.models.base import Base


class Qpv(Base):
    """A priority neighbourhood (QPV) of the official geography, keyed by its ANCT code."""

    __tablename__ = "qpv"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    """The name folded by :func:`geo.text.fold`, for accent- and case-blind search."""
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    department_name: Mapped[str] = mapped_column(String(100))
    region_code: Mapped[str] = mapped_column(String(3))
    region_name: Mapped[str] = mapped_column(String(100))
    centroid_lon: Mapped[float] = mapped_column(Float)
    centroid_lat: Mapped[float] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    min_lon: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lon: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)
    geometry_wkb: Mapped[bytes] = mapped_column(LargeBinary)
    repaired: Mapped[str | None] = mapped_column(Text)
    """Why the published polygon was invalid when the import repaired it (shapely's reason)."""
    source: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

    communes: Mapped[list[QpvCommune]] = relationship(
        back_populates="qpv",
        cascade="all, delete-orphan",
        order_by="QpvCommune.position",
        lazy="selectin",
    )
    epcis: Mapped[list[QpvEpci]] = relationship(
        cascade="all, delete-orphan", order_by="QpvEpci.position", lazy="selectin"
    )


class QpvCommune(Base):
    """A commune hosting part of a QPV, as the QPV file lists it (not a foreign key: a
    France-wide QPV file may name communes whose attributes were never imported)."""

    __tablename__ = "qpv_commune"

    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="CASCADE"), primary_key=True
    )
    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer)

    qpv: Mapped[Qpv] = relationship(back_populates="communes")


class QpvEpci(Base):
    """An EPCI (by SIREN) whose contrat de ville covers a QPV."""

    __tablename__ = "qpv_epci"

    qpv_code: Mapped[str] = mapped_column(
        ForeignKey("qpv.code", ondelete="CASCADE"), primary_key=True
    )
    siren: Mapped[str] = mapped_column(String(9), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class Commune(Base):
    """A French commune: attributes from the communes file, outline from the contours file."""

    __tablename__ = "commune"

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), index=True)
    department_code: Mapped[str] = mapped_column(String(3), index=True)
    epci_siren: Mapped[str | None] = mapped_column(String(9), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    centroid_lon: Mapped[float | None] = mapped_column(Float)
    centroid_lat: Mapped[float | None] = mapped_column(Float)
    inside_lon: Mapped[float | None] = mapped_column(Float)
    inside_lat: Mapped[float | None] = mapped_column(Float)
    mairie_lon: Mapped[float | None] = mapped_column(Float)
    mairie_lat: Mapped[float | None] = mapped_column(Float)
    mairie_address: Mapped[str | None] = mapped_column(String(300))
    geometry_wkb: Mapped[bytes | None] = mapped_column(LargeBinary)
    repaired: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)

    postcodes: Mapped[list[CommunePostcode]] = relationship(
        cascade="all, delete-orphan", order_by="CommunePostcode.postcode", lazy="selectin"
    )


class CommunePostcode(Base):
    """A postcode served by a commune (postcodes and communes are many-to-many)."""

    __tablename__ = "commune_postcode"

    insee_code: Mapped[str] = mapped_column(
        ForeignKey("commune.insee_code", ondelete="CASCADE"), primary_key=True
    )
    postcode: Mapped[str] = mapped_column(String(5), primary_key=True, index=True)


class GeocodeCacheEntry(Base):
    """A chain's answer to one address, so that a network provider is asked once per address."""

    __tablename__ = "geocode_cache"

    query_key: Mapped[str] = mapped_column(String(700), primary_key=True)
    """Folded query, limit and provider chain."""
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))


class BanAddress(Base):
    """An address of an official BAN export imported by ``allervers import-ban``."""

    __tablename__ = "ban_address"
    __table_args__ = (UniqueConstraint("insee_code", "street_folded", "housenumber"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    housenumber: Mapped[str] = mapped_column(String(16))
    """Number with its suffix (``"3 bis"``); empty for a named place without number."""
    street: Mapped[str] = mapped_column(String(300))
    street_folded: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(5))
    insee_code: Mapped[str] = mapped_column(String(5), index=True)
    commune: Mapped[str] = mapped_column(String(200))
    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
