"""door state (last contact, last upload, scans held on the phone); scheduled check-outs

Revision ID: c3a9d4e1f072
Revises: 5b7c2e9d4a16
Create Date: 2026-12-01 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a9d4e1f072'
down_revision = "5b7c2e9d4a16"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scheduled_check_outs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_out', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_scheduled_check_outs_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['organisers.id'], name=op.f('fk_scheduled_check_outs_created_by_id_organisers')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_scheduled_check_outs_event_id_events')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduled_check_outs'))
    )
    with op.batch_alter_table('scheduled_check_outs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduled_check_outs_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_scheduled_check_outs_event_id'), ['event_id'], unique=False)
    with op.batch_alter_table('door_accesses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_contact_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_upload_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('scans_held', sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table('door_accesses', schema=None) as batch_op:
        batch_op.drop_column('scans_held')
        batch_op.drop_column('last_upload_at')
        batch_op.drop_column('last_contact_at')
    with op.batch_alter_table('scheduled_check_outs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduled_check_outs_event_id'))
        batch_op.drop_index(batch_op.f('ix_scheduled_check_outs_at'))
    op.drop_table('scheduled_check_outs')
