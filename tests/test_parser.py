"""The deck format: what authors write and every error they can make, located as path:line."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from quizapp.content import load_deck, parse_text
from tests.conftest import SMALL_DECK


def errors(text: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse_text(text, "deck.md")[1] if p.is_error]


def test_cards_fields_come_from_front_matter_meta_and_body():
    cards, problems = parse_text(SMALL_DECK, "sample.md")
    assert [p for p in problems if p.is_error] == []
    assert [c.id for c in cards] == ["tensor", "mean", "relu"]
    tensor = cards[0]
    assert tensor.question == "What is a tensor?"
    assert tensor.answer.startswith("An n-dimensional array")
    assert tensor.topic == "Sample"
    assert tensor.tags == ("sample", "basics")
    assert tensor.seeds == (29,)
    assert tensor.key_points == ("n-dimensional array", "dtype and device")
    assert tensor.line == 6
    assert cards[2].demo == "xor"
    assert cards[1].key_points == ()


def test_extra_question_text_and_code_blocks_with_headings_inside():
    text = "## Q1\n\n```meta\nid: q1\n```\n\nGiven this code:\n\n```python\n## not a card\nx = 1\n```\n\n" \
           "### Answer\n\n```\n### Answer\n## also not a card\n```\nDone.\n"
    cards, problems = parse_text(text, "d.md")
    assert [p for p in problems if p.is_error] == []
    assert len(cards) == 1
    assert "## not a card" in cards[0].question
    assert cards[0].answer.endswith("Done.")
    assert "## also not a card" in cards[0].answer


def test_topic_defaults_to_file_name():
    cards, _ = parse_text("## Q?\n\n```meta\nid: a\n```\n\n### Answer\n\nA.\n", "content/neural-nets.md")
    assert cards[0].topic == "Neural nets"


def test_missing_id_derives_one_and_warns():
    cards, problems = parse_text("## What is Dropout?\n\n### Answer\n\nRandomly zeroing units.\n\n"
                                 "#### Key points\n\n- zeroes units at random\n", "d.md")
    assert cards[0].id == "what-is-dropout"
    assert cards[0].id_derived
    assert [(p.severity, p.line) for p in problems] == [("warning", 1)]
    assert "no id" in problems[0].message


def test_each_error_names_its_line():
    assert errors("## \n\n### Answer\n\nx\n") == ["1: empty question: the '## ' heading has no text"]
    assert errors("## Q\n\n```meta\nid: q\n```\n\n### Answer\n\n   \n") == ["7: empty answer"]
    assert errors("## Q\n\nno answer marker\n") == ["1: card has no '### Answer' line"]
    assert errors("## Q\n\n```meta\nid: q\ncolour: red\n```\n### Answer\nA\n") == [
        "5: unknown card metadata key 'colour' (allowed: id, tags, seed, demo, synonyms)"]
    assert errors("## Q\n\n```meta\nid: Bad Id\n```\n### Answer\nA\n")[0].startswith("4: bad id")
    assert errors("## Q\n\n```meta\nseed: zero\n```\n### Answer\nA\n")[0].startswith("4: bad seed")
    assert errors("---\ntopic: X\nauthor: me\n---\n## Q\n### Answer\nA\n")[0].startswith(
        "3: unknown front matter key 'author'")
    assert errors("---\ntopic: X\n")[0] == "1: front matter starting here is never closed with '---'"
    assert errors("## Q\n### Answer\nA\n```\nunclosed\n")[0] == "4: code fence is never closed"
    assert errors("## Q\n### Answer\nA\n### Answer\nB\n")[0].startswith("4: a second '### Answer'")


def test_bad_yaml_reports_the_line_inside_the_block():
    found = errors("## Q\n\n```meta\nid: q\ntags: [a, b\n```\n\n### Answer\n\nA\n")
    assert len(found) == 1 and found[0].startswith(("5: bad YAML", "6: bad YAML")), found
    found = errors("---\ntopic: [unclosed\n---\n## Q\n### Answer\nA\n")
    assert found[0].startswith(("2: bad YAML", "3: bad YAML")), found


def test_duplicate_ids_across_files_and_bad_files(tmp_path: Path):
    (tmp_path / "a.md").write_text("## A\n```meta\nid: same\n```\n### Answer\nx\n")
    (tmp_path / "b.md").write_text("\n\n## B\n```meta\nid: same\n```\n### Answer\ny\n")
    (tmp_path / "c.md").write_bytes(b"## C\n### Answer\n\xff\xfe bad\n")
    (tmp_path / "README.md").write_text("# not a deck file\n")
    deck = load_deck([tmp_path])
    messages = sorted(str(p) for p in deck.errors)
    assert any(m.startswith(f"{tmp_path / 'b.md'}:3: error: duplicate card id 'same' (first used at")
               for m in messages), messages
    assert any(m.startswith(f"{tmp_path / 'c.md'}:3: error: not UTF-8") for m in messages), messages
    assert [c.id for c in deck.cards] == ["same"]
    assert all("README" not in str(f) for f in deck.files)


def test_unknown_demo_is_a_warning_not_an_error(tmp_path: Path):
    (tmp_path / "a.md").write_text("## A\n```meta\nid: a\ndemo: no_such_demo\n```\n### Answer\nx\n#### Key points\n- x\n")
    deck = load_deck([tmp_path], known_demos={"xor"})
    assert deck.errors == []
    assert "no_such_demo" in deck.warnings[0].message


def test_the_bundled_deck_has_no_errors():
    from quizapp.paths import bundled_content_dir

    deck = load_deck([bundled_content_dir()])
    assert deck.errors == []
    assert len(deck.cards) >= 10


TOKENS = list("#`~-:\n []{}abc\t*$\\'\"\r\ufeff") + ["## ", "### Answer", "```meta", "```", "---\n", "id: ",
                                                     "tags: ", "seed: ", "demo: ", "#### Key points", "\n- ", "\n\n"]
markdownish = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), markdownish))
def test_any_text_gives_cards_or_located_problems_never_an_exception(text: str):
    cards, problems = parse_text(text, "fuzz.md")
    line_count = text.count("\n") + text.count("\r") + 1
    for problem in problems:
        assert 0 <= problem.line <= line_count + 1
        assert problem.message
    for card in cards:
        assert card.id and card.question.strip() and card.answer.strip()


def test_order_prefix_is_not_part_of_the_default_topic():
    cards, _ = parse_text("## Q?\n\n```meta\nid: a\n```\n\n### Answer\n\nA.\n", "content/03-weight-decay.md")
    assert cards[0].topic == "Weight decay"


def test_follow_ups_are_read_from_their_own_list():
    text = """## Q?

