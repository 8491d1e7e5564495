"""How long the personal data of an event's people is kept, and whose time is up.

Each organisation keeps it for `Organisation.retention_days` after an event ends (an
event may shorten that, never lengthen it), and a cancelled registration, a cancelled
person or a party taken off a waiting list for `Organisation.cancelled_retention_days`
after it happened. Then eventreg/privacy/anonymise.py removes it and keeps the figures.

The privacy notice people consent to states these periods as configured
(eventreg/privacy/notice.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organisation
from eventreg.audit.service import record
from eventreg.errors import PermissionDenied, ValidationFailed
from eventreg.events.models import Event
from eventreg.registrations.models import Attendee, Registration
from eventreg.waitlist.models import WaitlistEntry

#: Door links work until a day after the event ends (eventreg/checkin/doors.py): with at
#: least two days, no phone holds a name past the retention.
MIN_RETENTION_DAYS = 2
#: Ten years: beyond that a period is a mistake, not a policy.
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class Periods:
    """The days personal data is kept: after the event ends, and after a cancellation."""

    after_event: int
    after_cancellation: int


def periods_of(event: Event, organisation: Organisation) -> Periods:
    after_event = organisation.retention_days
    if event.retention_days is not None:
        after_event = min(after_event, event.retention_days)
    return Periods(after_event, min(organisation.cancelled_retention_days, after_event))


def deletion_due_at(event: Event, organisation: Organisation) -> datetime:
    """When the personal data of the event's people is anonymised."""
    return event.ends_at + timedelta(days=periods_of(event, organisation).after_event)


def check_period(days: int | None, *, field: str, longest: int | None = None) -> None:
    """Refuse a retention period out of bounds, naming the field; None passes (unset)."""
    if days is None:
        return
    longest = MAX_RETENTION_DAYS if longest is None else longest
    if not MIN_RETENTION_DAYS <= days <= longest:
        message = _l("Keep personal data between %(shortest)s and %(longest)s days.",
                     shortest=MIN_RETENTION_DAYS, longest=longest)
        raise ValidationFailed(message, fields={field: message}, reason="invalid_retention")


def set_periods(session: Session, admin, *, after_event: int, after_cancellation: int) -> None:
    """An admin sets the organisation's periods (audited). The one after a cancellation is
    no longer than the one after the event; every event's shorter period still holds."""
    if not admin.is_admin:
        raise PermissionDenied(_l("Only your organisation's admins set how long data is kept."),
                               reason="admin_only")
    check_period(after_event, field="retention_days")
    check_period(after_cancellation, field="cancelled_retention_days", longest=after_event)
    organisation = admin.organisation
    before = {"retention_days": organisation.retention_days,
              "cancelled_retention_days": organisation.cancelled_retention_days}
    organisation.retention_days = after_event
    organisation.cancelled_retention_days = after_cancellation
    record(session, organisation_id=organisation.id, by=admin, action="organisation.retention",
           details={"before": before, "after": {"retention_days": after_event,
                                                "cancelled_retention_days": after_cancellation}})


@dataclass
class Due:
    """What is due to be anonymised now, at most `limit` of each kind."""

    registration_ids: list[int]
    attendee_ids: list[int]
    waitlist_entry_ids: list[int]

    def __bool__(self) -> bool:
        return bool(self.registration_ids or self.attendee_ids or self.waitlist_entry_ids)


def find_due(session: Session, now: datetime, *, limit: int) -> Due:
    """Registrations, people and waiting-list entries whose time is up and that are not
    anonymised yet: of events ended longer ago than their period, and cancelled (or taken
    off the line) longer ago than the organisation's period for that."""
    ended_events, cancelled_before = [], {}
    for event, organisation in session.execute(
        select(Event, Organisation).join(Organisation, Organisation.id == Event.organisation_id)
    ):
        if deletion_due_at(event, organisation) <= now:
            ended_events.append(event.id)
        cancelled_before[event.id] = now - timedelta(
            days=periods_of(event, organisation).after_cancellation)
    oldest_cutoff = max(cancelled_before.values(), default=now)

    registration_ids = set(session.scalars(
        select(Registration.id)
        .where(Registration.event_id.in_(ended_events), Registration.anonymised_at.is_(None))
        .order_by(Registration.id).limit(limit)
    ))
    for registration_id, event_id, cancelled_at in session.execute(
        select(Registration.id, Registration.event_id, Registration.cancelled_at)
        .where(Registration.cancelled_at <= oldest_cutoff,
               Registration.anonymised_at.is_(None))
        .order_by(Registration.id).limit(limit)
    ):
        if cancelled_at <= cancelled_before[event_id]:
            registration_ids.add(registration_id)
    attendee_ids = [
        attendee_id for attendee_id, event_id, cancelled_at in session.execute(
            select(Attendee.id, Attendee.event_id, Attendee.cancelled_at)
            .join(Registration, Registration.id == Attendee.registration_id)
            .where(Attendee.cancelled_at <= oldest_cutoff, Attendee.anonymised_at.is_(None),
                   Registration.anonymised_at.is_(None))
            .order_by(Attendee.id).limit(limit)
        ) if cancelled_at <= cancelled_before[event_id]
    ]
    entry_ids = set(session.scalars(
        select(WaitlistEntry.id)
        .where(WaitlistEntry.event_id.in_(ended_events), WaitlistEntry.anonymised_at.is_(None))
        .order_by(WaitlistEntry.id).limit(limit)
    ))
    for entry_id, event_id, left_at, promoted_at in session.execute(
        select(WaitlistEntry.id, WaitlistEntry.event_id, WaitlistEntry.removed_at,
               WaitlistEntry.promoted_at)
        .where((WaitlistEntry.removed_at <= oldest_cutoff)
               | (WaitlistEntry.promoted_at <= oldest_cutoff),
               WaitlistEntry.anonymised_at.is_(None))
        .order_by(WaitlistEntry.id).limit(limit)
    ):
        # Promoted, the registration holds the party's data: the copy of its form goes.
        if (left_at or promoted_at) <= cancelled_before[event_id]:
            entry_ids.add(entry_id)
    return Due(sorted(registration_ids)[:limit], attendee_ids, sorted(entry_ids)[:limit])
