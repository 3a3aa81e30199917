"""The dashboard: a Streamlit page over the warehouse's DuckDB views, opened read-only.

`queries` builds every panel's rows as plain DataFrames (testable without Streamlit),
`charts` turns them into Altair charts, and `app` is the page that wires both to widgets.
"""

import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"
WAREHOUSE_ENV = "SUMMITRY_WAREHOUSE"


def streamlit_command(port: int, address: str) -> list[str]:
    """Return the command that serves the page on `address:port`, headless and without telemetry."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]
