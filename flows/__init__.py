"""Prefect flows and the command line: the thin layer that runs `transforms` over files.

Importing any `flows` module first sets Prefect defaults that suit a one-shot, offline
run, unless the environment already chose: Prefect reads its settings at import time, and
its temporary API server needs longer than the default 20 s to start on a small machine.
"""

import os

PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
    # Offline, the telemetry service only logs DNS errors.
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}

for _name, _value in PREFECT_DEFAULTS.items():
    os.environ.setdefault(_name, _value)
