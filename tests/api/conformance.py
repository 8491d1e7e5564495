"""Run schemathesis over the whole API with all its checks, against seeded data.

Shared by the suite (tests/api/test_conformance.py: a small fixed-seed run on each
database) and bench/api_conformance.py (a person's run: more examples, any seed).

`seed_data` makes more than one of everything: two organisations, events in every status
(one happening today, one over), parties with activities and a cancelled ticket, doors
(the entrance, an activity's door that records exits, a switched-off one, an expired one)
and a programme with its funder. `run_conformance` serves the app on a free 127.0.0.1 port
from 19000-19999 and runs schemathesis' engine on it - the one `st run` uses - with a fixed
seed: every phase (examples, coverage, fuzzing, stateful), positive and negative data,
every check. Each operation is called with the token its `security` names: the organiser's
API token, the door token of the entrance of today's event, or none. Path parameters and ids
in bodies are drawn from the seeded rows most of the time, so requests reach past "not found".

Checks, and why each applies or not:

- not_a_server_error, status_code_conformance, content_type_conformance,
  response_headers_conformance, response_schema_conformance, negative_data_rejection:
  as schemathesis has them.
- positive_data_acceptance: as schemathesis has it, except that a 422 is judged by
  `rules_beyond_schema_only` instead: a schema-valid request may be refused with 422 only
  for the fields the operation's 422 answer lists under `x-rules-beyond-schema` (rules JSON
  Schema cannot state: the event's age mode, the calendar, an activity of this door...).
  Any other field refused, or a 422 naming no field, fails.
- missing_required_header, unsupported_method, allow_header_conformance, ignored_auth:
  as schemathesis has them (the API's only required header is Authorization).
- ensure_resource_availability (stateful phase): what a POST made is found by the
  operations that read it, e.g. a new draft by GET /events/{slug} with its organiser's token.
- use_after_free: the API deletes nothing, so it finds no pair of calls to judge; it runs
  all the same, for the day something is deleted.
- object_level_authorization: off. It needs several users as Web Fuzzing Commons peers
  instead of the per-scheme tokens; tried with both organisations' tokens as peers, it ran
  on every call yet missed a leak planted on purpose (another organisation's registrations
  and downloads readable), so it would only give false comfort here. The rule is tested
  directly: another organisation's token reaches none of an event's operations
  (tests/api/test_api.py::test_another_organisations_event_is_unreachable_through_the_api).
- max_response_time: off; the machine is shared, a time limit would measure the neighbours.
"""

import contextlib
import errno
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta

import schemathesis
from schemathesis.engine import events
from schemathesis.engine import from_schema as engine_for
from werkzeug.serving import make_server

from eventreg.accounts import service as accounts
from eventreg.checkin import scanning as checkin
from eventreg.checkin.doors import create_door_access, revoke_door_access
from eventreg.database import unit_of_work, utcnow
from eventreg.events import service as events_service
from eventreg.registrations import service as registrations
from eventreg.tickets.service import ticket_tokens
from tests.conftest import TEST_HASH
from tests.doors import app_door

PORTS = range(19000, 20000)
PRIVACY = {"en": "We keep your names to run the event, and no longer than we say below.",
           "uk": "Ми зберігаємо ваші імена для події і не довше, ніж написано нижче."}
#: The checks run; see the module's docstring for those left out.
CHECKS = ("not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_headers_conformance", "response_schema_conformance",
          "positive_data_acceptance", "negative_data_rejection", "missing_required_header",
          "unsupported_method", "allow_header_conformance", "ignored_auth", "use_after_free",
          "ensure_resource_availability", "rules_beyond_schema_only")
#: The statuses positive_data_acceptance takes for schema-valid data: its own, less 422,
#: which `rules_beyond_schema_only` judges.
ACCEPTED_FOR_VALID_DATA = ("2XX", "401", "404", "409", "422", "429", "503")


@dataclass
class SeededData:
    """What `seed_data` made, for the requests to aim at."""

    organiser_token: str
    door_token: str
    slugs: list[str]
    activity_ids: list[int]
    attendee_ids: list[int]
    #: Both organisations' registrations: the token's own, and another's it must not see.
    registration_ids: list[int]
    qr_codes: list[str]
    programme_ids: list[int]
    times: list[str] = field(default_factory=list)


def seed_data(session) -> SeededData:
    """Two organisations with events in every status, parties (some with optional
    consents), activities and doors, committed in one unit of work."""
    with unit_of_work(session):
        return _seed(session)


