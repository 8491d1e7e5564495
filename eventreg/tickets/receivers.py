"""Tickets follow their events (signals of eventreg/hooks.py): a new event gets its key."""

from sqlalchemy.orm import Session

from eventreg import hooks
from eventreg.tickets.service import create_signing_key


@hooks.event_created.connect
def give_the_event_its_signing_key(session: Session, *, event) -> None:
    create_signing_key(session, event)
