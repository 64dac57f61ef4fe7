"""Stage 3, prompting: versioned prompt templates kept as data in ``prompts/<id>/v<version>/``.

Each version folder holds ``prompt.toml`` (id, version, description, schema version, strategy,
generation parameters, template names) and Jinja2 templates. The hash of a version covers every file
in its folder; ``prompts/prompts.lock.json`` records the hash of each released version and the tests
fail when a released version changes. A change is a new version folder.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from ._resources import data_dir
from .errors import ConfigError

LOCK_FILE = "prompts.lock.json"
DEFAULT_PROMPT_ID = "summarise"
DEFAULT_PROMPT_VERSION = "6"



def _environment(sources: dict[str, str]) -> jinja2.Environment:
    """Templates of one version; they may include each other (``{% include "_article.j2" %}``)."""
    return jinja2.Environment(
        loader=jinja2.DictLoader(sources),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # prompts are plain text for a model, never HTML
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass(frozen=True)
class PromptVersion:
    id: str
    version: str
    description: str
    schema_version: str
    strategy: str
    parameters: dict[str, Any]
    templates: dict[str, str]  # template name -> file name
    options: dict[str, Any]  # the strategy's options for this version (prompt.toml [options])
    hash: str
    folder: Path
    env: jinja2.Environment = field(repr=False, compare=False)

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def render(self, name: str, **context: Any) -> str:
        try:
            file = self.templates[name]
        except KeyError:
            raise ConfigError(f"prompt {self.key} has no template {name!r}") from None
        return self.env.get_template(file).render(**context).strip()


def folder_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return "sha256:" + digest.hexdigest()


def _load(folder: Path) -> PromptVersion:
    meta = tomllib.loads((folder / "prompt.toml").read_text(encoding="utf-8"))
    sources = {p.name: p.read_text(encoding="utf-8") for p in folder.glob("*.j2")}
    return PromptVersion(
        id=meta["id"],
        version=str(meta["version"]),
        description=meta["description"].strip(),
        schema_version=str(meta["schema_version"]),
        strategy=meta["strategy"],
        parameters=dict(meta.get("parameters", {})),
        templates=dict(meta["templates"]),
        options=dict(meta.get("options", {})),
        hash=folder_hash(folder),
        folder=folder,
        env=_environment(sources),
    )


def _all(root: Path) -> dict[str, PromptVersion]:
    found = {}
    for meta in sorted(root.glob("*/v*/prompt.toml")):
        prompt = _load(meta.parent)
        found[prompt.key] = prompt
    return found


def all_prompts() -> list[PromptVersion]:
    return list(_all(data_dir("prompts")).values())


def get_prompt(version: str = DEFAULT_PROMPT_VERSION, prompt_id: str = DEFAULT_PROMPT_ID) -> PromptVersion:
    version = version.removeprefix("v")
    prompts = _all(data_dir("prompts"))
    try:
        return prompts[f"{prompt_id}@{version}"]
    except KeyError:
        known = ", ".join(sorted(k for k in prompts if k.startswith(prompt_id + "@"))) or "none"
        raise ConfigError(f"unknown prompt version {prompt_id}@{version} (known: {known})") from None


def read_lock() -> dict[str, str]:
    path = data_dir("prompts") / LOCK_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def lock_problems() -> list[str]:
    """Released prompt versions whose files changed, and versions missing from the lock file."""
    lock = read_lock()
    problems = []
    for prompt in all_prompts():
        locked = lock.get(prompt.key)
        if locked is None:
            problems.append(f"{prompt.key} is not in {LOCK_FILE}; run `communique prompts lock` to release it")
        elif locked != prompt.hash:
            problems.append(
                f"{prompt.key} changed after release ({locked} -> {prompt.hash}); "
                "released prompts never change: copy it to a new version folder instead"
            )
    return problems


def write_lock() -> dict[str, str]:
    """Add unreleased versions to the lock file. Never rewrites the hash of a released version."""
    lock = read_lock()
    for prompt in all_prompts():
        lock.setdefault(prompt.key, prompt.hash)
    path = data_dir("prompts") / LOCK_FILE
    path.write_text(json.dumps(dict(sorted(lock.items())), indent=2) + "\n", encoding="utf-8")
    return lock
