"""The scanner page's contract with phones: what it loads, what it keeps offline, its weight."""

import gzip
import re
from pathlib import Path

from eventreg.checkin.views import SCANNER_ASSETS
from eventreg.database import unit_of_work

STATIC = Path(__file__).resolve().parents[2] / "static"
#: The issue's budget for the scanner's JavaScript and CSS together, gzipped. The ZXing
#: decoder's .wasm (about 400 KB gzipped) is not in it: camera.js fetches it only after the
#: camera started, jsQR decodes meanwhile, and the service worker keeps it for offline use.
BUDGET_BYTES = 150 * 1024


def test_scanner_javascript_and_css_weigh_at_most_150_kb_gzipped():
    code = [path for path in SCANNER_ASSETS if path.endswith((".js", ".css"))]
    weight = sum(len(gzip.compress((STATIC / path).read_bytes(), 9)) for path in code)
    assert 0 < weight <= BUDGET_BYTES, f"{weight} bytes gzipped"


def test_the_vendored_zxing_script_and_wasm_are_one_build():
    """The reader script and its .wasm must be updated together (see its VERSION file)."""
    import hashlib

    folder = STATIC / "vendor/zxing-wasm"
    wasm_digest = hashlib.sha256((folder / "zxing_reader.wasm").read_bytes()).hexdigest()
    script = (folder / "zxing_reader.js").read_text()
    assert f"ZXING_WASM_SHA256=`{wasm_digest}`" in script
    assert re.search(r"version: (\S+)", (folder / "VERSION").read_text())[1] in script
    assert "Apache License" in (folder / "LICENSE").read_text()


def test_every_file_the_scanner_loads_is_kept_for_offline_use(client, make_event, make_door):
    _, token = make_door(make_event())
    page = client.get(f"/door/{token}").get_data(as_text=True)
    loaded = {url.split("?")[0].removeprefix("/static/")
              for url in re.findall(r"/static/[\w./-]+", page)}
    for path in [p for p in SCANNER_ASSETS if p.endswith(".js")]:
        source = (STATIC / path).read_text()
        for module in re.findall(r'from "\./([\w.-]+\.js)"', source):
            loaded.add(str(Path(path).parent / module))
    assert loaded <= set(SCANNER_ASSETS), loaded - set(SCANNER_ASSETS)
    assert "js/door/scanner.js" in loaded and "vendor/jsqr/jsQR.js" in loaded


def test_service_worker_lists_the_scanner_files_and_changes_version_with_them(client):
    script = client.get("/door/service-worker.js")
    assert script.status_code == 200
    assert script.mimetype == "text/javascript"
    body = script.get_data(as_text=True)
    for path in SCANNER_ASSETS:
        assert f'"/static/{path}"' in body
    assert re.search(r'const VERSION = "[0-9a-f]{16}";', body)


def test_manifest_makes_the_door_link_an_installable_app(client, make_event, make_door):
    _, token = make_door(make_event(), "Main gate")
    manifest = client.get(f"/door/{token}/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    body = manifest.get_json(force=True)
    assert body["start_url"] == f"/door/{token}"
    assert body["display"] == "standalone"
    assert {icon["sizes"] for icon in body["icons"]} == {"192x192", "512x512"}
    assert body["name"].startswith("Main gate")


def test_a_switched_off_door_link_shows_a_clear_page_instead_of_the_scanner(
    client, db_session, make_event, make_door
):
    from eventreg.checkin.doors import revoke_door_access

    door, token = make_door(make_event())
    with unit_of_work(db_session):
        revoke_door_access(db_session, door)
    response = client.get(f"/door/{token}")
    assert response.status_code == 401
    assert "switched off" in response.get_data(as_text=True)
    assert "camera-video" not in response.get_data(as_text=True)
