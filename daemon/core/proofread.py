"""A deterministic proofreading gate, run on each draft as it stands, as a careful friend reads.

Pure: `proofread(draft, expected, lexicon)` returns the problems found, one
short line each, in the order a reader meets them; an empty list means the
note is ready to send. `expected` says who the note is to and what it should
get right (the greeting, the company and role as the invite spells them, the
promises made, your signature, the length); `lexicon` is an English
dictionary that knows the interview's own names and terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from daemon.core.compose import Lexicon, Writer, promise_object
from daemon.core.model import NOTE_LENGTH, DraftRecord, Interview, Recipient, You
from daemon.core.names import given_name
from daemon.core.notes import Notes, read_notes
from daemon.core.protocols import DraftText
from daemon.core.vocabulary import fold

MAX_SUBJECT = 78  # characters: what a mail client shows before it folds or cuts

_PLACEHOLDER = re.compile(
    r"\{\{[^}\n]{0,80}\}\}|\$\{\w*\}|\[[^\]\n]{1,80}\](?!\()"
    r"|<(?![\w.+-]+@|https?:|/)[^<>\n]{1,40}>|\b(?:TODO|TBD|FIXME|XXX?)\b"
)
_REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


@dataclass(frozen=True)
class Expected:
    """What a note to this interviewer should get right."""

    recipient: Recipient
    you: You
    company: str = ""
    role: str = ""
    promises: tuple[str, ...] = ()
    others: tuple[Recipient, ...] = ()  # the other interviewers: a greeting must not name them
    allowed: frozenset[str] = field(default_factory=frozenset)  # words spelling accepts
    band: tuple[int, int] = NOTE_LENGTH


def proofread(draft: DraftText, expected: Expected, lexicon: Lexicon | None = None) -> list[str]:
    """Every problem a careful reader would point out before this note is sent."""
    text = f"{draft.subject}\n{draft.body}"
    return [
        *_subject(draft.subject),
        *placeholders(text),
        *_unreadable(text),
        *_greeting(draft.body, expected),
        *_names(text, expected),
        *_spelling(text, expected, lexicon),
        *_repeated_words(text),
        *_promises_kept(draft, expected),
        *_signature(draft.body, expected.you),
        *_length(draft.body, expected.band),
    ]


def word_count(body: str) -> int:
    """Words in the body, as a reader would count them."""
    return len(_WORD.findall(body))


def placeholders(text: str) -> list[str]:
    """Every placeholder left in `text`, as a finding."""
    return [f"placeholder left in: {m.group(0)}" for m in _PLACEHOLDER.finditer(text)]


def _subject(subject: str) -> list[str]:
    if not subject.strip():
        return ["no subject: add one, e.g. Thank you – the role"]
    if len(subject) > MAX_SUBJECT:
        return [f"subject is {len(subject)} characters: keep it under {MAX_SUBJECT}"]
    return []


def _unreadable(text: str) -> list[str]:
    # U+FFFD is what a calendar in the wrong encoding leaves where a letter was.
    return ["a character could not be read (�): check the names"] if "\ufffd" in text else []


def _greeting(body: str, expected: Expected) -> list[str]:
    greeting = next((line for line in body.splitlines() if line.strip()), "")
    recipient = expected.recipient
    wanted = given_name(recipient.name, recipient.email)
    folded = fold(greeting)
    for other in expected.others:
        theirs = given_name(other.name, other.email)
        if theirs and _has_words(folded, theirs) and not (wanted and _has_words(folded, wanted)):
            return [f"the greeting names {theirs}, but this note is to {wanted or recipient.email}"]
    if not wanted:
        return ["no name to greet: add the interviewer's name to the greeting"]
    if not _has_words(folded, wanted) and not _has_words(folded, recipient.name):
        return [f"the greeting does not name {wanted}"]
    return []


def _has_words(folded_text: str, name: str) -> bool:
    words = re.findall(r"\w+", fold(name))
    return bool(words) and all(re.search(rf"\b{re.escape(w)}\b", folded_text) for w in words)


def _names(text: str, expected: Expected) -> list[str]:
    problems = []
    for label, name in (("company", expected.company), ("role", expected.role)):
        if not name:
            continue
        spellings = {m.group(0) for m in re.finditer(re.escape(name), text, re.IGNORECASE)}
        near = _near_misses(name, text) if label == "company" else set()
        if not spellings and not near:
            problems.append(f"the note does not mention the {label}, {name}")
        wrong = sorted((spellings - {name}) | near)
        problems.extend(f"{label} spelt {s!r}, not {name!r}" for s in wrong)
    return problems


def _near_misses(name: str, text: str) -> set[str]:
    """Runs of words that look like `name` but are not it: "Kestral" for "Kestrel"."""
    size = len(name.split())
    words = re.findall(r"[\w'’&.-]+", text)
    found = set()
    for start in range(len(words) - size + 1):
        candidate = " ".join(words[start : start + size]).strip(".")
        if candidate.lower() == name.lower() or abs(len(candidate) - len(name)) > 2:
            continue
        if SequenceMatcher(None, candidate.lower(), name.lower()).ratio() >= 0.8:
            found.add(candidate)
    return found


def _spelling(text: str, expected: Expected, lexicon: Lexicon | None) -> list[str]:
    if lexicon is None:
        return []
    allowed = {fold(w) for w in expected.allowed}
    unknown = sorted(
        {
            w
            for w in _checked_words(text)
            if fold(w) not in allowed and not lexicon.known(w.lower()) and not _proper_noun(w, text)
        }
    )
    return [_misspelt(w, lexicon.suggestion(w)) for w in unknown]


def _misspelt(word: str, suggestion: str) -> str:
    return f"spelling: {word!r} → {suggestion!r}?" if suggestion else f"spelling: {word!r}?"


def _checked_words(text: str) -> list[str]:
    """The words a spelling check reads: no addresses, links or numbers."""
    prose = _URL.sub(" ", re.sub(r"\S+@\S+", " ", text))
    return [w.strip("'’-") for w in re.findall(r"[^\W\d_][\w'’-]*", prose) if len(w) > 1]


def _proper_noun(word: str, text: str) -> bool:
    """A capitalised word inside a sentence (a name, a product) is not spell-checked; one
    that starts a sentence is."""
    if not word[:1].isupper():
        return False
    return any(
        m.start() > 0 and not re.search(r"(^|[.!?:]\s+|\n\s*)$", text[: m.start()])
        for m in re.finditer(rf"\b{re.escape(word)}\b", text)
    )


def _repeated_words(text: str) -> list[str]:
    return [f"repeated word: {m.group(0)!r}" for m in _REPEATED.finditer(text)]


def _promises_kept(draft: DraftText, expected: Expected) -> list[str]:
    """Each promise needs its link or attachment where the note speaks of it."""
    problems = []
    written = _PLACEHOLDER.sub("", draft.body)
    for promise in expected.promises:
        thing = promise_object(promise) or promise
        sentences = [s for s in _SENTENCE.findall(written) if _mentions(s, thing)]
        kept = any(
            _URL.search(s) or (draft.attachments and re.search(r"\battach", s, re.I))
            for s in sentences
        )
        if not sentences:
            problems.append(f"promised {thing!r}: the note does not mention it")
        elif not kept:
            problems.append(f"promised {thing!r}: add the link or attach it")
    return problems


def _mentions(sentence: str, thing: str) -> bool:
    words = re.findall(r"[a-z]{4,}", fold(thing))
    return bool(words) and all(w in fold(sentence) for w in words[:3])


def _signature(body: str, you: You) -> list[str]:
    last = next((line for line in reversed(body.splitlines()) if line.strip()), "")
    first = you.name.split()[0] if you.name.split() else you.name
    signed = fold(you.name) in fold(last) or (first and fold(first) in fold(last).split())
    return [] if signed else [f"not signed with your name, {you.name}"]


def _length(body: str, band: tuple[int, int]) -> list[str]:
    low, high = band
    words = word_count(body)
    if words < low:
        return [f"{words} words: a little short; aim for {low}–{high}"]
    if words > high:
        return [f"{words} words: too long; keep it to {high} or fewer"]
    return []


def allowed_words(*texts: str | Iterable[str]) -> frozenset[str]:
    """The words of names, the company, the role and the notes: spelling accepts them."""
    words: set[str] = set()
    for text in texts:
        for part in [text] if isinstance(text, str) else text:
            words |= set(re.findall(r"[^\W\d_][\w'’-]*", part))
    return frozenset(words)


def expected_for(interview: Interview, recipient: Recipient, writer: Writer) -> Expected:
    """What a note to `recipient` about `interview` should get right."""
    others = tuple(r for r in interview.recipients if r != recipient)
    return _expected(recipient, others, interview.company, interview.role, interview.notes, writer)


def expected_of(record: DraftRecord, others: Iterable[Recipient], writer: Writer) -> Expected:
    """What the draft of `record` should get right, from what the ledger kept: for a draft
    whose interview has left the calendar, read again at every cycle all the same."""
    recipient = Recipient(record.recipient_email, record.recipient_name)
    notes = read_notes(record.notes)
    return _expected(recipient, tuple(others), record.company, record.role, notes, writer)


def _expected(
    recipient: Recipient,
    others: tuple[Recipient, ...],
    company: str,
    role: str,
    notes: Notes,
    writer: Writer,
) -> Expected:
    said = notes.everyone | notes.said_to(recipient)
    people = [r.name for r in (recipient, *others)] + [writer.you.name]
    return Expected(
        recipient=recipient,
        you=writer.you,
        company=company,
        role=role,
        promises=said.promises,
        others=others,
        allowed=allowed_words(people, company, role, notes.text),
        band=writer.band,
    )
