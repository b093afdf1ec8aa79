"""Detection measured on the labelled corpus: every interview found, only interviews.

The corpus (`tests/data/detection/`, see `detection_corpus.py`) was written
from the shapes of real invites without looking at the rules. Each drafted
note is scored: one to the right interviewer is a true positive, one to
anybody else a false positive, an expected one not drafted a miss. An event a
careful assistant could not decide either (`ambiguous`) may instead be asked
about ("possibly an interview"); any other event asked about counts as
neither drafted nor right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import detection_corpus
import pytest

from daemon.core.detect import Judgement, Verdict, judge_all, knowledge_of

PRECISION = 0.98
RECALL = 0.95


@dataclass
class Score:
    """Counts over the corpus, for notes (recipients) and for events."""

    right: int = 0
    wrong: int = 0
    missed: int = 0
    events_found: int = 0
    events_false: int = 0
    events_missed: int = 0
    asked: list[str] = field(default_factory=list)
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / (self.right + self.wrong)

    @property
    def recall(self) -> float:
        return self.right / (self.right + self.missed)

    def add(self, case: detection_corpus.Case, judgement: Judgement) -> None:
        drafted = judgement.verdict is Verdict.INTERVIEW
        got = {r.email for r in judgement.recipients} if drafted else set()
        if judgement.verdict is Verdict.POSSIBLE:
            self.asked.append(case.id)
            if case.ambiguous:
                return  # asking is the right answer here
        self.right += len(got & case.expect)
        self.wrong += len(got - case.expect)
        self.missed += len(case.expect - got)
        self.events_found += bool(got and case.expect)
        self.events_false += bool(got and not case.expect)
        self.events_missed += bool(case.expect and not got)
        if got != case.expect:
            self.mistakes.append(f"{case.id}: {sorted(got)} for {sorted(case.expect)}")


@pytest.fixture(scope="module")
def score() -> Score:
    result = Score()
    calendars = detection_corpus.calendars()
    for calendar in calendars:
        judged = judge_all(calendar.events, knowledge_of(calendar.events, calendar.you))
        by_occurrence = {(j.event.uid, j.event.start): j for j in judged}
        for case in calendar.cases:
            result.add(case, by_occurrence[(case.event.uid, case.event.start)])
    return result


def test_the_corpus_is_large_and_varied():
    calendars = detection_corpus.calendars()
    cases = [case for calendar in calendars for case in calendar.cases]
    assert len(cases) >= 200
    assert sum(bool(c.expect) for c in cases) >= 90
    assert len({c.id for c in cases}) == len(cases)


def test_notes_go_to_the_right_people(score: Score):
    print(
        f"notes: precision {score.precision:.3f}, recall {score.recall:.3f} "
        f"({score.right} right, {score.wrong} wrong, {score.missed} missed)"
    )
    print("asked about:", ", ".join(score.asked))
    print("mistakes:", *score.mistakes, sep="\n  ")
    assert score.precision >= PRECISION, score.mistakes
    assert score.recall >= RECALL, score.mistakes


def test_interviews_are_found_and_nothing_else(score: Score):
    found, false, missed = score.events_found, score.events_false, score.events_missed
    print(f"events: {found} found, {false} false, {missed} missed")
    assert found / (found + false) >= PRECISION
    assert found / (found + missed) >= RECALL
