"""Who is who on an invite: you, rooms, robots, coordinators, observers, and the interviewers.

Pure. `interviewers(event, you)` says who gets a thank-you: everyone who took
part in interviewing you, each once, written the way their name is spoken.
Left out: you (and your aliases), rooms and resources, people who declined or
delegated, non-participants, observers when real interviewers are there,
guests the invite says will not take part ("copied for administrative purposes
only", a recruiter who signs "I won't be joining"),
scheduling and no-reply robots, a coordinator who organised the event without
being a guest (unless the invite says they join), and addresses unsafe to put
in a header. An interviewer an applicant tracking system left off the guest
list but named with an address in the schedule is added. An `Interviewers:`
line narrows the list to the people it names.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable

from daemon.core.model import Event, Person, Recipient, ResponseStatus, You
from daemon.core.text import is_plain_address, labelled_lines, one_line, plain_text
from daemon.core.vocabulary import (
    ABSENT,
    CONTACT,
    OBSERVER,
    ORGANISER_ABSENT,
    ORGANISER_JOINS,
    fold,
    phrases,
)

log = logging.getLogger(__name__)

ATS_DOMAINS = (
    "greenhouse.io", "greenhouse-mail.io", "lever.co", "hire.lever.co", "ashbyhq.com",
    "myworkday.com", "workday.com", "smartrecruiters.com", "icims.com", "jobvite.com",
    "goodtime.io", "calendly.com", "gem.com", "modernloop.io", "workable.com", "workablemail.com",
    "teamtailor.com", "teamtailor-mail.com", "recruitee.com", "bamboohr.com", "personio.de",
    "personio.com", "gupy.io", "factorialhr.com", "welcometothejungle.com", "erecruiter.pl",
    "jobylon.com", "varbi.com", "successfactors.com", "taleo.net", "pinpointhq.com", "rippling.com",
)  # fmt: skip
_SCHEDULING_LOCAL = re.compile(
    r"^(no-?reply|do-?not-?reply|donotreply|noreply|notifications?|calendar|scheduling|scheduler"
    r"|recruiting|recruitment|talent|talent-?acquisition|careers|jobs|hiring|interviews?|invites?"
    r"|bounces?|mailer-daemon|postmaster|coordinators?|hr|people|rh|rekrutacja|recrutement"
    r"|candidates?|candidate-?experience"
    r"|bewerbung(en)?|karriere|selezione|werving|seleccion|vagas)([+._-].*)?$",
    re.IGNORECASE,
)
# Rooms, shared calendars, and the "Unknown Organizer" of events Gmail made from a mail.
_RESOURCE_DOMAINS = ("calendar.google.com",)
_TEAM_NAME = phrases(
    "recruiting", "recruitment", "talent", "talents", "talentos", "talento", "candidate experience",
    "careers", "career", "karriere", "carreiras", "hiring", "people team", "hr team",
    "scheduling", "coordination", "coordinators", "recrutement", "recrutamento",
    "reclutamiento", "rekrutacja", "werving", "personalabteilung", "team", "equipe", "equipo",
    "no-reply", "noreply", "notifications",
)  # fmt: skip
# An address that names a person: first.last, first_last, first-last.
_PERSONAL_LOCAL = re.compile(r"^[a-z]+[._-][a-z]+(?:[._-][a-z]+)?\d*$", re.IGNORECASE)
PUBLIC_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
        "yahoo.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
        "pm.me", "gmx.com", "gmx.de", "gmx.net", "gmx.at", "gmx.ch", "web.de", "t-online.de",
        "fastmail.com", "hey.com", "zoho.com", "yandex.com", "mail.com", "wp.pl", "o2.pl",
        "onet.pl", "interia.pl", "libero.it", "virgilio.it", "orange.fr", "free.fr", "laposte.net",
        "sfr.fr", "wanadoo.fr", "hotmail.fr", "yahoo.fr", "hotmail.es", "yahoo.es", "uol.com.br",
        "bol.com.br", "terra.com.br", "seznam.cz", "centrum.cz", "telia.com", "live.nl",
        "ziggo.nl", "kpnmail.nl", "outlook.de", "outlook.fr", "outlook.es", "icloud.de",
    }
)  # fmt: skip
_TWO_LEVEL_SUFFIXES = ("co.uk", "org.uk", "ac.uk", "com.au", "co.jp", "co.nz", "com.br", "co.in")
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_EXCHANGE_NAME = re.compile(r"^(?P<last>[^,()]+),\s*(?P<middle>[^()]*?)\s*\((?P<first>[^()]+)\)$")
_DEGREES = re.compile(
    r"(?:,?\s+(?:PhD|Ph\.D\.|MBA|MD|M\.D\.|MSc|BSc|CPA|PE|Esq\.?|Jr\.?|Sr\.?|II|III|IV))+\s*$"
)
_HONORIFICS = re.compile(r"^(dr|mr|mrs|ms|mx|prof|sir|dame)\.?\s+", re.IGNORECASE)


def interviewers(event: Event, you: You) -> tuple[Recipient, ...]:
    """Everyone on the invite who should get a note, each once (see the module docstring)."""
    description = plain_text(event.description)
    guests = [p for p in event.attendees if can_receive(p, you)]
    guests = _without_observers(_without_fellow_candidates(guests), description)
    guests = _without_absentees(guests, description)
    organiser = event.organizer
    if organiser and can_receive(organiser, you) and _organiser_takes_part(event, guests):
        guests.append(organiser)
    guests += _named_in_schedule(event, description, you, guests)
    named = labelled_lines(description).get("interviewers", "")
    if named:
        guests = [p for p in guests if _listed_in(p, named)] or guests
    unique: dict[str, Recipient] = {}
    for person in guests:
        unique.setdefault(person.email.lower(), Recipient(person.email.lower(), name_of(person)))
    return tuple(unique.values())


def can_receive(person: Person, you: You) -> bool:
    """Whether a thank-you could go to `person`: a real, safe address that is not you."""
    if is_you(person, you) or is_resource(person) or person.non_participant:
        return False
    if person.response is ResponseStatus.DECLINED:
        return False
    if not is_plain_address(person.email):
        log.warning("skipping guest with an unusable address %r", one_line(person.email, 80))
        return False
    return not is_robot(person.email, person.name)


def is_robot(address: str, name: str = "") -> bool:
    """A scheduling, no-reply or team mailbox rather than a person: by its address
    (`noreply@`, `recruiting@`), or by a team's name ("Acme Talent") on an address
    that is not a person's `first.last`.

    Only the robots of applicant tracking systems are left out: someone
    interviewing you for a job at Greenhouse or Workday has an address there too.
    """
    local = address.split("@", 1)[0]
    if _SCHEDULING_LOCAL.match(local):
        return True
    return bool(_TEAM_NAME.search(fold(name))) and not _PERSONAL_LOCAL.match(local)


def is_you(person: Person, you: You) -> bool:
    """Whether `person` is the calendar's owner."""
    return person.is_self or person.email.lower() in you.addresses


