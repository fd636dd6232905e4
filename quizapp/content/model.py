"""The values the parser produces: cards and the problems found in a deck."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One finding of `quizapp check`, located as path:line."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


@dataclass(frozen=True)
class Card:
    """A flashcard as written in markdown. `id` is its identity across edits."""

    id: str
    question: str  # markdown: the heading text, then any extra question lines
    answer: str  # markdown
    topic: str
    tags: tuple[str, ...] = ()
    seeds: tuple[int, ...] = ()
    demo: str | None = None
    key_points: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()  # what an interviewer asks next (`#### Follow-ups`)
    synonyms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (term, other words for it): the interview matcher
    path: str = ""
    line: int = 0
    id_derived: bool = False

    @property
    def synonym_map(self) -> dict[str, list[str]]:
        return {term: list(others) for term, others in self.synonyms}

    @property
    def title(self) -> str:
        """The question's first line, for lists."""
        return self.question.splitlines()[0] if self.question else ""

    def content_hash(self) -> str:
        """Changes exactly when what the store keeps about the card changes."""
        import hashlib  # here, not at the top: ~20 ms of start-up when the deck is unchanged

        return hashlib.sha256(_HASH_JSON(self.hashed_fields()).encode("utf-8")).hexdigest()[:16]

    def hashed_fields(self) -> list:
        """What `content_hash` covers, as the JSON list it hashes (the store encodes a whole deck's at once)."""
        fields = [self.question, self.answer, self.topic, self.tags, self.seeds, self.demo, self.key_points,
                  self.follow_ups]
        if self.synonyms:  # appended only when present: cards without synonyms keep the hash they had
            fields.append(self.synonyms)
        return fields


# json.dumps(..., ensure_ascii=False) builds a new encoder on every call; one, made once, writes the same text
_HASH_JSON = json.JSONEncoder(ensure_ascii=False).encode


@dataclass
class Deck:
    """Every card found under some paths, plus what was wrong with them."""

    cards: list[Card] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]
