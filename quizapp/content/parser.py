"""Markdown deck files -> Card objects, with every problem located as path:line.

The format is documented in content/README.md. Parsing is pure and total: any
text gives cards and/or problems, never an exception.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Container, Iterable

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
EXCERPT = 60  # characters of a bad value quoted in a message: a huge value must not make a huge message
CONTROL_WARNINGS = 5  # lines with control characters named one by one, per file
# A question or answer longer than this is absurd for a flashcard (the deck's longest answer is 42 lines):
# `check` warns, and the review screen draws it a page at a time with a simpler renderer.
LONG_CARD_LINES = 100
LONG_CARD_CHARS = 10_000
CORE_WORD_LIMIT = 80  # a core answer someone can say aloud in about half a minute


@dataclass(slots=True)
class _Line:
    number: int  # 1-based
    text: str
    in_fence: bool  # inside a fenced code block, or a fence line itself


def slugify(text: str, limit: int = 60) -> str:
    """A card id made from its question: lower-case words joined by dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "card"


def _mark_fences(lines: list[str], first_number: int) -> tuple[list[_Line], list[tuple[int, str]]]:
    """Tag each line with whether it sits in a code fence; report unclosed fences.

    Only lines holding a backtick or a tilde can open or close a fence, so only those are looked at;
    the lines are then tagged in one pass."""
    flags = [False] * len(lines)
    open_fence: tuple[str, int, int] | None = None  # (char, length, index)
    for index in [i for i, text in enumerate(lines) if "`" in text or "~" in text]:
        text = lines[index]
        if open_fence is None:
            match = FENCE_RE.match(text)
            if match:
                fence = match.group(1)
                open_fence = (fence[0], len(fence), index)
            continue
        stripped = text.strip()
        char, length, start = open_fence
        if stripped and set(stripped) == {char} and len(stripped) >= length:
            flags[start:index + 1] = [True] * (index + 1 - start)
            open_fence = None
    unclosed = []
    if open_fence is not None:
        start = open_fence[2]
        flags[start:] = [True] * (len(lines) - start)
        unclosed.append((first_number + start, "code fence is never closed"))
    marked = [_Line(number, text, flag) for number, text, flag in zip(range(first_number, first_number + len(lines)),
                                                                          lines, flags)]
    return marked, unclosed


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """A value as quoted in a message: its repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut(text: str, limit: int = 2 * EXCERPT) -> str:
    text = visible_controls(text.splitlines()[0] if text else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml_problem(path: str, exc: Exception, text: str, first_number: int, what: str) -> Problem:
    # the context mark is where the broken construct began (an unclosed '['); else where parsing failed
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    last_line = first_number + max(0, text.count("\n"))
    line = min(first_number + (mark.line if mark is not None else 0), last_line)
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return Problem(path, line, f"bad YAML in {what}: {_cut(str(reason))}")


def _load_yaml(path: str, text: str, first_number: int, what: str) -> tuple[Any, list[Problem]]:
    """Safe YAML without anchors and aliases: 1 KB of nested aliases ("billion laughs") expands to
    gigabytes, and no deck needs them. The tokens are scanned first (cheap: nothing is built)."""
    import yaml  # here: start-up with an unchanged deck never parses YAML, and yaml costs ~10 ms to import

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: several times faster
    try:
        for token in yaml.scan(text, Loader=loader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                sign = "&" if isinstance(token, yaml.AnchorToken) else "*"
                return None, [Problem(path, first_number + token.start_mark.line,
                                      f"YAML anchors and aliases ({sign}{_cut(token.value, 20)}) are not "
                                      f"allowed in {what}: write the value out")]
        return yaml.load(text, Loader=loader), []
    except yaml.YAMLError as exc:
        return None, [_yaml_problem(path, exc, text, first_number, what)]
    except Exception as exc:  # yaml can raise other errors on pathological input
        return None, [Problem(path, first_number, f"bad YAML in {what}: {_cut(str(exc))}")]


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
        if isinstance(item, (str, int, float)) and not isinstance(item, bool) and TAG_RE.match(str(item)):
            tags.append(str(item).lower())
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
    data, errors = _load_yaml(path, text, 2, "front matter")
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


def _meta_blocks(body: list[_Line]) -> tuple[int, int, int] | None:
    """Where a card's ```meta block is: (first line, end, first line after it) as indexes of `body`
    (the block excludes the fence lines); None when the card has none."""
    index = 0
    while index < len(body) and not body[index].text.strip():
        index += 1
    if index >= len(body):
        return None
    match = FENCE_RE.match(body[index].text)
    if not (match and match.group(2).lower() == "meta"):
        return None
    start = end = index + 1
    char, length = match.group(1)[0], len(match.group(1))  # what closes it (as `_closes` decides)
    while end < len(body) and body[end].in_fence:
        stripped = body[end].text.strip()
        if stripped and set(stripped) == {char} and len(stripped) >= length:
            break
        end += 1
    if end >= len(body) or not body[end].in_fence:
        return start, end, end  # the fence never closed (reported by the fence scan); take what is there
    return start, end, end + 1


# A block that could read differently inside a stream of documents than alone, or that needs the
# anchor check: a document marker or directive at a line start, a block scalar (its last line break
# depends on what follows), an anchor or alias (`&`, `*`). Such blocks are loaded one by one.
_NOT_BATCHED = re.compile(r"^(---|\.\.\.|%)|[&*|>]", re.MULTILINE)


def _load_blocks(texts: dict[int, str]) -> dict[int, Any]:
    """Many meta blocks' YAML in ONE call (a stream of documents): per-block calls cost more in set-up
    than in parsing. Returns what it could load; any error, and any block that could read differently
    in a stream (see _NOT_BATCHED), is left to `_load_yaml`, which locates the problem exactly."""
    batch = {key: text for key, text in texts.items() if not _NOT_BATCHED.search(text)}
    if len(batch) < 2:
        return {}
    import yaml  # here: start-up with an unchanged deck never parses YAML

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(
        "".join(f"---\n{text}\n" for text in batch.values()))
    try:
        documents = []
        while loader.check_node():
            documents.append(_construct(loader, loader.get_node()))
    except Exception:  # noqa: BLE001 - a bad block: `_load_yaml` reports it with its line
        return {}
    finally:
        loader.dispose()
    if len(documents) != len(batch):
        return {}
    return dict(zip(batch, documents))


_YAML = "tag:yaml.org,2002:"
_PLAIN_TAGS = frozenset(_YAML + t for t in ("str", "int", "bool", "null", "float"))
_MAP, _SEQ = _YAML + "map", _YAML + "seq"


def _construct(loader: Any, node: Any) -> Any:
    """A composed YAML node as `yaml.load` builds it. Plain scalars, and maps and lists of them, go
    straight to the loader's own constructor for their tag (PyYAML's generic path costs two thirds
    of loading a meta block); anything else (merge keys, other tags, complex keys) takes that
    generic path, `construct_document`."""
    kind, tag = type(node).__name__, node.tag  # yaml.nodes' classes, by name: yaml is imported late
    if kind == "ScalarNode":
        if tag in _PLAIN_TAGS:
            return loader.yaml_constructors[tag](loader, node)
    elif kind == "MappingNode":
        if tag == _MAP and all(type(k).__name__ == "ScalarNode" and k.tag in _PLAIN_TAGS for k, _ in node.value):
            return {_construct(loader, key): _construct(loader, value) for key, value in node.value}
    elif kind == "SequenceNode" and tag == _SEQ:
        return [_construct(loader, item) for item in node.value]
    return loader.construct_document(node)


_UNLOADED = object()


def _card_meta(path: str, block: list[_Line], problems: list[Problem], loaded: Any = _UNLOADED) -> dict[str, Any]:
    """Validate a ```meta block's YAML (block excludes the fence lines); `loaded` is its YAML already
    loaded with the file's other blocks (`_load_blocks`)."""
    first = block[0].number if block else 0
    if loaded is _UNLOADED:
        data, errors = _load_yaml(path, _block_text(block), first, "card metadata")
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
        found: list[Problem] = []
        _meta_entry(meta, key, value, path, first, block, found)
        if found:  # rare: read it again with the key's own line, for the messages
            if where is None:
                where = _key_lines(_block_text(block), first)
            line = where.get(str(key), first)
            if line != first:
                found = []
                _meta_entry(meta, key, value, path, line, block, found)
            problems.extend(found)
    return meta


def _block_text(block: list[_Line]) -> str:
    return "\n".join(line.text for line in block)


def _meta_entry(meta: dict[str, Any], key: Any, value: Any, path: str, line: int, block: list[_Line],
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
        synonyms = _synonyms(value, path, line, block, problems)
        if synonyms is not None:
            meta["synonyms"] = synonyms


def _is_text(value: Any) -> bool:
    return isinstance(value, (str, int, float)) and not isinstance(value, bool) and bool(str(value).strip())


def _synonyms(value: Any, path: str, line: int, block: list[_Line], problems: list[Problem]) -> tuple | None:
    """`term: [other words, ...]` pairs (a single text is a list of one), or None after a problem."""
    if not isinstance(value, dict) or not value:
        problems.append(Problem(path, line, "synonyms must map a term of a key point to a list of other ways "
                                            "to say it, e.g. `symmetry: [identical units]`"))
        return None
    pairs = []
    for term, others in value.items():
        items = others if isinstance(others, list) else [others]
        if not _is_text(term) or not items or not all(_is_text(i) for i in items):
            where = next((b.number for b in block if b.number > line and f"{term}:" in b.text), line)
            problems.append(Problem(path, where,
                                    f"bad synonyms for {excerpt(term)}: give a text or a list of texts"))
            return None
        pairs.append((str(term).strip(), tuple(str(i).strip() for i in items)))
    return tuple(pairs)


def _bullets_after(answer: list[_Line], heading: re.Pattern[str]) -> tuple[str, ...]:
    """The bullet list under a `#### ...` heading of the answer (key points, follow-ups)."""
    points: list[str] = []
    collecting = False
    for line in answer:
        if not collecting:
            collecting = not line.in_fence and "#" in line.text and bool(heading.match(line.text.strip()))
            continue
        match = BULLET_RE.match(line.text)
        if match and not line.in_fence:
            points.append(match.group(1).strip())
        elif line.text.strip() == "" and not points:
            continue
        elif points and line.text.startswith(("  ", "\t")) and line.text.strip():
            points[-1] += " " + line.text.strip()  # a bullet wrapped onto the next line
        else:
            break
    return tuple(points)


