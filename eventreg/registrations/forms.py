"""Reading the registration form into a RegistrationRequest.

The form's input names are the same paths the service uses for its field errors
(`attendees.0.name`, `answers.7`, ...), so every error lands next to its input.
"""

from werkzeug.datastructures import MultiDict

from eventreg.events.models import Event
from eventreg.registrations.service import MAX_PARTY_SIZE, AttendeeRequest, RegistrationRequest


def party_size_from(form: MultiDict) -> int:
    try:
        size = int(form.get("party_size", "1"))
    except ValueError:
        size = 1
    return max(1, min(size, MAX_PARTY_SIZE))


def parse_registration_form(form: MultiDict, event: Event, language: str) -> RegistrationRequest:
    """Build the request from posted form fields; no rule is checked here."""
    party_questions = [q for q in event.questions if q.asked_per == "party"]
    attendee_questions = [q for q in event.questions if q.asked_per == "attendee"]
    attendees = []
    for index in range(party_size_from(form)):
        prefix = f"attendees.{index}"
        attendees.append(
            AttendeeRequest(
                name=form.get(f"{prefix}.name", ""),
                age_group=form.get(f"{prefix}.age_group") or None,
                birth_year=form.get(f"{prefix}.birth_year") or None,
                sex=form.get(f"{prefix}.sex") or None,
                activity_ids=form.getlist(f"{prefix}.activities"),
                waitlist_activity_ids=form.getlist(f"{prefix}.waitlist_activities"),
                answers=_answers(form, attendee_questions, f"{prefix}.answers"),
                # Boxes left unticked send nothing: no consent (eventreg/consents/).
                consents=form.getlist(f"{prefix}.consents"),
                door_note=form.get(f"{prefix}.door_note", ""),
            )
        )
    return RegistrationRequest(
        attendees=attendees,
        consent=form.get("consent") == "yes",
        contact_name=form.get("contact_name", ""),
        email=form.get("email", ""),
        phone=form.get("phone", ""),
        answers=_answers(form, party_questions, "answers"),
        language=language,
        client_id=(form.get("client_id") or "")[:64] or None,
        # The partner the page named when it was shown, if it asked that consent.
        consent_partner=form.get("consent_partner") if "consent_partner" in form else None,
    )


def _answers(form: MultiDict, questions, prefix: str) -> dict[int, object]:
    answers: dict[int, object] = {}
    for question in questions:
        name = f"{prefix}.{question.id}"
        if question.kind == "multiple_choice":
            answers[question.id] = form.getlist(name)
        else:
            answers[question.id] = form.get(name)
    return answers