def _seed(session) -> SeededData:
    now = utcnow()
    ours = accounts.get_or_create_organisation(session, "Country office")
    admin = accounts.create_organiser(session, ours, email="admin@example.org", name="Admin",
                                      password="correct horse battery", role="admin", password_hash_method=TEST_HASH)
    accounts.create_organiser(session, ours, email="editor@example.org", name="Editor",
                              password="correct horse battery", role="organiser", password_hash_method=TEST_HASH)
    theirs = accounts.get_or_create_organisation(session, "Another NGO")
    stranger = accounts.create_organiser(session, theirs, email="other@example.org",
                                         name="Other", password="correct horse battery",
                                         role="admin", password_hash_method=TEST_HASH)
    programme = events_service.create_programme(session, admin, "Refugee inclusion",
                                                "Norwegian Financial Mechanism")
    their_programme = events_service.create_programme(session, stranger, "Their project",
                                                      "Another funder")

    def event(by, slug, *, starts_in, status="published", activities=(), questions=(),
              **details):
        starts_at = now + starts_in
        made = events_service.create_event(session, by, events_service.EventDetails(**{
            "title": {"en": slug.replace("-", " ").title(), "uk": "Подія"},
            "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=8),
            "privacy_notice": PRIVACY, "venue": "Borisova Gradina", "slug": slug,
            **details}))
        for activity in activities:
            events_service.add_activity(session, by, made,
                                        events_service.ActivityDetails(**activity))
        for question in questions:
            events_service.add_question(session, by, made,
                                        events_service.QuestionDetails(**question))
        if status != "draft":
            events_service.publish_event(session, by, made)
        if status in ("closed", "cancelled"):
            events_service.change_event_status(session, by, made, status)
        return made

    today = event(admin, "world-refugee-day", starts_in=timedelta(hours=-1), capacity=300,
                  asks_sex=True, programme_id=programme.id,
                  optional_consents=["photos", "partner_sharing"],
                  consent_partner="Caritas Sofia",
                  activities=[{"title": {"en": "Doll-making"}, "capacity": 40},
                              {"title": {"en": "Face painting"}, "capacity": 2,
                               "place": "Tent 2"}],
                  questions=[{"label": {"en": "Do you need a ramp?"}, "kind": "yes_no"}])
    info = event(admin, "info-session", starts_in=timedelta(days=20), capacity=3,
                 age_mode="birth_year",
                 questions=[{"label": {"en": "Where did you hear of it?"},
                             "kind": "single_choice", "required": True,
                             "option_labels": [{"en": "Radio"}, {"en": "Friends"}]}])
    event(admin, "planning-draft", starts_in=timedelta(days=60), status="draft",
          privacy_notice={})
    event(admin, "closed-fair", starts_in=timedelta(days=5), status="closed")
    event(admin, "cancelled-walk", starts_in=timedelta(days=9), status="cancelled")
    past = event(admin, "last-years-day", starts_in=timedelta(days=-400))
    theirs_event = event(stranger, "their-summer-fair", starts_in=timedelta(days=3),
                         programme_id=their_programme.id,
                         activities=[{"title": {"en": "Their workshop"}}])

    def party(on, *names, activities=(), consents=(), **values):
        people = [registrations.AttendeeRequest(
            name=name, age_group="adult" if on.age_mode == "age_group" else None,
            birth_year=1990 if on.age_mode == "birth_year" else None,
            sex="female" if on.asks_sex else None,
            activity_ids=[a.id for a in activities],
            consents=list(consents) if index == 0 else []) for index, name in enumerate(names)]
        return registrations.register(session, on, registrations.RegistrationRequest(
            attendees=people, consent=True, **values), walk_in=True,
            phone_region="BG").registration

    doll_making, face_painting = today.activities
    families = [
        party(today, "Olena Kovalenko", "Mykola Kovalenko", activities=[doll_making],
              consents=["photos", "partner_sharing"],
              email="olena@example.org", phone="+359 88 123 4567",
              answers={today.questions[0].id: True}),
        party(today, "Ivana Petrova", activities=[face_painting], consents=["photos"]),
        party(today, "Ahmad Karimi", "Leyla Karimi", "Sara Karimi"),
        party(info, "Maria Ivanova", answers={info.questions[0].id: "o1"}),
        party(theirs_event, "Somebody Else"),
    ]
    registrations.cancel_attendees(session, families[2], [families[2].attendees[2].id])
    gate, door_token = create_door_access(session, today, "Main gate")
    create_door_access(session, today, "Doll-making tent", activity_ids=[doll_making.id],
                       records_exits=True)
    switched_off, _ = create_door_access(session, today, "Back gate")
    revoke_door_access(session, switched_off)
    create_door_access(session, past, "Old gate", created_at=past.starts_at)
    create_door_access(session, theirs_event, "Their gate")
    checkin.check_in(session, app_door(gate), checkin.CheckinRequest(
        client_id="seed-1", attendee_id=families[0].attendees[0].id))
    _, organiser_token = accounts.create_api_token(session, admin, "conformance")
    attendees = [attendee for family in families for attendee in family.attendees]
    qr_codes = list(ticket_tokens(session, attendees).values())
    session.commit()
    return SeededData(
        organiser_token=organiser_token,
        door_token=door_token,
        slugs=["world-refugee-day", "info-session", "planning-draft", "closed-fair",
               "cancelled-walk", "last-years-day", "their-summer-fair", "no-such-event"],
        activity_ids=[doll_making.id, face_painting.id, theirs_event.activities[0].id],
        attendee_ids=[attendee.id for attendee in attendees],
        registration_ids=[family.id for family in families],
        qr_codes=qr_codes + [qr_codes[0][:-4] + "AAAA"],
        programme_ids=[programme.id, their_programme.id],
        times=[(now + timedelta(days=days)).isoformat(timespec="seconds")
               for days in (-1, 0, 30, 31)] + ["2027-06-20T10:00:00", "2027-06-20T18:00:00"],
    )


