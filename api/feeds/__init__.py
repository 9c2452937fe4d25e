"""Calendar feeds served fast, one job per module.

- :mod:`api.feeds.fragment`: each session's VEVENT, rendered once per change and audience;
- :mod:`api.feeds.service`: feeds assembled by concatenating fragments and kept with their
  ETag until a session in them changes, and the addresses checked moments ago;
- :mod:`api.feeds.conditional`: the HTTP answer of a feed — ETag, Last-Modified, 304;
- :mod:`api.feeds.middleware`: public feeds checked moments ago answered before any route,
  and every feed checked again after a write.

The routes serving feeds are in :mod:`api.routes.feeds`. See ``shared/docs/CALENDAR_FEEDS.md``.
"""
