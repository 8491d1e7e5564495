"""search keys in one Latin spelling, so names are found in either alphabet

Revision ID: 3b7c1e9a5d20
Revises: ef2509c7cd1f
Create Date: 2026-11-23 18:00:00.000000

"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from eventreg.registrations.search import spelling

# revision identifiers, used by Alembic.
revision = '3b7c1e9a5d20'
down_revision = 'ef2509c7cd1f'
branch_labels = None
depends_on = None


def upgrade():
    """Recompute every registration's search key as registering now makes it."""
    _recompute(spelling)


def downgrade():
    """Back to the older keys: the text as typed, in lower case."""
    _recompute(lambda text: " ".join(text.casefold().split()))


def _recompute(search_key):
    connection = op.get_bind()
    people = defaultdict(list)
    for registration_id, name, code in connection.execute(sa.text(
            "SELECT registration_id, name, ticket_code FROM attendees ORDER BY position, id")):
        people[registration_id].append(f"{name} {code}")
    registrations = sa.table("registrations", sa.column("id"), sa.column("search_text"))
    for registration_id, contact_name, email, phone in connection.execute(sa.text(
            "SELECT id, contact_name, email, phone FROM registrations")):
        key = search_key(" ".join([contact_name or "", email or "", phone or ""]
                                + people[registration_id]))
        connection.execute(registrations.update()
                           .where(registrations.c.id == registration_id)
                           .values(search_text=key))

