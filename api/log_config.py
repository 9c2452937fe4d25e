"""Where the service's log goes: the process's standard error as it is when a record is written.

Litestar's default handler writes through a queue, from a thread each app starts, to the
standard error the process had when the app was built. A server builds one app; the test suite
builds hundreds, each leaving its thread and a handler bound to the stream of its time — a
test's captured output, closed after the test: the next record logged from elsewhere (a command
run by the next test) failed to write and printed « --- Logging error --- » into that test's
output. Records are written here directly (a line to standard error costs microseconds, our
volume is a line per request), to the stream of the moment.
"""

from __future__ import annotations

import logging
import sys

from litestar.logging import LoggingConfig


class StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing to ``sys.stderr`` as it is at each record."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    def emit(self, record: logging.LogRecord) -> None:
        """Write ``record`` to the current standard error (called under the handler's lock)."""
        self.stream = sys.stderr
        super().emit(record)


def logging_config(level: str) -> LoggingConfig:
    """The app's logging: every record at ``level`` and above to :class:`StandardError`, in
    Litestar's standard format; geopy's retries (which quote the address typed) left out."""
    return LoggingConfig(
        handlers={
            "console": {"class": "api.log_config.StandardError", "formatter": "standard"},
            # Litestar adds its queue handler unless one is named: unused, and threadless
            "queue_listener": {"class": "logging.NullHandler"},
        },
        root={"level": level, "handlers": ["console"]},
        loggers={
            # geopy logs the address it retries: addresses typed by residents stay out of logs
            "geopy": {"level": "ERROR", "propagate": True},
            "litestar": {"level": "INFO", "handlers": ["console"], "propagate": False},
        },
        log_exceptions="never",
    )
