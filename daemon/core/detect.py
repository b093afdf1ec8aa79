"""Deciding which events are interviews of yours: a score over named signals, in any language.

Pure. `judge(event, knowledge)` weighs what the invite says (its title and
description, in twelve languages), who sent it (an applicant tracking system,
a recruiting team, a company you are not at), the calendar it is in, and what
the daemon knows beyond the event: your employer's domains (configured, or
learnt from your recurring meetings), and your earlier `track` and `ignore`
decisions. Each signal has a weight and a one-line reason, so `followup why`
can say exactly why an event was or was not taken. A clear score is an
interview; a middling one is "possibly an interview", for the user to decide;
some facts decide alone (cancelled, declined, not on the guest list, your own
decision, a colleague interviewing with you, a placeholder the real invite
replaced).
"""

from __future__ import annotations

import enum
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from daemon.core.company import company_of, role_of
from daemon.core.model import (
    Decision,
    Event,
    EventRef,
    EventStatus,
    Interview,
    Person,
    Recipient,
    You,
    ref_of,
)
from daemon.core.model import ResponseStatus as Response
from daemon.core.notes import read_notes
from daemon.core.people import (
    PUBLIC_MAIL_DOMAINS,
    domain_of,
    interviewers,
    is_ats,
    is_resource,
    is_robot,
    is_you,
    is_your_name,
    own_domains,
    people_of,
)
from daemon.core.text import labelled_lines, one_line, plain_text
from daemon.core.vocabulary import (
    ABOUT_YOU,
    FOR_A_ROLE,
    HIRING,
    HOLD,
    INTERVIEW,
    INTERVIEW_COMPOUNDS,
    JOB_NOUNS,
    JOB_SEARCH_CALENDAR,
    NEGATION,
    NOT_AN_INTERVIEW,
    OFFER,
    ORDINARY,
    PRACTICE_COMPOUNDS,
    PRESS,
    PROCESS,
    ROLE_CONTEXT,
    SAYS_NOT_AN_INTERVIEW,
    STAGE,
    first_match,
    fold,
    phrases,
)

log = logging.getLogger(__name__)

# A score from here up is an interview; from POSSIBLE_AT up, the user is asked.
INTERVIEW_AT = 5.0
POSSIBLE_AT = 2.0


class Verdict(enum.StrEnum):
    """What an event is, as far as thank-you notes go."""

    INTERVIEW = "an interview"
    POSSIBLE = "possibly an interview"
    NOT = "not an interview"


@dataclass(frozen=True)
class Signal:
    """One thing the invite says for or against an interview, with its weight."""

    name: str
    weight: float
    reason: str


@dataclass(frozen=True)
class Judgement:
    """What an event is, why (the signals, or the one fact that decided), and who to thank."""

    event: Event
    verdict: Verdict
    signals: tuple[Signal, ...] = ()
    recipients: tuple[Recipient, ...] = ()
    decided_by: str = ""  # a fact that decides alone, when one did

    @property
    def ref(self) -> EventRef:
        """The event's reference."""
        return ref_of(self.event)

    @property
    def score(self) -> float:
        """The sum of the signals' weights."""
        return sum(signal.weight for signal in self.signals)

    @property
    def reason(self) -> str:
        """One line: the deciding fact, else the strongest signal."""
        if self.decided_by:
            return self.decided_by
        strongest = sorted(self.signals, key=lambda s: -abs(s.weight))
        return strongest[0].reason if strongest else "no sign of an interview"


@dataclass(frozen=True)
class Knowledge:
    """What detection knows beyond the event itself."""

    you: You
    employer: frozenset[str] = frozenset()  # your own domains: colleagues are there
    decisions: Mapping[EventRef, Decision] = field(default_factory=dict)
    trusted: frozenset[str] = frozenset()  # organisers' domains of events you tracked
    distrusted: frozenset[str] = frozenset()  # … and of events you ignored


