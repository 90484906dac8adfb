"""charters: versions with sections, anchored comments, approvals and adoptions

Revision ID: c3d4e5f6000a
Revises: c3d4e5f60009
Create Date: 2026-11-23 05:27:40.367853

"""
from alembic import op
import sqlalchemy as sa

import engage.db


# revision identifiers, used by Alembic.
revision = 'c3d4e5f6000a'
down_revision = 'c3d4e5f60009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('charters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.Enum('drafting', 'open_for_comment', 'awaiting_approval', 'adopted', name='charterstage', native_enum=False, length=20), nullable=False),
    sa.Column('comments_close_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('comments_open_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_charters_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charters')),
    sa.UniqueConstraint('slug', name=op.f('uq_charters_slug'))
    )
    op.create_table('charter_places',
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_places_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_charter_places_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('charter_id', 'place_id', name=op.f('pk_charter_places'))
    )
    with op.batch_alter_table('charter_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_places_place_id'), ['place_id'], unique=False)

    op.create_table('charter_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('summary', sa.String(length=300), nullable=False),
    sa.Column('restored_from', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_charter_versions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_versions_charter_id_charters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_versions')),
    sa.UniqueConstraint('charter_id', 'number', name='uq_charter_versions_charter_id_number')
    )
    with op.batch_alter_table('charter_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_versions_charter_id'), ['charter_id'], unique=False)

    op.create_table('charter_adoptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('adopted_by_id', sa.Integer(), nullable=True),
    sa.Column('adopted_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['adopted_by_id'], ['users.id'], name=op.f('fk_charter_adoptions_adopted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_adoptions_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['charter_versions.id'], name=op.f('fk_charter_adoptions_version_id_charter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_adoptions'))
    )
    with op.batch_alter_table('charter_adoptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_adoptions_charter_id'), ['charter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_adoptions_version_id'), ['version_id'], unique=False)

    op.create_table('charter_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('body_name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_charter_approvals_approved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_approvals_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['charter_versions.id'], name=op.f('fk_charter_approvals_version_id_charter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_approvals'))
    )
    with op.batch_alter_table('charter_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_approvals_charter_id'), ['charter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_approvals_version_id'), ['version_id'], unique=False)

    op.create_table('charter_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('charter_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('section_key', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('resident_name', sa.String(length=200), nullable=False),
    sa.Column('resident_email', sa.String(length=254), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('moderation', sa.Enum('pending', 'approved', 'rejected', name='moderation', native_enum=False, length=10), nullable=False),
    sa.Column('moderated_by_id', sa.Integer(), nullable=True),
    sa.Column('moderated_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_charter_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['charter_id'], ['charters.id'], name=op.f('fk_charter_comments_charter_id_charters'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['moderated_by_id'], ['users.id'], name=op.f('fk_charter_comments_moderated_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['charter_comments.id'], name=op.f('fk_charter_comments_parent_id_charter_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_charter_comments_resolved_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['charter_versions.id'], name=op.f('fk_charter_comments_version_id_charter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_comments'))
    )
    with op.batch_alter_table('charter_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_comments_charter_id'), ['charter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_comments_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_charter_comments_version_id'), ['version_id'], unique=False)

    op.create_table('charter_version_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('heading', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['charter_versions.id'], name=op.f('fk_charter_version_sections_version_id_charter_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter_version_sections'))
    )
    with op.batch_alter_table('charter_version_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_charter_version_sections_version_id'), ['version_id'], unique=False)



def downgrade():
    with op.batch_alter_table('charter_version_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_version_sections_version_id'))

    op.drop_table('charter_version_sections')
    with op.batch_alter_table('charter_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_comments_version_id'))
        batch_op.drop_index(batch_op.f('ix_charter_comments_parent_id'))
        batch_op.drop_index(batch_op.f('ix_charter_comments_charter_id'))

    op.drop_table('charter_comments')
    with op.batch_alter_table('charter_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_approvals_version_id'))
        batch_op.drop_index(batch_op.f('ix_charter_approvals_charter_id'))

    op.drop_table('charter_approvals')
    with op.batch_alter_table('charter_adoptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_adoptions_version_id'))
        batch_op.drop_index(batch_op.f('ix_charter_adoptions_charter_id'))

    op.drop_table('charter_adoptions')
    with op.batch_alter_table('charter_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_versions_charter_id'))

    op.drop_table('charter_versions')
    with op.batch_alter_table('charter_places', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_charter_places_place_id'))

    op.drop_table('charter_places')
    op.drop_table('charters')
