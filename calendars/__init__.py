"""iCalendar rendering of sessions and feeds (icalendar), feed assembly and ETags.

This room takes plain values and returns bytes; it never imports Litestar nor the ORM. It is
filled by the calendar-feeds work, once sessions can be booked.
"""