def is_resource(person: Person) -> bool:
    """A room or equipment rather than a person."""
    return person.is_resource or domain_of(person.email).endswith(_RESOURCE_DOMAINS)


def is_ats(address: str) -> bool:
    """Whether an address belongs to an applicant tracking or scheduling system."""
    domain = domain_of(address)
    return any(domain == d or domain.endswith("." + d) for d in ATS_DOMAINS)


def domain_of(address: str) -> str:
    """The domain of an address, lower-cased."""
    return address.rpartition("@")[2].lower()


def organisation_of(domain: str) -> str:
    """The registered name of a domain: `acme` for mail.acme.co.uk."""
    labels = domain.split(".")
    suffix_length = 2 if domain.endswith(_TWO_LEVEL_SUFFIXES) else 1
    return labels[-suffix_length - 1] if len(labels) > suffix_length else labels[0]


def people_of(event: Event) -> list[Person]:
    """Everyone on the invite: the attendees, then the organiser."""
    return [*event.attendees, *([event.organizer] if event.organizer else [])]


def name_of(person: Person) -> str:
    """The person's name as it is spoken ("Smith, Jane" is Jane Smith), or "" when unknown."""
    name = one_line(person.name, 80).strip("\"' ")
    if "@" in name:
        name = ""
    exchange = _EXCHANGE_NAME.match(name)
    if exchange:  # Exchange's "Boer, W. de (Willem)"
        particles = " ".join(w for w in exchange["middle"].split() if not w.endswith("."))
        name = " ".join(p for p in (exchange["first"], particles, exchange["last"]) if p)
    name = _DEGREES.sub("", name)
    last, comma, first = name.partition(",")
    if comma and first.strip() and len(last.split()) <= 3:
        name = f"{first.strip()} {last.strip()}"  # Exchange's "Smith, Jane", "García López, María"
    name = _HONORIFICS.sub("", name)
    if name:
        return name
    local = person.email.split("@", 1)[0]
    parts = re.split(r"[._]", local)
    if len(parts) >= 2 and all(p.isalpha() and len(p) > 1 for p in parts):
        return " ".join(p.capitalize() for p in parts)
    return ""


