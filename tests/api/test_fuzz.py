"""Fuzz the API from its own OpenAPI document: no request, however odd, gets a 500."""

import schemathesis
from hypothesis import HealthCheck, given, settings

from eventreg.accounts.service import create_api_token
from eventreg.checkin.doors import create_door_access


def test_no_generated_request_gets_a_server_error(app, db_session, organiser, make_event,
                                                  make_registration):
    make_event(slug="world-refugee-day", capacity=5,
               activities=[{"title": {"en": "Doll-making"}, "capacity": 2}])
    _, token = create_api_token(db_session, organiser, "fuzz")
    event = make_event(slug="summer-fair", capacity=50)
    make_registration(event, ["Olena Kovalenko", "Mykola Kovalenko"])
    _, door_token = create_door_access(db_session, event, "Main gate")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        is_door = operation.definition.raw.get("security") == [{"doorToken": []}]
        headers = {"Authorization": f"Bearer {door_token if is_door else token}"}

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            response = case.call(headers=headers)  # noqa: B023  (called in this iteration)
            assert response.status_code < 500, (case.method, case.path, case.body, case.path_parameters)
            if response.status_code >= 400:
                assert set(response.json()) == {"error", "message", "fields"}

        no_server_error()
        checked += 1
    assert checked == 17
