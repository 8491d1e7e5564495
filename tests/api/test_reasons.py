"""Every reason code the code can answer is in the API document, once, with its meaning.

The code is read, not run: `reason="..."` of every exception raised, the `default_reason`
of every error class, the `error=` of every JSON answer made by hand, the reasons of
Werkzeug's errors (eventreg.site.HTTP_ERROR_REASONS), and the check-in statuses (the
statuses of the door's rule, eventreg/checkin/rules.py).
"""

import ast
import re
from pathlib import Path

import eventreg
from eventreg.checkin.rules import ScanStatus
from eventreg.openapi import openapi_document
from eventreg.site import HTTP_ERROR_REASONS

PACKAGE = Path(eventreg.__file__).parent
#: Refusals of a scanned code, answered as a check-in status rather than as an error.
CHECKIN_REFUSALS: set[str] = set()


def _reasons_in_code() -> list[tuple[str, str, str]]:
    """Each (reason, the class or function giving it, file:line) in the package."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = str(path.relative_to(PACKAGE.parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for statement in node.body:
                    if (isinstance(statement, ast.Assign)
                            and any(getattr(t, "id", None) == "default_reason"
                                    for t in statement.targets)
                            and isinstance(statement.value, ast.Constant)):
                        found.append((statement.value.value, node.name,
                                      f"{where}:{statement.lineno}"))
            elif isinstance(node, ast.Call):
                called = _name(node.func)
                for keyword in node.keywords:
                    if not (isinstance(keyword.value, ast.Constant)
                            and isinstance(keyword.value.value, str)):
                        continue
                    # An exception's reason (a class: CapWords), or a JSON error made by hand.
                    if (keyword.arg == "reason" and called[:1].isupper()) or (
                            keyword.arg == "error" and called == "jsonify"):
                        found.append((keyword.value.value, called, f"{where}:{node.lineno}"))
    found += [(reason, "HTTP_ERROR_REASONS", "eventreg/site.py")
              for reason in HTTP_ERROR_REASONS.values()]
    return found


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return getattr(func, "id", "")


def _checkin_statuses_in_code() -> set[str]:
    return {status.value for status in ScanStatus}


def _error_reasons_in_code() -> dict[str, list[str]]:
    reasons: dict[str, list[str]] = {}
    for reason, giver, where in _reasons_in_code():
        if giver not in CHECKIN_REFUSALS:
            reasons.setdefault(reason, []).append(where)
    return reasons


def _documented(schema_name: str, field: str) -> tuple[list[str], str]:
    schema = openapi_document()["components"]["schemas"][schema_name]["properties"][field]
    return schema["enum"], schema["description"]


def test_every_reason_the_code_gives_is_documented():
    documented, _ = _documented("Error", "error")
    missing = {reason: where for reason, where in _error_reasons_in_code().items()
               if reason not in documented}
    assert not missing, f"add to eventreg.errors.REASONS: {missing}"


def test_the_document_lists_no_reason_the_code_never_gives():
    documented, _ = _documented("Error", "error")
    given = set(_error_reasons_in_code())
    assert set(documented) - given == set()


def test_each_reason_is_documented_once_with_its_meaning():
    documented, description = _documented("Error", "error")
    assert len(documented) == len(set(documented))
    for reason in documented:
        assert re.search(f"`{reason}`: [A-Z]", description), reason


def test_every_answer_names_only_documented_reasons():
    documented, _ = _documented("Error", "error")
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            for status, answer in operation["responses"].items():
                if not status.startswith(("4", "5")):
                    continue
                schema = answer["content"]["application/json"]["schema"]
                enum = schema["allOf"][1]["properties"]["error"]["enum"]
                assert set(enum) <= set(documented), (method, path, status)


def test_every_check_in_status_is_documented_with_its_meaning():
    documented, description = _documented("CheckinResult", "status")
    in_code = _checkin_statuses_in_code()
    assert set(documented) == in_code
    refusals = {reason for reason, giver, _ in _reasons_in_code() if giver in CHECKIN_REFUSALS}
    assert refusals <= in_code, "a ticket refusal must be spelled as the door's status"
    for status in documented:
        assert re.search(f"`{status}`: [A-Z]", description), status


def test_no_reason_or_status_is_spelled_two_ways():
    """admin_only and admins_only were one refusal: words are compared without plurals."""
    reasons, _ = _documented("Error", "error")
    statuses, _ = _documented("CheckinResult", "status")
    by_stem: dict[tuple, set[str]] = {}
    for code in {*reasons, *statuses}:
        stem = tuple(word.removesuffix("s") for word in code.split("_"))
        by_stem.setdefault(stem, set()).add(code)
    assert [codes for codes in by_stem.values() if len(codes) > 1] == []