def _without_fellow_candidates(guests: list[Person]) -> list[Person]:
    """In a group session (an assessment centre) the other candidates are guests too: with
    people from a company there, two or more guests on public mail are candidates."""
    public = [p for p in guests if domain_of(p.email) in PUBLIC_MAIL_DOMAINS]
    company = [p for p in guests if domain_of(p.email) not in PUBLIC_MAIL_DOMAINS]
    return company if company and len(public) >= 2 else guests


def _without_observers(guests: list[Person], description: str) -> list[Person]:
    """Optional guests who only watch (a shadow, a trainee) are not interviewers,
    as long as someone else interviews."""
    required = [p for p in guests if not p.optional]
    if not required:
        return guests
    watching = bool(OBSERVER.search(fold(description)))
    return [p for p in guests if not p.optional or not watching]


def _without_absentees(guests: list[Person], description: str) -> list[Person]:
    """Guests the invite says will not take part: named in a sentence that says so
    ("Orla Walsh is copied for administrative purposes only"), or the one who signs an
    invite that says "I won't be joining". Never everyone: then the invite is misread."""
    text = fold(description)
    givens = Counter(_given_word(p) for p in guests)
    absent: set[str] = set()
    for sentence in re.split(r"[.;!?\n]", text):
        if ABSENT.search(sentence):
            words = set(_words(sentence).split())
            absent |= {p.email for p in guests if _named_by(p, words, givens)}
    said = ORGANISER_ABSENT.search(text)
    if said is not None:
        signed = set(_words(text[said.end() :]).split())
        absent |= {p.email for p in guests if _full_name_in(p, signed)}
    present = [p for p in guests if p.email not in absent]
    return present or guests


def _named_by(person: Person, words: set[str], givens: Counter[str]) -> bool:
    """Whether `words` (folded) name `person`: their whole name, or a given name that no
    other guest has."""
    given = _given_word(person)
    return _full_name_in(person, words) or (givens[given] == 1 and given in words)


def _full_name_in(person: Person, words: set[str]) -> bool:
    mine = _name_words(person)
    return len(mine) > 1 and mine <= words


def _given_word(person: Person) -> str:
    words = _words(fold(name_of(person))).split()
    return words[0] if words and len(words[0]) > 1 else ""


def _organiser_takes_part(event: Event, guests: list[Person]) -> bool:
    """An organiser counts when on the guest list, when nobody else is, or when the
    invite says they join; a coordinator who only scheduled, or who writes that they
    will not be there, does not."""
    organiser = event.organizer
    if organiser is None or any(_same(p, organiser) for p in event.attendees):
        return False  # on the guest list: that entry decides
    description = plain_text(event.description)
    text = fold(description)
    if ORGANISER_ABSENT.search(text):
        return False
    if not guests:
        return True
    return bool(ORGANISER_JOINS.search(text)) or _named_among(organiser, guests, description)


def _same(one: Person, other: Person) -> bool:
    return one.email.lower() == other.email.lower()


