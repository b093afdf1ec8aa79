"""What an invite says about the job: the company, the role, the topics, the promises.

Pure. Reads the description's labelled lines (`Company:`, `Role:`, `Topics:`,
`Promised:`), phrases like "for the Staff Engineer role", and the title.
"""

from __future__ import annotations

import re
from collections import Counter

from daemon.core.model import Event, Recipient
from daemon.core.people import PUBLIC_MAIL_DOMAINS, domain_of, organisation_of
from daemon.core.text import one_line, plain_text

# Words that belong to a company's name after its main word ("Example Labs", "Zürich AG").
_COMPANY_SUFFIXES = re.compile(
    r"(?:\s+(?:Labs?|Inc\.?|Ltd\.?|LLC|GmbH|AG|SE|AB|SA|BV|Corp\.?|Corporation|Technologies"
    r"|Technology|Systems|Software|Robotics|Group|Health|Bank|Capital|Studios?|AI|Analytics"
    r"|Solutions|Networks|Games|Media|Energy|Bio|Therapeutics)\b)+"
)


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
    domains = Counter(domain_of(r.email) for r in recipients)
    for domain, _count in domains.most_common():
        if domain not in PUBLIC_MAIL_DOMAINS:
            return organisation_of(domain)
    return ""


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


def topics_of(notes: dict[str, str]) -> tuple[str, ...]:
    for label in ("topics", "discussed", "talked about", "focus"):
        if notes.get(label):
            return _split_list(notes[label])
    return ()


_PROMISE = re.compile(r"\bI(?:'ll| will)\s+(send|share|forward|follow up with)\s+([^.;\n]+)", re.I)


def promises_of(notes: dict[str, str], description: str) -> tuple[str, ...]:
    for label in ("promised", "promises", "to send", "follow up", "follow-up"):
        if notes.get(label):
            return _split_list(notes[label])
    return tuple(one_line(f"{verb} {what}", 120) for verb, what in _PROMISE.findall(description))


def _split_list(text: str) -> tuple[str, ...]:
    parts = (one_line(part, 120) for part in re.split(r"[;•]|\s,\s", text))
    return tuple(part for part in parts if part)
