"""Q-learning on a small grid world: the return rises, the values fill in, the greedy policy reaches the goal.

An agent starts in the top-left corner of a 6x6 grid with walls (#) and pits (X, reward -1,
episode over); the goal (G) gives +1 and every step costs 0.04. It learns a table Q(s, a) with
the Q-learning update Q(s,a) += alpha * (r + gamma * max_a' Q(s',a') - Q(s,a)), acting
epsilon-greedily. The return per episode is streamed, the learned state values max_a Q(s, a)
are drawn as a heatmap, and the greedy policy is printed as arrows. The verdict: the average
return of the last tenth of the episodes is clearly above the first tenth's, and following
argmax Q from the start reaches the goal (its length is compared with the shortest path).
The table is small, so it lives in numpy on the CPU whatever --device says.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from demos.common import DemoContext, Param, run

TITLE = "Q-learning on a grid world"
CLAIM = ("Tabular Q-learning with epsilon-greedy exploration learns from rewards alone: the return per episode "
         "rises, the values Q(s, a) spread back from the goal, and acting greedily on Q reaches the goal.")
CARDS = ["bellman-equation-q-learning", "what-is-reinforcement-learning", "reinforcement-learning-components",
         "return-discount-value-functions", "exploration-vs-exploitation"]

PARAMS = [
    Param("gamma", 0.95, "discount factor: how much a reward one step later is worth", lo=0.0, hi=1.0),
    Param("epsilon", 0.1, "exploration: chance of a random action", lo=0.0, hi=1.0),
    Param("alpha", 0.5, "learning rate of the Q update", lo=0.01, hi=1.0),
    Param("episodes", 400, "training episodes", lo=10, hi=20000, quick=300),
]

GRID = [
    "S.....",
    ".##.X.",
    "..#...",
    "X...#.",
    ".#X...",
    "....XG",
]
ACTIONS = [(-1, 0), (0, 1), (1, 0), (0, -1)]   # up, right, down, left
ARROWS = "^>v<"
STEP_REWARD, PIT_REWARD, GOAL_REWARD = -0.04, -1.0, 1.0
MAX_STEPS = 100
RISE = 0.5   # the late average return must beat the early one by at least this


class GridWorld:
    """The environment: states are (row, col); walls block, pits and the goal end the episode."""

    def __init__(self, rows: list[str]) -> None:
        self.rows = rows
        self.h, self.w = len(rows), len(rows[0])
        self.start = next((r, c) for r in range(self.h) for c in range(self.w) if rows[r][c] == "S")

    def cell(self, s: tuple[int, int]) -> str:
        return self.rows[s[0]][s[1]]

    def step(self, s: tuple[int, int], a: int) -> tuple[tuple[int, int], float, bool]:
        r, c = s[0] + ACTIONS[a][0], s[1] + ACTIONS[a][1]
        if not (0 <= r < self.h and 0 <= c < self.w) or self.rows[r][c] == "#":
            r, c = s  # bumped into a wall or the edge: stay
        kind = self.rows[r][c]
        if kind == "G":
            return (r, c), GOAL_REWARD, True
        if kind == "X":
            return (r, c), PIT_REWARD, True
        return (r, c), STEP_REWARD, False

    def shortest_path(self) -> int:
        """Fewest steps from the start to the goal avoiding walls and pits (breadth-first search)."""
        seen, queue = {self.start}, deque([(self.start, 0)])
        while queue:
            s, d = queue.popleft()
            for a in range(4):
                nxt, _, _ = self.step(s, a)
                if self.cell(nxt) == "G":
                    return d + 1
                if nxt not in seen and self.cell(nxt) != "X":
                    seen.add(nxt)
                    queue.append((nxt, d + 1))
        return -1


def greedy_walk(env: GridWorld, q: np.ndarray) -> tuple[list[tuple[int, int]], bool]:
    s, path = env.start, [env.start]
    for _ in range(MAX_STEPS):
        s, _, done = env.step(s, int(np.argmax(q[s])))
        path.append(s)
        if done:
            return path, env.cell(s) == "G"
    return path, False


def main(ctx: DemoContext) -> None:
    gamma, epsilon, alpha, episodes = ctx.p.gamma, ctx.p.epsilon, ctx.p.alpha, ctx.p.episodes
    env = GridWorld(GRID)
    rng = np.random.default_rng(ctx.seed)
    q = np.zeros((env.h, env.w, len(ACTIONS)))
    ctx.log("The grid (S start, G goal +1, X pit -1, # wall, each step -0.04):")
    for row in GRID:
        ctx.log("  " + " ".join(row))
    ctx.log(f"Q-learning: gamma={gamma:g}, epsilon={epsilon:g}, alpha={alpha:g}, {episodes} episodes of at most "
            f"{MAX_STEPS} steps; the Q table lives in numpy on the CPU")

    returns = []
    window = max(1, episodes // 20)
    for episode in range(episodes):
        s, total, steps = env.start, 0.0, 0
        for steps in range(1, MAX_STEPS + 1):
            if rng.random() < epsilon:
                a = int(rng.integers(len(ACTIONS)))
            else:  # break ties at random so an all-zero row does not always pick "up"
                best = np.flatnonzero(q[s] == q[s].max())
                a = int(rng.choice(best))
            nxt, reward, done = env.step(s, a)
            target = reward if done else reward + gamma * q[nxt].max()
            q[s][a] += alpha * (target - q[s][a])
            total += reward
            s = nxt
            if done:
                break
        returns.append(total)
        ctx.metric(episode, "return", episode_return=total, steps=steps)
        if (episode + 1) % window == 0:
            ctx.metric(episode, f"mean of last {window}", episode_return=float(np.mean(returns[-window:])))

    values = q.max(axis=2)
    grid_values = [[float("nan") if GRID[r][c] == "#" else float(values[r, c]) for c in range(env.w)]
                   for r in range(env.h)]
    ctx.matrix("learned values max_a Q(s, a) (walls empty)", grid_values)
    path, reached = greedy_walk(env, q)
    on_path = set(path)
    ctx.log("Greedy policy argmax_a Q(s, a), with the path it takes from S in parentheses:")
    for r in range(env.h):
        cells = []
        for c in range(env.w):
            kind = GRID[r][c]
            mark = ARROWS[int(np.argmax(q[r, c]))] if kind in ".S" else kind
            cells.append(f"({mark})" if (r, c) in on_path and kind in ".S" else f" {mark} ")
        ctx.log("  " + "".join(cells))

    tenth = max(1, episodes // 10)
    early, late = float(np.mean(returns[:tenth])), float(np.mean(returns[-tenth:]))
    shortest = env.shortest_path()
    greedy_len = len(path) - 1 if reached else -1
    rises = late - early >= RISE
    passed = rises and reached
    numbers = {"early_mean_return": early, "late_mean_return": late, "episodes_averaged": tenth,
               "greedy_reaches_goal": reached, "greedy_path_length": greedy_len, "shortest_path_length": shortest,
               "start_value": float(values[env.start])}
    text = (f"The mean return rose from {early:.2f} (first {tenth} episodes) to {late:.2f} (last {tenth}); "
            + (f"the greedy policy reaches the goal in {greedy_len} steps (shortest path: {shortest})."
               if reached else f"the greedy policy does not reach the goal (shortest path: {shortest} steps)."))
    missing: list[str] = []  # the parts of the claim not seen, said in the summary
    if not passed:
        missing = [what for what, ok in ((f"the return did not rise by {RISE:g}", rises),
                                         ("the greedy policy does not reach the goal", reached)) if not ok]
        if reached and not rises and epsilon >= 0.5:
            summary += (" (Q-learning is off-policy: it learned the greedy route while the mostly random "
                        "behaviour kept the returns low.)")
    ctx.verdict(CLAIM, passed, numbers, summary=ctx.summary(text, missing))


if __name__ == "__main__":
    run(main, TITLE, CLAIM, CARDS, PARAMS)
