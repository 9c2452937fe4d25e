"""Geocoding with the configured provider chain, its offline gazetteer and a database cache.

The offline gazetteer is built from the database (communes and their town halls, imported BAN
addresses, addresses of venues already placed) on first use and rebuilt when those change. Answers
of chains that include a network provider are cached in ``geocode_cache`` in a transaction of
their own, so an address is asked once even when the request that asked it fails.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from geo.address import split_housenumber
from geo.address_entry import AddressEntry
from geo.gazetteer import OfflineGeocoder
from geo.geocoding import Candidate, GeocoderChain, GeocoderUnavailableError
from geo.reference import CommuneRecord, LonLat
from geo.text import fold
from planner.clock import Clock, system_clock
from planner.db.models import BanAddress, Commune, GeocodeCacheEntry, Venue

ChainFactory = Callable[[OfflineGeocoder], GeocoderChain]


def _point(lon: float | None, lat: float | None) -> LonLat | None:
    return LonLat(lon, lat) if lon is not None and lat is not None else None


def commune_record(row: Commune) -> CommuneRecord:
    """A stored commune as the reference value the gazetteer is built from."""
    return CommuneRecord(
        insee_code=row.insee_code,
        name=row.name,
        department_code=row.department_code,
        epci_siren=row.epci_siren,
        postcodes=tuple(p.postcode for p in row.postcodes),
        population=row.population,
        centroid=_point(row.centroid_lon, row.centroid_lat),
        inside_point=_point(row.inside_lon, row.inside_lat),
        mairie_point=_point(row.mairie_lon, row.mairie_lat),
        mairie_address=row.mairie_address,
    )


def ban_entry(row: BanAddress) -> AddressEntry:
    """A stored BAN address as a gazetteer entry."""
    return AddressEntry(
        housenumber=row.housenumber or None,
        street=row.street,
        postcode=row.postcode,
        insee_code=row.insee_code,
        commune=row.commune,
        lon=row.lon,
        lat=row.lat,
        source="ban",
    )


def venue_entry(row: Venue) -> AddressEntry | None:
    """A placed venue's address as a confirmed gazetteer entry (``None`` without a commune)."""
    if row.insee_code is None:
        return None
    housenumber, street = split_housenumber(row.street)
    return AddressEntry(
        housenumber=housenumber,
        street=street,
        postcode=row.postcode,
        insee_code=row.insee_code,
        commune=row.commune_name,
        lon=row.lon,
        lat=row.lat,
        source="confirmed",
    )


class GeocodingService:
    """The configured chain over a gazetteer kept in step with the database, with a cache."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        make_chain: ChainFactory,
        *,
        clock: Clock = system_clock,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._make_chain = make_chain
        self._chain: GeocoderChain | None = None
        self._offline: OfflineGeocoder | None = None
        self._revision: tuple[Any, ...] | None = None
        self._lock = asyncio.Lock()

    @staticmethod
    async def _current_revision(session: AsyncSession) -> tuple[Any, ...]:
        communes = (await session.execute(select(func.count(), func.max(Commune.updated_at)))).one()
        ban = (await session.execute(select(func.count(), func.max(BanAddress.updated_at)))).one()
        return (*communes, *ban)

    async def chain(self) -> GeocoderChain:
        """The provider chain, its gazetteer rebuilt if communes or BAN addresses changed."""
        async with self._sessions() as session:
            revision = await self._current_revision(session)
            async with self._lock:
                if self._chain is None or revision != self._revision:
                    communes = [commune_record(c) for c in await session.scalars(select(Commune))]
                    entries = [ban_entry(b) for b in await session.scalars(select(BanAddress))]
                    confirmed = [
                        entry
                        for venue in await session.scalars(
                            select(Venue).where(Venue.geocode_provider != "offline")
                        )
                        if (entry := venue_entry(venue)) is not None
                    ]
                    offline = await asyncio.to_thread(
                        OfflineGeocoder, communes, [*entries, *confirmed]
                    )
                    self._offline = offline
                    self._chain = self._make_chain(offline)
                    self._revision = revision
                return self._chain

    async def confirm(self, venue: Venue) -> None:
        """Teach the offline gazetteer an address placed by a person or a network provider."""
        entry = venue_entry(venue)
        if entry is not None and self._offline is not None and venue.geocode_provider != "offline":
            self._offline.add_addresses([entry])

    async def geocode(self, query: str, *, limit: int = 5) -> list[Candidate]:
        """Candidates for ``query``, best first, from the cache or the chain.

        Raises :class:`GeocoderUnavailableError` when no provider can answer.
        """
        (answer,) = await self.geocode_many([query], limit=limit)
        if isinstance(answer, GeocoderUnavailableError):
            raise answer
        return answer

    async def geocode_many(
        self, queries: Sequence[str], *, limit: int = 5
    ) -> list[list[Candidate] | GeocoderUnavailableError]:
        """:meth:`geocode` for many queries in one worker thread; each answer or its error."""
        chain = await self.chain()
        cached = chain.name != "offline"
        keys = [f"{chain.name}|{limit}|{fold(q)}" for q in queries]
        known: dict[str, list[Candidate]] = {}
        if cached:
            async with self._sessions() as session:
                for start in range(0, len(keys), 500):
                    rows = await session.scalars(
                        select(GeocodeCacheEntry).where(
                            GeocodeCacheEntry.query_key.in_(keys[start : start + 500])
                        )
                    )
                    known.update(
                        (r.query_key, [Candidate(**c) for c in r.candidates]) for r in rows
                    )
        missing = {key: query for key, query in zip(keys, queries, strict=True) if key not in known}

        def ask() -> dict[str, list[Candidate] | GeocoderUnavailableError]:
            answers: dict[str, list[Candidate] | GeocoderUnavailableError] = {}
            for key, query in missing.items():
                try:
                    answers[key] = chain.geocode(query, limit=limit)
                except GeocoderUnavailableError as exc:
                    answers[key] = exc
            return answers

        answers = await asyncio.to_thread(ask) if missing else {}
        fresh = {k: v for k, v in answers.items() if not isinstance(v, GeocoderUnavailableError)}
        if cached and fresh:
            async with self._sessions() as session, session.begin():
                now = self._clock()
                for key, candidates in fresh.items():
                    await session.merge(
                        GeocodeCacheEntry(
                            query_key=key,
                            candidates=[dataclasses.asdict(c) for c in candidates],
                            created_at=now,
                        )
                    )
        return [known[key] if key in known else answers[key] for key in keys]