```meta
id: q
```

### Answer

Core.

#### Key points

- one
- two

#### Follow-ups

- Why one?
- What breaks
  when two fails?
"""
    cards, problems = parse_text(text, "f.md")
    assert not [p for p in problems if p.is_error]
    assert cards[0].key_points == ("one", "two")
    assert cards[0].follow_ups == ("Why one?", "What breaks when two fails?")


def laughs(levels: int, key: str = "tags") -> str:
    """A "billion laughs" YAML document: each level an anchored list of nine aliases of the one before."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines + [f"{key}: *l{levels}"])


def test_yaml_anchors_and_aliases_are_refused_in_front_matter_and_meta_with_short_messages():
    front = f"---\n{laughs(5)}\n---\n\n## Q\n\n### Answer\n\nA.\n"
    problems = parse_text(front, "deck.md")[1]
    assert [(p.line, p.is_error) for p in problems][:1] == [(2, True)]
    assert "anchors and aliases (&l0)" in problems[0].message
    meta = f"## Q\n\n```meta\nid: q\n{laughs(5, 'seed')}\n```\n\n### Answer\n\nA.\n"
    cards, problems = parse_text(meta, "deck.md")
    assert cards == [] and [p.line for p in problems if p.is_error] == [5]
    for text in (front, meta):
        assert all(len(str(p)) < 200 for p in parse_text(text, "deck.md")[1])  # the expansion is never quoted


