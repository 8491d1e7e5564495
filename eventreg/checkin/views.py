"""The scanner page a volunteer opens from a door link, and what makes it work offline."""

import hashlib
import json
from functools import cache

from flask import Blueprint, current_app, render_template, url_for

from eventreg.checkin.doors import door_for_token
from eventreg.extensions import db
from eventreg.i18n import localized

blueprint = Blueprint("checkin", __name__, url_prefix="/door")

#: What the scanner needs offline, besides the page itself (paths under static/).
SCANNER_ASSETS = (
    "css/app.css",
    "css/door.css",
    "js/door/scanner.js",
    "js/door/camera.js",
    "js/door/decoder-worker.js",
    "js/door/store.js",
    "js/door/tickets.js",
    "js/door/sync.js",
    "vendor/jsqr/jsQR.js",
    "img/door-icon-192.png",
    "img/door-icon-512.png",
)


@blueprint.get("/<token>")
def scanner(token: str):
    """Show the door's scanner: camera, look-up by hand, walk-ins and live counts."""
    door = door_for_token(db.session, token)
    return render_template(
        "checkin/scanner.html", door=door, event=door.event, token=token,
    ), 200, {"Cache-Control": "no-store"}


@blueprint.get("/<token>/manifest.webmanifest")
def manifest(token: str):
    """The web app manifest that lets a volunteer install this door's scanner."""
    door = door_for_token(db.session, token)
    body = {
        "name": f"{door.name} · {localized(door.event.title)}",
        "short_name": door.name[:12],
        "start_url": url_for(".scanner", token=token),
        "scope": url_for(".scanner", token=token),
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#14532d",
        "icons": [
            {"src": url_for("static", filename=f"img/door-icon-{size}.png"),
             "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any"}
            for size in (192, 512)
        ],
    }
    return current_app.response_class(
        json.dumps(body), mimetype="application/manifest+json",
        headers={"Cache-Control": "no-store"},
    )


@blueprint.get("/service-worker.js")
def service_worker():
    """The service worker that keeps the scanner page and its files for offline use."""
    assets = [url_for("static", filename=path) for path in SCANNER_ASSETS]
    script = render_template(
        "checkin/service-worker.js", assets=assets, version=_assets_version(),
    )
    return current_app.response_class(
        script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"},
    )


@cache
def _assets_version() -> str:
    """A digest of the scanner's files: a new version makes phones fetch them again."""
    digest = hashlib.sha256()
    for path in SCANNER_ASSETS:
        digest.update((current_app.static_folder + "/" + path).encode())
        with open(f"{current_app.static_folder}/{path}", "rb") as asset:
            digest.update(asset.read())
    return digest.hexdigest()[:16]
