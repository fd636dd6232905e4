"""A deck's cards as `cards` rows and content hashes, built for a whole sync at once.

A first sync of 1,000 cards spent a fifth of its time in Python's json module, called once per list
field and once per content hash: each call costs ~1 us before it writes a byte, as much as the
encoding itself. `encode_each` writes many values' JSON in one encoder call and cuts it apart; the
texts are exactly those one call per value writes (the rows older syncs stored, the hashes
Card.content_hash gives: a changed text would make every card look edited).
"""

from __future__ import annotations

import json
from typing import Any, Callable, Sequence

from quizapp.content.model import Card

CARD_COLUMNS = ("id", "topic", "question", "answer", "tags", "seeds", "demo", "key_points", "follow_ups", "origin",
                "source", "position", "content_hash", "retired", "added_at", "updated_at", "synonyms")

# The values go in as one object's, keyed 0, 1, ..., with NUL as the key separator: the encoder
# writes NUL nowhere else (it escapes every control character in strings), so the text splits at
# each NUL into the values' own JSON. Inner lists keep json.dumps's ", " between items.
_LISTS_JSON = json.JSONEncoder(separators=(", ", "\0"))  # json.dumps's text: ASCII, \u escapes
_HASH_JSON = json.JSONEncoder(ensure_ascii=False, separators=(", ", "\0"))  # Card.content_hash's text
_SYNONYMS_JSON = json.JSONEncoder(ensure_ascii=False).encode  # made once (json.dumps with options is not)


def encode_each(encoder: json.JSONEncoder, values: Sequence[Any], one: Callable[[Any], str]) -> list[str]:
    """[one(value) for value in values], the same texts, from one call of `encoder` (one's own settings
    with NUL as its key separator). Values holding an object (whose keys would add NULs) fall back to
    a call each."""
    if not values:
        return []
    parts = encoder.encode(dict(enumerate(values))).split("\0")
    if len(parts) != len(values) + 1:
        return [one(value) for value in values]
    # parts: '{"0"', then each value's JSON followed by ', "next key"', the last one's by '}'
    texts = [part[:-4 - len(str(key))] for key, part in enumerate(parts[1:-1], start=1)]
    texts.append(parts[-1][:-1])
    return texts


def json_lists(lists: Sequence[Sequence[Any]]) -> list[str]:
    """[json.dumps(list(items)) for items in lists], the same text (empty ones, most of them, cost nothing)."""
    texts = ["[]"] * len(lists)
    full = [i for i, items in enumerate(lists) if items]
    for i, text in zip(full, encode_each(_LISTS_JSON, [lists[i] for i in full], lambda v: json.dumps(list(v)))):
        texts[i] = text
    return texts


def content_hashes(cards: Sequence[Card]) -> list[str]:
    """[card.content_hash() for card in cards], the same values (its fields, encoded all at once)."""
    from hashlib import sha256  # here, not at the top: ~20 ms of start-up when the deck is unchanged

    payloads = [card.hashed_fields() for card in cards]
    texts = encode_each(_HASH_JSON, payloads, json.JSONEncoder(ensure_ascii=False).encode)
    return [sha256(text.encode("utf-8")).hexdigest()[:16] for text in texts]


def source(card: Card) -> str:
    return f"{card.path}:{card.line}"


def card_rows(cards: Sequence[Card], positions: Sequence[int], origin: str, now: str,
              hashes: Sequence[str]) -> list[tuple]:
    """The cards at `positions` as `cards` rows, in CARD_COLUMNS order (bound by position, not by name)."""
    chosen = [cards[p] for p in positions]
    lists = iter(json_lists([items for card in chosen
                             for items in (card.tags, card.seeds, card.key_points, card.follow_ups)]))
    return [(card.id, card.topic, card.question, card.answer, next(lists), next(lists), card.demo, next(lists),
             next(lists), origin, source(card), position, hashes[position], 0, now, now,
             _SYNONYMS_JSON(card.synonym_map) if card.synonyms else "{}")
            for card, position in zip(chosen, positions)]
