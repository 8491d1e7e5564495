"""The API answers as its OpenAPI document says: schemathesis with every check, fixed seed.

The harness, and which checks run and why, is in tests/api/conformance.py;
bench/api_conformance.py runs it with more examples and other seeds.
"""

from eventreg.openapi import openapi_document
from tests.api.conformance import run_conformance, seed_data

#: Fixed, so that a run is repeatable; bench/api_conformance.py tries others.
SEED = 20260620
#: Examples per operation and phase: enough to reach every operation's answers, few enough
#: to stay under a minute per database (about 45 s on SQLite and on PostgreSQL here).
EXAMPLES = 30


def test_every_operation_answers_as_the_document_says(app, db_session):
    seeded = seed_data(db_session)
    report = run_conformance(app, seeded, examples=EXAMPLES, seed=SEED)
    problems = [str(finding) for finding in report.findings] + report.errors
    assert not problems, report.summary() + "\n" + "\n".join(problems)
    # Not a vacuous pass: every operation was called, with its token, and did its work.
    succeeded = {operation for (operation, status), _ in report.statuses.items()
                 if 200 <= status < 300}
    documented = {f"{method.upper()} {path}"
                  for path, item in openapi_document()["paths"].items()
                  for method in item if method != "parameters"}
    assert documented - succeeded == set()