@dataclass(frozen=True)
class Finding:
    """One failed check: which operation, which check, the request that made it fail."""

    operation: str
    check: str
    title: str
    message: str
    status: int | None
    request: str

    def __str__(self) -> str:
        return (f"{self.operation} | {self.check} | {self.title} | status {self.status}\n"
                f"    {self.message.strip().replace(chr(10), chr(10) + '    ')}\n"
                f"    {self.request}")


@dataclass
class Report:
    findings: list[Finding]
    #: Responses seen, by operation and status.
    statuses: Counter
    #: Checks made, by name.
    checks: Counter
    errors: list[str]
    seconds: float

    @property
    def calls(self) -> int:
        return sum(self.statuses.values())

    def summary(self) -> str:
        operations = {operation for operation, _ in self.statuses}
        by_check = Counter(finding.check for finding in self.findings)
        lines = [f"{self.calls} calls to {len(operations)} operations in {self.seconds:.0f} s; "
                 f"{len(self.findings)} failures, {len(self.errors)} errors"]
        lines += [f"  {check}: {count}" for check, count in by_check.most_common()]
        return "\n".join(lines)


@schemathesis.check
def rules_beyond_schema_only(ctx, response, case):
    """A schema-valid request refused with 422 names only fields of documented rules."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    if case.method.upper() != case.operation.method.upper():
        return None  # a probe with another method, judged by unsupported_method
    answer = case.operation.definition.raw.get("responses", {}).get("422", {})
    rules = answer.get("x-rules-beyond-schema", {})
    fields = (response.json() or {}).get("fields") or {}
    unexplained = [path for path in fields if not any(_matches(path, rule) for rule in rules)]
    if not fields or unexplained:
        raise AssertionError(
            "A 422 for valid data must name only fields of the rules beyond the schema "
            f"({', '.join(rules) or 'none documented'}); it named "
            f"{', '.join(unexplained) or 'no field'}: {fields}")
    return None


def _matches(path: str, rule: str) -> bool:
    """Whether a field path (`attendees.0.sex`) is the rule's (`attendees.*.sex`)."""
    parts, pattern = path.split("."), rule.split(".")
    return len(parts) == len(pattern) and all(
        want in ("*", part) for part, want in zip(parts, pattern, strict=True))


