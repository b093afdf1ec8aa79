"""Writing each interviewer's note from a template, with what that interviewer talked about.

Pure. `compose_note(interview, recipient, writer)` fills a Jinja2 template
(sandboxed; every field it uses must be one of `FIELDS`, checked when it is
loaded, so a typo fails at start, not in a note) with this interviewer's
given name, the role and company as the invite spells them, what they talked
about (from the notes, else their part of the schedule or their title), one
sentence on your fit, every promise kept (a link or an attachment from
`[promises]`, else a visible placeholder), and the kind of interview. Where
the daemon cannot know something the note should say, it leaves a visible
`[…]` placeholder that proofreading flags, so a generic note is never sent by
accident.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from daemon.core.kinds import Kind, kind_of
from daemon.core.message import Attachment
from daemon.core.model import NOTE_LENGTH, DraftRecord, Interview, Recipient, You
from daemon.core.names import given_name
from daemon.core.notes import Said
from daemon.core.protocols import DraftText
from daemon.core.text import one_line
from daemon.core.vocabulary import fold

TOPIC_PLACEHOLDER = "[a topic you discussed]"
LINK_PLACEHOLDER = "[add the link or attach it]"


class Lexicon(Protocol):
    """Which words are English: to quote only English lines of an invite in a note, and to
    check a note's spelling."""

    def known(self, word: str) -> bool:
        """Whether `word` is an English word (or an allowed name or term)."""
        ...

    def suggestion(self, word: str) -> str:
        """The likeliest word meant by unknown `word`, or "" when there is none."""
        ...


@dataclass(frozen=True)
class Fulfilment:
    """How a promise about `name` is kept: a link, or a file attached (from `[promises]`)."""

    name: str
    url: str = ""
    attachment: Attachment | None = None


@dataclass(frozen=True)
class Note:
    """A composed note: subject line, plain-text body, and the files it carries."""

    subject: str
    body: str
    attachments: tuple[Attachment, ...] = ()

    def as_text(self) -> DraftText:
        """The note as a mailbox shows it: what proofreading reads."""
        return DraftText(self.subject, self.body, tuple(a.filename for a in self.attachments))


FIELDS = frozenset(
    {
        "greeting_name", "first_name", "recipient_name", "their_title", "position",
        "position_short", "company", "company_or_team", "role", "kind", "segment", "topics",
        "topic", "shared_topics", "fit", "promises", "promise", "panel", "others",
        "your_name", "subject", "tone",
    }
)  # fmt: skip
"""Every field a template may use."""


class Template:
    """A note template: `Subject: …`, a blank line, then the body; both Jinja2."""

    def __init__(self, subject: Any, body: Any) -> None:
        self._subject = subject
        self._body = body

    @classmethod
    def parse(cls, text: str) -> Template:
        """Read template text; ValueError (with its line) if malformed or naming unknown fields."""
        head, _, body = text.replace("\r\n", "\n").partition("\n\n")
        if not head.lower().startswith("subject:") or not body.strip():
            raise ValueError("a template starts with 'Subject: …', a blank line, then the body")
        parts = []
        for part, first_line in ((head[8:].strip(), 1), (body, head.count("\n") + 3)):
            try:
                parts.append(_ENVIRONMENT.parse(part))
            except TemplateSyntaxError as error:
                line = error.lineno + first_line - 1
                raise ValueError(f"{error.message} (line {line})") from None
        unknown = set().union(*(meta.find_undeclared_variables(p) for p in parts)) - FIELDS
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        subject, template = (_ENVIRONMENT.from_string(p) for p in (head[8:].strip(), body))
        parsed = cls(subject, template)
        for sample in _SAMPLES:  # a template that fails on some note fails now, not then
            parsed.fill(sample)
        return parsed

    def fill(self, fields: dict[str, Any]) -> Note:
        """The note with these fields, blank lines an empty field leaves tidied away;
        ValueError if the template cannot be filled with them."""
        try:
            subject, body = self._subject.render(fields), self._body.render(fields)
        # A user's template is code: any of these is its mistake, reported as such.
        except (TemplateError, TypeError, ValueError, LookupError, ArithmeticError) as error:
            raise ValueError(f"the template cannot be filled: {error}") from None
        return Note(one_line(subject), _tidy(body))


def _sample(full: bool) -> dict[str, Any]:
    """Fields as a sparse note (nothing known) or a full one (everything known) has them."""
    text = "Sample" if full else ""
    listed = ["first", "second", "third"] if full else []
    return {
        name: listed if name in {"topics", "shared_topics", "promises", "others"} else text
        for name in FIELDS
    } | {"panel": full, "kind": "panel" if full else "general"}


_SAMPLES = (_sample(full=False), _sample(full=True))


def _join_and(items: Iterable[str]) -> str:
    """["a", "b", "c"] as "a, b and c"."""
    listed = [str(i) for i in items]
    if len(listed) < 2:
        return "".join(listed)
    return f"{', '.join(listed[:-1])} and {listed[-1]}"


