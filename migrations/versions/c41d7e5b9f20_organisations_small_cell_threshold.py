"""organisations set the smallest figure of people a donor report shows

Revision ID: c41d7e5b9f20
Revises: 81efbdc0cb9b
Create Date: 2026-12-01 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41d7e5b9f20'
down_revision = '81efbdc0cb9b'
branch_labels = None
depends_on = None


def upgrade():
    # Existing organisations get the default, 5.
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('small_cell_threshold', sa.Integer(), server_default='5',
                                      nullable=False))
        batch_op.create_check_constraint(
            'small_cell_threshold_in_range', 'small_cell_threshold BETWEEN 3 AND 100')


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisations_small_cell_threshold_in_range'),
                                 type_='check')
        batch_op.drop_column('small_cell_threshold')
