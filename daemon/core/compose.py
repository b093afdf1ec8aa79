"""Writing a first thank-you note for one interviewer from a template.

Pure: `compose_note(interview, recipient, you, template)` fills the template's
`${…}` fields with what the interview says. Where the daemon cannot know
something the note should say (the topic you discussed, the link you
promised), it leaves a visible `[…]` placeholder that proofreading flags, so
the note is never sent generic by accident.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from daemon.core.model import DraftRecord, Interview, Recipient, You
from daemon.core.text import one_line

TOPIC_PLACEHOLDER = "[a topic you discussed]"
LINK_PLACEHOLDER = "[add the link or attach it]"


@dataclass(frozen=True)
class Note:
    """A composed thank-you: subject line and plain-text body."""

    subject: str
    body: str


@dataclass(frozen=True)
class Template:
    """A note template: a `Subject:` line, a blank line, then the body, with `${field}`s."""

    subject: string.Template
    body: string.Template

    @classmethod
    def parse(cls, text: str) -> Template:
        """Split template text into subject and body; raises ValueError when malformed."""
        head, _, body = text.replace("\r\n", "\n").partition("\n\n")
        if not head.lower().startswith("subject:") or not body.strip():
            raise ValueError("a template starts with 'Subject: …', a blank line, then the body")
        subject, body_template = string.Template(head[8:].strip()), string.Template(body)
        for part in (subject, body_template):
            unknown = set(part.get_identifiers()) - FIELDS
            if unknown or not part.is_valid():
                raise ValueError(f"unknown or malformed fields: {', '.join(sorted(unknown))}")
        return cls(subject, body_template)


FIELDS = frozenset(
    {
        "greeting_name",
        "first_name",
        "position",
        "position_short",
        "company",
        "company_or_team",
        "role",
        "topic",
        "promise",
        "your_name",
        "subject",
    }
)


def compose_note(interview: Interview, recipient: Recipient, you: You, template: Template) -> Note:
    """The thank-you for `recipient`, greeted by first name and signed by you."""
    fields = note_fields(interview, recipient, you)
    return _fill(template, fields)


def note_fields(interview: Interview, recipient: Recipient, you: You) -> dict[str, str]:
    """The values of every template field of a thank-you to this interviewer."""
    return _fields(recipient, interview.role, interview.company, you) | {
        "topic": _topic(interview.topics),
        "promise": " ".join(promise_sentence(p) for p in interview.promises),
    }


def compose_check_in(
    thanks: DraftRecord, you: You, template: Template, sent_subject: str = ""
) -> Note:
    """The check-in replying to a sent thank-you, from what the ledger kept of it.

    `sent_subject` is the subject the note went out with, when the mailbox knows it.
    """
    recipient = Recipient(thanks.recipient_email, thanks.recipient_name)
    subject = re.sub(r"^(re:\s*)+", "", sent_subject or thanks.subject, flags=re.IGNORECASE)
    fields = _fields(recipient, thanks.role, thanks.company, you) | {"subject": subject}
    return _fill(template, fields)


def _fields(recipient: Recipient, role: str, company: str, you: You) -> dict[str, str]:
    """Every field, with what every note knows: who it is to, the role, the company, you."""
    first_name = recipient.first_name
    return dict.fromkeys(FIELDS, "") | {
        "greeting_name": first_name or "there",
        "first_name": first_name,
        "position": _position(role, company),
        "position_short": " at ".join(p for p in (role, company) if p) or "our conversation",
        "company": company,
        "company_or_team": company or "your team",
        "role": role,
        "your_name": you.name,
    }


def _fill(template: Template, fields: dict[str, str]) -> Note:
    subject = one_line(template.subject.substitute(fields))
    return Note(subject, _tidy(template.body.substitute(fields)))


def promise_sentence(promise: str) -> str:
    """One sentence keeping a promise made in the interview, with a spot for the link."""
    thing = re.sub(r"^(send|share|forward|follow up with)\s+(you\s+)?", "", promise, flags=re.I)
    thing = thing.strip().rstrip(".")
    return f"As promised, here is {thing}: {LINK_PLACEHOLDER}."


def _position(role: str, company: str) -> str:
    if role and company:
        return f"the {role} role at {company}"
    if company:
        return f"the role at {company}"
    return f"the {role} role" if role else "the role"


def _topic(topics: tuple[str, ...]) -> str:
    if not topics:
        return TOPIC_PLACEHOLDER
    return topics[0] if len(topics) == 1 else f"{', '.join(topics[:-1])} and {topics[-1]}"


def _tidy(body: str) -> str:
    """Collapse the blank lines an empty field leaves behind; end with one newline."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"
