"""The q_learning demo: returns rise, values grow toward the goal, the greedy policy gets there."""

from __future__ import annotations

import math
import re

import pytest

from demos.protocol import to_number

from ._run import passed_verdict, run_demo


def test_q_learning_learns_the_grid():
    rc, events, stderr = run_demo("q_learning", "--quick", "--json", "--device", "cpu")
    numbers = passed_verdict(rc, events, stderr)["numbers"]
    returns = [to_number(e["values"]["episode_return"]) for e in events
               if e.type == "metric" and e["series"] == "return"]
    assert len(returns) == 300
    tenth = numbers["episodes_averaged"]
    early, late = sum(returns[:tenth]) / tenth, sum(returns[-tenth:]) / tenth
    assert numbers["early_mean_return"] == pytest.approx(early)
    assert numbers["late_mean_return"] == pytest.approx(late)
    assert late - early >= 0.5

    logs = [e["message"] for e in events if e.type == "log"]
    at = logs.index(next(m for m in logs if m.startswith("Greedy policy")))
    policy = [re.findall(r"[ (](.)[ )]", line[2:]) for line in logs[at + 1:at + 7]]
    marked = [(r, c) for r, line in enumerate(logs[at + 1:at + 7]) for c in range(6) if line[2 + 3 * c] == "("]
    assert len(policy) == 6 and all(len(row) == 6 for row in policy)
    # Follow the printed arrows from S: they lead to G through exactly the marked cells.
    moves = {"^": (-1, 0), ">": (0, 1), "v": (1, 0), "<": (0, -1)}
    r, c, walked = 0, 0, []
    while policy[r][c] in moves:
        walked.append((r, c))
        r, c = r + moves[policy[r][c]][0], c + moves[policy[r][c]][1]
        assert len(walked) < 36
    assert policy[r][c] == "G" and sorted(walked) == sorted(marked)
    assert numbers["greedy_path_length"] == len(walked) == numbers["shortest_path_length"] == 10

    values = next(e["data"] for e in events if e.type == "matrix")
    along = [to_number(values[r][c]) for r, c in walked]
    assert along == sorted(along) and along[-1] > along[0]  # values rise toward the goal
    assert math.isnan(to_number(values[1][1]))  # a wall has no value


def test_bad_knob_exits_2():
    rc, events, _ = run_demo("q_learning", "--quick", "--json", "--set", "gamma=1.5")
    assert rc == 2 and "gamma" in events[-1]["message"] and "0 to 1" in events[-1]["message"]
