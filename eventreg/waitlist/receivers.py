"""The waiting list moves by itself (signals of eventreg/hooks.py): freed places go to the
first in line."""

from datetime import datetime

from sqlalchemy.orm import Session

from eventreg import hooks
from eventreg.events.models import STATUS_PUBLISHED, Event
from eventreg.waitlist.service import promote_waitlist


@hooks.places_freed.connect
def offer_freed_places(session: Session, *, event: Event, now: datetime) -> None:
    if event.status == STATUS_PUBLISHED:
        promote_waitlist(session, event, now=now)