def _join(lines: Iterable[_Line]) -> str:
    return "\n".join(line.text for line in lines).strip("\n").rstrip()


def _parse_card(path: str, heading: _Line, body: list[_Line], defaults: dict[str, Any],
                problems: list[Problem], loaded: dict[int, Any] | None = None,
                where: tuple[int, int, int] | None | object = _UNLOADED) -> Card | None:
    """One card from its heading and body; `where` is its meta block's place (`_meta_blocks`) and
    `loaded` maps a meta block's first line number to its YAML, loaded with the file's other blocks."""
    question_title = heading.text[3:].strip().rstrip("#").strip()
    problems_before = len(problems)  # this card's errors are the ones added from here on
    if not question_title:
        problems.append(Problem(path, heading.number, "empty question: the '## ' heading has no text"))
    index = 0
    meta: dict[str, Any] = {}
    if where is _UNLOADED:
        where = _meta_blocks(body)
    if where is not None:
        start, end, index = where
        block = body[start:end]
        key = block[0].number if block else -1
        meta = _card_meta(path, block, problems, (loaded or {}).get(key, _UNLOADED))
    rest = body[index:]
    answer_at = [i for i, line in enumerate(rest)
                 if not line.in_fence and "#" in line.text and ANSWER_RE.match(line.text.strip())]
    if not answer_at:
        problems.append(Problem(path, heading.number, "card has no '### Answer' line"))
        return None
    if len(answer_at) > 1:
        problems.append(Problem(path, rest[answer_at[1]].number,
                                "a second '### Answer' in one card (is a '## ' question heading missing?)"))
    question_extra = _join(rest[: answer_at[0]])
    answer_lines = rest[answer_at[0] + 1:]
    answer = _join(answer_lines)
    if not answer.strip():
        problems.append(Problem(path, rest[answer_at[0]].number, "empty answer"))
    if any(p.is_error for p in problems[problems_before:]):
        return None
    question = question_title + ("\n\n" + question_extra if question_extra.strip() else "")
    card_id = meta.get("id")
    derived = card_id is None
    if derived:
        card_id = slugify(question_title)
        problems.append(Problem(path, heading.number, f"card has no id; using {card_id!r} made from the question "
                                "(editing the question will then lose its history)", "warning"))
    for part, text in (("question", question), ("answer", answer)):
        lines = text.count("\n") + 1
        if lines > LONG_CARD_LINES or len(text) > LONG_CARD_CHARS:
            problems.append(Problem(path, heading.number,
                                    f"the {part} is {lines:,} lines and {len(text):,} characters long (a card this "
                                    f"long cannot be recalled; keep it under {LONG_CARD_LINES} lines and split the "
                                    "rest into cards)", "warning"))
    tags = tuple(dict.fromkeys(defaults.get("tags", ()) + meta.get("tags", ())))
    key_points = _bullets_after(answer_lines, KEY_POINTS_RE)
    problems.extend(_style_warnings(path, heading, answer_lines, key_points))
    return Card(
        id=card_id,
        question=question,
        answer=answer,
        topic=defaults["topic"],
        tags=tags,
        seeds=meta.get("seeds", ()),
        demo=meta.get("demo"),
        key_points=key_points,
        follow_ups=_bullets_after(answer_lines, FOLLOW_UPS_RE),
        synonyms=meta.get("synonyms", ()),
        path=path,
        line=heading.number,
        id_derived=derived,
    )


