"""Deck content: markdown files -> Card objects (pure; no database, no UI)."""

from quizapp.content.math import latex_to_unicode, render_math
from quizapp.content.model import Card, Deck, Problem
from quizapp.content.parser import load_deck, parse_text, slugify

__all__ = ["Card", "Deck", "Problem", "load_deck", "parse_text", "slugify", "render_math", "latex_to_unicode"]
