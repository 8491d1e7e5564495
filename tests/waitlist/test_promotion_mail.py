"""A party promoted from the waiting list during a page's request is told right after it."""

from email import message_from_bytes, policy

from eventreg.database import unit_of_work
from eventreg.registrations.service import AttendeeRequest, RegistrationRequest
from eventreg.waitlist import service as waitlist

DOLLS = {"title": {"en": "Doll-making"}, "capacity": 1}


def test_raising_a_workshops_capacity_mails_the_person_waiting_for_it_after_the_answer(
    client, auth, db_session, organiser, make_event, make_registration, outbox
):
    """The party that joined the waiting list for the full workshop got its tickets at
    once (the event had places) and Daryna waits for the workshop: the mail names it."""
    event = make_event(activities=[DOLLS])
    dolls = event.activities[0]
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id])])
    with unit_of_work(db_session):
        waitlist.join_waitlist(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Daryna", age_group="child", activity_ids=[dolls.id])],
            consent=True, email="olena@example.org"), phone_region="BG")
    auth.login(organiser)
    response = client.post(f"/manage/events/{event.slug}/activities/{dolls.id}/edit", data={
        "title_en": "Doll-making", "capacity": "2", "position": "0"})
    assert response.status_code == 302, response.get_data(as_text=True)
    response.close()
    subjects = [message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]
                for path in outbox.glob("*.eml")]
    assert subjects == ["A place in Doll-making: World Refugee Day"]


def test_a_participant_cancelling_mails_both_the_notice_and_the_promotion_after_the_answer(
    client, db_session, make_event, make_registration, outbox
):
    event = make_event(capacity=1)
    first = make_registration(event, ["Olena"], email="olena@example.org")
    with unit_of_work(db_session):
        waitlist.join_waitlist(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Ivan", age_group="adult")],
            consent=True, email="ivan@example.org"), phone_region="BG")
    page = client.get(f"/t/{first.ticket_secret}").get_data(as_text=True)
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/t/{first.ticket_secret}/cancel", data={
        "csrf_token": token, "attendee_ids": [str(first.attendees[0].id)]})
    assert response.status_code == 302
    response.close()
    sent = sorted((str(m["To"]), m["Subject"]) for m in (
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in outbox.glob("*.eml")))
    assert sent == [("ivan@example.org", "You have places: World Refugee Day"),
                    ("olena@example.org", "Tickets cancelled: World Refugee Day")]


def test_a_party_that_joined_through_the_form_is_mailed_when_promoted(
    client, auth, db_session, organiser, make_event, make_registration, outbox
):
    event = make_event(activities=[DOLLS])
    dolls = event.activities[0]
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id])])
    joined = client.post(f"/e/{event.slug}/waitlist", data={
        "client_id": "join-1", "party_size": "1", "attendees.0.name": "Daryna",
        "attendees.0.age_group": "child", "attendees.0.activities": str(dolls.id),
        "email": "olena@example.org", "consent": "yes", "action": "join_waitlist"})
    assert joined.status_code == 302 and "/w/" in joined.headers["Location"]
    joined.close()
    auth.login(organiser)
    response = client.post(f"/manage/events/{event.slug}/activities/{dolls.id}/edit", data={
        "title_en": "Doll-making", "capacity": "2", "position": "0"})
    assert response.status_code == 302
    response.close()
    subjects = sorted(message_from_bytes(path.read_bytes(), policy=policy.default)["Subject"]
                      for path in outbox.glob("*.eml"))
    # The event had places: the party got its tickets at once, Daryna waited for the
    # workshop, and the raised capacity gave her its place.
    assert subjects == ["A place in Doll-making: World Refugee Day",
                        "On the waiting list: World Refugee Day",
                        "You have places: World Refugee Day"]


def test_joining_the_waiting_list_mails_the_private_link_and_the_place_in_line(
    app, client, db_session, make_event, make_registration, outbox
):
    from tests.registrations.test_views import _form

    event = make_event(capacity=1)
    make_registration(event, ["Olena"])
    joined = client.post(f"/e/{event.slug}/waitlist", data=_form(
        event, action="join_waitlist", email="ivan@example.org",
        **{"attendees.0.name": "Ivan Petrov"}))
    secret = joined.headers["Location"].rsplit("/", 1)[-1]
    joined.close()
    [mail] = [message_from_bytes(path.read_bytes(), policy=policy.default)
              for path in outbox.glob("*.eml")]
    assert str(mail["To"]) == "ivan@example.org"
    text = mail.get_body(("plain",)).get_content()
    assert f"{app.config['PUBLIC_BASE_URL']}/w/{secret}" in text
    assert "You are on the waiting list for World Refugee Day: Ivan Petrov." in text
    assert "You are number 1 in line." in text


def test_the_waiting_list_mail_names_the_full_activities_waited_for_in_the_partys_language(
    db_session, make_event, make_registration, outbox
):
    from eventreg.messages.service import deliver_due

    event = make_event(activities=[
        {"title": {"en": "Doll-making", "uk": "Виготовлення ляльок"}, "capacity": 1},
        {"title": {"en": "Face painting", "uk": "Аквагрим"}, "capacity": 1},
        {"title": {"en": "Concert", "uk": "Концерт"}}])
    dolls, faces, concert = event.activities
    make_registration(event, [AttendeeRequest(name="Mykola", age_group="child",
                                              activity_ids=[dolls.id, faces.id])])
    with unit_of_work(db_session):
        waitlist.join_waitlist(db_session, event, RegistrationRequest(
            attendees=[AttendeeRequest(name="Daryna", age_group="child",
                                       activity_ids=[dolls.id, faces.id, concert.id])],
            consent=True, email="olena@example.org", language="uk"), phone_region="BG")
    deliver_due(db_session)
    mails = [message_from_bytes(path.read_bytes(), policy=policy.default)
             for path in outbox.glob("*.eml")]
    [text] = [m.get_body(("plain",)).get_content() for m in mails
              if "Виготовлення ляльок" in m.get_body(("plain",)).get_content()]
    [waited_for] = [line for line in text.splitlines() if "списку очікування на заняття" in line]
    assert "Виготовлення ляльок, Аквагрим на" in waited_for and "Концерт" not in waited_for
