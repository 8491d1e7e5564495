"""Whatever a browser (or a bot) posts to the registration form, the answer is never a 500."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

FIELD_NAMES = st.sampled_from([
    "party_size", "client_id", "consent", "email", "phone", "contact_name", "action",
    "attendees.0.name", "attendees.0.age_group", "attendees.0.birth_year",
    "attendees.0.activities", "attendees.1.name", "attendees.1.activities",
    "answers.1", "answers.999", "attendees.0.answers.2",
])
VALUES = st.one_of(st.text(max_size=40), st.integers().map(str),
                   st.sampled_from(["yes", "adult", "child", "register", "add_person",
                                    "remove_person", "1", "01", "-1", "99999999999999999999"]))


def test_no_form_post_gets_a_server_error(client, make_event):
    event = make_event(capacity=3, activities=[{"title": {"en": "Doll-making"}, "capacity": 1}],
                       questions=[{"label": {"en": "Transport?"}, "kind": "yes_no"}])
    url = f"/e/{event.slug}/register"

    @given(st.lists(st.tuples(FIELD_NAMES, VALUES), max_size=12))
    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def post(fields):
        response = client.post(url, data=MultiDict(fields))
        assert response.status_code < 500, fields

    post()
