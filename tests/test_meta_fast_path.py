"""The plain fast path for meta blocks and front matter reads exactly what PyYAML reads, or declines.

Every block is compared with `yaml.load(text, CSafeLoader)`, types included (`True == 1` and
`1.0 == 1` in Python, so equality alone would hide a boolean read as a number).
"""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.content import parse_text
from quizapp.content.meta_yaml import load_many, load_yaml, plain_mapping

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def typed(value):
    """A value with every type spelled out, so that equal-but-different values compare unequal."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, repr(value))


def pyyaml(text: str):
    try:
        return ("ok", typed(yaml.load(text, Loader=LOADER)))
    except yaml.YAMLError as exc:
        return ("error", type(exc).__name__)


def agrees(text: str) -> bool:
    """Whether the fast path reads `text`; when it does, it must read what PyYAML reads."""
    fast = plain_mapping(text)
    if fast is None:
        return False
    assert pyyaml(text) == ("ok", typed(fast)), text
    return True


# blocks the fast path must read (and read as PyYAML does)
READ = [
    "id: synthetic-5\ntags: [bench, t3]",
    "topic: Topic 3\ntags: [basics]",
    "id: q1\nseed: 10\ndemo: learning_rate",
    "seed: [3, 4]", "seed: 0", "seed: 12345678901234567890", "seed: 1" + "0" * 99,
    "tags: [a,b]", "tags: [ a , b ]", "tags: []", "tags: [ ]", "tags: [two words, x]",
    "a: 1e3",  # a string to YAML 1.1: its float needs a dot
    "a: nan", "a: b.", "a: t", "a: y", "a: n", "a: tRue", "a: 1 2", "a: a  b", "a: x/y+z", "a_b-c: d",
    "a: b   ", "a: x\n\n  \nb: y", "\na: x\n",
    "id: q\nid: r",  # a repeated key: the last value, at the first place
    "id: q\ntags: [x]\nid: r",
]
# blocks it must decline (PyYAML decides: a different type, an error, or a form it does not read)
DECLINED = [
    "a: yes", "a: no", "a: on", "a: off", "a: true", "a: False", "a: null", "a: Null", "a: NULL", "a: ~",
    "a: 0x1f", "a: 0b11", "a: 017", "a: 00", "a: 1_000", "a: +1", "a: -1", "a: 1.5", "a: .5", "a: .inf", "a: -.inf",
    "a: .nan", "a: 2020-01-01", "a: 2001-12-14t21:59:43.10-05:00", "a: 12:30", "a: 1:30:00", "a: =", "a: <<",
    "yes: x", "on: x", "null: x", "a:", "a: ", "a:b", "a: 'q'", 'a: "q"', "a: b # comment", "# comment\na: b",
    "a: b: c", "a: [a, [b]]", "a: [a, b,]", "a: {}", "a: {x: y}", "a: &x b", "a: *x", "a: !!str 5", "a: !x b",
    "a: |\n  b", "a: >\n  b", "a: - b", "- a", " a: b", "a: b\n c", "a: b\n  c: d", "a:\tb", "a: b\t", "\ta: b",
    "a: é", "é: a", "a: b\u00a0c", "---\na: b", "a: b\n...", "%YAML 1.1\n---\na: b", "? a\n: b", "a: [b\n, c]",
    "a: -b", "a: a -b", "a: @b", "a: `b", "a: %b", "", "\n\n", "a: b\r", "<<: {a: b}",
    "k" * 101 + ": v",  # long keys are left to PyYAML: libyaml refuses a key over 1,024 characters
    "a: 1" + "0" * 100,  # long numbers too: Python refuses to convert one of over 4,300 digits
]


@pytest.mark.parametrize("text", READ)
def test_plain_blocks_are_read_as_pyyaml_reads_them(text: str):
    assert agrees(text)


@pytest.mark.parametrize("text", DECLINED)
def test_other_blocks_are_declined(text: str):
    assert not agrees(text)


WORD_CHARS = "aty0159_.+/-Nnoe"
words = st.text(alphabet=WORD_CHARS, min_size=1, max_size=6)
value = st.one_of(words, st.lists(words, max_size=3).map(lambda items: "[" + ", ".join(items) + "]"),
                  st.sampled_from(["yes", "no", "on", "Off", "null", "~", "0", "00", "1_0", "0x1f", "1e3", "1.5", ".5",
                                   "2020-01-01", "1:30", "[a, [b]]", "a: b", "a #c", "'q'", "", "a  b", "[]", "[ a ,b ]"]))
line = st.one_of(st.tuples(st.sampled_from(["id", "tags", "seed", "demo", "yes", "on", "n", "x_1", "a-b", "1"]), value,
                           st.sampled_from(["", " ", "  "]))
                 .map(lambda kv: f"{kv[0]}: {kv[1]}{kv[2]}"),
                 st.sampled_from(["", "  ", "# c", "\t", " id: x"]))


@settings(max_examples=600, deadline=None)
@given(st.lists(line, min_size=1, max_size=5).map("\n".join))
def test_generated_blocks_read_as_pyyaml_or_are_declined(text: str):
    agrees(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_any_text_reads_as_pyyaml_or_is_declined(text: str):
    agrees(text)


def test_the_common_blocks_take_the_fast_path():
    """What the bundled deck and the import benchmark write: ids, word lists, seeds, demo names."""
    assert plain_mapping("id: synthetic-5\ntags: [bench, t3]") == {"id": "synthetic-5", "tags": ["bench", "t3"]}
    assert plain_mapping("id: lr\ntags: [training, optimization]\nseed: 10\ndemo: learning_rate") == {
        "id": "lr", "tags": ["training", "optimization"], "seed": 10, "demo": "learning_rate"}
    assert plain_mapping("topic: Topic 3") == {"topic": "Topic 3"}


def test_lines_shared_between_blocks_are_read_once_but_give_fresh_lists():
    known: dict = {}
    first = plain_mapping("id: a\ntags: [x, y]", known)
    second = plain_mapping("id: b\ntags: [x, y]", known)
    assert first == {"id": "a", "tags": ["x", "y"]} and second == {"id": "b", "tags": ["x", "y"]}
    assert first["tags"] is not second["tags"]
    first["tags"].append("z")
    assert plain_mapping("id: c\ntags: [x, y]", known)["tags"] == ["x", "y"]


def test_many_blocks_read_with_and_without_the_fast_path_are_the_same():
    blocks = {10 * i: text for i, text in enumerate(READ + ["id: q\ntags: yes", "id: q\nseed: 1_000",
                                                            "id: q\ntags: [a, b]\n# c", "id: q\nt: 2001-12-14"])}
    loaded = load_many(blocks)
    for key, text in blocks.items():
        assert typed(loaded[key]) == pyyaml(text)[1], text
    assert loaded[10 * len(READ)] == {"id": "q", "tags": True}
    assert loaded[10 * len(READ) + 30]["t"] == datetime.date(2001, 12, 14)


def test_anchors_and_aliases_are_still_refused_with_the_same_message():
    data, problems = load_yaml("d.md", "id: q\nl0: &l0 [a]\nseed: *l0", 4, "card metadata")
    assert data is None
    assert [(p.line, p.message) for p in problems] == [
        (5, "YAML anchors and aliases (&l0) are not allowed in card metadata: write the value out")]
    cards, problems = parse_text("## Q\n\n```meta\nid: q\ntags: *t\n```\n\n### Answer\n\nA.\n", "d.md")
    assert cards == [] and [(p.line, p.message) for p in problems] == [
        (5, "YAML anchors and aliases (*t) are not allowed in card metadata: write the value out")]


def test_a_declined_front_matter_and_block_still_get_pyyaml_values_and_messages():
    text = ("---\ntopic: Basics # a comment\ntags: [x, 'y z']\n---\n\n"
            "## Q\n\n```meta\nid: q\nseed: 0x3\ndemo: xor  # a comment\n```\n\n### Answer\n\nA.\n\n"
            "#### Key points\n\n- a\n")
    cards, problems = parse_text(text, "d.md")
    assert [(c.topic, c.tags, c.seeds, c.demo) for c in cards] == [("Basics", ("x",), (3,), "xor")]
    assert [(p.line, p.message) for p in problems] == [(3, "bad tag 'y z': tags are single words")]


def test_a_number_too_long_to_convert_is_a_problem_not_an_exception():
    text = "## Q\n\n```meta\nid: q\nseed: 1" + "0" * 5000 + "\n```\n\n### Answer\n\nA.\n"
    cards, problems = parse_text(text, "d.md")
    assert cards == [] and [(p.line, p.message.split(":")[0]) for p in problems] == [(4, "bad YAML in card metadata")]