def knowledge_of(
    events: Iterable[Event],
    you: You,
    decisions: Mapping[EventRef, Decision] | None = None,
    domains: Mapping[str, Decision] | None = None,
    learnt_employer: Iterable[str] = (),
) -> Knowledge:
    """Everything detection needs to know from the calendar as a whole and from the user.

    `domains` are organisers' domains the user decided about (from `track` and
    `ignore`); `learnt_employer` the employer domains learnt in earlier cycles.
    """
    events = list(events)
    domains = domains or {}
    employer = own_domains(you, {*learnt_employer, *employer_domains(events, you)})
    return Knowledge(
        you=you,
        employer=employer,
        decisions=decisions or {},
        trusted=frozenset(d for d, what in domains.items() if what is Decision.TRACK),
        distrusted=frozenset(d for d, what in domains.items() if what is Decision.IGNORE),
    )


def judge(event: Event, knowledge: Knowledge) -> Judgement:
    """What `event` is for the user, with the signals or the fact that decided it."""
    decided = _decisive_fact(event, knowledge)
    if decided is not None:
        verdict, why = decided
        recipients = interviewers(event, knowledge.you) if verdict is Verdict.INTERVIEW else ()
        return Judgement(event, verdict, (), recipients, why)
    invite = _Invite.of(event, knowledge)
    signals = tuple(s for weigh in SIGNALS if (s := weigh(invite)) is not None)
    score = sum(s.weight for s in signals)
    verdict = Verdict.NOT
    if score >= INTERVIEW_AT:
        verdict = Verdict.INTERVIEW
    elif score >= POSSIBLE_AT:
        verdict = Verdict.POSSIBLE
    recipients = interviewers(event, knowledge.you) if verdict is not Verdict.NOT else ()
    if not recipients and verdict is not Verdict.NOT:
        return Judgement(event, Verdict.NOT, signals, (), "nobody on it to thank")
    return Judgement(event, verdict, signals, recipients)


def judge_all(events: Iterable[Event], knowledge: Knowledge) -> list[Judgement]:
    """Every event judged, and placeholders the real invite replaced settled; an event
    that cannot be understood is logged and skipped."""
    judgements = []
    for event in events:
        try:
            judgements.append(judge(event, knowledge))
        except Exception as error:
            title = one_line(event.title, 80) or "(no title)"
            log.warning(
                "skipped the event %r of %s: it could not be read (%s)", title, event.start, error
            )
            log.debug("the event's uid: %s", event.uid, exc_info=True)
    return _without_replaced_holds(judgements, knowledge.you)


def _without_replaced_holds(judgements: list[Judgement], you: You) -> list[Judgement]:
    """A recruiter's hold is not an interview once the real invite for its slot is there:
    an interview overlapping it, or on its day from the same company."""
    real = [j.event for j in judgements if j.verdict is Verdict.INTERVIEW and not _is_hold(j.event)]
    return [
        replace(j, verdict=Verdict.NOT, recipients=(), decided_by=_REPLACED)
        if _is_hold(j.event)
        and j.verdict is not Verdict.NOT
        and any(_same_slot(j.event, other, you) for other in real)
        else j
        for j in judgements
    ]


_REPLACED = "a placeholder the real invite replaced"


def finished(
    judgements: Iterable[Judgement], now: datetime, *, grace: timedelta, lookback: timedelta
) -> list[Judgement]:
    """The judgements of events that ended between `now - lookback` and `now - grace`."""
    return [j for j in judgements if now - lookback <= j.event.end <= now - grace]


