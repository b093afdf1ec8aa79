"""Reading notes as people write them, and what an invite already says, per interviewer."""

from __future__ import annotations

import pytest

from daemon.core.model import Recipient
from daemon.core.notes import read_notes
from daemon.core.text import plain_text

PRIYA = Recipient("priya.natarajan@acme.example", "Priya Natarajan")
JOSE = Recipient("jose.muller@acme.example", "José Müller")


@pytest.mark.parametrize(
    "line",
    [
        "Topics: the queue design",
        "topics: the queue design",
        "- Topics: the queue design",
        "• Discussed: the queue design",
        "**Topics:** the queue design",
        "**Talked about**: the queue design",
        "* We discussed: the queue design",
        "We talked about the queue design.",
    ],
)
def test_topics_are_read_in_the_forms_people_write_them(line):
    assert read_notes(line).everyone.topics == ("the queue design",)


@pytest.mark.parametrize(
    "line",
    [
        "Promised: send my portfolio",
        "- Follow-up: send my portfolio",
        "**Promised:** send my portfolio",
        "Next steps: send my portfolio",
        "I'll send my portfolio.",
    ],
)
def test_promises_are_read_in_the_forms_people_write_them(line):
    assert read_notes(line).everyone.promises == ("send my portfolio",)


def test_labelled_lists_and_per_interviewer_sections():
    notes = read_notes(
        "Topics:\n- the migration plan\n- on-call\n\n"
        "[Priya Natarajan]\nDiscussed: the Kafka partitioning question\nFit: my queueing work\n\n"
        "[José]\nPromised: a code sample\n\n"
        "[Everyone]\nTopics: the team's release train\n"
    )
    assert notes.everyone.topics == ("the migration plan", "on-call", "the team's release train")
    assert notes.said_to(PRIYA).topics == ("the Kafka partitioning question",)
    assert notes.said_to(PRIYA).fit == ("my queueing work",)
    assert notes.said_to(JOSE).promises == ("a code sample",)


def test_a_line_for_one_interviewer():
    notes = read_notes("@Priya: the Kafka partitioning question\n@jose.muller@acme.example: tests")
    assert notes.said_to(PRIYA).topics == ("the Kafka partitioning question",)
    assert notes.said_to(JOSE).topics == ("tests",)
    assert notes.everyone.topics == ()


def test_an_ats_schedule_gives_each_interviewers_part_and_titles():
    description = plain_text(
        "<p>10:00 – 10:45 System design with Priya Natarajan (Engineering Manager)<br>"
        "10:45 AM – 11:30 AM Coding: graphs with José Müller (jose.muller@acme.example)</p>"
    )
    notes = read_notes(description)
    assert notes.segment_of(PRIYA) == "System design"
    assert notes.segment_of(JOSE) == "Coding: graphs"
    assert notes.title_of(PRIYA) == "Engineering Manager"


def test_labels_the_invite_gives_are_kept_for_the_company_and_role():
    notes = read_notes(
        plain_text("<p><b>Role:</b> Staff Engineer</p><p>Company: ACME Robotics</p>")
    )
    assert (notes.labels["role"], notes.labels["company"]) == ("Staff Engineer", "ACME Robotics")


def test_the_text_is_kept_whole_for_a_decision_date():
    notes = read_notes("Topics: pricing", "They'll decide by Friday.")
    assert "They'll decide by Friday." in notes.text
