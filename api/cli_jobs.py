"""``allervers run-jobs``: run background jobs (imports, plans) in a process of their own.

For deployments that keep heavy work away from the web processes: they run with
``ALLERVERS_JOBS_IN_SERVICE=false`` (they only store and hand over jobs) and this command runs
the same job runner in the foreground until interrupted. Several may run on PostgreSQL.
"""

from __future__ import annotations

import argparse

from api.cli_database import upgrade_schema
from api.jobs import job_runner
from api.settings import Settings


def command_run_jobs(settings: Settings, _args: argparse.Namespace) -> list[str]:
    """Run jobs until Ctrl+C; a job interrupted then is queued again for the next runner."""
    upgrade_schema(settings)
    print("allervers : travaux en arrière-plan (imports, plans) ; Ctrl+C pour arrêter.", flush=True)
    job_runner(settings).serve_forever()
    return ["Travaux arrêtés."]
