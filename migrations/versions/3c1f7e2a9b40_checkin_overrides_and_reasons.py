"""check-in overrides and undo reasons

Revision ID: 3c1f7e2a9b40
Revises: f0b8cc7caf41
Create Date: 2026-12-01 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c1f7e2a9b40'
down_revision = "f0b8cc7caf41"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('overrode', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('overrode')
