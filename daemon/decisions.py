"""The user's word on an event: `followup track`, `followup ignore` and `followup why`.

Each finds the event by the short reference `status` and `why` show, among
the events of the calendars' window. `track` records that it is an interview
(and that its organiser's domain sends interviews) and drafts its notes at
once; `ignore` records that it is not, and removes the drafts the daemon made
for it that the user never touched. Both decisions live in the ledger, so
they survive restarts and teach the next cycles.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from daemon.core.detect import Judgement
from daemon.core.model import Decision, DraftRecord, DraftStatus, EventRef
from daemon.core.people import (
    PUBLIC_MAIL_DOMAINS,
    domain_of,
    is_ats,
    is_resource,
    is_you,
    people_of,
)
from daemon.core.protocols import ConnectorError
from daemon.cycle import Reading
from daemon.ledger import EMPLOYER
from daemon.runtime import Runtime

log = logging.getLogger(__name__)

# A reference must be at least this long to pick an event out.
MIN_REF = 4


class NoSuchEventError(Exception):
    """No event (or more than one) in the calendars' window has this reference."""


def find(reading: Reading, ref: str) -> Judgement:
    """The judged event whose reference starts with `ref`; `NoSuchEventError` otherwise."""
    wanted = ref.strip().lower()
    if len(wanted) < MIN_REF:
        raise NoSuchEventError(f"give at least {MIN_REF} characters of the event's reference")
    found = {j.ref: j for j in reading.judgements if j.ref.short.startswith(wanted)}
    if len(found) != 1:
        what = "no event" if not found else f"{len(found)} events"
        raise NoSuchEventError(
            f"{what} in the calendars' window {'has' if not found else 'have'} the reference "
            f"{ref!r}; `followup why` lists them"
        )
    return next(iter(found.values()))


def domains_taught(judgement: Judgement, runtime: Runtime) -> set[str]:
    """The company domains a decision about this event teaches about: its people's, not
    public mail, not applicant tracking systems, not yours."""
    you = runtime.settings.you
    people = [p for p in people_of(judgement.event) if not is_you(p, you) and not is_resource(p)]
    domains = {domain_of(p.email) for p in people if not is_ats(p.email)}
    yours = {domain_of(a) for a in you.addresses} | set(runtime.ledger.learnt(EMPLOYER))
    return domains - PUBLIC_MAIL_DOMAINS - yours


def track(judgement: Judgement, runtime: Runtime, now: datetime) -> None:
    """Record that the event is an interview to thank for."""
    runtime.ledger.decide(judgement.ref, Decision.TRACK, domains_taught(judgement, runtime), now)
    log.info("tracking %r as an interview", judgement.event.title)


@dataclass
class Ignored:
    """What ignoring an event did to the drafts the daemon had made for it."""

    removed: list[DraftRecord] = field(default_factory=list)
    edited: list[DraftRecord] = field(default_factory=list)  # the user changed them: kept


def ignore(judgement: Judgement, runtime: Runtime, now: datetime) -> Ignored:
    """Record that the event is not an interview, and remove its untouched drafts."""
    ledger, mailbox = runtime.ledger, runtime.mailbox
    ledger.decide(judgement.ref, Decision.IGNORE, domains_taught(judgement, runtime), now)
    done = Ignored()
    for record in _drafted_for(judgement.ref, runtime):
        try:
            now_as = mailbox.draft_version(record.draft_ref)
            if record.version and now_as == record.version:
                mailbox.delete_draft(record.draft_ref)
                ledger.set_status(record.key, DraftStatus.DELETED, now, "ignored: not an interview")
                done.removed.append(record)
            else:
                done.edited.append(record)
        except ConnectorError as error:
            log.warning("could not remove the draft to %s: %s", record.recipient_email, error)
            done.edited.append(record)
    return done


def _drafted_for(event: EventRef, runtime: Runtime) -> list[DraftRecord]:
    return [
        r
        for r in runtime.ledger.records().values()
        if r.key.event == event and r.status is DraftStatus.DRAFTED
    ]
