"""Where things live: the bundled deck and demos, and the user's database."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_ORIGIN = "bundled"


def bundled_content_dir() -> Path:
    """The deck shipped with quizapp: inside the wheel, or content/ in a checkout."""
    installed = PACKAGE_DIR / "_bundled" / "content"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "content"


def demos_dir() -> Path:
    """The demo programs: inside the wheel (package data, never a top-level `demos` package), or
    demos/ in a checkout. Found by location, never by import, so a `demos/` in the working
    directory cannot take their place."""
    installed = PACKAGE_DIR / "_bundled" / "demos"
    return installed if installed.is_dir() else PACKAGE_DIR.parent / "demos"


def default_db_path() -> Path:
    """QUIZAPP_DB, else the user data folder (never inside the package or checkout)."""
    env = os.environ.get("QUIZAPP_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("quizapp", appauthor=False) / "quizapp.db"
