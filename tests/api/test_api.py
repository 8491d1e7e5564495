"""The JSON API's contracts: shapes, status codes, reasons, tokens and the OpenAPI examples."""

import copy
import json

import pytest
from sqlalchemy import select

from eventreg.accounts.service import create_api_token, revoke_api_token
from eventreg.checkin.doors import create_door_access
from eventreg.database import unit_of_work
from eventreg.events.service import get_published_event
from eventreg.openapi import openapi_document
from eventreg.registrations.service import AttendeeRequest
from tests.conftest import TEST_HASH


@pytest.fixture
def token(db_session, organiser):
    with unit_of_work(db_session):
        return create_api_token(db_session, organiser, "tests")[1]


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_published_events_are_listed_with_activities_and_places_left(client, make_event):
    make_event(capacity=30, activities=[{"title": {"en": "Doll-making"}, "capacity": 20}])
    make_event(status="draft", title={"en": "Secret draft"})
    events = client.get("/api/v1/events").get_json()["events"]
    assert [e["title"]["en"] for e in events] == ["World Refugee Day"]
    assert events[0]["places_left"] == 30
    assert events[0]["activities"][0]["places_left"] == 20


def test_registration_returns_attendees_ticket_link_and_verifiable_qr(client, db_session,
                                                                       make_event, whose_ticket):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "language": "uk",
        "attendees": [{"name": "Olena", "age_group": "adult"},
                      {"name": "Mykola", "age_group": "child"}]})
    assert response.status_code == 201
    body = response.get_json()
    assert body["ticket_page_url"].startswith("http://eventreg.test/t/")
    assert [a["name"] for a in body["attendees"]] == ["Olena", "Mykola"]
    for attendee in body["attendees"]:
        assert whose_ticket(attendee["qr"]).id == attendee["id"]


def test_the_registration_answer_is_what_is_stored(client, make_event, make_registration,
                                                  token):
    """The answer is made from the new rows without reading them back: it must say what a
    later read of the same registration says (attendees, activities in the event's order,
    answers, consents)."""
    event = make_event(capacity=30, activities=[{"title": {"en": "Doll-making"}},
                                                {"title": {"en": "Football"}}],
                       questions=[{"label": {"en": "Language at home"}, "kind": "text",
                                   "asked_per": "party"}])
    other = make_event(slug="another-day")
    make_registration(other, [AttendeeRequest(name="Guest", age_group="adult")])
    dolls, football = (activity.id for activity in event.activities)
    question = event.questions[0].id
    posted = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "language": "uk", "answers": {str(question): "Ukrainian"},
        "attendees": [{"name": "Olena", "age_group": "adult", "activities": [football, dolls]},
                      {"name": "Mykola", "age_group": "child", "activities": [dolls]}]})
    assert posted.status_code == 201, posted.get_json()
    body = posted.get_json()
    assert body["attendees"][0]["activities"] == [dolls, football]  # the event's order
    listed = client.get(f"/api/v1/events/{event.slug}/registrations",
                        headers=bearer(token)).get_json()["registrations"]
    assert len(listed) == 1
    stored = listed[0]
    for attendee in body["attendees"]:
        del attendee["qr"], attendee["qr_png_url"]
    del body["ticket_page_url"]
    assert body == stored


