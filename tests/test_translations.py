"""Every message in the code and templates has a real Bulgarian and Ukrainian translation;
every message participants, their messages and the door scanner use has a real Arabic and
Persian one.

Which messages are participant-facing is decided by where they come from: every source file
that holds messages is either a participant source or an organiser source below, and a file
in neither list fails the test, so a new participant string cannot slip through untranslated.
A message used by both (e.g. "Email") counts as participant-facing.
"""

import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment, FileSystemLoader, meta

ROOT = Path(__file__).resolve().parent.parent

#: Templates and modules whose messages participants, their messages or the door scanner show.
PARTICIPANT_SOURCES = (
    "templates/base.html", "templates/errors.html", "templates/macros.html",
    "templates/events/detail.html", "templates/events/index.html",
    "templates/registrations/form.html", "templates/waitlist/page.html",
    "templates/tickets/*", "templates/mail/*", "templates/checkin/scanner.html",
    "templates/privacy/erase_own.html", "templates/privacy/erased.html",
    "templates/privacy/access_document.html",  # printed or sent to the party, in its language
    "templates/registrations/recovery.html", "eventreg/registrations/recovery.py",
    "eventreg/consents/service.py",
    "eventreg/registrations/notifications.py", "eventreg/waitlist/notifications.py",
    "eventreg/registrations/views.py", "eventreg/registrations/ticket_page.py",
    "eventreg/registrations/service.py", "eventreg/registrations/limits.py",
    "eventreg/registrations/receivers.py", "eventreg/waitlist/views.py",
    "eventreg/waitlist/service.py", "eventreg/waitlist/receivers.py", "eventreg/events/service.py", "eventreg/events/retention.py",
    "eventreg/checkin/views.py", "eventreg/checkin/scanning.py", "eventreg/checkin/walk_ins.py",
    "eventreg/checkin/api.py", "eventreg/checkin/doors.py", "eventreg/checkin/pickup.py",
    "eventreg/privacy/erasure.py", "eventreg/checkin/reasons.py",
    "eventreg/site.py", "eventreg/web.py", "eventreg/outages.py",
)
#: Sources only organisers see (offered in en, bg and uk only: eventreg/i18n.py).
ORGANISER_SOURCES = (
    "templates/*/manage_*.html", "templates/*/manage.html", "templates/accounts/*", "templates/audit/*",
    "templates/reports/*", "templates/exports/*", "templates/checkin/dashboard*.html",
    "templates/checkin/enter_sign_in_sheet.html", "templates/privacy/access.html",
    "templates/privacy/erase.html", "templates/privacy/settings.html", "templates/confirm.html",
    "eventreg/accounts/*", "eventreg/api/*", "eventreg/audit/*", "eventreg/reports/*",
    "eventreg/exports/*", "eventreg/events/forms.py", "eventreg/events/manage.py",
    "eventreg/registrations/manage.py", "eventreg/registrations/bursts.py",
    "eventreg/checkin/manage.py", "eventreg/checkin/forms.py", "eventreg/checkin/receivers.py",
    "eventreg/checkin/sign_in_sheets.py", "eventreg/checkin/history.py",
    "eventreg/checkin/everyone_out.py", "templates/checkin/scans.html",
    "templates/checkin/everyone_out.html", "eventreg/privacy/forms.py",
    "eventreg/privacy/manage.py", "eventreg/privacy/organisation.py",
    "eventreg/privacy/retention.py", "eventreg/i18n.py", "eventreg/messages/models.py",
)
#: Templates participant views render, with everything they extend, include or import.
PARTICIPANT_PAGES = ("events/detail.html", "events/index.html", "registrations/form.html",
                     "waitlist/page.html", "tickets/page.html", "checkin/scanner.html",
                     "privacy/erase_own.html", "privacy/erased.html", "errors.html",
                     "registrations/recovery.html")


def _matches(path: str, patterns) -> bool:
    return any(fnmatch(path, pattern) for pattern in patterns)


@pytest.fixture(scope="module")
def messages_in_source(tmp_path_factory):
    """Each message id in the code and templates, with the files it comes from."""
    template = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as source:
        return {message.id: {path for path, _ in message.locations}
                for message in read_po(source) if message.id}


def _untranslated(language: str, message_ids) -> list[str]:
    path = ROOT / "eventreg" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = {m.id: m for m in read_po(source) if m.id}
    return sorted(str(message_id) for message_id in message_ids
                  if message_id not in catalogue or not _translated(catalogue[message_id]))


@pytest.mark.parametrize("language", ["bg", "uk"])
def test_every_message_is_translated(messages_in_source, language):
    assert _untranslated(language, messages_in_source) == [], \
        "run `make extract-messages` and translate these"


@pytest.mark.parametrize("language", ["ar", "fa"])
def test_every_participant_message_is_translated(messages_in_source, language):
    participant = [message_id for message_id, paths in messages_in_source.items()
                   if any(_matches(path, PARTICIPANT_SOURCES) for path in paths)]
    assert len(participant) > 250  # the lists above still name the real files
    assert _untranslated(language, participant) == [], \
        "run `make extract-messages` and translate these"


def test_every_source_of_messages_is_participant_or_organiser(messages_in_source):
    sources = {path for paths in messages_in_source.values() for path in paths}
    unclassified = sorted(path for path in sources
                          if not _matches(path, PARTICIPANT_SOURCES + ORGANISER_SOURCES))
    assert unclassified == [], "add these to PARTICIPANT_SOURCES or ORGANISER_SOURCES"
    both = sorted(path for path in sources
                  if _matches(path, PARTICIPANT_SOURCES) and _matches(path, ORGANISER_SOURCES))
    assert both == []


def test_participant_pages_use_only_participant_templates():
    environment = Environment(loader=FileSystemLoader(ROOT / "templates"),
                              extensions=["jinja2.ext.i18n"])
    seen, waiting = set(), list(PARTICIPANT_PAGES)
    while waiting:
        name = waiting.pop()
        if name in seen:
            continue
        seen.add(name)
        source = environment.loader.get_source(environment, name)[0]
        waiting += [found for found in meta.find_referenced_templates(environment.parse(source))
                    if found]
    outside = sorted(name for name in seen
                     if not _matches(f"templates/{name}", PARTICIPANT_SOURCES))
    assert outside == []


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)


@pytest.mark.parametrize("language", ["bg", "uk", "ar", "fa"])
def test_every_catalogue_compiles_without_placeholder_errors(language):
    """`make translations` refuses a translation whose placeholders are not the message's:
    a fuzzy guess left by `pybabel update` is enough to fail a fresh install."""
    path = ROOT / "eventreg" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = read_po(source)
    problems = [f"{message.id!r}: {error}" for message, errors in catalogue.check()
                for error in errors]
    assert problems == []
