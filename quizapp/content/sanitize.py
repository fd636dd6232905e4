"""Control characters made visible, so deck and demo text can never drive the terminal.

A question holding `ESC ]0;title BEL` would set the terminal's title, and `ESC [2J`
would clear the screen: Rich and Textual pass ESC through untouched. Every C0
control but tab and newline, DEL and the C1 controls (U+0080-U+009F, which some
terminals also obey) are replaced by something printable: C0 and DEL by their
Unicode control pictures (ESC shows as ␛), C1 by a `\\x9b`-style escape.
"""

from __future__ import annotations

import re
import unicodedata

KEPT = {0x09, 0x0A}  # tab and newline are layout, not commands
_PICTURES = {code: chr(0x2400 + code) for code in range(0x20) if code not in KEPT}
_PICTURES[0x7F] = "\u2421"  # ␡
_PICTURES.update({code: f"\\x{code:02x}" for code in range(0x80, 0xA0)})
_TABLE = str.maketrans(_PICTURES)
CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def has_controls(text: str) -> bool:
    return CONTROL_RE.search(text) is not None


def visible_controls(text: str) -> str:
    """`text` with every terminal control character replaced by a visible stand-in."""
    return text.translate(_TABLE) if CONTROL_RE.search(text) else text


def control_name(char: str) -> str:
    """`U+001B (ESC)`-style name for messages."""
    code = ord(char)
    short = {0x1B: "ESC", 0x07: "BEL", 0x08: "BS", 0x0D: "CR", 0x7F: "DEL", 0x9B: "CSI", 0x00: "NUL"}.get(code)
    if short is None:
        short = unicodedata.name(char, "") or "control"
    return f"U+{code:04X} ({short})"


def control_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line, first control character on it) for every line of `text` that has one."""
    found: list[tuple[int, str]] = []
    line, counted = 1, 0  # counted incrementally: a file full of controls stays linear
    for match in CONTROL_RE.finditer(text):
        line += text.count("\n", counted, match.start())
        counted = match.start()
        if not found or found[-1][0] != line:
            found.append((line, match.group()))
    return found