def test_a_resend_is_answered_with_its_registration_at_its_event_only(client, make_event):
    """The event and an earlier send of the form are read in one statement: the earlier
    send must be this event's, and it is answered even once the event is full."""
    last_place = make_event(capacity=1)
    another = make_event(slug="another-day", capacity=10)
    body = {"consent": True, "client_id": "form-5d1e7a20b-91c3-4f0e",
            "attendees": [{"name": "Olena Kovalenko", "age_group": "adult"}]}
    first = client.post(f"/api/v1/events/{last_place.slug}/registrations", json=body)
    assert first.status_code == 201, first.get_json()
    again = client.post(f"/api/v1/events/{last_place.slug}/registrations", json=body)
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
    elsewhere = client.post(f"/api/v1/events/{another.slug}/registrations", json=body)
    assert elsewhere.status_code == 201
    assert elsewhere.get_json()["id"] != first.get_json()["id"]
    assert elsewhere.get_json()["event"] == another.slug
    full = client.post(f"/api/v1/events/{last_place.slug}/registrations",
                       json={**body, "client_id": "form-77aa0c1e-5b2d-4e8f"})
    assert full.get_json()["error"] == "event_full"
    for sent in (body, {key: value for key, value in body.items() if key != "client_id"}):
        missing = client.post("/api/v1/events/no-such-event/registrations", json=sent)
        assert (missing.status_code, missing.get_json()["error"]) == (404, "event_not_found")


def test_invalid_registration_answers_422_with_reason_and_fields(client, make_event):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": False, "attendees": [{"name": "Olena"}], "contact": {"email": "nope"}})
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed"
    # Named by their paths in the body, as the document says.
    assert set(body["fields"]) == {"consent", "attendees.0.age_group", "contact.email"}


def test_a_blank_name_is_refused_by_the_schema(client, make_event):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": " \u00a0", "age_group": "adult"}]})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"attendees.0.name"}


@pytest.mark.parametrize("payload", [
    "not json", "[]", '{"attendees": "many"}', '{"attendees": [], "consent": true}',
    '{"attendees": [{"name": "A"}], "consent": true, "ssn": "123"}',
    '{"attendees": [{"name": "A", "activities": ["x"]}], "consent": true}',
])
def test_malformed_bodies_get_a_json_4xx(client, make_event, payload):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations", data=payload,
                           content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.get_json()) == {"error", "message", "fields"}


def test_full_event_answers_409_event_full(client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": "Late", "age_group": "adult"}]})
    assert response.status_code == 409
    assert response.get_json()["error"] == "event_full"


def test_draft_event_is_not_found_publicly(client, make_event):
    event = make_event(status="draft")
    assert client.get(f"/api/v1/events/{event.slug}").status_code == 404
    response = client.post(f"/api/v1/events/{event.slug}/registrations", json={
        "consent": True, "attendees": [{"name": "A", "age_group": "adult"}]})
    assert response.status_code == 404
    assert response.get_json()["error"] == "event_not_found"


def test_organiser_endpoints_refuse_missing_wrong_and_revoked_tokens(client, db_session,
                                                                     organiser, make_event):
    event = make_event()
    url = f"/api/v1/events/{event.slug}/registrations"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("erg_wrong")).status_code == 401
    with unit_of_work(db_session):
        row, token = create_api_token(db_session, organiser, "soon revoked")
    assert client.get(url, headers=bearer(token)).status_code == 200
    with unit_of_work(db_session):
        revoke_api_token(db_session, organiser, row.id)
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"


def test_organiser_creates_updates_and_publishes_an_event_with_activities(client, token):
    created = client.post("/api/v1/events", headers=bearer(token), json={
        "title": {"en": "Info session"}, "starts_at": "2027-03-12T17:00:00",
        "ends_at": "2027-03-12T18:30:00", "privacy_notice": {"en": "Only the organisers see your name."}})
    assert created.status_code == 201
    event = created.get_json()
    assert event["status"] == "draft"
    assert event["starts_at"] == "2027-03-12T15:00:00+00:00"  # Europe/Sofia is UTC+2 in March
    slug = event["slug"]
    activity = client.post(f"/api/v1/events/{slug}/activities", headers=bearer(token),
                           json={"title": {"en": "Q&A"}, "capacity": 10}).get_json()
    patched = client.patch(f"/api/v1/events/{slug}/activities/{activity['id']}",
                           headers=bearer(token), json={"capacity": 12})
    assert patched.get_json()["capacity"] == 12
    assert client.patch(f"/api/v1/events/{slug}", headers=bearer(token),
                        json={"venue": "Fakulteta"}).get_json()["venue"] == {"en": "Fakulteta"}
    published = client.post(f"/api/v1/events/{slug}/publish", headers=bearer(token))
    assert published.get_json()["status"] == "published"
    assert client.get(f"/api/v1/events/{slug}").status_code == 200


