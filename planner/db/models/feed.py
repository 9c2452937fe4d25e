"""Feed tables: each session's rendered VEVENT kept with it, and each feed's last change.

Both survive a restart and are shared by every worker: a fragment is rendered again only when
what it shows changed (the session's ``shown_version``, or the rendering itself: ``render_key``);
a feed's ``Last-Modified`` advances whenever its content changes, a session leaving it included.
"""

from __future__ import annotations

from datetime import datetime

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from planner.db.models.base import Base


class SessionFragment(Base):
    """A session's VEVENT as one audience sees it (public, or its staff's private feeds)."""

    __tablename__ = "session_fragment"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_session.id", ondelete="CASCADE"), primary_key=True
    )
    private: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    shown_version: Mapped[int] = mapped_column(Integer)
    """The session's ``shown_version`` it was rendered from."""
    render_key: Mapped[str] = mapped_column(String(64))
    """Which rendering made it (format version, public address): another one renders again."""
    body: Mapped[bytes] = mapped_column(LargeBinary)


class FeedState(Base):
    """What a feed (by its address) last held, and since when."""

    __tablename__ = "feed_state"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of the feed's selection (hex)."""
    revision: Mapped[str] = mapped_column(String(200))
    last_modified: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
