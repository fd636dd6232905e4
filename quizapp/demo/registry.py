"""The demos that exist, read from their source files without importing them (they import torch).

A demo's knobs are its module-level `PARAMS = [Param("lr", 0.1, "help", lo=..., hi=...), ...]`: calls
with literal arguments, so they are read here with `ast` into the same `Param` records the demo uses.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

from quizapp.demo.protocol import Param, UsageError, resolve_params
from quizapp.paths import demos_dir

NOT_DEMOS = {"__init__", "__main__", "protocol", "common"}


@dataclass(frozen=True)
class DemoInfo:
    name: str
    title: str
    claim: str
    cards: tuple[str, ...]
    path: Path
    params: tuple[Param, ...] = ()

    def resolve(self, settings: Mapping[str, str] | Sequence[str], quick: bool = False) -> dict[str, Any]:
        """Validate `name=value` settings as the demo will (UsageError with the same message)."""
        items = [f"{k}={v}" for k, v in settings.items()] if isinstance(settings, Mapping) else list(settings)
        return resolve_params(self.params, items, quick)


def settings_label(params: Mapping[str, Any] | None, demo: DemoInfo | None) -> str:
    """A stored run's knob values in a few words: the ones moved off their defaults, 'defaults', and
    'quick' for a short run; '–' for runs recorded before knobs existed."""
    if params is None:
        return "–"
    specs = {p.name: p for p in demo.params} if demo else {}
    moved = []
    for name, value in params.items():
        if name in ("quick", "seed"):
            continue
        spec = specs.get(name)
        if spec is None or value not in (spec.default, spec.quick if params.get("quick") else spec.default):
            moved.append(f"{name}={value:g}" if isinstance(value, float) else f"{name}={value}")
    if params.get("seed") not in (None, 0):
        moved.append(f"seed={params['seed']}")
    words = " ".join(moved) if moved else "defaults"
    return f"quick, {words}" if params.get("quick") else words


def _assigned(tree: ast.Module, name: str) -> ast.expr | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return node.value
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return node.value
    return None


def _constant(tree: ast.Module, name: str) -> object:
    value = _assigned(tree, name)
    if value is None:
        return None
    try:
        return ast.literal_eval(value)
    except ValueError:
        return None


def _params(tree: ast.Module) -> tuple[Param, ...]:
    """PARAMS as Param records; a call that is not literal is skipped (the demo still validates it)."""
    value = _assigned(tree, "PARAMS")
    if not isinstance(value, (ast.List, ast.Tuple)):
        return ()
    out = []
    for call in value.elts:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "Param"):
            continue
        try:
            args = [ast.literal_eval(a) for a in call.args]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
            out.append(Param(*args, **kwargs))
        except (ValueError, TypeError, SyntaxError):
            continue
    return tuple(out)


def available_demos(folder: Path | None = None) -> dict[str, DemoInfo]:
    folder = folder or demos_dir()
    found: dict[str, DemoInfo] = {}
    for path in sorted(folder.glob("*.py")):
        name = path.stem
        if name in NOT_DEMOS or name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
            continue
        title = _constant(tree, "TITLE")
        claim = _constant(tree, "CLAIM")
        cards = _constant(tree, "CARDS")
        found[name] = DemoInfo(
            name=name,
            title=title if isinstance(title, str) else name,
            claim=claim if isinstance(claim, str) else "",
            cards=tuple(cards) if isinstance(cards, (list, tuple)) else (),
            path=path.resolve(),
            params=_params(tree),
        )
    return found


__all__ = ["DemoInfo", "UsageError", "available_demos", "settings_label"]