def test_messages_quote_a_short_excerpt_of_a_huge_bad_value():
    huge = "x" * 100_000
    text = (f"---\ntags: ['{huge} y']\ntopic: [1, 2]\nwhat{huge[:900]}: 1\n---\n\n"
            f"## Q\n\n```meta\nid: 'Bad {huge}'\n```\n\n### Answer\n\nA.\n")
    problems = parse_text(text, "deck.md")[1]
    assert {p.line for p in problems if p.is_error} == {2, 3, 4, 10}
    assert all(len(p.message) < 200 for p in problems), [len(p.message) for p in problems]


def test_control_characters_are_shown_visibly_and_warned_about_with_their_line():
    esc = "\x1b"
    text = (f"---\ntopic: T{esc}[2J\n---\n\n## Title {esc}]0;PWNED\a here\n\n```meta\nid: q\n```\n\n### Answer\n\n"
            f"Red {esc}[31mRED{esc}[0m and a C1 CSI \x9b2J, tab\tkept.\n")
    cards, problems = parse_text(text, "deck.md")
    problems = [p for p in problems if "key points" not in p.message]  # this card has none, on purpose
    assert [(p.line, p.severity) for p in problems] == [(2, "warning"), (5, "warning"), (13, "warning")]
    assert "U+001B (ESC)" in problems[0].message
    card = cards[0]
    assert card.topic == "T␛[2J" and card.question == "Title ␛]0;PWNED␇ here"
    assert card.answer == "Red ␛[31mRED␛[0m and a C1 CSI \\x9b2J, tab\tkept."


def test_a_file_full_of_control_characters_gets_a_handful_of_warnings():
    text = "## Q\n\n```meta\nid: q\n```\n\n### Answer\n\n" + "".join(f"line {i} \x07\n" for i in range(1000))
    warnings = [p for p in parse_text(text, "deck.md")[1] if "control character" in p.message]
    assert len(warnings) == 6 and "and 995 more lines with control characters" in warnings[-1].message


def _warnings(text: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse_text(text, "w.md")[1] if not p.is_error]


def test_a_core_answer_too_long_to_say_aloud_is_a_warning_at_its_line():
    card = "## Q?\n\n```meta\nid: q\n```\n\n### Answer\n\n{core}\n\nMore detail, as long as it likes.\n\n" \
           "#### Key points\n\n- one\n"
    eighty = " ".join(["word"] * 40) + "\n" + " ".join(["word"] * 40)  # one paragraph over two lines
    assert _warnings(card.format(core=eighty)) == []
    found = _warnings(card.format(core=eighty + " more"))
    assert len(found) == 1 and found[0].startswith("9: core answer is 81 words"), found
    # only the first paragraph counts: the detail after it may be any length
    assert _warnings(card.format(core="Short core.\n\n" + " ".join(["word"] * 200))) == []


def test_a_card_without_key_points_is_a_warning_at_its_heading():
    text = "## First?\n```meta\nid: a\n```\n### Answer\nA.\n\n## Second?\n```meta\nid: b\n```\n### Answer\nB.\n" \
           "#### Key points\n- b\n"
    cards, problems = parse_text(text, "w.md")
    assert len(cards) == 2  # a warning never drops a card
    assert [(p.severity, p.line, p.message.split(" (")[0]) for p in problems] == [
        ("warning", 1, "card has no key points")]
    assert str(problems[0]).startswith("w.md:1: warning: card has no key points")


def _card_text(i: int, meta: str) -> str:
    return f"## Question {i}?\n\n```meta\n{meta}\n```\n\n### Answer\n\nAnswer {i}.\n\n#### Key points\n\n- point {i}\n"


