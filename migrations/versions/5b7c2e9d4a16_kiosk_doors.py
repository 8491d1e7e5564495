"""kiosk doors

Revision ID: 5b7c2e9d4a16
Revises: ab555a08bf68
Create Date: 2026-12-01 15:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7c2e9d4a16'
down_revision = 'ab555a08bf68'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('door_accesses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kiosk', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('door_accesses', schema=None) as batch_op:
        batch_op.drop_column('kiosk')