_ENVIRONMENT = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)
_ENVIRONMENT.filters["join_and"] = _join_and


def _lower_first(text: str) -> str:
    """ "System design" as it reads inside a sentence: "system design"; "SQL review" stays."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


_ENVIRONMENT.filters["in_sentence"] = _lower_first


@dataclass(frozen=True)
class Writer:
    """What writing notes needs besides the interview: you (with your strengths), the
    template and its tone, how promises are kept, and which words are English."""

    you: You
    template: Template
    tone: str = "warm"
    fulfilments: tuple[Fulfilment, ...] = ()
    lexicon: Lexicon | None = None
    check_in: Template | None = field(default=None, compare=False)
    band: tuple[int, int] = NOTE_LENGTH  # the length a note should have, in words


# Agenda items every interview has; a note that thanks for them says nothing.
_GENERIC_AGENDA = re.compile(
    r"\b(?:your |my )?(?:background|introductions?|intros?|q ?& ?a|questions|next steps|wrap[ -]?up"
    r"|about (?:you|us|me)|company overview|welcome|logistics|break|lunch|closing)\b"
)


def compose_note(interview: Interview, recipient: Recipient, writer: Writer) -> Note:
    """The thank-you for `recipient`, about their part of the interview, signed by you."""
    fields, attachments = note_fields(interview, recipient, writer)
    note = writer.template.fill(fields)
    return Note(note.subject, note.body, attachments)


def note_fields(
    interview: Interview, recipient: Recipient, writer: Writer
) -> tuple[dict[str, Any], tuple[Attachment, ...]]:
    """Every template field for this interviewer, and the files their note carries."""
    notes, event = interview.notes, interview.event
    said = notes.said_to(recipient)
    segment = _lower_first(_english(notes.segment_of(recipient), writer.lexicon))
    topics = list(said.topics)
    shared = [t for t in notes.everyone.topics if t not in topics]
    if not topics:  # nothing of their own: what you noted for everyone, before the invite's
        topics, shared = shared, []
    if not topics and not segment:  # nothing written after: what the invite's agenda says
        topics = [item for item in notes.agenda if not _GENERIC_AGENDA.search(fold(item))]
    focus = topics or ([segment] if segment else [])
    kind = kind_of(notes.segment_of(recipient), event.title, event.description)
    promises, attachments = _promises(notes.everyone | said, writer.fulfilments)
    others = [
        given_name(r.name, r.email) or r.email for r in interview.recipients if r != recipient
    ]
    turn = interview.recipients.index(recipient) if recipient in interview.recipients else 0
    context = FitContext(focus, interview.role, interview.company, turn)
    fit = fit_sentence(said | notes.everyone, writer.you.strengths, context)
    fields = _fields(recipient, interview.role, interview.company, writer) | {
        "their_title": _english(notes.title_of(recipient), writer.lexicon),
        "kind": kind.value,
        "segment": segment,
        "topics": topics,
        "topic": _join_and(focus) if focus else TOPIC_PLACEHOLDER,
        "shared_topics": shared,
        "fit": fit,
        "promises": promises,
        "promise": " ".join(promises),
        "panel": len(interview.recipients) > 1 or kind is Kind.PANEL,
        "others": others,
    }
    return fields, attachments


def compose_check_in(thanks: DraftRecord, writer: Writer, sent_subject: str = "") -> Note:
    """The check-in replying to a sent thank-you, from what the ledger kept of it.

    `sent_subject` is the subject the note went out with, when the mailbox knows it.
    """
    recipient = Recipient(thanks.recipient_email, thanks.recipient_name)
    subject = re.sub(r"^(re:\s*)+", "", sent_subject or thanks.subject, flags=re.IGNORECASE)
    fields = _fields(recipient, thanks.role, thanks.company, writer) | {"subject": subject}
    template = writer.check_in or writer.template
    return template.fill(fields)


def _fields(recipient: Recipient, role: str, company: str, writer: Writer) -> dict[str, Any]:
    """Every field, with what every note knows: who it is to, the role, the company, you."""
    greeting = given_name(recipient.name, recipient.email)
    return {
        "greeting_name": greeting or "there",
        "first_name": greeting,
        "recipient_name": recipient.name,
        "their_title": "",
        "position": _position(role, company),
        "position_short": " at ".join(p for p in (role, company) if p) or "our conversation",
        "company": company,
        "company_or_team": company or "the team",
        "role": role,
        "kind": Kind.GENERAL.value,
        "segment": "",
        "topics": [],
        "topic": "",
        "shared_topics": [],
        "fit": "",
        "promises": [],
        "promise": "",
        "panel": False,
        "others": [],
        "your_name": writer.you.name,
        "subject": "",
        "tone": writer.tone,
    }


def _position(role: str, company: str) -> str:
    if role and company:
        return f"the {role} role at {company}"
    if company:
        return f"the role at {company}"
    return f"the {role} role" if role else "the role"


def _english(text: str, lexicon: Lexicon | None) -> str:
    """`text` from the invite when it reads as English (a note is in English), else ""."""
    words = re.findall(r"[^\W\d_]+", text)
    if not words or lexicon is None:
        return text if lexicon is None else ""
    known = sum(lexicon.known(w.lower()) for w in words)
    return text if known / len(words) >= 0.75 else ""


# --------------------------------------------------------------------------- fit


_STOPWORDS = frozenset(
    {
        "a", "an", "and", "the", "of", "to", "in", "on", "for", "with", "at", "by", "from",
        "as", "about", "into", "my", "your", "our", "their", "is", "are", "be", "i", "we",
        "you", "it", "this", "that", "these", "those", "how", "what",
    }
)  # fmt: skip


@dataclass(frozen=True)
class FitContext:
    """What a fit sentence speaks to: this interviewer's topics, the role, the company, and
    which of the panel this note is for (so each panelist hears a different strength)."""

    focus: Sequence[str] = ()
    role: str = ""
    company: str = ""
    turn: int = 0


def fit_sentence(said: Said, strengths: Sequence[str], context: FitContext) -> str:
    """One sentence on why you fit: your own words from the notes, else the strength of
    `[you] strengths` that shares the most words with this interviewer's part or the role."""
    wanted = _content_words(" ".join([*context.focus, context.role]))
    if said.fit:
        return _sentence(said.fit[0], wanted, context)
    if not strengths:
        return ""
    overlap = {s: len(_content_words(s) & wanted) for s in strengths}
    best = [s for s in strengths if overlap[s] == max(overlap.values())]
    return _sentence(best[context.turn % len(best)], wanted, context)


