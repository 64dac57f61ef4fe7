"""Where the package's files are: the data folders (``prompts/``, ``schemas/``: the repository root in a
checkout or an editable install, ``communique/_data/`` in a built wheel), and the user's cache folder
(assembled models, the ledger)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    override = os.environ.get(f"COMMUNIQUE_{name.upper()}_DIR")
    if override:
        return Path(override)
    packaged = _PKG / "_data" / name
    if packaged.is_dir():
        return packaged
    checkout = _PKG.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"communique data folder {name!r} not found (looked in {packaged} and {checkout})")



def cache_dir() -> Path:
    override = os.environ.get("COMMUNIQUE_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("communique"))
