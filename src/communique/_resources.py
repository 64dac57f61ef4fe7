"""Where the data folders (``prompts/``, ``schemas/``) are: the repository root in a checkout or an
editable install, ``communique/_data/`` in a built wheel."""

from __future__ import annotations

import os
from pathlib import Path

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

