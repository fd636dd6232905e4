"""Markdown deck files -> Card objects, with every problem located as path:line.

The format is documented in content/README.md. Parsing is pure and total: any
text gives cards and/or problems, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Container, Iterable

from quizapp.content.meta_yaml import EXCERPT, load_many, load_yaml
from quizapp.content.model import Card, Deck, Problem
from quizapp.content.sanitize import control_lines, control_name, visible_controls

FRONT_MATTER_KEYS = {"topic", "tags"}
META_KEYS = {"id", "tags", "seed", "demo", "synonyms"}
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
DEMO_RE = re.compile(r"^[a-z_][a-z0-9_]*$")
TAG_RE = re.compile(r"^[\w][\w.+/-]*$")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)")
ANSWER_RE = re.compile(r"^###\s+answer\s*:?\s*$", re.IGNORECASE)
KEY_POINTS_RE = re.compile(r"^####\s+key points\s*:?\s*$", re.IGNORECASE)
FOLLOW_UPS_RE = re.compile(r"^####\s+follow-?ups\s*:?\s*$", re.IGNORECASE)
BULLET_RE = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
CONTROL_WARNINGS = 5  # lines with control characters named one by one, per file
# A question or answer longer than this is absurd for a flashcard (the deck's longest answer is 42 lines):
# `check` warns, and the review screen draws it a page at a time with a simpler renderer.
LONG_CARD_LINES = 100
LONG_CARD_CHARS = 10_000
CORE_WORD_LIMIT = 80  # a core answer someone can say aloud in about half a minute


def slugify(text: str, limit: int = 60) -> str:
    """A card id made from its question: lower-case words joined by dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "card"


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A value as quoted in a message: its repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _key_lines(text: str, first_number: int) -> dict[str, int]:
    """Where each top-level key of a small YAML mapping is, for messages."""
    found: dict[str, int] = {}
    for offset, line in enumerate(text.splitlines()):
        match = re.match(r"^([^\s#:][^:]*?)\s*:", line)
        if match:
            found.setdefault(match.group(1).strip().strip("'\""), first_number + offset)
    return found


def _tags(value: Any, path: str, line: int, problems: list[Problem]) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    tags: list[str] = []
    for item in items:
        text = item if type(item) is str else str(item) if _is_number(item) else None
        if text is not None and TAG_RE.match(text):
            tags.append(text.lower())
        else:
            problems.append(Problem(path, line, f"bad tag {excerpt(item)}: tags are single words"))
    return tuple(dict.fromkeys(tags))


