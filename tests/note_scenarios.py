"""Realistic interviews, each with the notes a user writes, for the golden finished notes.

Each scenario is an invite as it arrives (an ATS panel with a schedule, a
recruiter screen, a hiring-manager call with an agenda, a take-home review,
a system design round, a technical interview, a final round) and what the
user noted, in the forms people write. `tests/data/notes/golden/` keeps each
finished note as it was reviewed by eye; after a deliberate change to a
template or to how notes are read, `python tests/note_scenarios.py` rewrites
them, and the diff is what to review.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from builders import ME, YOU, event, person, writer

from daemon.core.compose import Fulfilment, Writer, compose_note
from daemon.core.detect import interview_of, judge, knowledge_of
from daemon.core.model import Interview, Person, You
from daemon.spelling import EnglishLexicon
from daemon.templates import shipped_template

ME_WITH_STRENGTHS: You = replace(
    YOU,
    strengths=(
        "eight years of building payment systems",
        "a habit of writing clear design docs",
        "experience leading a migration to event sourcing",
        "mentoring engineers through on-call",
    ),
)
PORTFOLIO = Fulfilment("portfolio", url="https://alex-rivera.example/portfolio")


@dataclass(frozen=True)
class Scenario:
    """An invite and its notes; `tone` picks the shipped template."""

    name: str
    title: str
    guests: tuple[Person, ...]
    description: str = ""
    organizer: Person | None = None
    debrief: str = ""
    tone: str = "warm"

    def interview(self) -> Interview:
        invite = event(
            self.title,
            attendees=(ME, *self.guests),
            description=self.description,
            organizer=self.organizer,
            ended_ago=timedelta(minutes=20),
        )
        judgement = judge(invite, knowledge_of([invite], ME_WITH_STRENGTHS))
        return interview_of(judgement, ME_WITH_STRENGTHS, debrief=self.debrief)

    def writer(self) -> Writer:
        template = "thank-you" if self.tone == "warm" else f"thank-you-{self.tone}"
        return writer(
            you=ME_WITH_STRENGTHS,
            template=shipped_template(template),
            tone=self.tone,
            fulfilments=(PORTFOLIO,),
            lexicon=EnglishLexicon(),
        )

    def notes(self) -> dict[str, str]:
        """Each interviewer's finished note, as `To`, `Subject` and the body."""
        interview, writer = self.interview(), self.writer()
        finished = {}
        for recipient in interview.recipients:
            note = compose_note(interview, recipient, writer)
            head = f"To: {recipient.name} <{recipient.email}>\nSubject: {note.subject}"
            text = f"{head}\n\n{note.body}"
            finished[recipient.email.split("@")[0]] = text
        return finished


P = person
SCENARIOS = (
    Scenario(
        "panel",
        "Acme Robotics – Virtual Onsite – Alex Rivera",
        (
            P("priya.natarajan@acmerobotics.example", "Priya Natarajan"),
            P("jose.muller@acmerobotics.example", "Müller, José"),
            P("sam.lee@acmerobotics.example", "Sam Lee"),
        ),
        "<p>Hi Alex,</p><p>Here is your onsite schedule for the <b>Senior Backend Engineer</b>"
        " role.</p><p>10:00 – 10:45 System design with Priya Natarajan (Engineering Manager)<br>"
        "10:45 – 11:30 Coding with José Müller (Staff Engineer)<br>"
        "11:30 – 12:00 Values and collaboration with Sam Lee</p>"
        "<p>Best,<br>Acme Robotics Recruiting</p>",
        P("recruiting@acmerobotics.example", "Acme Robotics Recruiting"),
        debrief=(
            "[Priya Natarajan]\nTopics: sharding the ledger service; idempotent retries\n\n"
            "[José Müller]\nTopics: the rate limiter exercise\n"
            "Promised: send my portfolio\n\n"
            "[Sam Lee]\nDiscussed: how the team runs blameless postmortems\n"
        ),
    ),
    Scenario(
        "recruiter-screen",
        "Recruiter screen – Kestrel Mobility",
        (P("hana.kim@kestrel-mobility.example", "Hana Kim"),),
        "Intro call for the Platform Engineer role at Kestrel Mobility.",
        debrief=(
            "- Topics: the team's remote setup; the four interview rounds\n"
            "- Promised: send my portfolio link tonight"
        ),
    ),
    Scenario(
        "hiring-manager",
        "Hiring manager chat – Brightwave Health",
        (P("lan.tran@brightwavehealth.example", "Trần Thị Lan"),),
        "Agenda:\n- your background\n- the data platform roadmap",
        debrief="Discussed: how the data team supports clinicians\n"
        "Fit: my experience with HIPAA-grade data pipelines",
    ),
    Scenario(
        "take-home-review",
        "Take-home review – Northwind Traders – Data Analyst",
        (
            P("jiahui.lim@northwindtraders.example", "Lim Jia Hui"),
            P("ravi.patel@northwindtraders.example", "Ravi Patel"),
        ),
        debrief=(
            "**Topics:** the cohort analysis; why I chose a median\n"
            "@Ravi: the SQL window functions\n"
            "• Promised: two references"
        ),
    ),
    Scenario(
        "system-design",
        "System design interview – Globex – Staff Engineer",
        (P("sam.taylor@globex.example", "Sam Taylor"),),
        debrief="We talked about designing a multi-region rate limiter.",
    ),
    Scenario(
        "technical",
        "Technical interview – Initech",
        (P("lena.park@initech.example", "Lena Park"),),
        "Technical interview for the Backend Developer position.",
        debrief="Topics: the concurrency bug in the take-home; Go channels",
    ),
    Scenario(
        "final-round",
        "Final round – Umbrella Analytics",
        (P("kai.jones@umbrella-analytics.example", "Kai Jones"),),
        "Final interview with our CTO for the Staff Data Engineer role.",
        debrief="Topics: the three-year data strategy\nFit: I led a similar platform rebuild",
    ),
    Scenario(
        "formal-technical",
        "Technical interview – Initech",
        (P("lena.park@initech.example", "Lena Park"),),
        "Technical interview for the Backend Developer position.",
        debrief="Topics: the concurrency bug in the take-home",
        tone="formal",
    ),
    Scenario(
        "brief-recruiter-screen",
        "Recruiter screen – Kestrel Mobility",
        (P("hana.kim@kestrel-mobility.example", "Hana Kim"),),
        "Intro call for the Platform Engineer role at Kestrel Mobility.",
        debrief="Topics: the team's remote setup",
        tone="brief",
    ),
)


def write_golden(folder: Path) -> None:
    """Write every scenario's finished notes to `folder`, one file per interviewer."""
    for scenario in SCENARIOS:
        for who, text in scenario.notes().items():
            (folder / f"{scenario.name}.{who}.txt").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_golden(Path(__file__).parent / "data" / "notes" / "golden")