META_VARIANTS = ["id: q{i}\ntags: [a, t{i}]", "id: q{i}\nseed: [3, 4]\ndemo: xor", "id: 'q{i}'\ntags: yes",
                 "id: q{i}\ntags: 2001-12-14", "id: q{i}\ntags: |\n  word", "id: q{i}\n# a comment\ntags: ~",
                 "id: q{i}\nsynonyms:\n  point: [dot, spot]", "id: q{i}\ntags: [0x1f, 1_000, on]",
                 # what the batch builds itself (plain values) next to what it leaves to PyYAML's own path
                 "id: q{i}\n<<: {{demo: xor}}", "id: q{i}\nseed: !!int '7'", "id: q{i}\nseed: 1:30",
                 "id: q{i}\ntags: [.inf, -.5, null, 017]", "id: q{i}\nid: q{i}x", "id: q{i}\ntags: !!str 5",
                 "id: q{i}\n? [a, b]\n: c", "id: q{i}\ntags: !odd thing", "{{id: q{i}, tags: [x, {{y: z}}]}}"]


def test_a_files_meta_blocks_loaded_together_read_exactly_as_each_card_alone():
    """One YAML call per file (the import's speed) must give what one call per block gives, for every
    kind of value, and the same problems at the same lines."""
    # all kinds in one file (one bad block sends the file to per-block loading), then each kind in a
    # file of its own (where every block loads, the batch builds them)
    for group in [META_VARIANTS] + [[variant] for variant in META_VARIANTS]:
        blocks = [variant.format(i=i) for i, variant in enumerate(group * 2)]
        whole_cards, whole_problems = parse_text("".join(_card_text(i, b) + "\n" for i, b in enumerate(blocks)),
                                                 "d.md")
        alone = [parse_text(_card_text(i, b), "d.md") for i, b in enumerate(blocks)]
        assert [(c.id, c.tags, c.seeds, c.demo, c.synonyms) for c in whole_cards] == \
               [(c.id, c.tags, c.seeds, c.demo, c.synonyms) for cards, _ in alone for c in cards], group
        assert sorted(p.message for p in whole_problems) == sorted(p.message for _, ps in alone for p in ps), group
        if group is META_VARIANTS:
            assert any("bad tag" in p.message for p in whole_problems)  # `yes` is a boolean, a date is not a word


def test_one_bad_meta_block_among_many_is_reported_at_its_line_and_the_others_still_load():
    blocks = [f"id: q{i}\ntags: [a, b]" for i in range(5)]
    blocks[3] = "id: q3\ntags: [a, b"  # never closed
    text = "".join(_card_text(i, b) + "\n" for i, b in enumerate(blocks))
    cards, problems = parse_text(text, "deck.md")
    bad_line = text.split("\n").index("tags: [a, b") + 1
    assert [c.id for c in cards] == ["q0", "q1", "q2", "q4"]
    assert [(p.line, p.message.split(":")[0]) for p in problems if p.is_error] == [(bad_line, "bad YAML in card metadata")]
    blocks[3] = f"id: q3\n{laughs(3, 'seed')}"
    cards, problems = parse_text("".join(_card_text(i, b) + "\n" for i, b in enumerate(blocks)), "deck.md")
    assert [c.id for c in cards] == ["q0", "q1", "q2", "q4"]
    assert ["anchors and aliases (&l0)" in p.message for p in problems if p.is_error] == [True]


def test_meta_errors_name_each_keys_own_line_in_a_file_of_many_cards():
    # the keys' lines are only worked out when something is wrong: each message still names its line
    text = ("## A\n\n```meta\nid: a\ntags: [x]\n```\n### Answer\nA\n\n"
            "## B\n\n```meta\nid: b\ncolour: red\ntags: [fine, 'two words']\nseed: -1\ndemo: Bad-Name\n```\n"
            "### Answer\nB\n\n"
            "## C\n\n```meta\nseed: [3]\nid: Not OK\n```\n### Answer\nC\n")
    _, problems = parse_text(text, "m.md")
    assert [(p.line, p.message.split(":")[0]) for p in problems if p.is_error] == [
        (14, "unknown card metadata key 'colour' (allowed"), (15, "bad tag 'two words'"),
        (16, "bad seed -1"), (17, "bad demo name 'Bad-Name'"), (26, "bad id 'Not OK'")]
