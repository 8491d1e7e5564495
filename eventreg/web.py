"""Small helpers that read requests, shared by every feature's views (and by no service).

- Where to go after a page: only paths of this site (`safe_next_url`).
- A message after an action that can be undone, with its undo button (`flash_with_undo`).
- Text refused for its control characters (eventreg/text.py): the one message, naming
  each field, and a mark for a view that shows the refusal on its own form.
"""

from urllib.parse import urlsplit

from flask import flash
from flask_babel import lazy_gettext as _l

from eventreg.errors import ValidationFailed
from eventreg.text import has_control_characters


def safe_next_url(target: str | None, default: str = "/") -> str:
    """Return `target` if it is a path on this site, else `default`: never another site."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def flash_with_undo(message: str, *, undo_url: str, undo_label: str) -> None:
    """Show `message` on the next page with a button that posts to `undo_url` (a view that
    undoes what was just done): templates/base.html draws it as a small form."""
    flash({"text": str(message), "undo_url": undo_url, "undo_label": str(undo_label)},
          "success")


#: Said of every text refused for its control characters (eventreg/text.py), form or API.
CONTROL_CHARACTERS_MESSAGE = _l(
    "Remove the invisible control characters from the marked fields: they cannot be stored.")
CONTROL_CHARACTERS_FIELD_MESSAGE = _l("Contains an invisible control character.")


def control_character_error(paths: list[str]) -> ValidationFailed:
    """The refusal of text holding control characters, naming each field."""
    return ValidationFailed(CONTROL_CHARACTERS_MESSAGE,
                            fields={path or "body": CONTROL_CHARACTERS_FIELD_MESSAGE
                                    for path in paths})


def answers_control_characters_on_its_form(view):
    """Mark a view that shows text refused for its control characters on its own form,
    with what was typed, instead of the site-wide error page."""
    view.answers_control_characters_on_its_form = True
    return view


def form_control_character_paths(form) -> list[str]:
    """The names of a form's fields whose text holds control characters."""
    return [key for key, value in form.items(multi=True) if has_control_characters(value)]
