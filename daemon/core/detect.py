"""Deciding which events are finished interviews you attended, and who should be thanked.

Pure: `finished_interviews(events, you, now, …)` reads only its arguments.
Real invites are messy (applicant-tracking-system invites, "Acme <> Alex –
Technical Screen", panels, rooms, coordinators who only schedule, no-reply
organisers), so detection combines the title, the description and who is on
the invite, and errs towards drafting nothing for events that are not yours.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from daemon.core.model import Event, EventStatus, Interview, Person, Recipient, ResponseStatus, You
from daemon.core.text import is_plain_address, one_line, plain_text

log = logging.getLogger(__name__)

# Words that name a job interview on their own.
_INTERVIEW = re.compile(
    r"\b(interview(s|ing)?|phone screen|(technical|tech|recruiter|coding|initial|intro|hiring)"
    r" screen|screening( call| interview)?|final round|hiring manager|technical round"
    r"|recruiter (call|chat))\b",
    re.IGNORECASE,
)
# Words that name an interview only when something else says it is one: an
# internal "Panel: the future of platform teams" is not.
_INTERVIEW_IF_CONTEXT = re.compile(
    r"\b(panel|on-?site|system design|case study|pair(ing)? (session|programming)"
    r"|take-?home review|culture (fit|add)|meet the team|coding (exercise|challenge))\b",
    re.IGNORECASE,
)
_CONTEXT = re.compile(r"\b(interview\w*|candidate|recruit\w*|hiring|application)\b", re.I)
# Events about interviews that are not a job interview of yours with an employer.
_NOT_AN_INTERVIEW = re.compile(
    r"\b(mock|practice|prep|preparation|rehears\w*|debrief|calibration|interviewer training"
    r"|hiring committee|shadow(ing)?|reverse interview|podcast|press|media|user interviews?"
    r"|customer interviews?|research interviews?|exit interview|stay interview)\b",
    re.IGNORECASE,
)
_ATS_DOMAINS = (
    "greenhouse.io",
    "lever.co",
    "ashbyhq.com",
    "myworkday.com",
    "workday.com",
    "smartrecruiters.com",
    "icims.com",
    "jobvite.com",
    "goodtime.io",
    "calendly.com",
    "gem.com",
    "modernloop.io",
    "workable.com",
    "teamtailor.com",
    "recruitee.com",
    "bamboohr.com",
)
_SCHEDULING_LOCAL = re.compile(
    r"^(no-?reply|do-?not-?reply|donotreply|noreply|notifications?|calendar|scheduling|scheduler"
    r"|recruiting|recruitment|talent|careers|jobs|hiring|interviews?|invites?|bounces?"
    r"|mailer-daemon|postmaster)([+._-].*)?$",
    re.IGNORECASE,
)
_RESOURCE_DOMAINS = ("resource.calendar.google.com", "group.calendar.google.com")
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "yahoo.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "fastmail.com",
        "hey.com",
        "zoho.com",
        "yandex.com",
        "mail.com",
    }
)
_TWO_LEVEL_SUFFIXES = ("co.uk", "org.uk", "ac.uk", "com.au", "co.jp", "co.nz", "com.br", "co.in")
# Words that belong to a company's name after its main word ("Example Labs", "Zürich AG").
_COMPANY_SUFFIXES = re.compile(
    r"(?:\s+(?:Labs?|Inc\.?|Ltd\.?|LLC|GmbH|AG|SE|AB|SA|BV|Corp\.?|Corporation|Technologies"
    r"|Technology|Systems|Software|Robotics|Group|Health|Bank|Capital|Studios?|AI|Analytics"
    r"|Solutions|Networks|Games|Media|Energy|Bio|Therapeutics)\b)+"
)
_LABELLED = re.compile(r"^\s*([A-Za-z][A-Za-z ]{1,30}?)\s*:\s*(.+?)\s*$")


def finished_interviews(
    events: Iterable[Event],
    you: You,
    now: datetime,
    *,
    grace: timedelta,
    lookback: timedelta,
) -> list[Interview]:
    """The interviews that ended between `now - lookback` and `now - grace`, ready to thank.

    An event that cannot be understood is logged and skipped; the others still count.
    """
    found = []
    for event in events:
        if not now - lookback <= event.end <= now - grace:
            continue
        try:
            interview = interview_from(event, you)
        except Exception as error:
            log.warning("skipping event %r: %s: %s", event.uid, type(error).__name__, error)
            continue
        if interview is not None:
            found.append(interview)
    return found


def next_interview_due(
    events: Iterable[Event], you: You, now: datetime, grace: timedelta
) -> datetime | None:
    """When the next interview still to end will be ready to draft for (its end + grace)."""
    upcoming = (e for e in events if e.end + grace > now and _looks_yours(e, you))
    return min((e.end + grace for e in upcoming), default=None)


def _looks_yours(event: Event, you: You) -> bool:
    try:
        return not why_not_an_interview(event, you)
    except Exception:
        return False


def interview_from(event: Event, you: You) -> Interview | None:
    """The `Interview` this event is for you, or None when it is not one to thank anyone for."""
    reason = why_not_an_interview(event, you)
    if reason:
        log.debug("event %r is not an interview to thank for: %s", event.uid, reason)
        return None
    recipients = interviewers(event, you)
    if not recipients:
        log.info("interview %r (%r) lists nobody to thank", event.uid, one_line(event.title))
        return None
    description = plain_text(event.description)
    notes = _labelled_lines(description)
    return Interview(
        event=event,
        recipients=recipients,
        company=company_of(event, recipients, notes),
        role=role_of(event, notes),
        topics=_topics(notes),
        promises=_promises(notes, description),
    )


def why_not_an_interview(event: Event, you: You) -> str:
    """Why `event` is not a finished interview of yours, or "" when it is one."""
    if event.status is EventStatus.CANCELLED:
        return "cancelled"
    people = _people(event)
    mine = [p for p in people if _is_you(p, you)]
    if any(p.response is ResponseStatus.DECLINED for p in mine):
        return "you declined it"
    if event.attendees and not mine:
        return "you are not on its guest list"
    if _NOT_AN_INTERVIEW.search(one_line(event.title)):
        return "an event about interviews, not an interview"
    if not _looks_like_interview(event):
        return "no sign of an interview"
    domains = own_domains(you)
    if any(_domain(p.email) in domains for p in people if not _is_you(p, you)):
        return "a colleague from your own domain is on it: an interview you conduct"
    candidate = _labelled_lines(plain_text(event.description)).get("candidate", "")
    if candidate and not _is_your_name(candidate, you):
        return f"the candidate is {one_line(candidate)!r}, not you"
    return ""


def own_domains(you: You) -> frozenset[str]:
    """Your employer's domains: as configured, else your address's unless it is public mail."""
    if you.own_domains:
        return frozenset(you.own_domains)
    domain = _domain(you.email)
    return frozenset() if domain in PUBLIC_MAIL_DOMAINS else frozenset({domain})


def _looks_like_interview(event: Event) -> bool:
    title = one_line(event.title)
    if _INTERVIEW.search(title):
        return True
    description = plain_text(event.description)
    from_ats = any(_is_ats(p.email) for p in _people(event)) or any(
        domain in description.lower() for domain in _ATS_DOMAINS
    )
    if from_ats and _INTERVIEW.search(description):
        return True
    in_context = " <> " in title or from_ats or bool(_CONTEXT.search(description))
    return in_context and bool(_INTERVIEW_IF_CONTEXT.search(title))


def interviewers(event: Event, you: You) -> tuple[Recipient, ...]:
    """Everyone on the invite who should get a note, each once.

    Leaves out you, rooms and other resources, people who declined, non-
    participants, scheduling and no-reply addresses, and addresses unsafe to
    write into a header. An organiser counts only when on the guest list too
    (a coordinator who only schedules is not), or when nobody else is invited.
    """
    guests = [p for p in event.attendees if _can_receive(p, you)]
    if not guests and event.organizer and _can_receive(event.organizer, you):
        guests = [event.organizer]
    named = _labelled_lines(plain_text(event.description)).get("interviewers", "")
    if named:
        listed = [p for p in guests if _listed_in(p, named)]
        guests = listed or guests
    unique: dict[str, Recipient] = {}
    for person in guests:
        unique.setdefault(person.email.lower(), Recipient(person.email.lower(), _name_of(person)))
    return tuple(unique.values())


def _can_receive(person: Person, you: You) -> bool:
    if _is_you(person, you) or _is_resource(person) or person.non_participant:
        return False
    if person.response is ResponseStatus.DECLINED:
        return False
    if not is_plain_address(person.email):
        log.warning("skipping guest with an unusable address %r", one_line(person.email, 80))
        return False
    # Only the robots of applicant tracking systems are left out: someone interviewing
    # you for a job at Greenhouse or Workday has an address there too.
    return not _SCHEDULING_LOCAL.match(person.email.split("@", 1)[0])


def company_of(event: Event, recipients: tuple[Recipient, ...], notes: dict[str, str]) -> str:
    """The employer's name: from the notes, else the interviewers' domain as spelt in the title."""
    if notes.get("company"):
        return one_line(notes["company"], 80)
    label = _company_label(recipients)
    title = one_line(event.title)
    if label:
        spelt = re.search(r"\b" + r"[\s-]?".join(map(re.escape, label)) + r"\b", title, re.I)
        if spelt and len(label) > 2:
            suffix = _COMPANY_SUFFIXES.match(title, spelt.end())
            return title[spelt.start() : suffix.end() if suffix else spelt.end()]
        return label.capitalize() if label.islower() else label
    with_company = re.search(r"\b(?:with|at)\s+([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)", title)
    return with_company.group(1) if with_company else ""


def _company_label(recipients: tuple[Recipient, ...]) -> str:
    domains = Counter(_domain(r.email) for r in recipients)
    for domain, _count in domains.most_common():
        if domain not in PUBLIC_MAIL_DOMAINS:
            return _registered_label(domain)
    return ""


def _registered_label(domain: str) -> str:
    labels = domain.split(".")
    suffix_length = 2 if domain.endswith(_TWO_LEVEL_SUFFIXES) else 1
    return labels[-suffix_length - 1] if len(labels) > suffix_length else labels[0]


_JOB_NOUN = (
    r"(?:Engineer|Developer|Designer|Manager|Scientist|Analyst|Architect|Lead|Director"
    r"|Specialist|Consultant|Administrator|Researcher|Writer|Coordinator|Officer|Intern)"
)
_TITLE_WORDS = r"[A-Z][\w/&+.-]*(?:\s+[A-Z][\w/&+.-]*){0,5}"
_ROLE_PATTERNS = (
    re.compile(
        r"\bfor (?:the |a |an )?([A-Z][\w/&+.-]*(?:\s+[A-Za-z][\w/&+.-]*){0,6}?)"
        r"\s+(?:role|position)\b"
    ),
    re.compile(r"\bfor (?:the |a |an )?(" + _TITLE_WORDS + r"\s+" + _JOB_NOUN + r")\b"),
    re.compile(r"[–—:|-]\s*(" + _TITLE_WORDS + r"\s+" + _JOB_NOUN + r")\b"),
)


def role_of(event: Event, notes: dict[str, str]) -> str:
    """The job title, from the notes ("Role: …") or phrases like "for the … role"."""
    for label in ("role", "position", "job title", "job", "opening"):
        if notes.get(label):
            return one_line(notes[label], 80)
    for text in (one_line(event.title), plain_text(event.description)):
        for pattern in _ROLE_PATTERNS:
            match = pattern.search(text)
            if match:
                return one_line(match.group(1), 80)
    return ""


def _topics(notes: dict[str, str]) -> tuple[str, ...]:
    for label in ("topics", "discussed", "talked about", "focus"):
        if notes.get(label):
            return _split_list(notes[label])
    return ()


_PROMISE = re.compile(r"\bI(?:'ll| will)\s+(send|share|forward|follow up with)\s+([^.;\n]+)", re.I)


def _promises(notes: dict[str, str], description: str) -> tuple[str, ...]:
    for label in ("promised", "promises", "to send", "follow up", "follow-up"):
        if notes.get(label):
            return _split_list(notes[label])
    return tuple(one_line(f"{verb} {what}", 120) for verb, what in _PROMISE.findall(description))


def _split_list(text: str) -> tuple[str, ...]:
    parts = (one_line(part, 120) for part in re.split(r"[;•]|\s,\s", text))
    return tuple(part for part in parts if part)


def _labelled_lines(text: str) -> dict[str, str]:
    """`Label: value` lines of a description, keyed by the lower-cased label (first wins)."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        match = _LABELLED.match(line)
        if match:
            found.setdefault(match.group(1).strip().lower(), match.group(2))
    return found


