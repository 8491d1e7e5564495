"""venues and activity places in several languages

Revision ID: 0249f5a1a981
Revises: 16f7d5b989c7
Create Date: 2026-12-01 13:46:56.714260

An event's venue and an activity's place were one text for every language; they become a
text per language code, like titles. The existing text becomes the text of every language
the event offers (those its title is written in; English if it has none): it is what every
page showed before, whatever its language, so no page changes and publishing finds no
language missing; organisers then translate it where they want. An empty text becomes {}.

Downgrading keeps one text: the English one, else the first language's (what the English
page showed).
"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0249f5a1a981'
down_revision = '16f7d5b989c7'
branch_labels = None
depends_on = None

#: The languages of the app at this revision, in eventreg/i18n.py's order.
LANGUAGE_CODES = ("en", "bg", "uk")

events = sa.table("events", sa.column("id", sa.Integer), sa.column("title", sa.JSON),
                  sa.column("venue", sa.String), sa.column("venue_texts", sa.JSON))
activities = sa.table("activities", sa.column("id", sa.Integer),
                      sa.column("event_id", sa.Integer), sa.column("place", sa.String),
                      sa.column("place_texts", sa.JSON))


def _json(value) -> dict:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return dict(value or {})


def offered_languages(title) -> list[str]:
    return [code for code in LANGUAGE_CODES if _json(title).get(code)] or ["en"]


def per_language(text: str | None, languages: list[str]) -> dict:
    text = (text or "").strip()
    return {code: text for code in languages} if text else {}


def one_text(texts) -> str:
    texts = _json(texts)
    return texts.get("en") or next((text for text in texts.values() if text), "")


def upgrade():
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("venue_texts", sa.JSON(), nullable=True))
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("place_texts", sa.JSON(), nullable=True))
    connection = op.get_bind()
    languages = {}
    for event_id, title, venue in connection.execute(
            sa.select(events.c.id, events.c.title, events.c.venue)):
        languages[event_id] = offered_languages(title)
        connection.execute(events.update().where(events.c.id == event_id).values(
            venue_texts=per_language(venue, languages[event_id])))
    for activity_id, event_id, place in connection.execute(
            sa.select(activities.c.id, activities.c.event_id, activities.c.place)):
        connection.execute(activities.update().where(activities.c.id == activity_id).values(
            place_texts=per_language(place, languages.get(event_id, ["en"]))))
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("venue")
        batch_op.alter_column("venue_texts", new_column_name="venue",
                              existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("place")
        batch_op.alter_column("place_texts", new_column_name="place",
                              existing_type=sa.JSON(), nullable=False)


def downgrade():
    old_events = sa.table("events", sa.column("id", sa.Integer), sa.column("venue", sa.JSON),
                          sa.column("venue_text", sa.String))
    old_activities = sa.table("activities", sa.column("id", sa.Integer),
                              sa.column("place", sa.JSON), sa.column("place_text", sa.String))
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("venue_text", sa.String(200), nullable=True))
    with op.batch_alter_table("activities") as batch_op:
        batch_op.add_column(sa.Column("place_text", sa.String(200), nullable=True))
    connection = op.get_bind()
    for table, texts, text in ((old_events, "venue", "venue_text"),
                               (old_activities, "place", "place_text")):
        for row_id, value in connection.execute(sa.select(table.c.id, table.c[texts])):
            connection.execute(table.update().where(table.c.id == row_id).values(
                {text: one_text(value)[:200]}))
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("venue")
        batch_op.alter_column("venue_text", new_column_name="venue",
                              existing_type=sa.String(200), nullable=False)
    with op.batch_alter_table("activities") as batch_op:
        batch_op.drop_column("place")
        batch_op.alter_column("place_text", new_column_name="place",
                              existing_type=sa.String(200), nullable=False)
