"""What was said in an interview and what the invite says about it, for each interviewer.

Pure. Notes come from the event's description, the private notes a calendar
keeps, and the debrief form (`followup debrief`), as a person actually writes
them: labels in any case, with bullets or Markdown bold (`- Topics:`,
`**Promised:**`, `Follow-up:`), a section per interviewer (`[Priya Raman]`)
or a line for one (`@Priya: the queue design`), and plain sentences ("we
talked about the billing rewrite", "I'll send my portfolio"). The invite adds
what it knows: the agenda, an ATS schedule that names each interviewer's
segment ("10:00–10:45 System design with Priya"), and interviewers' titles
("Priya Natarajan (Engineering Manager)").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from daemon.core.model import Recipient
from daemon.core.text import one_line
from daemon.core.vocabulary import JOB_NOUNS, fold, phrases

_LIMIT = 120  # the longest note item kept, in characters


@dataclass(frozen=True)
class Said:
    """What was talked about, promised and worth stressing about your fit."""

    topics: tuple[str, ...] = ()
    promises: tuple[str, ...] = ()
    fit: tuple[str, ...] = ()

    def __or__(self, other: Said) -> Said:
        return Said(
            _unique(self.topics + other.topics),
            _unique(self.promises + other.promises),
            _unique(self.fit + other.fit),
        )

    def __bool__(self) -> bool:
        return bool(self.topics or self.promises or self.fit)


@dataclass(frozen=True)
class Notes:
    """Everything known about one interview beyond its guest list."""

    labels: Mapping[str, str] = field(default_factory=dict)  # Company:, Role:, Interviewers: …
    everyone: Said = Said()
    people: Mapping[str, Said] = field(default_factory=dict)  # by the name or address written
    segments: Mapping[str, str] = field(default_factory=dict)  # person → their part's name
    titles: Mapping[str, str] = field(default_factory=dict)  # person → job title
    agenda: tuple[str, ...] = ()
    text: str = ""  # everything read, as written: a decision date is looked for in it

    def said_to(self, recipient: Recipient) -> Said:
        """What concerns this interviewer: their section, else nothing of their own."""
        found = [said for who, said in self.people.items() if _names(who, recipient)]
        return _merge(found)

    def segment_of(self, recipient: Recipient) -> str:
        """The name of this interviewer's part of a schedule, if the invite gives one."""
        return next((s for who, s in self.segments.items() if _names(who, recipient)), "")

    def title_of(self, recipient: Recipient) -> str:
        """The interviewer's job title, as the invite gives it."""
        return next((t for who, t in self.titles.items() if _names(who, recipient)), "")


def read_notes(*texts: str) -> Notes:
    """The notes in `texts` (plain text: a description, then any debrief), merged."""
    reader = _Reader()
    for text in texts:
        reader.read(text)
    return replace(reader.notes(), text="\n\n".join(t for t in texts if t.strip()))


# Labels as people write them, by what they are about.
_KINDS = {
    "topics": (
        "topics", "topic", "discussed", "we discussed", "talked about", "we talked about",
        "covered", "focus", "highlights", "notes", "conversation", "themes",
    ),
    "promises": (
        "promised", "promises", "i promised", "follow-up", "follow up", "followup", "to send",
        "todo", "to do", "action items", "next steps", "my next steps", "owe them",
    ),
    "fit": ("fit", "my fit", "strengths", "stress", "emphasise", "emphasize", "why me"),
}  # fmt: skip
_KIND_OF = {label: kind for kind, labels in _KINDS.items() for label in labels}
_LABEL = re.compile(
    r"^\s*(?:[-*•·–>]\s*)?(?:\*\*|__)?(?P<label>@?[^\W\d_][\w .'’@-]{0,40}?)(?:\*\*|__)?\s*:"
    r"\s*(?:\*\*|__)?\s*(?P<value>.*?)\s*(?:\*\*|__)?\s*$"
)
_SECTION = re.compile(r"^\s*(?:\[(?P<name>[^\]]{1,60})\]|#{1,3}\s+(?P<heading>[^#]{1,60}))\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•·–]|\d+[.)])\s+(?P<item>.+?)\s*$")
_EVERYONE = frozenset({"everyone", "all", "general", "the panel", "everybody", "both"})
# Plain sentences the daemon can quote: what was talked about, what was promised.
_TALKED = re.compile(
    r"\b(?:we |I )?(?:talked|spoke|chatted|went deep|dug into|discussed)(?: a lot)?(?: about)?\s+"
    r"(?P<what>[^.;!?\n]{3,100})",
    re.IGNORECASE,
)
_PROMISED = re.compile(
    r"\bI(?:'ll| will| promised to| said I would| said I'd| owe (?:them|her|him))\s+"
    r"(?P<what>(?:send|share|forward|follow up with|get back (?:to \w+ )?with)\s+[^.;!?\n]{3,100})",
    re.IGNORECASE,
)