def _people(event: Event) -> list[Person]:
    return [*event.attendees, *([event.organizer] if event.organizer else [])]


def _is_you(person: Person, you: You) -> bool:
    return person.is_self or person.email.lower() in you.addresses


def _is_resource(person: Person) -> bool:
    return person.is_resource or _domain(person.email).endswith(_RESOURCE_DOMAINS)


def _is_ats(address: str) -> bool:
    domain = _domain(address)
    return any(domain == d or domain.endswith("." + d) for d in _ATS_DOMAINS)


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


_HONORIFICS = re.compile(r"^(dr|mr|mrs|ms|mx|prof|sir|dame)\.?\s+", re.IGNORECASE)


def _name_of(person: Person) -> str:
    name = one_line(person.name, 80).strip("\"' ")
    if "@" in name:
        name = ""
    last, comma, first = name.partition(",")
    if comma and first.strip() and " " not in last.strip():
        name = f"{first.strip()} {last.strip()}"  # Exchange's "Smith, Jane"
    name = _HONORIFICS.sub("", name)
    if name:
        return name
    local = person.email.split("@", 1)[0]
    parts = re.split(r"[._]", local)
    if len(parts) >= 2 and all(p.isalpha() and len(p) > 1 for p in parts):
        return " ".join(p.capitalize() for p in parts)
    return ""


def _listed_in(person: Person, listed: str) -> bool:
    """Whether an `Interviewers:` line names this person: whole name or whole address."""
    wanted = [person.email.lower()] + ([_words(person.name)] if person.name else [])
    spoken = _words(listed)
    return any(re.search(r"(^|\s)" + re.escape(w) + r"(\s|$)", spoken) for w in wanted if w)


def _is_your_name(candidate: str, you: You) -> bool:
    """Whether a `Candidate:` line means you: every word of it is in your name or address."""
    yours = set(_words(you.name).split()) | set(re.split(r"[._+-]", you.email.split("@")[0]))
    return set(_words(candidate).split()) <= yours


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w@.+-]+", text.lower().replace(",", " ")))
