"""Each detection signal as a table: it fires on the invite it is about and stays silent
on a plain meeting; and the decision they add up to, in many languages."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from builders import ME, NOW, YOU, event, person

from daemon.core import detect
from daemon.core.detect import Verdict, judge, judge_all, knowledge_of
from daemon.core.model import Decision, Person, ref_of

ACME = person("priya.raman@acme.example", "Priya Raman")
PLAIN = event("Catch-up", attendees=(ME, ACME))


def invite(**fields):
    values = {"title": "Catch-up", "attendees": (ME, ACME)} | fields
    return event(values.pop("title"), **values)


SIGNAL_CASES = [
    (detect.title_names_an_interview, invite(title="Vorstellungsgespräch – Acme"), 6),
    (detect.description_names_an_interview, invite(description="Unser Fachgespräch morgen"), 4),
    (detect.speaks_of_a_hiring_process, invite(description="Next step in the process: meet"), 4),
    (
        detect.speaks_of_a_hiring_process,
        invite(description="Nada de processo seletivo, só um café"),
        -8,
    ),
    (detect.names_a_role, invite(description="About the role and the team"), 1.5),
    (detect.names_a_role, invite(description="…for the Staff Engineer role at Acme"), 4),
    (detect.names_a_role, invite(description="Pozice: Junior Developer"), 4),
    (detect.asks_about_you, invite(description="Je voudrais connaître ton parcours."), 2),
    (detect.asks_about_you, invite(description="Salary expectations and notice period"), 2),
    (detect.says_they_are_hiring, invite(description="We're about to hire our first PM"), 1.5),
    (detect.names_a_hiring_stage, invite(title="System design – Acme"), 3),
    (detect.names_a_hiring_stage, invite(title="Round 2"), 3),
    (
        detect.sent_by_a_tracking_system,
        invite(organizer=person("no-reply@greenhouse.io", "Greenhouse")),
        2,
    ),
    (
        detect.organised_by_recruiters,
        invite(organizer=person("recruiting@acme.example", "Acme Recruiting")),
        1.5,
    ),
    (detect.names_you_as_the_candidate, invite(title="Acme <> Alex"), 2),
    (detect.names_a_job, invite(title="Senior Data Engineer – Acme"), 1.5),
    (detect.kept_in_a_job_search_calendar, replace(PLAIN, source="Job search"), 1.5),
    (detect.says_it_is_something_else, invite(title="Mock interview with Jordan"), -12),
    (detect.says_it_is_something_else, invite(title="Salary negotiation"), -6),
    (detect.described_as_something_else, invite(description="This is not an interview."), -8),
    (detect.described_as_something_else, invite(description="Register for the webinar"), -3),
    (detect.a_placeholder, invite(title="HOLD – Acme (details to follow)"), -5),
    (
        detect.a_crowd,
        invite(attendees=(ME, *(person(f"p{n}@acme.example") for n in range(13)))),
        -4,
    ),
    (detect.too_long, invite(length=timedelta(hours=9)), -3),
    (detect.nobody_else, invite(attendees=(ME,)), -2),
]


@pytest.mark.parametrize(
    ("weigh", "subject", "weight"),
    SIGNAL_CASES,
    ids=[f"{c[0].__name__}{c[2]:+}" for c in SIGNAL_CASES],
)
def test_each_signal_fires_on_its_invite_and_not_on_a_plain_meeting(weigh, subject, weight):
    knowledge = knowledge_of([subject], YOU)
    signal = weigh(detect._Invite.of(subject, knowledge))
    assert signal is not None and signal.weight == weight and signal.reason
    if weigh is not detect.with_people_from_another_company:
        assert weigh(detect._Invite.of(PLAIN, knowledge_of([PLAIN], YOU))) is None


def test_signals_about_your_decisions_fire_for_the_domains_you_decided_about():
    knowledge = replace(knowledge_of([PLAIN], YOU), trusted=frozenset({"acme.example"}))
    assert detect.from_a_domain_you_tracked(detect._Invite.of(PLAIN, knowledge)).weight == 3
    knowledge = replace(knowledge, trusted=frozenset(), distrusted=frozenset({"acme.example"}))
    assert detect.from_a_domain_you_ignored(detect._Invite.of(PLAIN, knowledge)).weight == -4


@pytest.mark.parametrize(
    ("title", "description"),
    [
        ("Interview with Acme", ""),
        ("Bewerbungsgespräch – Data Engineer", ""),
        ("Entrevista – Ingeniero de datos", ""),
        ("Entretien – Développeur backend", ""),
        ("Entrevista técnica – Engenheiro de dados", ""),
        ("Colloquio conoscitivo – Acme Italia", ""),
        ("Sollicitatiegesprek – Acme", ""),
        ("Rozmowa rekrutacyjna – Acme", ""),
        ("Intervju – Utvecklare", ""),
        ("Jobsamtale – Acme", ""),
        ("Pohovor – Acme", ""),
        ("Meet the team – Acme", "The team-fit stage of your application."),
        ("Coffee with Priya", "An informal interview with Priya, who leads the data team."),
        ("Priya Raman – Acme – Architecture deep dive", "…for the Staff Engineer role at Acme."),
    ],
)
def test_interviews_are_found_in_any_language_and_from_the_description(title, description):
    subject = invite(title=title, description=description)
    assert judge(subject, knowledge_of([subject], YOU)).verdict is Verdict.INTERVIEW


@pytest.mark.parametrize(
    "title",
    [
        "Webinar: how Acme interviews engineers",
        "Interview skills workshop",
        "Simulacro de entrevista",
        "Entretien annuel",
        "Probeinterview mit Jordan",
        "Oefengesprek sollicitatie",
        "Podcast interview with TechTalk",
        "Exit interview",
    ],
)
def test_events_about_interviews_are_not_interviews(title):
    subject = invite(title=title)
    assert judge(subject, knowledge_of([subject], YOU)).verdict is Verdict.NOT


def test_a_middling_invite_is_possibly_an_interview_and_says_why():
    subject = replace(invite(title="Chat with Priya"), source="Job search")
    judgement = judge(subject, knowledge_of([subject], YOU))
    assert judgement.verdict is Verdict.POSSIBLE
    assert [s.name for s in judgement.signals] == ["calendar", "company"]
    assert judgement.recipients == (detect.interviewers(subject, YOU)[0],)


def test_your_decision_settles_the_event_and_teaches_about_its_domain():
    subject = invite(title="Chat with Priya")
    tracked = knowledge_of([subject], YOU, {ref_of(subject): Decision.TRACK})
    assert judge(subject, tracked).verdict is Verdict.INTERVIEW
    ignored = knowledge_of([subject], YOU, {ref_of(subject): Decision.IGNORE})
    assert judge(subject, ignored).decided_by.startswith("you said to ignore it")
    other = invite(title="Chat with Priya again", uid="other@acme.example")
    taught = knowledge_of([other], YOU, domains={"acme.example": Decision.TRACK})
    assert "tracked" in [s.name for s in judge(other, taught).signals]


def test_your_employer_is_learnt_from_your_recurring_meetings():
    colleagues = (ME, person("bo@currentco.example"), person("li@currentco.example"))
    standup = replace(
        invite(title="Team standup", attendees=colleagues), occurrence=NOW - timedelta(days=1)
    )
    conducting = invite(
        title="Interview: Jordan Smith – Backend Engineer",
        attendees=(ME, person("bo@currentco.example"), person("jordan@gmail.com")),
    )
    knowledge = knowledge_of([standup, conducting], YOU)
    assert "currentco.example" in knowledge.employer
    judgement = judge(conducting, knowledge)
    assert judgement.verdict is Verdict.NOT
    assert "an interview you conduct" in judgement.decided_by


def test_a_hold_is_dropped_once_the_real_invite_is_there_and_asked_about_before():
    hold = invite(title="HOLD – interview with Acme (details to follow)", uid="hold@acme")
    alone = judge(hold, knowledge_of([hold], YOU))
    assert alone.verdict is not Verdict.INTERVIEW
    real = invite(title="Interview with Acme – Priya Raman", uid="real@acme")
    judged = judge_all([hold, real], knowledge_of([hold, real], YOU))
    assert judged[0].decided_by == "a placeholder the real invite replaced"
    assert judged[1].verdict is Verdict.INTERVIEW


def test_an_interviewer_the_ats_left_off_the_guest_list_is_thanked():
    schedule = (
        "<p>10:00 – 10:45 Coding with Sam Lee (sam.lee@acme.example)<br>"
        "10:45 – 11:30 System design with Priya Raman</p>"
        "<p>Questions? Write to talent@acme.example</p>"
    )
    subject = invite(
        title="Acme – Virtual Onsite – Alex Rivera",
        description=schedule,
        organizer=Person("scheduling@acme.example", "Acme Recruiting"),
    )
    judgement = judge(subject, knowledge_of([subject], YOU))
    assert [(r.email, r.name) for r in judgement.recipients] == [
        ("priya.raman@acme.example", "Priya Raman"),
        ("sam.lee@acme.example", "Sam Lee"),
    ]
