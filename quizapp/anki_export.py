"""The deck as an Anki package (.apkg) with genanki: one subdeck per topic, HTML fields, MathJax math.

Every id Anki matches on is derived from ours: a note's GUID from the card id,
each subdeck's id from its topic, the note type's id from its name. So
importing a newer export into Anki updates the notes already there instead of
adding duplicates, and keeps their Anki review history.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from typing import Any, Sequence

import genanki

DECK_NAME = "Deep-learning interview prep"
MODEL_NAME = "quizapp card (question, core, detail, key points)"
FIELDS = ("Question", "Core", "Detail", "Key points", "Follow-ups", "Topic", "Id")
SECTION_RE = re.compile(r"^####\s+(Key points|Follow-ups)\s*$", re.MULTILINE)

CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; max-width: 46em; margin: auto; }
.core { font-size: 20px; } .detail { color: #333; } .night_mode .detail { color: #ccc; }
h4 { margin-bottom: 0.2em; } pre { background: #f4f4f4; padding: 0.5em; overflow-x: auto; }
.night_mode pre { background: #222; } table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: 2px 6px; }
"""
BACK = """{{FrontSide}}<hr id="answer">
<div class="core">{{Core}}</div>
{{#Detail}}<div class="detail">{{Detail}}</div>{{/Detail}}
{{#Key points}}<h4>Key points</h4>{{Key points}}{{/Key points}}
{{#Follow-ups}}<h4>Follow-ups</h4>{{Follow-ups}}{{/Follow-ups}}"""


def stable_id(text: str) -> int:
    """A positive 63-bit id from a name (Anki's ids are 64-bit signed integers)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big") >> 2 or 1


def note_guid(card_id: str) -> str:
    """The GUID Anki matches notes on, from the card id alone."""
    return genanki.guid_for("quizapp", card_id)


MODEL = genanki.Model(
    stable_id(MODEL_NAME), MODEL_NAME, fields=[{"name": f} for f in FIELDS],
    templates=[{"name": "Card 1", "qfmt": '<div class="question">{{Question}}</div>', "afmt": BACK}], css=CSS)


def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    def math(content: str, options: dict[str, Any]) -> str:
        body = html.escape(content.strip(), quote=False)
        return f"\\[{body}\\]" if options.get("display_mode") else f"\\({body}\\)"

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    dollarmath_plugin(md, double_inline=True, renderer=math)
    return md


def split_answer(answer: str) -> tuple[str, str]:
    """(core, detail): the first paragraph, then everything before `#### Key points` / `#### Follow-ups`."""
    body = SECTION_RE.split(answer, maxsplit=1)[0].strip()
    core, _, detail = body.partition("\n\n")
    return core.strip(), detail.strip()


def note_fields(card: dict[str, Any], md=None) -> list[str]:
    """The note's field values as HTML, in FIELDS order."""
    md = md or _markdown()
    core, detail = split_answer(card["answer"])

    def bullets(items: Sequence[str]) -> str:
        return md.render("\n".join(f"- {item}" for item in items)) if items else ""

    return [md.render(card["question"]).strip(), md.render(core).strip(), md.render(detail).strip(),
            bullets(card["key_points"]).strip(), bullets(card.get("follow_ups") or []).strip(),
            html.escape(card["topic"]), html.escape(card["id"])]


def build_package(cards: Sequence[dict[str, Any]]) -> genanki.Package:
    md = _markdown()
    decks: dict[str, genanki.Deck] = {}
    for card in cards:
        name = f"{DECK_NAME}::{card['topic']}"
        deck = decks.get(name)
        if deck is None:
            deck = decks[name] = genanki.Deck(stable_id("deck:" + card["topic"]), name)
        tags = [re.sub(r"\s+", "_", t) for t in card["tags"]]
        deck.add_note(genanki.Note(model=MODEL, fields=note_fields(card, md), tags=tags, guid=note_guid(card["id"])))
    return genanki.Package(list(decks.values()))


def export_apkg(store, out: Path) -> int:
    """Write every studied card to `out`; returns how many."""
    cards = store.cards()
    build_package(cards).write_to_file(str(out))
    return len(cards)
