"""A small process supervisor for ``louyu serve``: start named child processes, notice when
one dies or a stop is requested, and stop them all (SIGTERM, then SIGKILL after a grace)."""

from __future__ import annotations

import logging
import signal
import subprocess
import time

logger = logging.getLogger("louyu.serve")


class Supervisor:
    def __init__(self, commands: dict[str, tuple[list[str], dict[str, str] | None]], grace=30.0):
        self.commands = commands
        self.grace = grace
        self.processes: dict[str, subprocess.Popen] = {}
        self.stop_requested = False

    def start(self) -> None:
        for name, (argv, env) in self.commands.items():
            self.processes[name] = subprocess.Popen(argv, env=env)  # noqa: S603
            logger.info("started %s (pid %s)", name, self.processes[name].pid)

    def request_stop(self, signum=None, frame=None) -> None:
        self.stop_requested = True

    def exited(self) -> list[str]:
        return [name for name, process in self.processes.items() if process.poll() is not None]

    def running(self) -> bool:
        return not self.stop_requested and not self.exited()

    def stop(self) -> list[str]:
        """Stop every child; the names of those that had exited on their own before."""
        failed = [] if self.stop_requested else self.exited()
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for name, process in self.processes.items():
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop within %ss; killing it", name, self.grace)
                process.kill()
                process.wait()
        return failed
