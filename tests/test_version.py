"""The version lives in one module, _version.py; the package, the API's provenance and the CLI read it there."""

from __future__ import annotations

import tomllib

from typer.testing import CliRunner

import communique
from communique._version import __version__
from communique.cli import app
from conftest import ROOT


def test_one_version_everywhere() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert communique.__version__ == __version__ == pyproject["project"]["version"]
    done = CliRunner().invoke(app, ["--version"])
    assert done.exit_code == 0 and done.output.strip() == f"communique {__version__}"


def test_modules_do_not_import_the_version_from_the_package() -> None:
    for module in ("api.py", "cli.py"):
        source = (ROOT / "src" / "communique" / module).read_text(encoding="utf-8")
        assert "from ._version import __version__" in source
        assert "from . import __version__" not in source and "from communique import __version__" not in source