def _front_matter(path: str, lines: list[str], problems: list[Problem]) -> tuple[dict[str, Any], int]:
    """Parse YAML front matter; return it and the index of the first body line."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        problems.append(Problem(path, 1, "front matter starting here is never closed with '---'"))
        return {}, len(lines)
    text = "\n".join(lines[1:index])
    data, errors = load_yaml(path, text, 2, "front matter")
    problems.extend(errors)
    if errors:
        return {}, index + 1
    if data is None:
        return {}, index + 1
    if not isinstance(data, dict):
        problems.append(Problem(path, 2, "front matter must be a YAML mapping (key: value lines)"))
        return {}, index + 1
    where = _key_lines(text, 2)
    result: dict[str, Any] = {}
    for key, value in data.items():
        line = where.get(str(key), 2)
        if key not in FRONT_MATTER_KEYS:
            problems.append(Problem(path, line, f"unknown front matter key {excerpt(key)} (allowed: topic, tags)"))
        elif key == "topic":
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value).strip():
                result["topic"] = str(value).strip()
            else:
                problems.append(Problem(path, line, "topic must be a non-empty text"))
        else:
            result["tags"] = _tags(value, path, line, problems)
    return result, index + 1


@dataclass(slots=True)
class _Place:
    """Where one card is, as indexes of the file's lines (0-based; a line's number is index + 1)."""

    heading: int
    end: int = 0  # the first line after the card
    answers: list[int] = field(default_factory=list)  # `### Answer` lines outside code fences
    key_points: int = -1  # the first `#### Key points` line after the first answer line (-1: none)
    follow_ups: int = -1  # likewise `#### Follow-ups`


@dataclass(slots=True)
class _Layout:
    """A file's structure: its cards' places, which lines sit in code fences (fence lines included),
    and where each fence closes."""

    places: list[_Place]
    in_fence: list[bool]
    closes: dict[int, int]  # an opening fence line -> its closing line (len(lines) when never closed)
    unclosed: int | None  # the opening line of a fence that is never closed (None: all are closed)


def _layout(lines: list[str], start: int) -> _Layout:
    """The cards, fences and answer/key-point/follow-up headings from `start` on, in ONE pass over the
    only lines that can be any of them: lines holding a `#` or three backticks or tildes (a fence
    needs three). A line inside a fence is none of them; a fence's lines are tagged when it closes."""
    in_fence = [False] * len(lines)
    closes: dict[int, int] = {}
    places: list[_Place] = []
    place: _Place | None = None
    fence: tuple[str, int, int] | None = None  # the open fence: (char, length, opening line)
    for index in [i for i, text in enumerate(lines[start:], start) if "#" in text or "```" in text or "~~~" in text]:
        text = lines[index]
        if fence is not None:
            char, length, opening = fence
            stripped = text.strip()
            if len(stripped) >= length and not stripped.strip(char):  # only `char`s, enough of them
                in_fence[opening:index + 1] = [True] * (index + 1 - opening)
                closes[opening] = index
                fence = None
            continue
        if text.startswith("## ") or text.rstrip() == "##":  # (a fence never starts with `#`)
            if place is not None:
                place.end = index
            place = _Place(index)
            places.append(place)
            continue
        if "```" in text or "~~~" in text:
            match = FENCE_RE.match(text)
            if match:
                fence = (match.group(1)[0], len(match.group(1)), index)
                continue
        if place is not None and "###" in text:
            _mark_heading(place, index, text.strip())
    unclosed = None
    if fence is not None:
        unclosed = fence[2]
        in_fence[unclosed:] = [True] * (len(lines) - unclosed)
        closes[unclosed] = len(lines)
    if place is not None:
        place.end = len(lines)
    return _Layout(places, in_fence, closes, unclosed)


def _mark_heading(place: _Place, index: int, stripped: str) -> None:
    """Note a card's `### Answer` line, and its key points and follow-ups headings: the first of each
    after the first answer line (before it they are question text)."""
    if not stripped.startswith("###"):
        return
    if ANSWER_RE.match(stripped):
        place.answers.append(index)
    elif place.answers:
        if place.key_points < 0 and KEY_POINTS_RE.match(stripped):
            place.key_points = index
        elif place.follow_ups < 0 and FOLLOW_UPS_RE.match(stripped):
            place.follow_ups = index


def _meta_block(lines: list[str], closes: dict[int, int], place: _Place) -> tuple[int, int] | None:
    """Where a card's ```meta block is: (its first line, its closing fence line) as indexes, the block
    being the lines between; None when the card has none. The block is the card's first non-blank
    line after the heading, a fence with the info string `meta`; a fence never closed runs to the end."""
    index = place.heading + 1
    while index < place.end and not lines[index].strip():
        index += 1
    if index >= place.end or index not in closes:
        return None
    match = FENCE_RE.match(lines[index])
    if match is None or match.group(2).lower() != "meta":
        return None
    return index + 1, closes[index]


_UNLOADED = object()


