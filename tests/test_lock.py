"""One writer per warehouse: the lock, waiting for it, and the lock of a dead process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading

import pytest

from flows.lock import LOCK_FILE, WarehouseBusyError, locked, wait_until_free
from flows.warehouse import WarehouseError


def test_a_second_run_cannot_take_the_lock_and_is_told_who_has_it(tmp_path):
    with locked(tmp_path), pytest.raises(WarehouseBusyError) as caught, locked(tmp_path):
        pass
    message = str(caught.value)
    assert f"process {os.getpid()}" in message
    assert "nothing was written" in message and "--wait SECONDS" in message
    assert isinstance(caught.value, WarehouseError)


def test_a_run_gives_up_after_its_wait(tmp_path):
    with locked(tmp_path), pytest.raises(WarehouseBusyError, match=r"within 0\.3 s"):
        wait_until_free(tmp_path, wait=0.3)


def test_a_waiting_run_takes_the_lock_once_the_other_lets_go(tmp_path):
    taken, release = threading.Event(), threading.Event()

    def other_run():
        with locked(tmp_path):
            taken.set()
            release.wait(30)

    holder = threading.Thread(target=other_run)
    holder.start()
    taken.wait(30)
    threading.Timer(0.2, release.set).start()
    with locked(tmp_path, wait=60):
        assert release.is_set()  # it got the lock only after the other let go
    holder.join()


def test_the_lock_of_a_killed_process_is_free_at_once(tmp_path):
    # The holder takes the flock as the pipeline does, and is SIGKILLed holding it.
    script = (
        "import fcntl, sys, time\n"
        f"handle = open({str(tmp_path / LOCK_FILE)!r}, 'a+')\n"
        "fcntl.flock(handle, fcntl.LOCK_EX)\n"
        "handle.write('{\"pid\": 1}'); handle.flush()\n"
        "print('locked', flush=True)\n"
        "time.sleep(120)\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(WarehouseBusyError, match="another process"):
        wait_until_free(tmp_path)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with locked(tmp_path):
        assert (tmp_path / LOCK_FILE).exists()


def test_a_released_lock_file_names_nobody(tmp_path):
    with locked(tmp_path):
        assert str(os.getpid()) in (tmp_path / LOCK_FILE).read_text()
    assert (tmp_path / LOCK_FILE).read_text() == ""