def test_event_without_privacy_notice_cannot_be_published(client, token):
    slug = client.post("/api/v1/events", headers=bearer(token), json={
        "title": {"en": "No notice"}, "starts_at": "2027-03-12T17:00:00",
        "ends_at": "2027-03-12T18:00:00"}).get_json()["slug"]
    response = client.post(f"/api/v1/events/{slug}/publish", headers=bearer(token))
    assert response.status_code == 409
    assert response.get_json()["error"] == "privacy_notice_missing"


def test_another_organisations_event_is_unreachable_through_the_api(
    client, db_session, make_organiser, make_event, make_registration
):
    event = make_event()
    make_registration(event)
    stranger = make_organiser(organisation="Another NGO")
    with unit_of_work(db_session):
        _, stranger_token = create_api_token(db_session, stranger, "stranger")
    headers = bearer(stranger_token)
    assert client.get(f"/api/v1/events/{event.slug}/registrations",
                      headers=headers).status_code == 404
    assert client.patch(f"/api/v1/events/{event.slug}", headers=headers,
                        json={"venue": "Hijacked"}).status_code == 404
    assert client.post(f"/api/v1/events/{event.slug}/activities", headers=headers,
                       json={"title": {"en": "Hijack"}}).status_code == 404
    assert client.get(f"/api/v1/events/{event.slug}").get_json()["venue"] != "Hijacked"


def test_openapi_document_is_3_1_and_documents_every_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    documented = {f"/api/v1{path}" for path in document["paths"]}
    routes = {rule.rule.replace("<slug>", "{slug}").replace("<int:activity_id>", "{activity_id}")
              .replace("<int:registration_id>", "{registration_id}")
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")}
    assert routes - {"/api/v1/openapi.json"} == documented


def test_every_request_example_in_the_document_gets_a_2xx(client, db_session, organiser, token,
                                                          make_registration):
    from eventreg.demo import load_demo_data

    with unit_of_work(db_session):
        load_demo_data(db_session, password_hash_method=TEST_HASH)
    # The examples act on the demo event, so the token must be its organisation's.
    from eventreg.accounts.service import find_organiser
    from eventreg.demo import DEMO_EMAIL

    with unit_of_work(db_session):
        _, demo_token = create_api_token(db_session, find_organiser(db_session, DEMO_EMAIL), "ex")
    demo_event = get_published_event(db_session, "world-refugee-day")
    with unit_of_work(db_session):
        _, door_token = create_door_access(db_session, demo_event, "Main gate")
        # Pick-ups are asked at a children's workshop's own door, of one of its attendees.
        workshop = demo_event.activities[0]
        workshop.asks_pickup_codes = True
        _, workshop_token = create_door_access(db_session, demo_event, "Workshop",
                                               activity_ids=[workshop.id])
    child_id = make_registration(demo_event, [AttendeeRequest(
        name="Mykola", age_group="child", activity_ids=[workshop.id],
        sex="prefer_not_to_say" if demo_event.asks_sex else None)],
        walk_in=True).attendees[0].id
    tokens = {"organiserToken": demo_token, "doorToken": door_token}
    document = openapi_document()
    first_activity = client.get("/api/v1/events/world-refugee-day").get_json()["activities"][0]
    from eventreg.registrations.models import Registration

    demo_party = db_session.scalars(select(Registration)).first()  # all are the demo's
    tried = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters" or "requestBody" not in operation:
                continue
            example = copy.deepcopy(
                operation["requestBody"]["content"]["application/json"]["example"])
            url = "/api/v1" + path.replace("{slug}", "world-refugee-day").replace(
                "{activity_id}", str(first_activity["id"])).replace(
                "{registration_id}", str(demo_party.id))
            [scheme] = operation.get("security", [{"organiserToken": []}])[0]
            scheme_token = tokens[scheme]
            if path == "/door/pickups":
                example["attendee_id"], scheme_token = child_id, workshop_token
            response = client.open(url, method=method.upper(), json=example,
                                   headers=bearer(scheme_token))
            assert 200 <= response.status_code < 300, (method, path, response.get_json())
            tried += 1
    assert tried == 11


def test_reusing_someones_client_id_does_not_reveal_their_ticket_link(client, make_event):
    event = make_event()
    url = f"/api/v1/events/{event.slug}/registrations"
    body = {"consent": True, "client_id": "9f1c2b7e4d3a4c55",
            "contact": {"phone": "+359 88 123 4567"},
            "attendees": [{"name": "Olena", "age_group": "adult"}]}
    first = client.post(url, json=body).get_json()
    assert client.post(url, json=body).get_json()["ticket_page_url"] == first["ticket_page_url"]
    body["attendees"][0]["name"] = "Eve"
    response = client.post(url, json=body)
    assert response.status_code == 409
    assert response.get_json()["error"] == "client_id_reused"
    assert first["ticket_page_url"] not in response.get_data(as_text=True)


def test_a_start_time_the_clocks_skip_is_a_field_error(client, token):
    response = client.post("/api/v1/events", headers=bearer(token), json={
        "title": {"en": "Night walk"}, "starts_at": "2027-03-28T03:30:00",
        "ends_at": "2027-03-28T05:00:00"})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"starts_at"}


