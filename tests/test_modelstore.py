"""Plumbing: assembling a model from part packages, refusing anything whose sha256 is off."""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path

import pytest

from communique import BackendUnavailable, ModelIntegrityError
from communique.backends.modelstore import ModelSpec, assemble, file_sha256, resolve


@pytest.fixture()
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ModelSpec, bytes]:
    """Three installed 'part packages' on sys.path, as pip lays them out."""
    site = tmp_path / "site"
    chunks = [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7]
    for i, chunk in enumerate(chunks, start=1):
        pkg = site / f"fakemodel_part{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(chunk)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    monkeypatch.setenv("COMMUNIQUE_CACHE_DIR", str(tmp_path / "cache"))
    whole = b"".join(chunks)
    spec = ModelSpec("fake", "test", "fakemodel_part", 3, len(whole), hashlib.sha256(whole).hexdigest(), "fake")
    return spec, whole


def test_assembles_once_and_verifies(fake_parts: tuple[ModelSpec, bytes], tmp_path: Path) -> None:
    spec, whole = fake_parts
    path = assemble(spec)
    assert path.read_bytes() == whole and path.parent == tmp_path / "cache" / "models"
    assert assemble(spec) == path  # second time: verified from the stamp, not rebuilt
    assert not list(path.parent.glob("*.partial-*"))


def test_tampered_file_is_refused(fake_parts: tuple[ModelSpec, bytes]) -> None:
    spec, whole = fake_parts
    path = assemble(spec)
    path.write_bytes(whole[:-1] + b"X")  # same size, other bytes: the stamp no longer matches
    with pytest.raises(ModelIntegrityError, match="refusing to load"):
        assemble(spec)


def test_wrong_parts_are_refused(fake_parts: tuple[ModelSpec, bytes]) -> None:
    spec, _ = fake_parts
    wrong = ModelSpec(spec.name, "x", spec.package_prefix, spec.parts, spec.size, "0" * 64, "fake")
    with pytest.raises(ModelIntegrityError, match="expected"):
        assemble(wrong)


def test_missing_part_package_names_the_extra(fake_parts: tuple[ModelSpec, bytes]) -> None:
    spec, _ = fake_parts
    more = ModelSpec(spec.name, "x", spec.package_prefix, 4, spec.size, spec.sha256, "fake")
    with pytest.raises(BackendUnavailable, match=r"fakemodel-part4 is not installed.*communique\[fake\]"):
        assemble(more)


def test_any_gguf_path_is_hashed_and_others_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNIQUE_CACHE_DIR", str(tmp_path / "cache"))
    gguf = tmp_path / "my.gguf"
    gguf.write_bytes(b"GGUF" + b"\0" * 10)
    resolved = resolve(str(gguf))
    assert resolved.sha256 == hashlib.sha256(gguf.read_bytes()).hexdigest() == file_sha256(gguf)
    other = tmp_path / "notes.txt"
    other.write_text("hello")
    with pytest.raises(ModelIntegrityError, match="not a GGUF"):
        resolve(str(other))
    with pytest.raises(BackendUnavailable, match="neither a known model"):
        resolve(str(tmp_path / "missing.gguf"))
    assert "fakemodel_part1" not in sys.modules