def interview_of(
    judgement: Judgement,
    you: You,
    known: Mapping[str, str] | None = None,
    debrief: str = "",
) -> Interview:
    """The interview a judgement found, with what its invite and notes say about the job.

    `known` maps a domain to the company another invite spelt for it; `debrief` is
    what the user wrote in `followup debrief`.
    """
    event = judgement.event
    notes = read_notes(plain_text(event.description), debrief)
    people = [p for p in people_of(event) if not is_you(p, you)]
    people += [Person(r.email, r.name) for r in judgement.recipients]
    company = company_of(event, people, notes.labels, known, you)
    role = role_of(event, notes.labels, company)
    return Interview(event, judgement.recipients, company, role, notes)


def finished_interviews(
    events: Iterable[Event],
    you: You,
    now: datetime,
    *,
    grace: timedelta,
    lookback: timedelta,
) -> list[Interview]:
    """The interviews that ended between `now - lookback` and `now - grace`, ready to thank."""
    events = list(events)
    judged = judge_all(events, knowledge_of(events, you))
    done = finished(judged, now, grace=grace, lookback=lookback)
    return [interview_of(j, you) for j in done if j.verdict is Verdict.INTERVIEW]


def interview_from(event: Event, you: You) -> Interview | None:
    """The `Interview` this event is for you on its own, or None when it is not one."""
    judgement = judge(event, knowledge_of([event], you))
    return interview_of(judgement, you) if judgement.verdict is Verdict.INTERVIEW else None


def next_interview_due(
    judgements: Iterable[Judgement], now: datetime, grace: timedelta
) -> datetime | None:
    """When the next interview still to end will be ready to draft for (its end + grace)."""
    upcoming = (
        j.event.end + grace
        for j in judgements
        if j.verdict is Verdict.INTERVIEW and j.event.end + grace > now
    )
    return min(upcoming, default=None)


# --------------------------------------------------------------------------- facts that decide


def _decisive_fact(event: Event, knowledge: Knowledge) -> tuple[Verdict, str] | None:
    you = knowledge.you
    if event.status is EventStatus.CANCELLED:
        return Verdict.NOT, "cancelled"
    mine = [p for p in event.attendees if is_you(p, you)]
    if any(p.response is Response.DECLINED for p in mine):
        return Verdict.NOT, "you declined it"
    if event.attendees and not mine:
        return Verdict.NOT, "you are not on its guest list"
    decision = knowledge.decisions.get(ref_of(event))
    if decision is Decision.TRACK:
        return Verdict.INTERVIEW, "you said to track it (followup track)"
    if decision is Decision.IGNORE:
        return Verdict.NOT, "you said to ignore it (followup ignore)"
    colleagues = sorted(colleagues_on(event, knowledge))
    candidates = _outsiders(event, knowledge)
    if colleagues and candidates:
        return Verdict.NOT, (
            f"colleagues at {colleagues[0]} and {candidates[0]} are on it: an interview you conduct"
        )
    candidate = labelled_lines(plain_text(event.description)).get("candidate", "")
    if candidate and not is_your_name(candidate, you):
        return Verdict.NOT, f"the candidate is {one_line(candidate, 60)!r}, not you"
    return None


def colleagues_on(event: Event, knowledge: Knowledge) -> set[str]:
    """Your employer's domains among the other people on the invite."""
    others = [p for p in people_of(event) if not is_you(p, knowledge.you) and not is_resource(p)]
    return {domain_of(p.email) for p in others} & knowledge.employer


def _outsiders(event: Event, knowledge: Knowledge) -> list[str]:
    """People from outside your employer on the invite (with colleagues: the candidate)."""
    return [
        p.email
        for p in event.attendees
        if not is_you(p, knowledge.you)
        and not is_resource(p)
        and not is_robot(p.email, p.name)
        and not is_ats(p.email)
        and domain_of(p.email) not in knowledge.employer
    ]


# --------------------------------------------------------------------------- the signals


