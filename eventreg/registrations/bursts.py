"""Bursts: many registrations of one event from one address in a short time.

The public limits (eventreg/registrations/limits.py) slow a script down; they cannot tell
it from a busy refugee centre. So organisers are shown each burst (at least
`BURST_MIN_REGISTRATIONS` live registrations with the same `source_hash`, each within
`BURST_WINDOW_MINUTES` of the one before) and decide: a burst can be cancelled in one step,
without mailing the addresses it gave (they may be anybody's).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eventreg.errors import ValidationFailed
from eventreg.events.models import Event
from eventreg.registrations.models import Registration
from eventreg.registrations.service import cancel_attendees


@dataclass(frozen=True)
class Burst:
    registrations: list[Registration]

    @property
    def first_at(self) -> datetime:
        return self.registrations[0].created_at

    @property
    def last_at(self) -> datetime:
        return self.registrations[-1].created_at

    @property
    def people(self) -> int:
        return sum(len(r.active_attendees) for r in self.registrations)


def find_bursts(session: Session, event: Event, *, min_registrations: int,
                window: timedelta) -> list[Burst]:
    """The event's bursts of live registrations from one address, newest first."""
    rows = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.cancelled_at.is_(None),
               Registration.source_hash.is_not(None))
        .order_by(Registration.source_hash, Registration.created_at, Registration.id)
    )
    bursts = []
    for _source, same_source in groupby(rows, key=lambda r: r.source_hash):
        run: list[Registration] = []
        for registration in same_source:
            if run and registration.created_at - run[-1].created_at > window:
                bursts.append(run)
                run = []
            run.append(registration)
        bursts.append(run)
    return sorted((Burst(run) for run in bursts if len(run) >= min_registrations),
                  key=lambda burst: burst.last_at, reverse=True)


def get_burst(session: Session, event: Event, registration_ids: list[int]) -> Burst:
    """The live registrations named, if they are one burst of this event (to show them
    before cancelling them).

    Refuses with ValidationFailed `not_a_burst` ids that are not one burst of this event:
    registrations of another event, made at the door, or from more than one address.
    """
    registrations = list(session.scalars(
        select(Registration).where(Registration.id.in_(registration_ids or [-1]),
                                   Registration.event_id == event.id)
        .order_by(Registration.created_at, Registration.id)
    ))
    sources = {registration.source_hash for registration in registrations}
    if (not registrations or len(registrations) != len(set(registration_ids))
            or len(sources) != 1 or None in sources):
        raise ValidationFailed(_l("These registrations are not one burst of this event: "
                                  "reload the page and try again."),
                               reason="not_a_burst")
    return Burst(registrations)


def cancel_burst(session: Session, event: Event, registration_ids: list[int], *,
                 by) -> int:
    """Cancel the registrations of a burst the organiser was shown, without telling the
    addresses they gave; return how many people were cancelled.

    Refuses as `get_burst` does.
    """
    burst = get_burst(session, event, registration_ids)
    return sum(cancel_attendees(session, registration, by=by, tell_party=False)
               for registration in burst.registrations)
