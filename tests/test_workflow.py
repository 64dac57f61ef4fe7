"""The GitHub Actions workflow for users (.github/workflows/communique-eval.yml): it parses, has its
steps, and asks `communique eval` only for options that exist (no model is loaded here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from communique.cli import app
from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "communique-eval.yml"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    (job,) = workflow["jobs"].values()
    return job["steps"]


def step(steps: list[dict[str, Any]], *, uses: str = "", run: str = "") -> dict[str, Any]:
    found = [s for s in steps if (uses and s.get("uses", "").startswith(uses)) or (run and run in s.get("run", ""))]
    assert len(found) == 1, f"expected one step with uses={uses!r} run={run!r}, found {len(found)}"
    return found[0]


def eval_command(steps: list[dict[str, Any]]) -> str:
    return step(steps, run="bin/communique eval")["run"]


def test_triggers_runner_and_python(workflow: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "push" in triggers and "pull_request" in triggers
    (job,) = workflow["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert str(step(steps, uses="actions/setup-python")["with"]["python-version"]) == "3.11"


def test_pip_cache_keyed_on_pyproject_and_saved_after_the_install(steps: list[dict[str, Any]]) -> None:
    restore = step(steps, uses="actions/cache/restore")
    save = step(steps, uses="actions/cache/save")
    install = step(steps, run="dev-setup")
    assert restore["with"]["path"] == save["with"]["path"] == "~/.cache/pip"
    assert "hashFiles('pyproject.toml')" in restore["with"]["key"]
    assert steps.index(restore) < steps.index(install) < steps.index(save) < steps.index(step(steps, run="pytest"))
    assert (ROOT / "scripts" / "dev-setup").is_file()


def test_tests_then_eval_with_the_gate(workflow: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    tests = step(steps, run="pytest")
    command = eval_command(steps)
    assert steps.index(tests) < steps.index(step(steps, run="bin/communique eval"))
    for option in ("--gate", "--cases", "--prompt-version", "--baseline", "--out"):
        assert option in command.split(), option
    # One place to adapt: the golden set, prompt version and baseline are env vars at the top.
    env = workflow["env"]
    for name in ("EVAL_CASES", "PROMPT_VERSION", "EVAL_BASELINE", "EVAL_OUT"):
        assert f'"${name}"' in command, name
    assert (ROOT / env["EVAL_CASES"]).is_dir() and (ROOT / env["EVAL_BASELINE"]).is_file()


def test_job_summary_and_uploaded_reports(workflow: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    # `communique eval` appends report.md to $GITHUB_STEP_SUMMARY itself: the eval step keeps the
    # variable; the tests' own eval runs do not write into the summary.
    assert "GITHUB_STEP_SUMMARY" not in eval_command(steps)
    assert "env -u GITHUB_STEP_SUMMARY" in step(steps, run="pytest")["run"]
    fallback = step(steps, run="report.md\" ]")
    assert fallback["if"] == "always()" and '>> "$GITHUB_STEP_SUMMARY"' in fallback["run"]
    upload = step(steps, uses="actions/upload-artifact@v4")
    assert upload["if"] == "always()"
    paths = upload["with"]["path"].splitlines()
    out = workflow["env"]["EVAL_OUT"]
    for name in ("junit.xml", "report.html"):
        assert "${{ env.EVAL_OUT }}/" + name in paths
    assert out == "reports/eval"


def test_every_eval_option_in_the_workflow_exists(workflow: dict[str, Any], steps: list[dict[str, Any]]) -> None:
    done = CliRunner().invoke(app, ["eval", "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert done.exit_code == 0, done.output
    option = re.compile(r"(?<![\w-])--[a-z][a-z-]*")
    offered = set(option.findall(done.output))
    used = option.findall(eval_command(steps) + " " + workflow["env"]["EVAL_OPTIONS"])
    # Every option the file names outside the pytest lines (its comments suggest some) is an eval option.
    named = option.findall("\n".join(line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if "pytest" not in line))
    assert "--gate" in used and set(used + named) <= offered, set(used + named) - offered


def test_the_cli_appends_report_md_to_the_job_summary(tmp_path: Path) -> None:
    """What the workflow relies on: with GITHUB_STEP_SUMMARY set, `communique eval --out` writes its
    reports and appends report.md to that file (replayed answers, one case: no model)."""
    summary = tmp_path / "summary.md"
    summary.write_text("earlier steps\n", encoding="utf-8")
    out = tmp_path / "eval"
    env = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["env"]  # the version and baseline it ships with
    done = CliRunner().invoke(
        app,
        ["eval", "--cases", str(ROOT / "evals"), "--only", "seed", "--prompt-version", str(env["PROMPT_VERSION"]),
         "--baseline", str(ROOT / env["EVAL_BASELINE"]), "--gate", "--out", str(out)],
        env={"GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert done.exit_code == 0, done.output
    for name in ("report.md", "junit.xml", "report.html", "scores.json"):
        assert (out / name).is_file(), name
    assert summary.read_text(encoding="utf-8") == "earlier steps\n" + (out / "report.md").read_text(encoding="utf-8")
