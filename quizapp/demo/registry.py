"""The demos that exist, read from their source files without importing them (they import torch)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from quizapp.paths import demos_dir

NOT_DEMOS = {"__init__", "__main__", "protocol", "common"}


@dataclass(frozen=True)
class DemoInfo:
    name: str
    title: str
    claim: str
    cards: tuple[str, ...]
    path: Path


def _constant(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            try:
                return ast.literal_eval(node.value)
            except ValueError:
                return None
    return None


def available_demos(folder: Path | None = None) -> dict[str, DemoInfo]:
    folder = folder or demos_dir()
    found: dict[str, DemoInfo] = {}
    for path in sorted(folder.glob("*.py")):
        name = path.stem
        if name in NOT_DEMOS or name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        title = _constant(tree, "TITLE")
        claim = _constant(tree, "CLAIM")
        cards = _constant(tree, "CARDS")
        found[name] = DemoInfo(
            name=name,
            title=title if isinstance(title, str) else name,
            claim=claim if isinstance(claim, str) else "",
            cards=tuple(cards) if isinstance(cards, (list, tuple)) else (),
            path=path,
        )
    return found