def _card_meta(path: str, block: list[str], first: int, problems: list[Problem],
               loaded: Any = _UNLOADED) -> dict[str, Any]:
    """Validate a ```meta block's YAML (`block`: its lines, fence lines excluded; `first`: the number of
    its first line); `loaded` is its YAML already loaded with the file's other blocks (`load_many`)."""
    if not block:
        return {}  # an empty block is empty YAML: no metadata
    if loaded is _UNLOADED:
        data, errors = load_yaml(path, "\n".join(block), first, "card metadata")
    else:
        data, errors = loaded, []
    problems.extend(errors)
    if errors or data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(Problem(path, first, "card metadata must be a YAML mapping (key: value lines)"))
        return {}
    where: dict[str, int] | None = None  # where each key is: worked out only for a message
    meta: dict[str, Any] = {}
    for key, value in data.items():
        before = len(problems)
        _meta_entry(meta, key, value, path, first, block, first, problems)
        if len(problems) > before:  # rare: read it again with the key's own line, for the messages
            if where is None:
                where = _key_lines("\n".join(block), first)
            line = where.get(str(key), first)
            if line != first:
                del problems[before:]
                _meta_entry(meta, key, value, path, line, block, first, problems)
    return meta


def _meta_entry(meta: dict[str, Any], key: Any, value: Any, path: str, line: int, block: list[str], first: int,
                problems: list[Problem]) -> None:
    """One key of a ```meta block into `meta`, or a problem at `line`."""
    if key not in META_KEYS:
        problems.append(Problem(path, line, f"unknown card metadata key {excerpt(key)} "
                                            "(allowed: id, tags, seed, demo, synonyms)"))
    elif key == "id":
        if isinstance(value, (str, int)) and not isinstance(value, bool) and ID_RE.match(str(value)):
            meta["id"] = str(value)
        else:
            problems.append(Problem(path, line,
                                    f"bad id {excerpt(value)}: use lower-case letters, digits and '-'"))
    elif key == "tags":
        meta["tags"] = _tags(value, path, line, problems)
    elif key == "seed":
        items = value if isinstance(value, list) else [value]
        if items and all(isinstance(i, int) and not isinstance(i, bool) and i > 0 for i in items):
            meta["seeds"] = tuple(items)
        else:
            problems.append(Problem(path, line,
                                    f"bad seed {excerpt(value)}: a positive number or a list of them"))
    elif key == "demo":
        if isinstance(value, str) and DEMO_RE.match(value):
            meta["demo"] = value
        else:
            problems.append(Problem(path, line, f"bad demo name {excerpt(value)}"))
    elif key == "synonyms":
        synonyms = _synonyms(value, path, line, block, first, problems)
        if synonyms is not None:
            meta["synonyms"] = synonyms


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and bool(str(value).strip())


def _synonyms(value: Any, path: str, line: int, block: list[str], first: int,
              problems: list[Problem]) -> tuple | None:
    """`term: [other words, ...]` pairs (a single text is a list of one), or None after a problem."""
    if not isinstance(value, dict) or not value:
        problems.append(Problem(path, line, "synonyms must map a term of a key point to a list of other ways "
                                            "to say it, e.g. `symmetry: [identical units]`"))
        return None
    pairs = []
    for term, others in value.items():
        items = others if isinstance(others, list) else [others]
        if not _is_text(term) or not items or not all(_is_text(i) for i in items):
            where = next((first + i for i, text in enumerate(block) if first + i > line and f"{term}:" in text), line)
            problems.append(Problem(path, where,
                                    f"bad synonyms for {excerpt(term)}: give a text or a list of texts"))
            return None
        pairs.append((str(term).strip(), tuple(str(i).strip() for i in items)))
    return tuple(pairs)


def _bullets_after(lines: list[str], in_fence: list[bool], heading: int, end: int) -> tuple[str, ...]:
    """The bullet list under the `#### ...` heading at line `heading` of a card ending at `end`."""
    points: list[str] = []
    for index in range(heading + 1, end):
        text = lines[index]
        match = BULLET_RE.match(text)
        if match and not in_fence[index]:
            points.append(match.group(1).strip())
            continue
        stripped = text.strip()
        if not stripped and not points:
            continue  # blank lines before the list
        if stripped and points and text.startswith(("  ", "\t")):
            points[-1] += " " + stripped  # a bullet wrapped onto the next line
            continue
        break
    return tuple(points)


def _join(lines: list[str], start: int, end: int) -> str:
    return "\n".join(lines[start:end]).strip("\n").rstrip()