def schemathesis_config(seeded: SeededData, *, examples: int, seed: int,
                        phases: tuple[str, ...] = ("examples", "coverage", "fuzzing",
                                                   "stateful")) -> schemathesis.Config:
    """The run's configuration: tokens, checks, seeded values, seed and examples."""
    def binding(dictionary: str, probability: float = 0.8) -> dict:
        return {"dictionary": dictionary, "probability": probability}

    return schemathesis.Config.from_dict({
        "seed": seed,
        # Nothing carried over from an earlier run, so a seed gives the same run each time.
        "cache": {"enabled": False},
        "workers": 1,
        "suppress-health-check": ["all"],
        "generation": {"max-examples": examples, "database": "none",
                       "mode": "all"},
        "phases": {name: {"enabled": name in phases}
                   for name in ("examples", "coverage", "fuzzing", "stateful")},
        "checks": {
            "enabled": False,
            **{name: {"enabled": True} for name in CHECKS},
            "positive_data_acceptance": {"enabled": True,
                                         "expected-statuses": list(ACCEPTED_FOR_VALID_DATA)},
        },
        "auth": {"openapi": {"organiserToken": {"bearer": seeded.organiser_token},
                             "doorToken": {"bearer": seeded.door_token}}},
        "dictionaries": {
            "slugs": {"values": seeded.slugs},
            "activities": {"values": seeded.activity_ids},
            "attendees": {"values": seeded.attendee_ids},
            "registrations": {"values": seeded.registration_ids},
            "tickets": {"values": seeded.qr_codes},
            "programmes": {"values": seeded.programme_ids},
            "times": {"values": seeded.times},
            "zones": {"values": ["Europe/Sofia", "Europe/Kyiv", "UTC"]},
        },
        "parameters": {
            "path.slug": binding("slugs", 0.9),
            "path.activity_id": binding("activities", 0.9),
            "path.registration_id": binding("registrations", 0.9),
            "body.programme_id": binding("programmes"),
            "body.timezone": binding("zones"),
            "body.starts_at": binding("times"),
            "body.ends_at": binding("times"),
            "body.attendees[*].activities[*]": binding("activities"),
            "body.attendee_id": binding("attendees"),
            "body.qr": binding("tickets"),
            "body.activity": binding("activities", 0.3),
            "body.checkins[*].attendee_id": binding("attendees"),
            "body.checkins[*].qr": binding("tickets"),
            "body.checkins[*].activity": binding("activities", 0.3),
        },
    })


@contextlib.contextmanager
def served(app):
    """Serve `app` on a free 127.0.0.1 port in 19000-19999 from a thread; yield its URL."""
    listening = _listen_on_a_free_port()
    port = listening.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=False, fd=listening.fileno())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        listening.close()
        thread.join()


def _listen_on_a_free_port() -> socket.socket:
    for port in PORTS:
        listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            listening.bind(("127.0.0.1", port))
        except OSError as error:
            listening.close()
            if error.errno != errno.EADDRINUSE:
                raise
            continue
        listening.listen(64)
        return listening
    raise RuntimeError("no free port in 19000-19999")


def run_conformance(app, seeded: SeededData, *, examples: int, seed: int,
                    phases: tuple[str, ...] = ("examples", "coverage", "fuzzing", "stateful"),
                    ) -> Report:
    """Run every operation with every check; return what failed."""
    started = time.monotonic()
    findings: dict[tuple, Finding] = {}
    statuses: Counter = Counter()
    checks: Counter = Counter()
    errors: list[str] = []
    config = schemathesis_config(seeded, examples=examples, seed=seed, phases=phases)
    with served(app) as base_url:
        schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/openapi.json", config=config)
        for event in engine_for(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _collect(event.recorder, findings, statuses, checks)
            elif isinstance(event, events.NonFatalError):
                errors.append(f"{event.label}: {event.info}")
            elif isinstance(event, events.FatalError):
                errors.append(f"fatal: {event.exception!r}")
    return Report(sorted(findings.values(), key=lambda f: (f.operation, f.check, f.title)),
                  statuses, checks, errors, time.monotonic() - started)


def _collect(recorder, findings: dict, statuses: Counter, checks_made: Counter) -> None:
    for interaction in recorder.interactions.values():
        if interaction.response is not None:
            statuses[(recorder.label, interaction.response.status_code)] += 1
    for case_id, checks in recorder.checks.items():
        for check in checks:
            checks_made[check.name] += 1
            if check.failure_info is None:
                continue
            failure = check.failure_info.failure
            interaction = recorder.interactions.get(case_id)
            request = "?"
            status = None
            if interaction is not None:
                body = (interaction.request.body or b"")[:300].decode("utf-8", "replace")
                request = f"{interaction.request.method} {interaction.request.uri} {body}"
                status = interaction.response.status_code if interaction.response else None
            key = (recorder.label, check.name, failure.title, getattr(failure, "message", ""))
            findings.setdefault(key, Finding(recorder.label, check.name, failure.title,
                                             getattr(failure, "message", ""), status, request))
