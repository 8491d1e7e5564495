"""How registrations follow their event's changes (signals of eventreg/hooks.py).

Parties are told when their event moves or is cancelled; an event that stops asking sex
keeps no answers; answers and activity choices are counted and cleared for the event's
own rules.
"""

from flask_babel import lazy_ngettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eventreg import hooks
from eventreg.errors import ValidationFailed
from eventreg.events.models import Activity, Event, Question
from eventreg.registrations.models import Answer, Attendee, attendee_activities
from eventreg.registrations.notifications import (
    PeopleToTell,
    add_event_notices,
    parties_told_of_event,
    people_to_tell,
)


@hooks.event_changed.connect
def tell_parties_the_event_changed(session: Session, *, event: Event, kind: str) -> None:
    add_event_notices(session, event, kind)


@hooks.people_to_tell.connect
def parties_who_would_hear(session: Session, *, event: Event, kind: str) -> PeopleToTell:
    return people_to_tell(parties_told_of_event(session, event), kind)


@hooks.sex_question_dropped.connect
def forget_sex_answers(session: Session, *, event: Event, confirmed: bool) -> None:
    """An event that stops asking keeps no answers: they were given for its reports only.

    Refused with ValidationFailed (nothing changed) unless `confirmed` when there are
    answers to delete, so an organiser never loses them by one click.
    """
    answered = session.scalar(select(func.count(Attendee.id)).where(
        Attendee.event_id == event.id, Attendee.sex.is_not(None)))
    if answered and not confirmed:
        message = lazy_ngettext(
            "Turning this off deletes the answer %(num)d person gave, and the reports by "
            "sex lose it. Tick “Delete their answers” to go on.",
            "Turning this off deletes the answers %(num)d people gave, and the reports by "
            "sex lose them. Tick “Delete their answers” to go on.", answered)
        raise ValidationFailed(message, fields={"asks_sex": message},
                               reason="sex_answers_would_be_deleted")
    session.execute(update(Attendee).where(Attendee.event_id == event.id)
                    .values(sex=None).execution_options(synchronize_session=False))


@hooks.question_answers.connect
def count_answers(session: Session, *, question: Question) -> int:
    return session.scalar(select(func.count(Answer.id))
                          .where(Answer.question_id == question.id)) or 0


@hooks.activity_removing.connect
def forget_cancelled_choices(session: Session, *, activity: Activity) -> None:
    """An activity nobody holds a place in goes with the choices of cancelled attendees."""
    session.execute(
        attendee_activities.delete().where(attendee_activities.c.activity_id == activity.id))