def _parse_card(path: str, lines: list[str], layout: _Layout, place: _Place, block: tuple[int, int] | None,
                defaults: dict[str, Any], problems: list[Problem], loaded: dict[int, Any]) -> Card | None:
    """One card from its place; `block` is its meta block's place (`_meta_block`) and `loaded` maps a
    meta block's first line number to its YAML, loaded with the file's other blocks."""
    number = place.heading + 1
    question_title = lines[place.heading][3:].strip().rstrip("#").strip()
    problems_before = len(problems)  # this card's errors are the ones added from here on
    if not question_title:
        problems.append(Problem(path, number, "empty question: the '## ' heading has no text"))
    rest = place.heading + 1  # the first line after the heading and the meta block
    meta: dict[str, Any] = {}
    if block is not None:
        first, close = block
        meta = _card_meta(path, lines[first:close], first + 1, problems, loaded.get(first + 1, _UNLOADED))
        rest = close + 1 if close < place.end else place.end
    if not place.answers:
        problems.append(Problem(path, number, "card has no '### Answer' line"))
        return None
    if len(place.answers) > 1:
        problems.append(Problem(path, place.answers[1] + 1,
                                "a second '### Answer' in one card (is a '## ' question heading missing?)"))
    answer_line = place.answers[0]
    question_extra = _join(lines, rest, answer_line)
    answer = _join(lines, answer_line + 1, place.end)
    if not answer:  # blank lines only (`_join` strips trailing white space)
        problems.append(Problem(path, answer_line + 1, "empty answer"))
    if len(problems) > problems_before and any(p.is_error for p in problems[problems_before:]):
        return None
    question = question_title + ("\n\n" + question_extra if question_extra else "")
    card_id = meta.get("id")
    derived = card_id is None
    if derived:
        card_id = slugify(question_title)
        problems.append(Problem(path, number, f"card has no id; using {card_id!r} made from the question "
                                "(editing the question will then lose its history)", "warning"))
    for part, text in (("question", question), ("answer", answer)):
        lines_long = text.count("\n") + 1
        if lines_long > LONG_CARD_LINES or len(text) > LONG_CARD_CHARS:
            problems.append(Problem(path, number,
                                    f"the {part} is {lines_long:,} lines and {len(text):,} characters long (a card "
                                    f"this long cannot be recalled; keep it under {LONG_CARD_LINES} lines and split "
                                    "the rest into cards)", "warning"))
    tags = _merged(defaults.get("tags", ()), meta.get("tags", ()))
    key_points = _bullets_after(lines, layout.in_fence, place.key_points, place.end) if place.key_points >= 0 else ()
    follow_ups = _bullets_after(lines, layout.in_fence, place.follow_ups, place.end) if place.follow_ups >= 0 else ()
    problems.extend(_style_warnings(path, number, lines, answer_line + 1, place.end, key_points))
    return Card(
        id=card_id,
        question=question,
        answer=answer,
        topic=defaults["topic"],
        tags=tags,
        seeds=meta.get("seeds", ()),
        demo=meta.get("demo"),
        key_points=key_points,
        follow_ups=follow_ups,
        synonyms=meta.get("synonyms", ()),
        path=path,
        line=number,
        id_derived=derived,
    )


