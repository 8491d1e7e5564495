"""Whose time is up: what the daily purge anonymises now, and the organisation's periods.

The periods themselves, and the sentence of the privacy notice that states them, are the
event's (eventreg/events/retention.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.accounts.models import Organisation
from eventreg.audit.service import record
from eventreg.errors import PermissionDenied
from eventreg.events.models import Event
from eventreg.events.retention import check_period, deletion_due_at, periods_of
from eventreg.registrations.models import Attendee, Registration
from eventreg.waitlist.models import WaitlistEntry


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
