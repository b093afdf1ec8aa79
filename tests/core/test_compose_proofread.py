"""Composing notes from the shipped templates, and proofreading them.

The finished notes of `note_scenarios.py` are compared with the reviewed
copies in `tests/data/notes/golden/`; a change to a template or to how notes
are read shows up there as a diff to review, not as a silent drift.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from builders import ME, YOU, event, person, writer
from note_scenarios import PORTFOLIO, SCENARIOS

from daemon.core.compose import (
    LINK_PLACEHOLDER,
    TOPIC_PLACEHOLDER,
    Fulfilment,
    Template,
    compose_note,
)
from daemon.core.detect import interview_of, judge, knowledge_of
from daemon.core.message import Attachment
from daemon.core.model import Interview, Recipient
from daemon.core.notes import read_notes
from daemon.core.proofread import Expected, expected_for, proofread, word_count
from daemon.core.protocols import DraftText
from daemon.spelling import EnglishLexicon

GOLDEN = Path(__file__).parent.parent / "data" / "notes" / "golden"
PRIYA = Recipient("priya.raman@acme.example", "Priya Raman")
LEXICON = EnglishLexicon()


def interview(debrief: str = "Topics: the move to event sourcing", **fields) -> Interview:
    values = {
        "event": event(),
        "recipients": (PRIYA,),
        "company": "Acme",
        "role": "Senior Backend Engineer",
        "notes": read_notes(debrief),
    } | fields
    return Interview(**values)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_each_finished_note_matches_the_reviewed_copy(scenario):
    for who, text in scenario.notes().items():
        golden = GOLDEN / f"{scenario.name}.{who}.txt"
        assert text.rstrip("\n") == golden.read_text(encoding="utf-8").rstrip("\n"), golden.name


def test_every_reviewed_copy_still_has_its_scenario():
    expected = {f"{s.name}.{who}.txt" for s in SCENARIOS for who in s.notes()}
    assert {p.name for p in GOLDEN.glob("*.txt")} == expected


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_finished_notes_pass_proofreading_unless_a_promise_lacks_its_link(scenario):
    interview_, writer_ = scenario.interview(), scenario.writer()
    for recipient in interview_.recipients:
        note = compose_note(interview_, recipient, writer_)
        problems = proofread(note.as_text(), expected_for(interview_, recipient, writer_), LEXICON)
        expected_problems = []
        if LINK_PLACEHOLDER in note.body:  # "two references": the user must add them
            expected_problems = [
                f"placeholder left in: {LINK_PLACEHOLDER}",
                "promised 'two references': add the link or attach it",
            ]
        assert problems == expected_problems, recipient.email


def test_panel_notes_differ_beyond_the_greeting():
    panel = next(s for s in SCENARIOS if s.name == "panel")
    bodies = [text.split("\n", 4)[4] for text in panel.notes().values()]  # past "Hi Name,"
    assert len(set(bodies)) == len(bodies) == 3
    first, second = (b.splitlines() for b in bodies[:2])
    assert len(set(first) ^ set(second)) >= 4  # several lines, not a word, tell them apart


def test_each_panelist_hears_about_their_own_part_and_no_one_elses():
    panel = next(s for s in SCENARIOS if s.name == "panel")
    notes = panel.notes()
    assert "sharding the ledger service" in notes["priya.natarajan"]
    assert "sharding" not in notes["jose.muller"] + notes["sam.lee"]
    assert "portfolio" in notes["jose.muller"]  # promised to José only
    assert "portfolio" not in notes["priya.natarajan"] + notes["sam.lee"]


def test_the_note_greets_by_given_name_names_role_company_topic_and_is_signed():
    note = compose_note(interview(), PRIYA, writer())
    assert note.subject == "Thank you – Senior Backend Engineer at Acme"
    assert note.body.startswith("Hi Priya,\n\n")
    assert "the Senior Backend Engineer role at Acme" in note.body
    assert "the move to event sourcing" in note.body
    assert note.body.rstrip().endswith("Best regards,\nAlex Rivera")


def test_without_notes_the_note_leaves_a_placeholder_that_proofreading_flags():
    bare = interview(debrief="")
    note = compose_note(bare, PRIYA, writer())
    assert TOPIC_PLACEHOLDER in note.body
    problems = proofread(note.as_text(), expected_for(bare, PRIYA, writer()), LEXICON)
    assert f"placeholder left in: {TOPIC_PLACEHOLDER}" in problems


def test_without_role_company_or_name_the_note_still_reads_and_says_what_is_missing():
    anonymous = Recipient("pr@acme.example")
    bare = interview(company="", role="", recipients=(anonymous,))
    note = compose_note(bare, anonymous, writer())
    assert note.subject == "Thank you"
    assert note.body.startswith("Hi there,")
    assert "interview for the role." in note.body and "contribute to the team" in note.body
    problems = proofread(note.as_text(), expected_for(bare, anonymous, writer()), LEXICON)
    assert "no name to greet: add the interviewer's name to the greeting" in problems


def test_a_promise_is_kept_by_a_link_an_attachment_or_left_visibly_open():
    promised = interview(debrief="Topics: event sourcing\nPromised: send my code sample")
    sample = Attachment("sample.pdf", "application/pdf", b"%PDF-1.4")
    ways = {
        "link": (Fulfilment("code sample", url="https://alex.example/sample"), "here: https://"),
        "file": (Fulfilment("code sample", attachment=sample), "I've attached my code sample."),
        "none": (Fulfilment("portfolio", url="https://alex.example/folio"), LINK_PLACEHOLDER),
    }
    for way, (fulfilment, wording) in ways.items():
        writer_ = writer(fulfilments=(fulfilment,))
        note = compose_note(promised, PRIYA, writer_)
        problems = proofread(note.as_text(), expected_for(promised, PRIYA, writer_), LEXICON)
        assert wording in note.body, way
        assert note.attachments == ((sample,) if way == "file" else ()), way
        kept = not any("promised" in p for p in problems)
        assert kept is (way != "none"), (way, problems)


STRONG = writer(you=replace(YOU, strengths=("eight years of building payment systems",)))
CLEAN = compose_note(interview(), PRIYA, STRONG).as_text()
EXPECTED = expected_for(interview(), PRIYA, STRONG)
PANEL_EXPECTED = replace(EXPECTED, others=(Recipient("sam.lee@acme.example", "Sam Lee"),))


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda n: replace(n, subject=""), "no subject"),
        (lambda n: replace(n, subject="Thank you " * 10), "subject is 100 characters"),
        (lambda n: replace(n, body=n.body.replace("Acme", "ACME", 1)), "company spelt 'ACME'"),
        (lambda n: replace(n, body=n.body.replace("Acme", "Acmee")), "company spelt 'Acmee'"),
        (
            lambda n: DraftText(
                n.subject.replace("Senior Backend Engineer", "engineering"),
                n.body.replace("Senior Backend Engineer", "engineering"),
            ),
            "does not mention the role",
        ),
        (lambda n: replace(n, body=n.body.replace("Hi Priya", "Hi Pryia")), "does not name Priya"),
        (lambda n: replace(n, body=n.body.replace("Hi Priya", "Hi Sam")), "greeting names Sam"),
        (lambda n: replace(n, body=n.body.replace("enjoyed", "enjoyed enjoyed")), "repeated"),
        (
            lambda n: replace(n, body=n.body.replace("opportunity", "oppurtunity")),
            "spelling: 'oppurtunity' → 'opportunity'?",
        ),
        (
            lambda n: replace(n, body=n.body.replace("especially", "espeshally")),
            "spelling: 'espeshally'",
        ),
        (lambda n: replace(n, body=n.body.replace("Alex Rivera", "A.")), "not signed"),
        (lambda n: replace(n, body=n.body + "TODO: mention the offsite\n"), "left in: TODO"),
        (lambda n: replace(n, body=n.body + "{{ first_name }}\n"), "left in: {{ first_name }}"),
        (lambda n: replace(n, body=n.body + "<company name>\n"), "left in: <company name>"),
        (lambda n: replace(n, body=n.body.replace("Priya", "Pri\ufffdya")), "could not be read"),
        (lambda n: replace(n, body=n.body + " more" * 120), "too long; keep it to 160"),
        (
            lambda n: replace(n, body="Hi Priya,\n\nThanks, Senior Backend Engineer, Acme.\nAlex"),
            "a little short",
        ),
    ],
)
def test_proofreading_catches_what_a_careful_friend_would(edit, problem):
    assert proofread(CLEAN, PANEL_EXPECTED, LEXICON) == []
    found = proofread(edit(CLEAN), PANEL_EXPECTED, LEXICON)
    assert any(problem in f for f in found), found


def test_proofreading_reads_names_links_and_addresses_without_calling_them_misspelt():
    body = CLEAN.body.replace(
        "Please let me know",
        "Kubernetes and Grafana came up; see https://alex.example/xqzv or write to"
        " alex.rivera@example.com. Please let me know",
    )
    assert proofread(replace(CLEAN, body=body), EXPECTED, LEXICON) == []


def test_a_sentence_that_starts_with_a_misspelt_word_is_still_checked():
    body = CLEAN.body.replace("Best regards", "Thnks again.\n\nBest regards")
    found = proofread(replace(CLEAN, body=body), EXPECTED, LEXICON)
    assert any(f.startswith("spelling: 'Thnks'") for f in found), found


# Misspellings people make in notes like these; the dictionary, not a list, catches them.
COMMON_MISSPELLINGS = [
    "recieve",
    "acommodate",
    "adress",
    "begining",
    "beleive",
    "collegue",
    "commited",
    "concensus",
    "definately",
    "embarass",
    "enviroment",
    "existance",
    "foward",
    "goverment",
    "grammer",
    "happend",
    "immediatly",
    "independant",
    "knowlege",
    "liason",
    "neccessary",
    "noticable",
    "occassion",
    "persue",
    "prefered",
    "publically",
    "reccomend",
    "refered",
    "relevent",
    "sucess",
    "tommorow",
    "truely",
    "wierd",
    "writting",
    "thier",
    "alot",
    "untill",
    "occured",
    "acheive",
    "seperate",
    "sincerly",
    "interveiw",
    "apreciate",
    "experiance",
    "managment",
    "responsibilty",
    "collaberate",
    "excelent",
    "availible",
    "converstion",
    "enthusiastc",
]


@pytest.mark.parametrize("misspelt", COMMON_MISSPELLINGS)
def test_a_misspelling_planted_anywhere_in_the_note_is_caught(misspelt):
    body = CLEAN.body.replace("Please let me know", f"I {misspelt} it. Please let me know")
    found = proofread(replace(CLEAN, body=body), EXPECTED, LEXICON)
    assert any(f.startswith(f"spelling: {misspelt!r}") for f in found), found


def test_the_length_band_is_the_users():
    short_band = replace(EXPECTED, band=(20, 40))
    assert any("too long; keep it to 40" in p for p in proofread(CLEAN, short_band, LEXICON))
    assert 60 <= word_count(CLEAN.body) <= 160


def test_hostile_calendar_text_is_written_literally_never_run_as_template_code():
    sneaky = interview(
        company="{{ your_name }}",
        debrief="Topics: {% for x in range(9999999) %}x{% endfor %}; {{ ''.upper() }}",
    )
    note = compose_note(sneaky, PRIYA, writer())
    assert "at {{ your_name }}" in note.body
    assert "{% for x in range(9999999) %}x{% endfor %}" in note.body
    assert "{{ ''.upper() }}" in note.body


def test_a_template_is_checked_when_it_is_loaded():
    with pytest.raises(ValueError, match="Subject"):
        Template.parse("Hello {{ first_name }}")
    with pytest.raises(ValueError, match="unknown fields: salary"):
        Template.parse("Subject: Hi\n\nHello {{ salary }}")
    with pytest.raises(ValueError, match=r"line 4"):
        Template.parse("Subject: Hi\n\nHello\n{% if first_name %}unclosed")
    with pytest.raises(ValueError, match="cannot be filled"):
        Template.parse("Subject: Hi\n\n{{ topics[0] }}")  # fails on a note without topics
    with pytest.raises(ValueError, match="cannot be filled"):
        Template.parse("Subject: Hi\n\n{{ company.__class__.__mro__ }}")  # the sandbox holds


def test_a_users_template_uses_the_same_fields():
    custom = Template.parse(
        "Subject: Thanks, {{ first_name }}!\n\nDear {{ first_name }},\n\n"
        "{{ topics | join_and }}\n{% for p in promises %}{{ p }}\n{% endfor %}\n{{ your_name }}"
    )
    note = compose_note(interview(), PRIYA, writer(template=custom))
    assert note.subject == "Thanks, Priya!"
    assert note.body == "Dear Priya,\n\nthe move to event sourcing\n\nAlex Rivera\n"


def test_an_interview_from_a_real_invite_carries_its_notes_into_the_note():
    invite = event(
        "Interview: Staff Engineer – Globex",
        attendees=(ME, person("sam.taylor@globex.example", "Sam Taylor")),
        description="Interview for the Staff Engineer role at Globex.",
    )
    found = interview_of(
        judge(invite, knowledge_of([invite], YOU)), YOU, debrief="Topics: the rate limiter"
    )
    note = compose_note(found, found.recipients[0], writer(fulfilments=(PORTFOLIO,)))
    assert "the Staff Engineer role at Globex" in note.body
    assert "the rate limiter" in note.body
    assert note.body.startswith("Hi Sam,")


def test_expected_for_knows_the_interviews_own_words():
    expected: Expected = expected_for(interview(), PRIYA, writer())
    assert {"Priya", "Raman", "Acme", "Alex", "Rivera"} <= expected.allowed
