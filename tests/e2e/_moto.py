"""A throwaway moto server for end-to-end tests.

    with moto_server({"INITIAL_NO_AUTH_ACTION_COUNT": "4"}) as endpoint:
        boto3.client("iam", endpoint_url=endpoint, ...)

The server runs in its own process group on 127.0.0.1 and a free port, and is always stopped
(with everything it started) when the block ends, whether the test passed, failed or timed out.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

HOST = "127.0.0.1"
# Answered by moto itself, never routed to a service, so it never counts as an action.
READY_PATH = "/moto-api/reset-auth"


@contextlib.contextmanager
def moto_server(env: dict[str, str] | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Start `python -m moto.server`, wait until it answers, and yield its endpoint URL.

    `env` is added to this process's environment (for example `INITIAL_NO_AUTH_ACTION_COUNT`).
    Raises `RuntimeError` with the server's output if it exits or does not answer within
    `timeout` seconds.
    """
    port = free_port()
    endpoint = f"http://{HOST}:{port}"
    command = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,  # its own process group, so that stop() reaches children too
        )
        try:
            wait_until_answering(process, endpoint, timeout, log)
            yield endpoint
        finally:
            stop(process)


def free_port() -> int:
    """A port that nothing listened on a moment ago (the kernel's pick for port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_until_answering(process: subprocess.Popen, endpoint: str, timeout: float, log) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if has_exited(process):
            raise RuntimeError(f"moto server exited early:\n{read_log(log)}")
        try:
            # A GET is refused with 400, but any HTTP answer means the server is up.
            with urllib.request.urlopen(endpoint + READY_PATH, timeout=1):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"moto server did not answer within {timeout} s:\n{read_log(log)}")
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the server's process group, SIGKILL what is left after 5 s, and reap the server.

    The server is not reaped before the final SIGKILL (`has_exited` only peeks), so the group id
    cannot have been reused by an unrelated process when it is signalled.
    """
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while not has_exited(process) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=5)


def has_exited(process: subprocess.Popen) -> bool:
    """Whether the process has exited, without reaping it."""
    return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def read_log(log) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")[-4000:]
