"""Whose time is up: what the daily purge anonymises now, and the organisation's periods.

The periods themselves, and the sentence of the privacy notice that states them, are the
event's (eventreg/events/retention.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, or_, select
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


@dataclass(frozen=True)
class Deadlines:
    """Each event's deadlines at one moment: the events whose data is due as a whole, and
    per cut-off time the events whose cancellations made before it are due."""

    ended_events: list[int]
    cancelled_before: dict[datetime, list[int]]

    def cancelled_in_time(self, when, event_id):
        """The SQL condition: `when` (a cancellation or removal time) is before its
        event's cut-off. Decided in the query, so a batch's limit counts only what is due."""
        return or_(false(), *(and_(event_id.in_(events), when <= cutoff)
                              for cutoff, events in self.cancelled_before.items()))


def deadlines_at(session: Session, now: datetime) -> Deadlines:
    """The deadlines of every event at `now` (organisations' and events' own periods)."""
    ended_events, cancelled_before = [], {}
    for event, organisation in session.execute(
        select(Event, Organisation).join(Organisation, Organisation.id == Event.organisation_id)
    ):
        if deletion_due_at(event, organisation) <= now:
            ended_events.append(event.id)
        cutoff = now - timedelta(days=periods_of(event, organisation).after_cancellation)
        cancelled_before.setdefault(cutoff, []).append(event.id)
    return Deadlines(ended_events, cancelled_before)


def find_due(session: Session, now: datetime, *, limit: int,
             deadlines: Deadlines | None = None) -> Due:
    """Registrations, people and waiting-list entries whose time is up and that are not
    anonymised yet: of events ended longer ago than their period, and cancelled (or taken
    off the line) longer ago than the organisation's period for that. `deadlines` are
    those at `now`, worked out here when not given."""
    deadlines = deadlines or deadlines_at(session, now)
    ended, in_time = deadlines.ended_events, deadlines.cancelled_in_time
    registration_ids = list(session.scalars(
        select(Registration.id)
        .where(Registration.anonymised_at.is_(None),
               Registration.event_id.in_(ended)
               | in_time(Registration.cancelled_at, Registration.event_id))
        .order_by(Registration.id).limit(limit)
    ))
    attendee_ids = list(session.scalars(
        select(Attendee.id)
        .join(Registration, Registration.id == Attendee.registration_id)
        .where(Attendee.anonymised_at.is_(None), Registration.anonymised_at.is_(None),
               in_time(Attendee.cancelled_at, Attendee.event_id))
        .order_by(Attendee.id).limit(limit)
    ))
    # Promoted, the registration holds the party's data: the copy of its form goes.
    entry_ids = list(session.scalars(
        select(WaitlistEntry.id)
        .where(WaitlistEntry.anonymised_at.is_(None),
               WaitlistEntry.event_id.in_(ended)
               | in_time(WaitlistEntry.removed_at, WaitlistEntry.event_id)
               | in_time(WaitlistEntry.promoted_at, WaitlistEntry.event_id))
        .order_by(WaitlistEntry.id).limit(limit)
    ))
    return Due(registration_ids, attendee_ids, entry_ids)
