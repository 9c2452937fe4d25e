"""iCalendar rendering of sessions and feeds (icalendar), feed assembly and ETags.

This room takes plain values and returns bytes; it never imports Litestar nor the ORM.
:mod:`calendars.event` renders one session as a VEVENT fragment, once per change;
:mod:`calendars.feed` assembles a feed by concatenation and gives its strong ETag;
:mod:`calendars.timezone` writes the rule-based VTIMEZONE blocks the feeds carry.
"""