def test_listing_events_takes_the_same_number_of_queries_for_more_events(app, client,
                                                                         make_event):
    from sqlalchemy import event as sqlalchemy_event

    from eventreg.extensions import db

    def queries_for_listing():
        statements = []

        def count(*args):
            statements.append(args)

        sqlalchemy_event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get("/api/v1/events").status_code == 200
        finally:
            sqlalchemy_event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    activity = [{"title": {"en": "Workshop"}}]
    for _ in range(2):
        make_event(activities=activity)
    few = queries_for_listing()
    for _ in range(4):
        make_event(activities=activity)
    assert queries_for_listing() == few


def test_api_errors_speak_the_callers_language(client, make_event):
    event = make_event()
    response = client.post(f"/api/v1/events/{event.slug}/registrations",
                           headers={"Accept-Language": "uk"},
                           json={"consent": False, "attendees": [{"name": "Olena",
                                                                  "age_group": "adult"}]})
    body = response.get_json()
    assert body["error"] == "validation_failed"  # the reason stays the same in every language
    assert body["fields"]["consent"] != "Please agree to the privacy notice to register."
    assert body["fields"]["consent"]


def test_anyone_sees_an_event_as_its_public_page_shows_it(client, db_session, organiser,
                                                          make_organiser, make_event):
    from eventreg.events.service import create_programme

    with unit_of_work(db_session):
        programme = create_programme(db_session, organiser, "Roma inclusion",
                                     "Norwegian Financial Mechanism")
    event = make_event(capacity=40, programme_id=programme.id,
                       activities=[{"title": {"en": "Doll-making"}, "capacity": 20}])
    with unit_of_work(db_session):
        _, stranger_token = create_api_token(db_session, make_organiser(organisation="Other NGO"),
                                             "stranger")
    for headers in ({}, bearer("erg_wrong"), bearer(stranger_token)):
        shown = client.get(f"/api/v1/events/{event.slug}", headers=headers).get_json()
        assert "Norwegian Financial Mechanism" not in json.dumps(shown)
        assert not {"programme", "capacity", "registration_opens_at",
                    "registration_closes_at"} & set(shown)
        assert shown["places_left"] == 40 and "capacity" not in shown["activities"][0]
    listed = client.get("/api/v1/events").get_json()["events"][0]
    assert "programme" not in listed and "capacity" not in listed


