"""A deterministic proofreading gate for a thank-you note, as a careful friend would read it.

Pure: `proofread(note, interview, recipient, you)` returns the problems found,
one short line each, in the order a reader meets them; an empty list means
the note is ready to send.
"""

from __future__ import annotations

import re

from daemon.core.compose import Note
from daemon.core.model import Interview, Recipient, You

MIN_WORDS = 60
MAX_WORDS = 150

_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,80}\]|\$\{\w*\}|\{\{[^}]*\}\}|\b(TODO|TBD|XXX)\b|<name>")
_REPEATED = re.compile(r"\b(\w+)\s+\1\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+|\bwww\.\S+", re.IGNORECASE)
_WORD = re.compile(r"[\w'’-]+")
# Misspellings common enough in thank-you notes to be worth a fixed list.
MISSPELLINGS = {
    "recieve": "receive",
    "oppurtunity": "opportunity",
    "opportunuty": "opportunity",
    "definately": "definitely",
    "seperate": "separate",
    "thier": "their",
    "enthusiastik": "enthusiastic",
    "appreciatte": "appreciate",
    "sincerly": "sincerely",
    "regrads": "regards",
    "intervew": "interview",
    "interveiw": "interview",
    "conversaton": "conversation",
    "acheive": "achieve",
    "comittee": "committee",
    "occured": "occurred",
    "untill": "until",
    "wich": "which",
    "thankyou": "thank you",
    "alot": "a lot",
}


def proofread(note: Note, interview: Interview, recipient: Recipient, you: You) -> list[str]:
    """Every problem a careful reader would point out before this note is sent."""
    text = f"{note.subject}\n{note.body}"
    return [
        *placeholders(text),
        *_unreadable(text),
        *_greeting(note.body, recipient),
        *_names(text, interview),
        *_spelling(text),
        *_repeated_words(text),
        *_promises_kept(note.body, interview),
        *_signature(note.body, you),
        *_length(note.body),
    ]


def word_count(body: str) -> int:
    """Words in the body, as a reader would count them."""
    return len(_WORD.findall(body))


def placeholders(text: str) -> list[str]:
    """Every placeholder left in `text`, as a finding."""
    return [f"placeholder left in: {m.group(0)}" for m in _PLACEHOLDER.finditer(text)]


def _unreadable(text: str) -> list[str]:
    # U+FFFD is what a calendar in the wrong encoding leaves where a letter was.
    return ["a character could not be read (�): check the names"] if "\ufffd" in text else []


def _greeting(body: str, recipient: Recipient) -> list[str]:
    greeting = next((line for line in body.splitlines() if line.strip()), "")
    if not recipient.first_name:
        return ["no name to greet: add the interviewer's name to the greeting"]
    if recipient.first_name.lower() not in greeting.lower():
        return [f"the greeting does not name {recipient.first_name}"]
    return []


def _names(text: str, interview: Interview) -> list[str]:
    problems = []
    for label, name in (("company", interview.company), ("role", interview.role)):
        if not name:
            continue
        spellings = {m.group(0) for m in re.finditer(re.escape(name), text, re.IGNORECASE)}
        if not spellings:
            problems.append(f"the note does not mention the {label}, {name}")
        problems.extend(f"{label} spelt {s!r}, not {name!r}" for s in sorted(spellings - {name}))
    return problems


def _spelling(text: str) -> list[str]:
    words = {w.lower() for w in _WORD.findall(text)}
    return [f"spelling: {w!r} → {MISSPELLINGS[w]!r}" for w in sorted(words & MISSPELLINGS.keys())]


def _repeated_words(text: str) -> list[str]:
    return [f"repeated word: {m.group(0)!r}" for m in _REPEATED.finditer(text)]


def _promises_kept(body: str, interview: Interview) -> list[str]:
    # The placeholder itself says "attach", so look only at what the writer wrote.
    written = _PLACEHOLDER.sub("", body)
    if not interview.promises or _URL.search(written) or re.search(r"\battach", written, re.I):
        return []
    return [f"promised {p!r}: add the link or attach it" for p in interview.promises]


def _signature(body: str, you: You) -> list[str]:
    last = next((line for line in reversed(body.splitlines()) if line.strip()), "")
    return [] if you.name.lower() in last.lower() else [f"not signed with your name, {you.name}"]


def _length(body: str) -> list[str]:
    words = word_count(body)
    if words < MIN_WORDS:
        return [f"{words} words: a little short; aim for {MIN_WORDS}–{MAX_WORDS}"]
    if words > MAX_WORDS:
        return [f"{words} words: too long; keep it to {MAX_WORDS} or fewer"]
    return []
