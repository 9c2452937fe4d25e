"""Where the service's log goes: standard error, written directly.

Litestar's default handler writes through a queue, from a listener thread each app starts and
never stops. A server builds one app, the test suite hundreds: each left its thread behind.
Records are written directly instead (a line to standard error costs microseconds, our volume is
a line per request). The handler is named :data:`CONSOLE`: the app configures logging for the
whole process, so tests, which build many apps in one process, remove it after each test.
"""

from __future__ import annotations

from litestar.logging import LoggingConfig

CONSOLE = "console"
"""The name of the app's one handler (standard error, Litestar's standard format)."""


def logging_config(level: str) -> LoggingConfig:
    """The app's logging: every record at ``level`` and above to standard error, in Litestar's
    standard format; geopy's retries (which quote the address typed) left out."""
    return LoggingConfig(
        handlers={
            CONSOLE: {"class": "logging.StreamHandler", "formatter": "standard"},
            # Litestar adds its queue handler unless one is named so: unused, and threadless
            "queue_listener": {"class": "logging.NullHandler"},
        },
        root={"level": level, "handlers": [CONSOLE]},
        loggers={
            # geopy logs the address it retries: addresses typed by residents stay out of logs
            "geopy": {"level": "ERROR", "propagate": True},
            "litestar": {"level": "INFO", "handlers": [CONSOLE], "propagate": False},
        },
        log_exceptions="never",
    )
