"""consultations: events, document links, closing-date extensions, alternative format requests

Revision ID: b2a77ac40004
Revises: b2a77ac40002
Create Date: 2026-11-23 02:35:50.196213

"""
from alembic import op
import sqlalchemy as sa

import engage.db


revision = 'b2a77ac40004'
down_revision = "b2a77ac40002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('opens_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closes_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stage', sa.Enum('draft', 'ready', 'analysing', 'outcome_published', name='consultationstage', native_enum=False, length=20), nullable=False),
    sa.Column('audiences', sa.Text(), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('has_online_survey', sa.Boolean(), nullable=False),
    sa.Column('postal_address', sa.Text(), nullable=False),
    sa.Column('response_email', sa.String(length=254), nullable=False),
    sa.Column('fairness_why_now', sa.Text(), nullable=False),
    sa.Column('fairness_information', sa.Text(), nullable=False),
    sa.Column('fairness_length', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_consultations_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultations')),
    sa.UniqueConstraint('slug', name=op.f('uq_consultations_slug'))
    )
    with op.batch_alter_table('consultations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultations_closes_at'), ['closes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultations_opens_at'), ['opens_at'], unique=False)

    op.create_table('closing_date_extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('old_closes_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('new_closes_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('extended_by_id', sa.Integer(), nullable=True),
    sa.Column('extended_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_closing_date_extensions_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['extended_by_id'], ['users.id'], name=op.f('fk_closing_date_extensions_extended_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closing_date_extensions'))
    )
    with op.batch_alter_table('closing_date_extensions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_closing_date_extensions_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('full', 'summary', 'easy_read', 'other_language', 'other', name='documentkind', native_enum=False, length=20), nullable=False),
    sa.Column('language', sa.String(length=60), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('added_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_documents_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_documents'))
    )
    with op.batch_alter_table('consultation_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_documents_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('venue', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_events_consultation_id_consultations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_events'))
    )
    with op.batch_alter_table('consultation_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_events_consultation_id'), ['consultation_id'], unique=False)

    op.create_table('consultation_places',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_places_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_consultation_places_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'place_id', name=op.f('pk_consultation_places'))
    )
    with op.batch_alter_table('consultation_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_places_place_id'), ['place_id'], unique=False)

    op.create_table('consultation_topics',
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_consultation_topics_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_consultation_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', 'topic_id', name=op.f('pk_consultation_topics'))
    )
    with op.batch_alter_table('consultation_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('format_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('consultation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('format', sa.Enum('easy_read', 'large_print', 'other_language', 'bsl', name='formatkind', native_enum=False, length=20), nullable=False),
    sa.Column('language', sa.String(length=60), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('requested_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fulfilled_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('fulfilled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultations.id'], name=op.f('fk_format_requests_consultation_id_consultations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fulfilled_by_id'], ['users.id'], name=op.f('fk_format_requests_fulfilled_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_format_requests'))
    )
    with op.batch_alter_table('format_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_format_requests_consultation_id'), ['consultation_id'], unique=False)



def downgrade():
    # Dropping a table drops its indexes too.
    for table in (
        "format_requests",
        "consultation_topics",
        "consultation_places",
        "consultation_events",
        "consultation_documents",
        "closing_date_extensions",
        "consultations",
    ):
        op.drop_table(table)
