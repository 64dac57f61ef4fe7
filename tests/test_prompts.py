"""Plumbing: prompt versions are data, released versions never change."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from communique import prompting
from communique._resources import data_dir
from communique.errors import ConfigError


def test_every_prompt_version_is_released_unchanged() -> None:
    assert prompting.lock_problems() == []
    assert prompting.read_lock(), "the lock file lists released versions"


def test_changing_a_released_prompt_is_detected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = tmp_path / "prompts"
    shutil.copytree(data_dir("prompts"), copy)
    monkeypatch.setenv("COMMUNIQUE_PROMPTS_DIR", str(copy))
    assert prompting.lock_problems() == []
    template = copy / "summarise" / "v1" / "user.j2"
    template.write_text(template.read_text() + "\nAlso list France.\n")
    problems = prompting.lock_problems()
    assert len(problems) == 1 and "summarise@1 changed after release" in problems[0]
    prompting.write_lock()  # must not bless the change
    assert prompting.lock_problems() == problems


def test_render_puts_article_first_and_fails_on_missing_variables() -> None:
    prompt = prompting.get_prompt("1")
    text = prompt.render("user", article="ARTICLE BODY")
    assert text.index("ARTICLE BODY") < text.index("TASK")
    with pytest.raises(Exception, match="article"):
        prompt.render("user")


def test_unknown_version_names_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"summarise@99.*known: summarise@1"):
        prompting.get_prompt("99")
