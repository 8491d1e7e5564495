"""Every message in the code and templates has a real Bulgarian and Ukrainian translation."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def messages_in_source(tmp_path_factory):
    template = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(template), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with template.open("rb") as source:
        return {message.id for message in read_po(source) if message.id}


@pytest.mark.parametrize("language", ["bg", "uk"])
def test_every_message_is_translated(messages_in_source, language):
    path = ROOT / "eventreg" / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as source:
        catalogue = {m.id: m for m in read_po(source) if m.id}
    missing = sorted(str(message_id) for message_id in messages_in_source
                     if message_id not in catalogue or not _translated(catalogue[message_id]))
    assert missing == [], "run `make extract-messages` and translate these"


def _translated(message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not message.fuzzy and all(strings)