def _sentence(fit: str, wanted: set[str], context: FitContext) -> str:
    """The fit as a sentence: your own claim ("I led …") with what it offers, else "I believe
    <it> would help …", naming the part of the interview it speaks to."""
    text = fit.strip().rstrip(".")
    if re.match(r"^(?:i|i'm|i've|i'd)\b", text, re.IGNORECASE):
        where = context.company or "the team"
        return f"{text[0].upper()}{text[1:]}, and I would love to put that to work at {where}."
    related = [f for f in context.focus if _content_words(f) & _content_words(text)]
    where = f"with {related[0]}" if related and wanted else "me contribute from the start"
    return f"I believe {text} would help {where}."


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{3,}", fold(text)) if w not in _STOPWORDS}


# --------------------------------------------------------------------------- promises


_VERB = re.compile(
    r"^(?:(?:to|i'll|i will)\s+)?(?:send|share|forward|follow up with|get back (?:to \w+ )?with"
    r"|email|mail|provide)\s+(?:(?:you|them|her|him|the team|the panel)\s+)?",
    re.IGNORECASE,
)
_WHEN = re.compile(
    r"\s+(?:tonight|today|tomorrow|this (?:evening|afternoon|week)|later(?: today)?|asap"
    r"|soon|shortly|after the call|by (?:mon|tues|wednes|thurs|fri|satur|sun)day"
    r"|by (?:tomorrow|the end of (?:the )?(?:day|week)|eod|eow)|next week)\b.*$",
    re.IGNORECASE,
)


def promise_object(promise: str) -> str:
    """What was promised, without the verb or the when: "send my portfolio link tonight" →
    "my portfolio link"."""
    return _WHEN.sub("", _VERB.sub("", promise.strip())).strip(" .;,:")


def _promises(
    said: Said, fulfilments: Sequence[Fulfilment]
) -> tuple[list[str], tuple[Attachment, ...]]:
    sentences: list[str] = []
    attachments: list[Attachment] = []
    for promise in said.promises:
        thing = promise_object(promise) or promise
        kept = fulfilment_for(thing, fulfilments)
        if kept is None:
            sentences.append(f"As promised, I'm sending you {thing}: {LINK_PLACEHOLDER}.")
        elif kept.attachment is not None:
            sentences.append(f"As promised, I've attached {thing}.")
            attachments.append(kept.attachment)
        else:
            sentences.append(f"As promised, you can find {thing} here: {kept.url}")
    return sentences, tuple(dict.fromkeys(attachments))


def fulfilment_for(thing: str, fulfilments: Sequence[Fulfilment]) -> Fulfilment | None:
    """The `[promises]` entry whose every word the promise names ("portfolio", "code sample")."""
    words = set(re.findall(r"[a-z0-9]+", fold(thing)))
    fitting = [f for f in fulfilments if set(re.findall(r"[a-z0-9]+", fold(f.name))) <= words]
    return max(fitting, key=lambda f: len(f.name), default=None)


def _tidy(body: str) -> str:
    """Collapse the blank lines an empty field leaves behind; end with one newline."""
    paragraphs = [re.sub(r"[ \t]+\n", "\n", p).strip() for p in re.split(r"\n\s*\n", body)]
    return "\n\n".join(p for p in paragraphs if p) + "\n"
