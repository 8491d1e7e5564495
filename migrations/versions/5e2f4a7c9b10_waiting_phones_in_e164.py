"""phones of parties that joined a waiting list before phones were stored in E.164 form

Revision ID: 5e2f4a7c9b10
Revises: c41d7e5b9f20
Create Date: 2026-12-01 13:45:00.000000

A party that joined before then kept its phone as typed ("067 123 4567"); promotion reads
stored phones with no region, so such a party failed the check and left the line. The
number is read here as it was at joining: with DEFAULT_PHONE_REGION (BG when unset). A
number that cannot be read so is left as typed.
"""
import json
import os

import phonenumbers
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e2f4a7c9b10'
down_revision = 'c41d7e5b9f20'
branch_labels = None
depends_on = None

entries = sa.table("waitlist_entries", sa.column("id", sa.Integer),
                   sa.column("request", sa.JSON))


def e164(text: str, region: str) -> str | None:
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def upgrade():
    region = os.environ.get("DEFAULT_PHONE_REGION") or "BG"
    connection = op.get_bind()
    for entry_id, request in connection.execute(sa.select(entries.c.id, entries.c.request)):
        request = json.loads(request) if isinstance(request, str) else dict(request or {})
        phone = request.get("phone") or ""
        if phone and not phone.startswith("+") and (normalised := e164(phone, region)):
            request["phone"] = normalised
            connection.execute(entries.update().where(entries.c.id == entry_id)
                               .values(request=request))


def downgrade():
    pass  # the typed form of a number is not kept: E.164 reads the same everywhere
