"""The YAML of front matter and ```meta blocks: what `yaml.load` with the safe loader gives, faster.

Nearly every block is a few `key: word` or `key: [word, word]` lines. `plain_mapping` reads those
itself, asking PyYAML's own implicit resolver what each word is, and declines anything else; the
rest goes to PyYAML (many blocks in one call, `load_many`), with anchors and aliases refused
(`load_yaml`). PyYAML (~10 ms to import) is imported on first use, not with this module.
"""

from __future__ import annotations

import re
from typing import Any

from quizapp.content.model import Problem
from quizapp.content.sanitize import visible_controls

EXCERPT = 60  # characters of a bad value quoted in a message: a huge value must not make a huge message

# One line of the plain form: `key: value` or `key: [value, value]` at the left margin, where every
# value is one or more ASCII words (letters, digits, `_ . + / -`, not starting with `. + / -`) apart
# by spaces. Such text holds no YAML indicator (`# : , [ ] { } & * ! | > ' " % @` or a leading `-`),
# so it reads the same in a block and in a flow list, and nothing in it is a comment or a tag.
_WORDS = r"[A-Za-z0-9_][A-Za-z0-9_.+/-]*(?: +[A-Za-z0-9_][A-Za-z0-9_.+/-]*)*"
_PLAIN_LINE = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]{{0,99}}): +(?:({_WORDS})|\[ *((?:{_WORDS})(?: *, *{_WORDS})*)? *\]) *")
# a decimal integer, short: Python refuses to convert over 4,300 digits, and PyYAML's error for that
# is a message `load_yaml` words
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,99}")
_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_DECLINE = object()


def plain_mapping(text: str, known: dict[str, tuple[str, Any]] | None = None) -> dict[str, Any] | None:
    """`text` read as `yaml.load(text, CSafeLoader)` would, when every line is blank or of the plain
    form above and every value is a string or a decimal integer; None (decline) otherwise.

    `known` keeps the lines read so far in one file: its blocks repeat their tags, seed and demo
    lines, and each distinct line is then read once."""
    if not _RESOLVERS:
        _load_resolvers()
    if known is None:
        known = {}
    data: dict[str, Any] = {}
    for line in text.split("\n"):
        entry = known.get(line)
        if entry is None:
            entry = _plain_line(line)
            if entry is None:
                if line.strip(" "):
                    return None
                continue
            known[line] = entry
        key, value = entry
        # a repeated key: the last value wins, at the first one's place, as in PyYAML; a list is new each time
        data[key] = list(value) if type(value) is tuple else value
    return data or None


def _plain_line(line: str) -> tuple[str, Any] | None:
    """(key, value) of one line of the plain form (a list value as a tuple), or None when it is not."""
    match = _PLAIN_LINE.fullmatch(line)
    if match is None:
        return None
    key, word, items = match.groups()
    if _scalar(key) is not key:  # `yes:` or `null:` is a boolean or None key, not a string
        return None
    if word is not None:
        value = _scalar(word)
        return None if value is _DECLINE else (key, value)
    values = tuple([_scalar(item.strip(" ")) for item in items.split(",")]) if items else ()
    return None if _DECLINE in values else (key, values)


def _scalar(word: str) -> Any:
    """A plain word as PyYAML builds it: its tag is what PyYAML's implicit resolver says (the same
    table, in the same order, as `Resolver.resolve`); strings and decimal integers are built here,
    anything else (booleans, null, floats, dates, `0x1f`, `1_000`, `1:30`) is declined."""
    for tag, pattern in _RESOLVERS.get(word[0], _WILDCARD):
        if pattern.match(word):
            if tag == _STR:
                return word
            if tag == _INT and _DECIMAL.fullmatch(word):
                return int(word)
            return _DECLINE
    return word


# The safe loader's implicit resolvers by first character, each list followed by the wildcard ones
# (first character None; PyYAML ships none today), and the wildcard list for any other character.
# Filled on first use (PyYAML's table is never empty).
_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
_WILDCARD: list[tuple[str, re.Pattern[str]]] = []


def _load_resolvers() -> None:
    table = _loader_class().yaml_implicit_resolvers
    _WILDCARD[:] = table.get(None, [])
    _RESOLVERS.update({first: found + _WILDCARD for first, found in table.items() if first is not None})


def _loader_class() -> Any:
    import yaml  # here: start-up with an unchanged deck never reads YAML, and yaml costs ~10 ms to import

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it: several times faster


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


def load_yaml(path: str, text: str, first_number: int, what: str) -> tuple[Any, list[Problem]]:
    """Safe YAML without anchors and aliases: 1 KB of nested aliases ("billion laughs") expands to
    gigabytes, and no deck needs them. The tokens are scanned first (cheap: nothing is built)."""
    plain = plain_mapping(text)
    if plain is not None:
        return plain, []
    import yaml

    loader = _loader_class()
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


# A block that could read differently inside a stream of documents than alone, or that needs the
# anchor check: a document marker or directive at a line start, a block scalar (its last line break
# depends on what follows), an anchor or alias (`&`, `*`). Such blocks are loaded one by one.
_NOT_BATCHED = re.compile(r"^(---|\.\.\.|%)|[&*|>]", re.MULTILINE)


def load_many(texts: dict[int, str]) -> dict[int, Any]:
    """Many meta blocks' YAML at once: the plain ones read by `plain_mapping`, the others in ONE
    PyYAML call (a stream of documents: per-block calls cost more in set-up than in parsing).
    Returns what it could load; any error, and any block that could read differently in a stream
    (see _NOT_BATCHED), is left out, for `load_yaml` to load alone and locate the problem exactly."""
    loaded: dict[int, Any] = {}
    rest: dict[int, str] = {}
    known: dict[str, tuple[str, Any]] = {}
    for key, text in texts.items():
        plain = plain_mapping(text, known)
        if plain is None:
            rest[key] = text
        else:
            loaded[key] = plain
    loaded.update(_load_stream(rest))
    return loaded


def _load_stream(texts: dict[int, str]) -> dict[int, Any]:
    batch = {key: text for key, text in texts.items() if not _NOT_BATCHED.search(text)}
    if len(batch) < 2:
        return {}
    loader = _loader_class()("".join(f"---\n{text}\n" for text in batch.values()))
    try:
        documents = []
        while loader.check_node():
            documents.append(_construct(loader, loader.get_node()))
    except Exception:  # noqa: BLE001 - a bad block: `load_yaml` reports it with its line
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