def _named_among(organiser: Person, guests: list[Person], description: str) -> bool:
    """Whether a line of the description names the organiser beside an interviewer
    ("with the assessors Ewa Sikora (HR), Rafał Ostrowski …")."""
    names = [_name_words(p) for p in guests]
    mine = _name_words(organiser)
    for line in description.splitlines():
        words = set(_words(fold(line)).split())
        if mine and mine <= words and any(n and n <= words for n in names):
            return True
    return False


def _name_words(person: Person) -> set[str]:
    """The words of a person's name, initials left out."""
    return {w for w in _words(fold(name_of(person))).split() if len(w.strip(".")) > 1}


def _named_in_schedule(
    event: Event, description: str, you: You, guests: list[Person]
) -> list[Person]:
    """Interviewers an ATS left off the guest list but named with their address in the
    invite ("11:00 – System design with Sam Lee <sam.lee@acme.example>"): an address at
    the company's domain, on a line that is not about how to reach someone, nor about
    someone who only watches, and not the organiser's (who is decided on above)."""
    # A hiring system's robot says nothing of the company: its domain is the system's.
    people = [p for p in [*guests, *people_of(event)] if not is_you(p, you) and not _ats_robot(p)]
    company = {domain_of(p.email) for p in people} - PUBLIC_MAIL_DOMAINS
    if not company and not guests:  # your own note of a call: the addresses it names
        company = {domain_of(a) for a in _ADDRESS.findall(description)} - PUBLIC_MAIL_DOMAINS
    organiser = event.organizer.email.lower() if event.organizer else ""
    found = []
    for line in description.splitlines():
        folded = fold(line)
        if CONTACT.search(folded) or OBSERVER.search(folded):
            continue
        for address in _ADDRESS.findall(line):
            person = Person(address.lower(), _name_before(line, address), ResponseStatus.ACCEPTED)
            mine = domain_of(address) in company and address.lower() != organiser
            if mine and can_receive(person, you):
                found.append(person)
    return found


def _ats_robot(person: Person) -> bool:
    return is_ats(person.email) and is_robot(person.email, person.name)


def _name_before(line: str, address: str) -> str:
    """The capitalised words just before an address: "with Sam Lee (sam@…)" → Sam Lee."""
    before = line[: line.find(address)]
    words = re.findall(r"[^\W\d_][\w'’.-]*", before)
    name: list[str] = []
    for word in reversed(words):
        if not word[0].isupper():
            break
        name.insert(0, word)
    return " ".join(name[-3:])


def _listed_in(person: Person, listed: str) -> bool:
    """Whether an `Interviewers:` line names this person: every word of their name (in any
    order: "Zhang Wei" is "Wei Zhang"), or their whole address."""
    spoken = _words(fold(listed))
    if re.search(r"(^|\s)" + re.escape(person.email.lower()) + r"(\s|$)", spoken):
        return True
    mine = _name_words(person)
    return bool(mine) and any(mine <= set(part.split()) for part in _parts(spoken))


def _parts(spoken: str) -> list[str]:
    """The listed line cut where one name ends: at commas, "and", and brackets."""
    return re.split(r"\s(?:and|und|y|e|et|en|i|og|och|a)\s|[,;()]", spoken)


def is_your_name(candidate: str, you: You) -> bool:
    """Whether a `Candidate:` line means you: every word of it is in your name or address."""
    yours = set(_words(you.name).split()) | set(re.split(r"[._+-]", you.email.split("@")[0]))
    return set(_words(candidate).split()) <= yours


def _words(text: str) -> str:
    return " ".join(re.findall(r"[\w@.+-]+", text.lower().replace(",", " ")))


def own_domains(you: You, learnt: Iterable[str] = ()) -> frozenset[str]:
    """Your employer's domains: as configured; else your addresses' domains that are not
    public mail, and those learnt from your recurring meetings."""
    if you.own_domains:
        return frozenset(you.own_domains)
    mine = {domain_of(address) for address in you.addresses} - PUBLIC_MAIL_DOMAINS
    return frozenset(mine | set(learnt))