class _Reader:
    """Reads notes line by line, remembering whose section it is in."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.said: dict[str, dict[str, list[str]]] = {}
        self.segments: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.agenda: list[str] = []
        self.who = ""
        self.listing: tuple[str, str] | None = None  # (who, kind) of a label with items below

    def read(self, text: str) -> None:
        self.who, self.listing = "", None
        for line in text.replace("\r\n", "\n").split("\n"):
            self._line(line)

    def _line(self, line: str) -> None:
        if not line.strip():
            self.listing = None
            return
        section = _SECTION.match(line)
        if section:
            name = (section["name"] or section["heading"] or "").strip()
            self.who = "" if fold(name) in _EVERYONE else name
            self.listing = None
            return
        bullet = _BULLET.match(line)
        if bullet and self.listing and not _LABEL.match(line):
            self._add(*self.listing, bullet["item"])
            return
        labelled = _LABEL.match(line)
        if labelled:
            self._labelled(labelled["label"].strip(), labelled["value"])
            return
        self.listing = None
        self._prose(line)

    def _labelled(self, label: str, value: str) -> None:
        if label.startswith("@"):
            self._add(label[1:].strip(), "topics", value)
            return
        key = fold(label)
        kind = _KIND_OF.get(key)
        if kind is None and key == "agenda":
            self.listing = ("", "agenda")
            self._add("", "agenda", value)
            return
        if kind is None:
            self.labels.setdefault(key, one_line(value, 200))
            self._person_line(label, value)
            return
        self.listing = (self.who, kind)
        for item in split_items(value):
            self._add(self.who, kind, item)

    def _person_line(self, label: str, value: str) -> None:
        """A schedule line ("10:00 – 10:45: System design with Priya") or a titled person."""
        segment = _segment(f"{label}: {value}")
        if segment:
            self._segment(*segment)

    def _prose(self, line: str) -> None:
        segment = _segment(line)
        if segment:
            self._segment(*segment)
        for name, title in _titled(line):
            self.titles.setdefault(name, title)
        for found in _TALKED.finditer(line):
            self._add(self.who, "topics", found["what"])
        for found in _PROMISED.finditer(line):
            self._add(self.who, "promises", found["what"])

    def _segment(self, part: str, people: list[str]) -> None:
        for person in people:
            self.segments.setdefault(person, part)

    def _add(self, who: str, kind: str, value: str) -> None:
        item = one_line(re.sub(r"[*_`]{2,}", "", value), _LIMIT).strip(" .;,")
        if not item:
            return
        if kind == "agenda":
            self.agenda.append(item)
            return
        self.said.setdefault(who, {}).setdefault(kind, []).append(item)

    def notes(self) -> Notes:
        said = {who: Said(*(tuple(d.get(k, ())) for k in _KINDS)) for who, d in self.said.items()}
        everyone = said.pop("", Said())
        return Notes(
            labels=self.labels,
            everyone=everyone,
            people=said,
            segments=self.segments,
            titles=self.titles,
            agenda=tuple(_unique(self.agenda)),
        )


def split_items(text: str) -> tuple[str, ...]:
    """A labelled value as a list: items separated by ";", "•" or " , "."""
    parts = (one_line(part, _LIMIT).strip(" .") for part in re.split(r"[;•]|\s,\s", text))
    return tuple(part for part in parts if part)


# A schedule line: a time range, the part's name, then "with" and who leads it.
_RANGE = re.compile(
    r"^\s*(?:\*\*)?\d{1,2}[:.h]?\d{0,2}\s*(?:[ap]\.?m\.?)?\s*[–—-]\s*\d{1,2}[:.h]?\d{0,2}"
    r"\s*(?:[ap]\.?m\.?|uhr|h)?(?:\*\*)?\s*[:–—-]?\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_WITH = re.compile(r"\s+(?:with|mit|con|avec|com|met|z|med|s)\s+", re.IGNORECASE)
_PERSON = re.compile(r"[A-ZÀ-Þ][\w'’-]+(?:\s+(?:[a-z]{1,3}\s+)?[A-ZÀ-Þ][\w'’-]+){0,3}")


def _segment(line: str) -> tuple[str, list[str]] | None:
    """("System design", ["Priya Raman"]) from "10:00 – 10:45 System design with Priya Raman"."""
    ranged = _RANGE.match(line)
    if not ranged:
        return None
    rest = re.sub(r"\([^)]*@[^)]*\)|<[^>]*@[^>]*>", "", ranged["rest"])
    parts = _WITH.split(rest, maxsplit=1)
    if len(parts) != 2:
        return None
    part, who = parts[0].strip(" :–—-*"), parts[1]
    people = _PERSON.findall(who)
    return (one_line(part, 80), people) if part and people else None


_JOB = phrases(*JOB_NOUNS, "head", "vp", "cto", "ceo", "founder", "co-founder", "recruiter")


def _titled(line: str) -> Iterable[tuple[str, str]]:
    """("Priya Natarajan", "Engineering Manager") from "Priya Natarajan (Engineering Manager)"
    or "Kwame Mensah – Director of Product"."""
    pattern = (
        r"(?P<name>"
        + _PERSON.pattern
        + r")\s*(?:\((?P<paren>[^)@]{2,60})\)|[–—,]\s+(?P<dash>[^,;()@]{2,60}))"
    )
    for found in re.finditer(pattern, line):
        title = (found["paren"] or found["dash"] or "").strip()
        if title and _JOB.search(fold(title)):
            yield found["name"], one_line(title, 60)


def _names(written: str, recipient: Recipient) -> bool:
    """Whether what a note writes ("Priya", "Priya Raman", "priya@…") means this person."""
    wanted = fold(written).strip()
    if not wanted:
        return False
    if "@" in wanted:
        return wanted == recipient.email.lower()
    mine = set(re.findall(r"[a-z]+", fold(recipient.name)))
    local = set(re.findall(r"[a-z]+", recipient.email.split("@")[0]))
    words = set(re.findall(r"[a-z]+", wanted))
    return bool(words) and (words <= mine or words <= local)


def _merge(found: Iterable[Said]) -> Said:
    merged = Said()
    for said in found:
        merged = merged | said
    return merged


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(fold(item), item)
    return tuple(seen.values())
