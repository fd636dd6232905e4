"""How the parser finds a file's structure: fences, cards, the meta block, the answer, key points and
follow-ups, with the line each problem names. Each case is one a markdown author can write."""

from __future__ import annotations

from quizapp.content import parse_text


def parse(text: str):
    cards, problems = parse_text(text, "d.md")
    return cards, [(p.line, p.severity, p.message.split(" (")[0].split(":")[0]) for p in problems]


def card(question: str = "## Q", meta: str = "```meta\nid: q\n```", body: str = "### Answer\n\nA.\n\n#### Key points\n\n- a") -> str:
    return f"{question}\n\n{meta}\n\n{body}\n"


def test_a_fence_closes_only_on_its_own_character_at_least_as_long_and_alone_on_its_line():
    text = card(body="### Answer\n\nA.\n\n````python\n```\n## not a heading\n~~~~\n  `````  \n\n"
                     "#### Key points\n\n- a")
    cards, problems = parse(text)
    assert problems == [] and len(cards) == 1
    assert "```\n## not a heading\n~~~~\n  `````" in cards[0].answer and cards[0].key_points == ("a",)


def test_tilde_fences_and_indented_fences_hide_headings_but_four_spaces_is_not_a_fence():
    cards, problems = parse(card(body="### Answer\n\nA.\n\n   ~~~\n### Answer\n#### Key points\n~~~\n\n"
                                      "    ```\n#### Key points\n\n- real"))
    assert problems == [] and cards[0].key_points == ("real",)


def test_an_unclosed_fence_runs_to_the_end_of_the_file_and_swallows_later_cards():
    text = card(question="## One", meta="```meta\nid: one\n```") + "\n~~~\n\n" + card(question="## Two",
                                                                                          meta="```meta\nid: two\n```")
    cards, problems = parse(text)
    assert [c.id for c in cards] == ["one"] and problems == [(15, "error", "code fence is never closed")]
    assert "## Two" in cards[0].answer


def test_a_meta_block_never_closed_takes_the_rest_of_the_file_and_the_card_has_no_answer():
    cards, problems = parse("## Q\n\n```meta\nid: q\n\n### Answer\n\nA.\n")
    # the block's YAML reads `### Answer` as a comment and fails at `A.`; the card has no answer line left
    assert cards == [] and problems == [(3, "error", "code fence is never closed"),
                                        (8, "error", "bad YAML in card metadata"),
                                        (1, "error", "card has no '### Answer' line")]


def test_the_meta_block_is_the_first_thing_after_the_heading_or_it_is_question_text():
    cards, problems = parse(card(meta="\n   \n```META\nid: upper-info\n```"))
    assert cards[0].id == "upper-info" and problems == []
    cards, problems = parse(card(meta="Which of these?\n\n```meta\nid: late\n```"))
    assert cards[0].id == "q" and cards[0].question.startswith("Q\n\nWhich of these?\n\n```meta")
    assert problems == [(1, "warning", "card has no id; using 'q' made from the question")]
    cards, problems = parse(card(meta="```python\nid: code\n```"))
    assert cards[0].id == "q" and cards[0].question == "Q\n\n```python\nid: code\n```"


def test_an_empty_meta_block_is_no_metadata():
    cards, problems = parse(card(meta="```meta\n```"))
    assert cards[0].id == "q" and [p[2] for p in problems] == ["card has no id; using 'q' made from the question"]


def test_a_bare_double_hash_is_a_question_heading_without_text():
    cards, problems = parse("##\n\n### Answer\n\nA.\n\n## Real\n\n```meta\nid: r\n```\n\n### Answer\n\nB.\n\n"
                            "#### Key points\n\n- b\n")
    assert [c.id for c in cards] == ["r"] and problems == [(1, "error", "empty question")]


def test_answer_and_list_headings_allow_indentation_case_and_a_colon():
    cards, problems = parse(card(body="  ### ANSWER:\n\nA.\n\n   #### key points :\n\n- a\n\n#### Followups\n\n- f?"))
    assert problems == [] and cards[0].answer.startswith("A.") and cards[0].key_points == ("a",)
    assert cards[0].follow_ups == ("f?",)


def test_list_headings_count_only_after_the_answer_line_and_only_the_first_of_each():
    body = ("#### Key points\n\n- asked\n\n### Answer\n\nA.\n\n#### Follow-ups\n\n- next?\n\n"
            "#### Key points\n\n- first\n\n#### Key points\n\n- second\n\n#### Follow-ups\n\n- later?")
    cards, problems = parse(card(body=body))
    assert problems == []
    assert cards[0].key_points == ("first",) and cards[0].follow_ups == ("next?",)
    assert cards[0].question.startswith("Q\n\n#### Key points\n\n- asked")


def test_a_second_answer_line_is_an_error_at_its_line_even_after_the_key_points():
    cards, problems = parse(card(body="### Answer\n\nA.\n\n#### Key points\n\n- a\n\n### Answer\n\nB."))
    assert cards == [] and problems == [(15, "error", "a second '### Answer' in one card")]


def test_bullets_wrap_with_two_spaces_or_a_tab_and_stop_at_a_blank_line_or_text():
    body = "### Answer\n\nA.\n\n#### Key points\n\n\n* one\n  more\n\tand more\n+ two\n   - three\nafter\n- not a point"
    cards, _ = parse(card(body=body))
    assert cards[0].key_points == ("one more and more", "two", "three")
    cards, _ = parse(card(body="### Answer\n\nA.\n\n#### Key points\n\n- one\n\n- two"))
    assert cards[0].key_points == ("one",)
    cards, _ = parse(card(body="### Answer\n\nA.\n\n#### Key points\n\n    - indented four\n- one"))
    assert cards[0].key_points == ()


def test_a_card_ends_at_the_next_heading_outside_code():
    text = card(question="## One", meta="```meta\nid: one\n```") + card(question="## Two", meta="```meta\nid: two\n```")
    cards, problems = parse(text)
    assert [(c.id, c.line, c.answer) for c in cards] == [("one", 1, "A.\n\n#### Key points\n\n- a"),
                                                         ("two", 14, "A.\n\n#### Key points\n\n- a")]
    assert problems == []


def test_text_before_the_first_heading_is_no_card_and_its_headings_do_not_count():
    cards, problems = parse("# Title\n\n### Answer\n\n#### Key points\n\n" + card())
    assert [c.id for c in cards] == ["q"] and cards[0].line == 7 and problems == []
