"""An interview's report (per question, per topic, against earlier interviews) and its markdown.

Built from the stored rows only, so `quizapp interview --report`, the report screen and the
statistics screen read the same numbers. A question answered but never confirmed (the app was
closed at the checklist) counts with the matcher's suggested ticks and is marked as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from quizapp.content.sanitize import visible_controls
from quizapp.interview.scoring import Scored, coverage, readiness
from quizapp.srs.scheduler import RATING_NAMES


@dataclass(frozen=True)
class QuestionResult:
    position: int
    card_id: str
    title: str
    topic: str
    seconds_used: float
    seconds_allowed: int
    covered: int
    total: int
    missed: tuple[str, ...]
    rating: int | None
    confirmed: bool
    aloud: bool
    follow_up: str | None = None

    @property
    def over_time(self) -> bool:
        return self.seconds_used > self.seconds_allowed

    @property
    def scored(self) -> Scored:
        return Scored(self.topic, self.covered, self.total)


@dataclass(frozen=True)
class PastScore:
    interview_id: int
    started_at: str
    score: float


@dataclass
class InterviewReport:
    interview_id: int
    started_at: str
    finished_at: str | None
    topic: str | None
    scheduled: bool
    planned: int
    seconds_per_question: int
    questions: list[QuestionResult]
    previous: list[PastScore] = field(default_factory=list)  # earlier interviews, oldest first

    @property
    def score(self) -> float | None:
        """Mean share of key points covered per question."""
        return coverage(q.scored for q in self.questions)

    @property
    def readiness(self) -> dict[str, float]:
        return readiness([q.scored for q in self.questions])

    @property
    def study_list(self) -> list[str]:
        """The cards whose key points were missed, in asking order: the cards to study next."""
        return [q.card_id for q in self.questions if q.missed]


def question_result(row: dict[str, Any], seconds_allowed: int) -> QuestionResult:
    points = list(row["key_points"] or [])
    ticks = row["ticks"] if row["ticks"] is not None else row["suggested"]
    ticks = list(ticks or []) + [False] * max(0, len(points) - len(ticks or []))
    question = row.get("question") or ""
    return QuestionResult(
        position=row["position"], card_id=row["card_id"],
        title=question.splitlines()[0] if question else row["card_id"],
        topic=row["topic"], seconds_used=row["seconds_used"],
        seconds_allowed=seconds_allowed, covered=sum(bool(t) for t in ticks[:len(points)]), total=len(points),
        missed=tuple(p for p, t in zip(points, ticks) if not t), rating=row["rating"],
        confirmed=row["ticks"] is not None, aloud=bool(row["aloud"]), follow_up=row["follow_up"])


def build_report(interview: dict[str, Any], history: Sequence[tuple[dict[str, Any], list[dict[str, Any]]]] = ()
                 ) -> InterviewReport:
    """`interview` with its `questions`; `history`: earlier (interview, questions) pairs for the comparison."""
    seconds = int(interview["seconds_per_question"])
    previous = []
    for past, rows in history:
        if past["id"] >= interview["id"]:
            continue
        score = coverage(question_result(r, int(past.get("seconds_per_question") or seconds)).scored
                         for r in rows)
        if score is not None:
            previous.append(PastScore(past["id"], past["started_at"], score))
    return InterviewReport(
        interview_id=interview["id"], started_at=interview["started_at"], finished_at=interview["finished_at"],
        topic=interview["topic"], scheduled=bool(interview["scheduled"]), planned=len(interview["card_ids"]),
        seconds_per_question=seconds,
        questions=[question_result(r, seconds) for r in interview["questions"]], previous=previous)


@dataclass(frozen=True)
class ReadinessPoint:
    interview_id: int
    started_at: str
    topics: dict[str, float]


def readiness_history(interviews: Sequence[dict[str, Any]], questions: Sequence[dict[str, Any]]
                      ) -> list[ReadinessPoint]:
    """Readiness per topic after each interview that has answered questions, oldest first."""
    by_interview: dict[int, list[dict[str, Any]]] = {}
    for row in questions:
        by_interview.setdefault(row["interview_id"], []).append(row)
    out = []
    for interview in interviews:
        rows = by_interview.get(interview["id"])
        if rows:
            scored = [question_result(r, 0).scored for r in rows]
            topics = readiness(scored)
            if topics:
                out.append(ReadinessPoint(interview["id"], interview["started_at"], topics))
    return out


# -- markdown ----------------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _cell(text: str) -> str:
    """Deck text in a markdown table cell: terminal controls made visible, pipes escaped."""
    return visible_controls(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def comparison(report: InterviewReport) -> str:
    """'up 12 points on the last interview (48%); best so far 60%', or that this is the first."""
    score = report.score
    if score is None:
        return "no question answered"
    if not report.previous:
        return "your first scored interview"
    last = report.previous[-1].score
    change = round((score - last) * 100)
    best = max(p.score for p in report.previous)
    trend = "level with" if change == 0 else f"{'up' if change > 0 else 'down'} {abs(change)} points on"
    return f"{trend} the last interview ({pct(last)}); best before this {pct(best)} over {len(report.previous)}"


def to_markdown(report: InterviewReport) -> str:
    r = report
    lines = [f"# Mock interview {r.interview_id}: {r.started_at[:16].replace('T', ' ')} UTC", ""]
    answered = len(r.questions)
    lines.append(f"Topic: {_cell(r.topic) if r.topic else 'all topics'} · {answered} of {r.planned} questions "
                 f"answered · {clock(r.seconds_per_question)} per question · "
                 + ("ratings recorded as reviews" if r.scheduled else "kept out of the schedule (--no-schedule)"))
    lines += ["", f"**Overall score: {pct(r.score)}** ({comparison(r)})", "", "## Questions", "",
              "| # | Question | Topic | Time | Points | Rating |", "|---|---|---|---|---|---|"]
    for q in r.questions:
        time = f"{clock(q.seconds_used)}{' (over)' if q.over_time else ''}"
        rating = RATING_NAMES.get(q.rating, "–") if q.confirmed else "not confirmed"
        answer_kind = " (aloud)" if q.aloud else ""
        lines.append(f"| {q.position} | {_cell(q.title)}{answer_kind} | {_cell(q.topic)} | {time} | "
                     f"{q.covered}/{q.total} | {rating} |")
    lines += ["", "## Readiness by topic", "", "| Topic | Readiness | Questions |", "|---|---|---|"]
    counts: dict[str, int] = {}
    for q in r.questions:
        counts[q.topic] = counts.get(q.topic, 0) + 1
    for topic, value in sorted(r.readiness.items(), key=lambda item: item[1]):
        lines.append(f"| {_cell(topic)} | {pct(value)} | {counts[topic]} |")
    lines += ["", "## Study list: the key points you missed", ""]
    missed = [q for q in r.questions if q.missed]
    if not missed:
        lines.append("Nothing missed." if r.questions else "No question was answered.")
    for q in missed:
        lines.append(f"- **{_cell(q.title)}** (`{q.card_id}`)")
        lines.extend(f"  - {visible_controls(point)}" for point in q.missed)
    return "\n".join(lines) + "\n"
