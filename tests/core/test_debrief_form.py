"""The debrief form: one section per interviewer, comments and empty lines dropped."""

from __future__ import annotations

from builders import ME, event, interview_from, person

from daemon.core.debrief import debrief_form, debrief_text
from daemon.core.model import Interview, Recipient
from daemon.core.notes import read_notes

PANEL = event(
    "Acme Robotics – Virtual Onsite",
    attendees=(
        ME,
        person("priya.natarajan@acme.example", "Priya Natarajan"),
        person("jose.muller@acme.example", "José Müller"),
    ),
    description="Interview for the Senior Backend Engineer role.",
)


def panel() -> Interview:
    return interview_from(PANEL)


def test_the_form_has_a_section_for_everyone_and_each_interviewer():
    form = debrief_form(panel())
    sections = [line for line in form.splitlines() if line.startswith("[")]
    assert sections == ["[Everyone]", "[Priya Natarajan]", "[José Müller]"]
    assert "# Debrief: Acme Robotics – Virtual Onsite, ended" in form


def test_a_single_interviewer_gets_only_their_section():
    alone = event(attendees=(ME, person("sam@globex.example", "Sam Taylor")))
    interview = interview_from(alone)
    sections = [line for line in debrief_form(interview).splitlines() if line.startswith("[")]
    assert sections == ["[Sam Taylor]"]


def test_an_untouched_form_keeps_nothing():
    assert debrief_text(debrief_form(panel())) == ""


def test_a_filled_form_keeps_what_was_written_and_reads_as_notes():
    form = debrief_form(panel())
    filled = form.replace(
        "[Priya Natarajan]\nTopics: ", "[Priya Natarajan]\nTopics: sharding; retries"
    ).replace("[José Müller]\nTopics: \nPromised: ", "[José Müller]\nTopics: \nPromised: my CV")
    kept = debrief_text(filled)
    assert kept == "[Priya Natarajan]\nTopics: sharding; retries\n\n[José Müller]\nPromised: my CV"
    notes = read_notes(kept)
    priya = Recipient("priya.natarajan@acme.example", "Priya Natarajan")
    jose = Recipient("jose.muller@acme.example", "José Müller")
    assert notes.said_to(priya).topics == ("sharding", "retries")
    assert notes.said_to(jose).promises == ("my CV",)


def test_an_earlier_debrief_is_offered_again_for_editing():
    earlier = "[Priya Natarajan]\nTopics: sharding"
    form = debrief_form(panel(), earlier)
    assert form.endswith("\n[Priya Natarajan]\nTopics: sharding\n")
    assert debrief_text(form) == earlier


def test_prose_and_comments_written_by_the_user():
    written = "# my own comment\nWe talked about the on-call rota.\n[Everyone]\nFit: \n"
    assert debrief_text(written) == "We talked about the on-call rota."