@dataclass(frozen=True)
class _Invite:
    """An event digested once for the signals: folded texts, and who is on it."""

    event: Event
    title: str
    text: str
    others: tuple[Person, ...]
    knowledge: Knowledge

    @classmethod
    def of(cls, event: Event, knowledge: Knowledge) -> _Invite:
        others = tuple(p for p in people_of(event) if not is_you(p, knowledge.you))
        return cls(
            event,
            fold(one_line(event.title, 300)),
            fold(plain_text(event.description)[:8000]),
            others,
            knowledge,
        )

    @property
    def companies(self) -> set[str]:
        """The domains of the people on it who could be a company: not public mail, not
        an ATS, not rooms."""
        return {
            domain_of(p.email) for p in self.others if not is_resource(p) and not is_ats(p.email)
        } - PUBLIC_MAIL_DOMAINS


Weigh = Callable[[_Invite], Signal | None]


def _interview_word(text: str) -> str:
    return first_match((INTERVIEW, INTERVIEW_COMPOUNDS), text)


def title_names_an_interview(invite: _Invite) -> Signal | None:
    word = _interview_word(invite.title)
    return Signal("title", 6, f"the title names a job interview ({word!r})") if word else None


def description_names_an_interview(invite: _Invite) -> Signal | None:
    if _interview_word(invite.title):
        return None
    word = _interview_word(invite.text)
    if not word:
        return None
    return Signal("description", 4, f"the description speaks of an interview ({word!r})")


def speaks_of_a_hiring_process(invite: _Invite) -> Signal | None:
    for text in (invite.title, invite.text):
        for found in PROCESS.finditer(text):
            if NEGATION.search(text[max(0, found.start() - 40) : found.start()]):
                return Signal("no-process", -8, f"it says it is not {found.group(0)!r}")
            return Signal("process", 4, f"it speaks of a hiring process ({found.group(0)!r})")
    return None


def names_a_role(invite: _Invite) -> Signal | None:
    meant = FOR_A_ROLE.search(invite.title) or FOR_A_ROLE.search(invite.text)
    if meant is not None:
        return Signal("role", 4, f"it is for a job ({one_line(meant.group(0), 60)!r})")
    found = ROLE_CONTEXT.search(invite.title) or ROLE_CONTEXT.search(invite.text)
    return Signal("role", 1.5, f"it speaks of a role ({found.group(0)!r})") if found else None


def asks_about_you(invite: _Invite) -> Signal | None:
    found = ABOUT_YOU.search(invite.text)
    return Signal("about-you", 2, f"it asks about you ({found.group(0)!r})") if found else None


def says_they_are_hiring(invite: _Invite) -> Signal | None:
    found = HIRING.search(invite.text)
    return (
        Signal("hiring", 1.5, f"they say they are hiring ({found.group(0)!r})") if found else None
    )


def names_a_hiring_stage(invite: _Invite) -> Signal | None:
    found = STAGE.search(invite.title)
    return (
        Signal("stage", 3, f"the title names a hiring stage ({found.group(0)!r})")
        if found
        else None
    )


_VIA_ATS = phrases(
    "greenhouse", "lever", "ashby", "workday", "goodtime", "modernloop", "smartrecruiters",
    "teamtailor", "recruitee", "workable", "personio", "gupy", "factorial", "calendly", "jobylon",
    "welcome to the jungle", "erecruiter", "icims", "jobvite", "successfactors", "taleo",
)  # fmt: skip


def sent_by_a_tracking_system(invite: _Invite) -> Signal | None:
    people = [p.email for p in invite.others if is_ats(p.email)]
    named = _VIA_ATS.search(invite.text)
    if not people and named is None:
        return None
    source = people[0] if people else named.group(0) if named else ""
    return Signal("ats", 2, f"it comes through a hiring system ({source})")


def organised_by_recruiters(invite: _Invite) -> Signal | None:
    organiser = invite.event.organizer
    if organiser is None or not is_robot(organiser.email) or is_ats(organiser.email):
        return None
    return Signal("recruiters", 1.5, f"a team mailbox organised it ({organiser.email})")