def test_the_events_own_organisers_see_its_programme_and_funder(client, db_session, organiser,
                                                                token, make_event):
    from eventreg.events.service import create_programme

    with unit_of_work(db_session):
        programme = create_programme(db_session, organiser, "Roma inclusion",
                                     "Norwegian Financial Mechanism")
    event = make_event(capacity=40, programme_id=programme.id)
    shown = client.get(f"/api/v1/events/{event.slug}", headers=bearer(token)).get_json()
    assert shown["programme"] == {"id": programme.id, "name": "Roma inclusion",
                                  "funder": "Norwegian Financial Mechanism"}
    assert shown["capacity"] == 40


@pytest.mark.parametrize("field,value", [
    ("venue", "V" * 201),
    ("venue", {"bg": "V" * 201}),
    ("address", "A" * 301),
    ("title", {"en": "T" * 201}),
    ("description", {"bg": "D" * 5001}),
    ("privacy_notice", {"uk": "P" * 5001}),
])
def test_the_api_refuses_texts_over_the_services_limits(client, token, make_event, field,
                                                        value):
    from eventreg.events.service import EVENT_TEXT_LIMITS

    event = make_event()
    response = client.patch(f"/api/v1/events/{event.slug}", headers=bearer(token),
                            json={field: value})
    assert response.status_code == 422
    [path] = response.get_json()["fields"]
    assert path.split(".")[0] == field
    declared = openapi_document()["components"]["schemas"]["EventUpdate"]["properties"][field]
    for schema in declared.get("oneOf", [declared]):  # a venue: per language, or one string
        limit = schema.get("maxLength") or schema["additionalProperties"]["maxLength"]
        assert limit == EVENT_TEXT_LIMITS[field]


def test_an_undeclared_method_is_answered_405_with_the_methods_allowed(client):
    response = client.delete("/api/v1/events")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["error"] == "method_not_allowed"


def test_a_body_not_sent_as_json_is_answered_415(client, token):
    response = client.post("/api/v1/events", headers=bearer(token), data="title=Info",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def test_an_id_no_row_can_have_is_not_found(client, token, make_event):
    event = make_event()
    response = client.patch(f"/api/v1/events/{event.slug}/activities/2147483648",
                            headers=bearer(token), json={"place": "Tent 2"})
    assert response.status_code == 404


def test_a_search_longer_than_the_document_allows_is_refused(client, token, make_event):
    event = make_event()
    url = f"/api/v1/events/{event.slug}/registrations"
    assert client.get(url, headers=bearer(token), query_string={"q": "x" * 200}).status_code == 200
    response = client.get(url, headers=bearer(token), query_string={"q": "x" * 201})
    assert response.status_code == 422
    assert set(response.get_json()["fields"]) == {"q"}


def test_venues_and_places_are_texts_per_language_and_a_plain_string_is_every_language(
    client, token
):
    created = client.post("/api/v1/events", headers=bearer(token), json={
        "title": {"en": "Info session", "uk": "Інформаційна зустріч"},
        "venue": "G8", "starts_at": "2027-03-12T17:00:00", "ends_at": "2027-03-12T18:30:00",
    }).get_json()
    assert created["venue"] == {"en": "G8", "uk": "G8"}
    slug = created["slug"]
    patched = client.patch(f"/api/v1/events/{slug}", headers=bearer(token), json={
        "venue": {"en": "Community centre", "uk": "Громадський центр"}}).get_json()
    assert patched["venue"] == {"en": "Community centre", "uk": "Громадський центр"}
    activity = client.post(f"/api/v1/events/{slug}/activities", headers=bearer(token), json={
        "title": {"en": "Q&A"}, "place": {"en": "Hall", "uk": "Зала", "bg": ""}}).get_json()
    assert activity["place"] == {"en": "Hall", "uk": "Зала"}
    plain = client.patch(f"/api/v1/events/{slug}/activities/{activity['id']}",
                         headers=bearer(token), json={"place": "Tent 2"}).get_json()
    assert plain["place"] == {"en": "Tent 2", "uk": "Tent 2"}
