"""Waiting lists per person and activity, and the event's waiting-list order

Revision ID: 16f7d5b989c7
Revises: 5e2f4a7c9b10
Create Date: 2026-12-01 13:43:52.378978

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '16f7d5b989c7'
down_revision = '5e2f4a7c9b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_waits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('promoted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_activity_waits_activity_id_activities')),
    sa.ForeignKeyConstraint(['attendee_id'], ['attendees.id'], name=op.f('fk_activity_waits_attendee_id_attendees'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_waits'))
    )
    with op.batch_alter_table('activity_waits', schema=None) as batch_op:
        batch_op.create_index('activity_waits_line', ['activity_id', 'joined_at', 'id'], unique=False)
        batch_op.create_index('activity_waits_one_per_person', ['attendee_id', 'activity_id'], unique=True, sqlite_where=sa.text('promoted_at IS NULL AND removed_at IS NULL'), postgresql_where=sa.text('promoted_at IS NULL AND removed_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_activity_waits_attendee_id'), ['attendee_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        # Events made before keep the line as it always was: strict.
        batch_op.add_column(sa.Column('waitlist_order', sa.String(length=20), server_default='strict', nullable=False))



def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('waitlist_order')

    with op.batch_alter_table('activity_waits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_waits_attendee_id'))
        batch_op.drop_index('activity_waits_one_per_person', sqlite_where=sa.text('promoted_at IS NULL AND removed_at IS NULL'), postgresql_where=sa.text('promoted_at IS NULL AND removed_at IS NULL'))
        batch_op.drop_index('activity_waits_line')

    op.drop_table('activity_waits')
