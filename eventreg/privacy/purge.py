"""The daily purge: anonymise, batch by batch, all personal data whose time is up.

`flask purge-personal-data` runs it (from cron; the mail worker's loop runs it too, once a
day). Each batch is its own unit of work, so a purge of a large backlog holds no lock for
long and a purge stopped half-way keeps what it did. Two purges at once do each thing
once: rows are claimed before they are changed (eventreg/privacy/anonymise.py).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organisation
from eventreg.database import unit_of_work, utcnow
from eventreg.mail import unnamed_outbox_files
from eventreg.privacy.anonymise import (
    Anonymised,
    anonymise_attendees,
    anonymise_registrations,
    anonymise_waitlist_entries,
)
from eventreg.privacy.retention import deadlines_at, find_due

BATCH_SIZE = 200
REASON = "retention"


@dataclass
class PurgeReport:
    done: Anonymised = field(default_factory=Anonymised)
    batches: int = 0
    #: Old .eml files (from before files were named by their message) deleted.
    old_outbox_files: int = 0

    def lines(self) -> list[str]:
        """What the command prints: per event, how many people and parties."""
        events = sorted(set(self.done.people) | set(self.done.waiting_parties))
        lines = [f"event {event_id}: {self.done.people[event_id]} people in "
                 f"{self.done.parties[event_id]} parties, "
                 f"{self.done.waiting_parties[event_id]} waiting parties anonymised"
                 for event_id in events]
        lines.append(f"{self.done.total_people} people anonymised in {self.batches} batches")
        if self.old_outbox_files:
            lines.append(f"{self.old_outbox_files} old .eml files deleted from the outbox")
        return lines


def purge_personal_data(session: Session, *, now: datetime | None = None,
                        batch_size: int = BATCH_SIZE) -> PurgeReport:
    """Anonymise everything due at `now`; returns what was done (nothing the second time)."""
    now = now or utcnow()
    report = PurgeReport(old_outbox_files=_delete_old_unnamed_outbox_files(session, now))
    deadlines = deadlines_at(session, now)  # once: the batches only claim rows
    while True:
        with unit_of_work(session):
            due = find_due(session, now, limit=batch_size, deadlines=deadlines)
            if not due:
                return report
            report.done += anonymise_registrations(session, due.registration_ids, now,
                                                   reason=REASON)
            report.done += anonymise_attendees(session, due.attendee_ids, now, reason=REASON)
            report.done += anonymise_waitlist_entries(session, due.waitlist_entry_ids, now,
                                                      reason=REASON)
        report.batches += 1


def _delete_old_unnamed_outbox_files(session: Session, now: datetime) -> int:
    """An .eml file that names no outbox row cannot be deleted with its person's data: it
    goes once it is older than the longest period any organisation keeps data for."""
    longest = session.scalar(select(func.max(Organisation.retention_days)))
    if longest is None:
        return 0
    old = unnamed_outbox_files(now - timedelta(days=longest))
    for path in old:
        path.unlink(missing_ok=True)
    return len(old)
