"""The demos' protocol module (events and knobs), loaded by its file path from the demos folder.

Why by path: the wheel ships the demos as package data (quizapp/_bundled/demos), not as a top-level
`demos` package, and a `demos/` folder in the working directory must never stand in for ours.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from quizapp.paths import demos_dir

_MODULE = "quizapp.demo._demos_protocol"


def _load() -> ModuleType:
    if _MODULE in sys.modules:
        return sys.modules[_MODULE]
    path = demos_dir() / "protocol.py"
    spec = importlib.util.spec_from_file_location(_MODULE, path)
    if spec is None or spec.loader is None:  # pragma: no cover - a broken install
        raise ImportError(f"cannot load the demo protocol from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_MODULE] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


_protocol = _load()
Event = _protocol.Event
ProtocolError = _protocol.ProtocolError
Param = _protocol.Param
UsageError = _protocol.UsageError
decode = _protocol.decode
encode = _protocol.encode
resolve_params = _protocol.resolve_params
to_number = _protocol.to_number

__all__ = ["Event", "ProtocolError", "Param", "UsageError", "decode", "encode", "resolve_params", "to_number"]
