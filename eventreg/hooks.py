"""What one feature tells the others, inside the caller's unit of work.

Features depend downwards only: events know nothing of registrations, tickets, doors or
the waiting list; registrations know nothing of the waiting list; the audit log knows no
feature. Where a feature must react to another's change, the changing feature sends a
signal here (blinker's, which Flask itself uses; Indico wires its modules the same way)
and the feature above connects a receiver when it is imported. Receivers run at once, with
the sender's session, in the same unit of work: a change and the reactions to it commit
together, and a receiver that refuses (raises a domain error) refuses the change.

Each signal is sent with the session as its sender and names its values.
"""

from blinker import Namespace

_signals = Namespace()

#: A new event was made (`event`). Tickets give it its signing key.
event_created = _signals.signal("event-created")
#: A published or closed event moved (`kind="event_changed"`: its time or place) or was
#: cancelled (`kind="event_cancelled"`), `event`. Registrations tell their parties.
event_changed = _signals.signal("event-changed")
#: Who would hear of `kind` (as for event_changed) if it happened to `event` now? Asked
#: before it happens, to show the organiser. Receivers answer a PeopleToTell
#: (eventreg/registrations/notifications.py).
people_to_tell = _signals.signal("people-to-tell")
#: An event stopped asking each attendee's sex (`event`, `confirmed`). Registrations
#: delete the answers given, or refuse when there are some and it is not `confirmed`.
sex_question_dropped = _signals.signal("sex-question-dropped")
#: An event started or stopped asking photo consent (`event`, `now`). Doors learn again
#: whom to mark "no photos".
photo_consent_asked_changed = _signals.signal("photo-consent-asked-changed")
#: Does anyone's answer use this question (`question`)? Receivers answer how many do.
question_answers = _signals.signal("question-answers")
#: An activity is about to be removed (`activity`). Receivers refuse (Conflict) if it is
#: still in use, and clear what refers to it.
activity_removing = _signals.signal("activity-removing")
#: Places of an event or its activities were freed or added (`event`, `now`): a
#: cancellation, a changed choice, a raised capacity. The waiting list promotes.
places_freed = _signals.signal("places-freed")
#: People just registered asked to wait for a place in full activities (`waits`: pairs of
#: an attendee and the activities they wait for, `now`). The waiting list puts each in
#: the activity's line.
activity_waits_requested = _signals.signal("activity-waits-requested")
#: Which activities are these attendees waiting for (`attendee_ids`)? Receivers answer
#: {attendee id: [(activity id, place in its line), ...]}.
activity_waits_asked = _signals.signal("activity-waits-asked")


def people_to_tell_of(session, event, kind: str):
    """Whom `kind` would reach if it happened to `event` now, as the features that would
    tell people say (added up); None when no feature would tell anyone."""
    answers = [answer for _receiver, answer in
               people_to_tell.send(session, event=event, kind=kind)]
    total = None
    for answer in answers:
        total = answer if total is None else total + answer
    return total


def answers_to(session, question) -> int:
    """How many stored answers use `question`, as the features that store them say."""
    return sum(count for _receiver, count in question_answers.send(session, question=question))


def activity_waits_of(session, attendee_ids) -> dict[int, list[tuple[int, int]]]:
    """The activities each attendee waits for, with their place in line (first is 1)."""
    waits: dict[int, list[tuple[int, int]]] = {}
    for _receiver, answer in activity_waits_asked.send(session, attendee_ids=list(attendee_ids)):
        for attendee_id, lines in answer.items():
            waits.setdefault(attendee_id, []).extend(lines)
    return waits
