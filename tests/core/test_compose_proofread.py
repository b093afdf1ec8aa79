"""Composing a note from the shipped template, and proofreading it."""

from __future__ import annotations

import pytest
from builders import YOU, event

from daemon.core.compose import (
    LINK_PLACEHOLDER,
    TOPIC_PLACEHOLDER,
    Note,
    Template,
    compose_note,
)
from daemon.core.model import Interview, Recipient
from daemon.core.proofread import proofread, word_count
from daemon.templates import shipped_template

PRIYA = Recipient("priya.raman@acme.example", "Priya Raman")


def interview(**fields) -> Interview:
    values = {
        "event": event(),
        "recipients": (PRIYA,),
        "company": "Acme",
        "role": "Senior Backend Engineer",
        "topics": ("the move to event sourcing",),
    } | fields
    return Interview(**values)


def test_the_note_greets_by_first_name_names_role_company_topic_and_is_signed():
    note = compose_note(interview(), PRIYA, YOU, shipped_template("thank-you"))
    assert note.subject == "Thank you – Senior Backend Engineer at Acme"
    assert note.body.startswith("Hi Priya,\n\n")
    assert "the Senior Backend Engineer role at Acme" in note.body
    assert "the move to event sourcing" in note.body
    assert note.body.rstrip().endswith("Best regards,\nAlex Rivera")
    assert proofread(note, interview(), PRIYA, YOU) == []
    assert 60 <= word_count(note.body) <= 150


def test_unknown_topic_and_promise_leave_placeholders_that_proofreading_flags():
    promised = interview(topics=(), promises=("send my portfolio",))
    note = compose_note(promised, PRIYA, YOU, shipped_template("thank-you"))
    assert TOPIC_PLACEHOLDER in note.body
    assert f"As promised, here is my portfolio: {LINK_PLACEHOLDER}." in note.body
    problems = proofread(note, promised, PRIYA, YOU)
    assert f"placeholder left in: {TOPIC_PLACEHOLDER}" in problems
    assert "promised 'send my portfolio': add the link or attach it" in problems


def test_a_kept_promise_is_not_flagged():
    promised = interview(promises=("send my portfolio",))
    note = compose_note(promised, PRIYA, YOU, shipped_template("thank-you"))
    kept = Note(note.subject, note.body.replace(LINK_PLACEHOLDER, "https://alex.example/folio"))
    assert proofread(kept, promised, PRIYA, YOU) == []


def test_without_role_company_or_name_the_note_still_reads_and_says_what_is_missing():
    anonymous = Recipient("pr@acme.example")
    bare = interview(company="", role="", recipients=(anonymous,))
    note = compose_note(bare, anonymous, YOU, shipped_template("thank-you"))
    assert note.subject == "Thank you – our conversation"
    assert note.body.startswith("Hi there,")
    assert "about the role." in note.body and "contribute at your team" in note.body
    assert "no name to greet: add the interviewer's name to the greeting" in proofread(
        note, bare, anonymous, YOU
    )


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda b: b.replace("Acme", "ACME", 1), "company spelt 'ACME', not 'Acme'"),
        (lambda b: b.replace("Hi Priya", "Hi Pryia"), "the greeting does not name Priya"),
        (lambda b: b.replace("enjoyed", "enjoyed enjoyed"), "repeated word: 'enjoyed enjoyed'"),
        (
            lambda b: b.replace("opportunity", "oppurtunity"),
            "spelling: 'oppurtunity' → 'opportunity'",
        ),
        (lambda b: b.replace("Alex Rivera", "A."), "not signed with your name, Alex Rivera"),
        (lambda b: b + "TODO: mention the offsite\n", "placeholder left in: TODO"),
        (lambda b: b.replace("Priya", "Pri\ufffdya"), "a character could not be read"),
        (lambda b: b + " more" * 120, "words: too long; keep it to 150 or fewer"),
        (
            lambda b: "Hi Priya,\n\nThanks, Acme Senior Backend Engineer.\n\nAlex Rivera\n",
            "words: a little short",
        ),
    ],
)
def test_proofreading_catches_what_a_careful_friend_would(edit, problem):
    note = compose_note(interview(), PRIYA, YOU, shipped_template("thank-you"))
    edited = Note(note.subject, edit(note.body))
    assert any(problem in found for found in proofread(edited, interview(), PRIYA, YOU))


def test_hostile_calendar_text_cannot_reach_the_template_as_fields():
    sneaky = interview(company="${your_name}", topics=("$topic",))
    note = compose_note(sneaky, PRIYA, YOU, shipped_template("thank-you"))
    assert "${your_name}" in note.body and "$topic" in note.body


def test_a_template_needs_a_subject_and_only_known_fields():
    with pytest.raises(ValueError, match="Subject"):
        Template.parse("Hello ${first_name}")
    with pytest.raises(ValueError, match="salary"):
        Template.parse("Subject: Hi\n\nHello ${salary}")
    custom = Template.parse(
        "Subject: Thanks, ${first_name}!\n\nDear ${first_name},\n\n${promise}\n\n${your_name}"
    )
    note = compose_note(interview(), PRIYA, YOU, custom)
    assert (note.subject, note.body) == ("Thanks, Priya!", "Dear Priya,\n\nAlex Rivera\n")
