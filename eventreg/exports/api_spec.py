"""The exports part of the OpenAPI document: an event's attendees as CSV and XLSX downloads."""

from eventreg.api.spec import ORGANISER, operation
from eventreg.events.api_spec import EVENT_NOT_FOUND, SLUG_PARAMETER

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_HEADERS = {
    "Content-Disposition": {"required": True, "description": "attachment, with a file name.",
                            "schema": {"type": "string", "pattern": "^attachment; filename="}},
    "Cache-Control": {"required": True, "schema": {"const": "private, no-store"}},
}


def download(media_type: str, description: str, schema: dict) -> dict:
    """An answer that is a file to save, never shown or kept by the browser."""
    return {"description": description, "headers": EXPORT_HEADERS,
            "content": {media_type: {"schema": schema}}}


#: The exports answer files only: no component schemas of their own.
SCHEMAS: dict[str, dict] = {}

PATHS = {
    "/events/{slug}/attendees.csv": {
        "parameters": [SLUG_PARAMETER],
        "get": operation(
            "exportAttendeesCsv", "The event's attendees with answers, activity choices "
            "and check-in times, one row each, as UTF-8 CSV.",
            description="Cells that a spreadsheet would run as a formula (starting "
            "with =, +, -, @) get a leading apostrophe; phone numbers stay as they are. "
            "Headers follow Accept-Language.",
            security=ORGANISER,
            responses={
                "200": download("text/csv", "The CSV file (UTF-8).", {"type": "string"}),
                "404": EVENT_NOT_FOUND,
            },
        ),
    },
    "/events/{slug}/attendees.xlsx": {
        "parameters": [SLUG_PARAMETER],
        "get": operation(
            "exportAttendeesXlsx", "The same as an XLSX workbook (text cells, never formulas).",
            security=ORGANISER,
            responses={
                "200": download(XLSX, "The XLSX file.",
                                {"type": "string", "contentMediaType": XLSX}),
                "404": EVENT_NOT_FOUND,
            },
        ),
    },
}
