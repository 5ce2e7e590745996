"""``louyu serve``'s supervisor: when one child dies the others are stopped and the dead one
is named; a requested stop ends every child without naming any."""

import sys

from louyu.core.processes import Supervisor

SLEEPER = [sys.executable, "-c", "import time; time.sleep(600)"]
QUITTER = [sys.executable, "-c", "raise SystemExit(3)"]


def test_a_dead_child_stops_the_others_and_is_named():
    supervisor = Supervisor({"sleeper": (SLEEPER, None), "quitter": (QUITTER, None)}, grace=10)
    supervisor.start()
    supervisor.processes["quitter"].wait(timeout=60)
    assert not supervisor.running()
    assert supervisor.stop() == ["quitter"]
    assert supervisor.processes["sleeper"].poll() is not None


def test_a_requested_stop_ends_every_child():
    supervisor = Supervisor({"a": (SLEEPER, None), "b": (SLEEPER, None)}, grace=10)
    supervisor.start()
    supervisor.request_stop()
    assert not supervisor.running()
    assert supervisor.stop() == []
    assert all(process.poll() is not None for process in supervisor.processes.values())