def _core(answer: list[_Line]) -> list[_Line]:
    """The core answer: the answer's first paragraph, the part a candidate says aloud first."""
    start = next((i for i, line in enumerate(answer) if line.text.strip()), len(answer))
    end = start
    while end < len(answer) and answer[end].text.strip():
        end += 1
    return answer[start:end]


def _style_warnings(path: str, heading: _Line, answer: list[_Line], key_points: tuple[str, ...]) -> list[Problem]:
    """Warnings about cards that are valid but hard to use in a spoken review: long cores, no key points."""
    found: list[Problem] = []
    core = _core(answer)
    words = sum(len(line.text.split()) for line in core)
    if words > CORE_WORD_LIMIT:
        found.append(Problem(path, core[0].number, f"core answer is {words} words; keep the first paragraph "
                             f"after '### Answer' to at most {CORE_WORD_LIMIT} so it can be said aloud", "warning"))
    if not key_points:
        found.append(Problem(path, heading.number, "card has no key points (a '#### Key points' list of what "
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
    marked, unclosed = _mark_fences(lines[body_start:], body_start + 1)
    problems.extend(Problem(path, number, message) for number, message in unclosed)
    headings = [i for i, line in enumerate(marked)
                if not line.in_fence and (line.text.startswith("## ") or line.text.rstrip() == "##")]
    bodies = [marked[start + 1:(headings[position + 1] if position + 1 < len(headings) else len(marked))]
              for position, start in enumerate(headings)]
    places = [_meta_blocks(body) for body in bodies]
    blocks: dict[int, str] = {}
    for body, where in zip(bodies, places):
        if where is not None and where[1] > where[0]:
            blocks[body[where[0]].number] = "\n".join(line.text for line in body[where[0]:where[1]])
    loaded = _load_blocks(blocks)
    cards: list[Card] = []
    for start, body, where in zip(headings, bodies, places):
        card = _parse_card(path, marked[start], body, defaults, problems, loaded, where)
        if card is not None:
            cards.append(card)
    if not headings and not any(p.is_error for p in problems):
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
