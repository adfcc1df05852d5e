"""Builds the crate's examples for end-to-end tests, once per test session.

    binary = cargo_example("secrets_manager")   # builds on the first call, then cached
    subprocess.run([binary, ...], timeout=30)
"""

from __future__ import annotations

import functools
import json
import subprocess
from pathlib import Path

CRATE = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 900  # a cold debug build; another build holding cargo's lock adds to it


@functools.cache
def cargo_example(name: str) -> Path:
    """Runs `cargo build --example NAME` and returns the path of the binary it built.

    The path comes from cargo's own build messages, so `CARGO_TARGET_DIR` and a shared target
    directory are honoured. Raises `RuntimeError` with cargo's output if the build fails.
    """
    result = subprocess.run(
        ["cargo", "build", "--quiet", "--example", name, "--message-format=json-render-diagnostics"],
        cwd=CRATE,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cargo build --example {name} failed:\n{result.stderr[-4000:]}")
    for line in result.stdout.splitlines():
        message = json.loads(line)
        target = message.get("target", {})
        if message.get("reason") == "compiler-artifact" and target.get("name") == name and "example" in target.get(
            "kind", []
        ):
            return Path(message["executable"])
    raise RuntimeError(f"cargo build --example {name} named no executable")
