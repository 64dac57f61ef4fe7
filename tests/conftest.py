from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "israel-morocco-steering-committee-2023.txt"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(extra)
    return env


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "communique", *args]


def interruptible(cmd: list[str]) -> subprocess.Popen[str]:
    """Start a CLI run that Ctrl-C (SIGINT) can stop, as a user's can: a shell that starts CI in the
    background leaves SIGINT ignored in its children."""
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def model_server() -> object:
    """llama.cpp's own OpenAI-compatible server (llama-server, built into xllamacpp), started by
    `communique serve` in a process of its own, serving the 0.5B model on loopback."""
    import time
    import urllib.request

    pytest.importorskip("xllamacpp", reason="needs the `server` extra")
    port = free_port()
    log = open(os.devnull, "wb")
    proc = subprocess.Popen(cli("serve", "--model", "qwen2.5-coder-0.5b", "--port", str(port)), stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 180
    while True:
        try:
            urllib.request.urlopen(base_url + "/models", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(f"communique serve did not start on port {port}") from None
            time.sleep(0.5)
    yield base_url
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


@pytest.fixture(autouse=True, scope="session")
def _own_ledger(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or fill the user's ledger and cache of finished summaries."""
    os.environ["COMMUNIQUE_LEDGER"] = str(tmp_path_factory.mktemp("ledger") / "ledger.sqlite")