def names_you_as_the_candidate(invite: _Invite) -> Signal | None:
    you = invite.knowledge.you
    title = invite.event.title
    full = you.name and re.search(re.escape(you.name), title, re.IGNORECASE)
    first = you.name.split()[0] if you.name.split() else ""
    paired = " <> " in title or " / " in title
    if full or (paired and first and re.search(rf"\b{re.escape(first)}\b", title, re.I)):
        return Signal("candidate", 2, "the title names you beside the other side")
    return None


_JOB = phrases(*JOB_NOUNS)


def names_a_job(invite: _Invite) -> Signal | None:
    found = _JOB.search(invite.title)
    return Signal("job", 1.5, f"the title names a job ({found.group(0)!r})") if found else None


def kept_in_a_job_search_calendar(invite: _Invite) -> Signal | None:
    found = JOB_SEARCH_CALENDAR.search(fold(invite.event.source))
    if found is None:
        return None
    return Signal("calendar", 1.5, f"it is in your job-search calendar ({invite.event.source!r})")


def with_colleagues(invite: _Invite) -> Signal | None:
    colleagues = sorted(colleagues_on(invite.event, invite.knowledge))
    if not colleagues:
        return None
    if _CANDIDATES.search(invite.text):
        reason = f"colleagues at {colleagues[0]} and talk of candidates: you are on the panel"
        return Signal("colleagues", -10, reason)
    return Signal("colleagues", -5, f"colleagues at your employer ({colleagues[0]}) are on it")


# Candidates, more than one: the people a panel you sit on interviews.
_CANDIDATES = phrases(
    "candidates", "candidats", "candidates 2", "candidat 1", "candidate 1", "candidatos",
    "candidatas", "candidati", "kandidaten", "bewerber", "bewerberinnen", "kandydaci",
    "kandydatow", "kandidater", "uchazeci", "sollicitanten", "cv", "cvs", "resumes",
    "lebenslaufe", "grilles d'entrevue", "interview grid*", "scorecard*", "bewertungsbogen",
)  # fmt: skip


def with_people_from_another_company(invite: _Invite) -> Signal | None:
    outside = invite.companies - invite.knowledge.employer
    if len(outside) != 1:
        return None
    company = next(iter(outside))
    theirs = {
        p.email for p in invite.others if domain_of(p.email) == company and not is_resource(p)
    }
    strangers = [
        p
        for p in invite.others
        if domain_of(p.email) != company
        and not (is_resource(p) or is_ats(p.email) or is_robot(p.email, p.name))
    ]
    if len(theirs) >= 2 and not strangers:
        return Signal("company", 2, f"you meet {len(theirs)} people of {company}, alone")
    return Signal("company", 1, f"the people on it are from {company}")


def from_a_domain_you_tracked(invite: _Invite) -> Signal | None:
    known = invite.companies & invite.knowledge.trusted
    if not known:
        return None
    return Signal("tracked", 3, f"you tracked an invite from {sorted(known)[0]} before")


def from_a_domain_you_ignored(invite: _Invite) -> Signal | None:
    known = invite.companies & invite.knowledge.distrusted
    if not known:
        return None
    return Signal("ignored", -4, f"you ignored an invite from {sorted(known)[0]} before")


def says_it_is_something_else(invite: _Invite) -> Signal | None:
    kinds = ((NOT_AN_INTERVIEW, -12), (PRACTICE_COMPOUNDS, -12), (OFFER, -6), (PRESS, -6))
    for pattern, weight in (*kinds, (ORDINARY, -6)):
        found = pattern.search(invite.title)
        if found is not None:
            reason = f"the title says {found.group(0)!r}: not a job interview"
            return Signal("other", weight, reason)
    return None


_ELSEWHERE = phrases(
    "webinar", "podcast", "journalist", "journaliste", "periodista", "jornalista", "career fair",
    "job fair", "mock interview", "simulated interview", "simulerad intervju", "on the show",
    "practice interview", "info session", "workshop", "masterclass", "user research",
    "usability", "livestream", "live stream", "register here", "registration",
)  # fmt: skip