def _merged(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    """Two tuples of distinct tags as one, in order, each tag once."""
    if not first or not second:
        return first or second
    return tuple(dict.fromkeys(first + second))


def _style_warnings(path: str, number: int, lines: list[str], start: int, end: int,
                    key_points: tuple[str, ...]) -> list[Problem]:
    """Warnings about cards that are valid but hard to use in a spoken review: long cores, no key points.
    The core answer is the answer's (lines start..end) first paragraph, what a candidate says aloud first."""
    found: list[Problem] = []
    while start < end and not lines[start].strip():
        start += 1
    stop = start
    while stop < end and lines[stop].strip():
        stop += 1
    words = len(" ".join(lines[start:stop]).split())
    if words > CORE_WORD_LIMIT:
        found.append(Problem(path, start + 1, f"core answer is {words} words; keep the first paragraph "
                             f"after '### Answer' to at most {CORE_WORD_LIMIT} so it can be said aloud", "warning"))
    if not key_points:
        found.append(Problem(path, number, "card has no key points (a '#### Key points' list of what "
                             "a good answer must mention)", "warning"))
    return found


def default_topic(path: str) -> str:
    stem = re.sub(r"^\d+[-_ ]*", "", Path(path).stem)  # "03-optimization" -> "Optimization"
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or "General"


def parse_text(text: str, path: str = "<text>") -> tuple[list[Card], list[Problem]]:
    """Parse one deck file's text. Never raises; problems carry path:line."""
    problems: list[Problem] = []
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = _controls_shown(path, text, problems)
    lines = text.split("\n")
    front, body_start = _front_matter(path, lines, problems)
    defaults = {"topic": front.get("topic") or default_topic(path), "tags": front.get("tags", ())}
    layout = _layout(lines, body_start)
    if layout.unclosed is not None:
        problems.append(Problem(path, layout.unclosed + 1, "code fence is never closed"))
    blocks = [_meta_block(lines, layout.closes, place) for place in layout.places]
    loaded = load_many({first + 1: "\n".join(lines[first:close]) for first, close in filter(None, blocks)
                        if close > first})
    cards: list[Card] = []
    for place, block in zip(layout.places, blocks):
        card = _parse_card(path, lines, layout, place, block, defaults, problems, loaded)
        if card is not None:
            cards.append(card)
    if not layout.places and not any(p.is_error for p in problems):
        problems.append(Problem(path, 1, "no cards found (a card starts with a '## ' question heading)", "warning"))
    return cards, problems


def _controls_shown(path: str, text: str, problems: list[Problem]) -> str:
    """Warn about control characters (a terminal would obey `ESC ]0;...` or `ESC [2J`) and make them
    visible, so no card text can reach the screen as a terminal command."""
    found = control_lines(text)
    if not found:
        return text
    for line, char in found[:CONTROL_WARNINGS]:
        problems.append(Problem(path, line, f"control character {control_name(char)} in the text; it is shown as "
                                f"{visible_controls(char)}, never sent to the terminal (remove it)", "warning"))
    if len(found) > CONTROL_WARNINGS:
        problems.append(Problem(path, found[CONTROL_WARNINGS][0], f"and {len(found) - CONTROL_WARNINGS} more lines "
                                "with control characters", "warning"))
    return visible_controls(text)


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """A file's text, or a problem saying why it cannot be read as UTF-8."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(str(path), 0, f"cannot read file: {exc.strerror or exc}")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [Problem(str(path), line, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})")]


def deck_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Markdown files under the given paths; README.md and _*.md are documentation."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md")
                                if p.name.lower() != "readme.md" and not p.name.startswith("_")))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, "no such file or directory"))
    return files, problems


def load_deck(paths: Iterable[Path | str], known_demos: Container[str] | None = None) -> Deck:
    """Parse every deck file under `paths` and check ids across files."""
    files, problems = deck_files(Path(p) for p in paths)
    deck = Deck(files=files, problems=problems)
    seen: dict[str, Card] = {}
    for path in files:
        text, read_problems = read_text(path)
        deck.problems.extend(read_problems)
        if text is None:
            continue
        cards, card_problems = parse_text(text, str(path))
        deck.problems.extend(card_problems)
        for card in cards:
            first = seen.get(card.id)
            if first is not None:
                deck.problems.append(Problem(card.path, card.line,
                                             f"duplicate card id {card.id!r} (first used at {first.path}:{first.line})"))
                continue
            seen[card.id] = card
            if known_demos is not None and card.demo and card.demo not in known_demos:
                deck.problems.append(Problem(card.path, card.line,
                                             f"demo {card.demo!r} does not exist in demos/ (yet)", "warning"))
            deck.cards.append(card)
    return deck
