"""Model behaviour: the regression gate catches a prompt version that drops chairs.

A copy of the prompts with an extra version, summarise@99 (v2 told to leave chairs out), runs live on
the embedded model over the seed case; the gate compares it with evals/baseline.json.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, cli

pytestmark = pytest.mark.model


def test_gate_fails_on_a_prompt_that_drops_chairs(tmp_path: Path) -> None:
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    v99 = prompts / "summarise" / "v99"
    shutil.copytree(prompts / "summarise" / "v2", v99)
    meta = (v99 / "prompt.toml").read_text().replace('version = "2"', 'version = "99"')
    (v99 / "prompt.toml").write_text(meta)
    template = v99 / "parties_chairs.j2"
    lines = [line for line in template.read_text().splitlines() if not line.startswith("- chairs:")]
    lines = [line.replace('"chairs": ["Name 1", "Name 2"]', '"chairs": []') for line in lines]
    template.write_text("\n".join(lines) + "\n- chairs: always an empty list [].\n")

    env = {**os.environ, "COMMUNIQUE_PROMPTS_DIR": str(prompts)}
    done = subprocess.run(
        cli("eval", "--suite", str(ROOT / "evals"), "--live", "--prompt-version", "99", "--only", "seed",
            "--gate", "--out", str(tmp_path / "out")),
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert done.returncode == 7, done.stderr
    assert "communique: gate: chairs: " in done.stderr and "seed (1.00 -> 0.00)" in done.stderr
