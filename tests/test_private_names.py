"""Plumbing: no module of the package uses another module's private names.

A private name starts with one underscore (``_helper``, ``backend._request``); dunder names
(``__version__``, ``exc.__cause__``) are not private. A module may use its own private names, and
``self._x`` / ``cls._x`` / ``super()._x`` inside a class are always fine. Flagged, in every module under
``src/communique``:

- ``from .x import _helper`` (importing a private name; a package's private *module*, such as
  ``_resources``, may be imported by the package's own modules);
- ``obj._name`` and ``getattr(obj, "_name")`` when ``_name`` is defined in a different module of the
  package (``summariser._session``, ``self.backend._request``), even if this module also defines a
  name of the same spelling;
- ``obj._name`` when ``_name`` is defined nowhere in the package: a third party's private attribute,
  allowed only where listed in :data:`THIRD_PARTY` with the reason.

The check is by name, not by type: it cannot tell ``other._lock`` of this module's own class from
``backend._lock`` of another's when both modules define ``_lock``; such a use is flagged.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "communique"

#: (module, private attribute of a third-party object) -> why it is used.
THIRD_PARTY: dict[tuple[str, str], str] = {}


def is_private(name: str) -> bool:
    return name.startswith("_") and name != "_" and not (name.startswith("__") and name.endswith("__"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


@dataclass(frozen=True)
class Use:
    module: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.what}"


def definitions(tree: ast.Module) -> set[str]:
    """Private names a module defines for others to reach: module-level and class-level names, and
    attributes assigned through ``self`` or ``cls``."""
    found: set[str] = set()

    def targets(node: ast.AST) -> list[ast.expr]:
        if isinstance(node, ast.Assign):
            return node.targets
        if isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            return [node.target]
        return []

    def names(target: ast.expr) -> list[str]:
        if isinstance(target, ast.Name):
            return [target.id]
        if isinstance(target, (ast.Tuple, ast.List)):
            return [n for t in target.elts for n in names(t)]
        return []

    def scope(body: list[ast.stmt]) -> None:  # a module's or a class's own statements
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.add(node.name)
            for target in targets(node):
                found.update(names(target))
            if isinstance(node, ast.ClassDef):
                scope(node.body)
            elif isinstance(node, (ast.If, ast.Try, ast.With)):
                scope([s for part in ("body", "orelse", "finalbody") for s in getattr(node, part, [])])

    scope(tree.body)
    for node in ast.walk(tree):
        for target in targets(node):
            for t in ast.walk(target):
                if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id in ("self", "cls"):
                    found.add(t.attr)
    return {n for n in found if is_private(n)}


def bound(tree: ast.Module) -> set[str]:
    """Every name the module binds anywhere (its own names, however local)."""
    found = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    found |= {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    found |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    found |= definitions(tree)
    return found


def own_object(node: ast.expr) -> bool:
    """``self``, ``cls`` or ``super()``: the class's own members, wherever they were defined."""
    if isinstance(node, ast.Name):
        return node.id in ("self", "cls")
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def resolve(module: str, package_file: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if package_file else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def is_module(dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] != "communique":
        return False
    path = PACKAGE.parent.joinpath(*parts)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def private_uses(sources: dict[Path, str]) -> list[Use]:
    trees = {path: ast.parse(text, filename=str(path)) for path, text in sources.items()}
    defined = {module_name(path): definitions(tree) for path, tree in trees.items()}
    uses: list[Use] = []
    for path, tree in trees.items():
        module = module_name(path)
        elsewhere = set().union(*(names for m, names in defined.items() if m != module))
        uses += module_uses(module, is_package(path), tree, elsewhere, bound(tree))
    return sorted(uses, key=lambda u: (u.module, u.line))


def module_uses(module: str, package_file: bool, tree: ast.Module, elsewhere: set[str], own: set[str]) -> list[Use]:
    uses: list[Use] = []

    def check(name: str, line: int, what: str) -> None:
        if not is_private(name):
            return
        if name in elsewhere:
            uses.append(Use(module, line, f"{what}: {name} is private to another module"))
        elif name not in own and (module, name) not in THIRD_PARTY:
            uses.append(Use(module, line, f"{what}: {name} is a third party's private name"))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = resolve(module, package_file, node)
            for alias in node.names:
                if is_private(alias.name) and not is_module(f"{source}.{alias.name}"):
                    uses.append(Use(module, node.lineno, f"from {source} import {alias.name}"))
        elif isinstance(node, ast.Attribute) and not own_object(node.value):
            check(node.attr, node.lineno, ast.unparse(node))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str)
              and not own_object(node.args[0])):
            check(node.args[1].value, node.lineno, ast.unparse(node))
    return uses


def package_sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in sorted(PACKAGE.rglob("*.py"))}


def test_no_module_uses_another_modules_private_names() -> None:
    uses = private_uses(package_sources())
    assert not uses, "private names used across modules:\n" + "\n".join(map(str, uses))


def test_the_check_catches_each_kind_of_use() -> None:
    """The rule on a small package of its own: each kind of use is caught, and the fine ones are not."""
    sources = {
        PACKAGE / "backends" / "openai.py": (
            "class OpenAIBackend:\n"
            "    def __init__(self):\n        self._secret = 'k'\n"
            "    def _request(self):\n        return self._secret\n"
        ),
        PACKAGE / "api.py": "def _helper():\n    pass\nclass Summariser:\n    def _session(self):\n        return _helper()\n",
        PACKAGE / "user.py": (
            "from .api import _helper\n"
            "from . import _resources\n"
            "from ._version import __version__\n"
            "class Client:\n"
            "    def _request(self, backend, summariser):\n"
            "        backend._request()\n"
            "        getattr(backend, '_secret')\n"
            "        summariser._session()\n"
            "        self._request(backend, summariser)\n"
            "        super()._other()\n"
            "        return backend.__class__, self._own\n"
            "    def _own(self):\n"
            "        thing._unknown\n"
        ),
    }
    found = [u.what.split(":")[0] for u in private_uses(sources)]
    assert found == [
        "from communique.api import _helper",
        "backend._request",
        "getattr(backend, '_secret')",
        "summariser._session",
        "thing._unknown",
    ]