def described_as_something_else(invite: _Invite) -> Signal | None:
    said = SAYS_NOT_AN_INTERVIEW.search(invite.text)
    if said is not None:
        return Signal("says-not", -8, f"the description says {said.group(0)!r}")
    found = _ELSEWHERE.search(invite.text)
    if found is None:
        return None
    return Signal("elsewhere", -3, f"the description speaks of {found.group(0)!r}")


def a_placeholder(invite: _Invite) -> Signal | None:
    found = HOLD.search(invite.title) or re.search(r"details (?:to|will) follow", invite.text)
    return Signal("hold", -5, f"a placeholder ({found.group(0)!r})") if found else None


_CROWD = 12


def a_crowd(invite: _Invite) -> Signal | None:
    count = len([p for p in invite.event.attendees if not is_resource(p)])
    if count <= _CROWD:
        return None
    return Signal("crowd", -4, f"{count} guests: a talk or a meeting, not an interview")


def too_long(invite: _Invite) -> Signal | None:
    hours = (invite.event.end - invite.event.start) / timedelta(hours=1)
    return Signal("long", -3, f"{hours:.0f} hours long") if hours > 8 else None


def nobody_else(invite: _Invite) -> Signal | None:
    people = [p for p in invite.others if not is_resource(p)]
    return None if people else Signal("alone", -2, "nobody else is on it")


SIGNALS: tuple[Weigh, ...] = (
    title_names_an_interview,
    description_names_an_interview,
    speaks_of_a_hiring_process,
    names_a_role,
    asks_about_you,
    says_they_are_hiring,
    names_a_hiring_stage,
    sent_by_a_tracking_system,
    organised_by_recruiters,
    names_you_as_the_candidate,
    names_a_job,
    kept_in_a_job_search_calendar,
    with_people_from_another_company,
    with_colleagues,
    from_a_domain_you_tracked,
    from_a_domain_you_ignored,
    says_it_is_something_else,
    described_as_something_else,
    a_placeholder,
    a_crowd,
    too_long,
    nobody_else,
)
"""Every signal, in the order `followup why` lists them."""


# ---------------------------------------------------------------------- the calendar as a whole


def employer_domains(events: Iterable[Event], you: You) -> frozenset[str]:
    """Your employer's domains as your recurring meetings show them: a company domain
    with two or more colleagues in one series, or one in two or more series."""
    series: dict[str, set[str]] = defaultdict(set)
    people: Counter[str] = Counter()
    for event in events:
        if event.occurrence is None or not any(is_you(p, you) for p in event.attendees):
            continue
        if _interview_word(fold(event.title)) or event.status is EventStatus.CANCELLED:
            continue
        others = [p for p in event.attendees if not is_you(p, you) and not is_resource(p)]
        domains = Counter(domain_of(p.email) for p in others if not is_ats(p.email))
        for domain, count in domains.items():
            if domain in PUBLIC_MAIL_DOMAINS:
                continue
            series[domain].add(event.uid)
            people[domain] = max(people[domain], count)
    return frozenset(d for d in series if len(series[d]) >= 2 or people[d] >= 2)


def _is_hold(event: Event) -> bool:
    return bool(HOLD.search(fold(one_line(event.title, 300))))


def _same_slot(hold: Event, other: Event, you: You) -> bool:
    overlaps = hold.start < other.end and other.start < hold.end
    same_day = hold.start.date() == other.start.date()
    companies = {domain_of(p.email) for p in people_of(hold) if not is_you(p, you)}
    theirs = {domain_of(p.email) for p in people_of(other) if not is_you(p, you)}
    shared = (companies & theirs) - PUBLIC_MAIL_DOMAINS
    return overlaps or (same_day and bool(shared))
