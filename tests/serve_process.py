"""`summitry serve` in a process of its own, with no Prefect API configured, for tests.

It starts its own Prefect server, which takes ~20 s here, so conftest.py starts it as soon
as a `serve` test is collected and the other tests run meanwhile.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from conftest import write_tiny_corpus

from flows.server import die_with_parent

PATIENCE = 300  # seconds before giving up on a line or an exit (a bound, not a timing)
NAME = "hourly"
CRON, TIMEZONE = "0 * * * *", "Europe/Paris"


class ServeProcess:
    """`summitry serve` on a tiny corpus, its output read line by line in a thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.corpus = write_tiny_corpus(root / "corpus")
        self.warehouse = root / "wh"
        sources = root / "sources.toml"
        sources.write_text(f'warehouse = "wh"\ninputs = ["{self.corpus}"]\n', encoding="utf-8")
        command = [sys.executable, "-m", "flows.cli", "serve", "--sources", str(sources)]
        command += ["--cron", CRON, "--timezone", TIMEZONE, "--name", NAME]
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env |= {"PREFECT_HOME": str(root / "home"), "PREFECT_RUNNER_POLL_FREQUENCY": "1"}
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # the test's Ctrl-C is not its
            preexec_fn=die_with_parent,  # if pytest is killed, it and its server stop too
        )
        self.seen: list[str] = []
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self._lines.put(line)

    def until(self, text: str) -> str:
        """Return the first line (not seen yet) holding `text`, waiting for it."""
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=1)
            except queue.Empty:
                if self.process.poll() is not None and self._lines.empty():
                    break
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"serve never said {text!r}:\n{self.output()}")

    def output(self) -> str:
        return "".join(self.seen)

    def stop(self) -> int:
        """SIGTERM it, as a service manager would, and return its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(PATIENCE)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            raise
        return self.process.returncode
