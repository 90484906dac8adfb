"""initial schema: accounts, audit, reference data, stakeholder map, engagement records

Revision ID: ce3f5ea69d5d
Revises:
Create Date: 2026-11-23 01:01:50.712839

"""
from alembic import op
import sqlalchemy as sa

import engage.db


# revision identifiers, used by Alembic.
revision = 'ce3f5ea69d5d'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('places',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('kind', sa.Enum('system', 'place', 'neighbourhood', name='placekind', native_enum=False, length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('population', sa.Integer(), nullable=True),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['places.id'], name=op.f('fk_places_parent_id_places'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_places'))
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_places_parent_id'), ['parent_id'], unique=False)

    op.create_table('seldom_heard_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seldom_heard_groups')),
    sa.UniqueConstraint('name', name=op.f('uq_seldom_heard_groups_name'))
    )
    op.create_table('topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_archived', sa.Boolean(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics')),
    sa.UniqueConstraint('name', name=op.f('uq_topics_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.Enum('admin', 'officer', 'reviewer', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('failed_sign_ins', sa.Integer(), nullable=False),
    sa.Column('locked_until', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_sign_in_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('audit_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occurred_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('object_type', sa.String(length=60), nullable=False),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('changed_fields', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_entries_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entries'))
    )
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entries_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_object_type'), ['object_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entries_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('import_batches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('is_mapped', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_batches_created_by_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batches')),
    sa.UniqueConstraint('token', name=op.f('uq_import_batches_token'))
    )
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_batches_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('nhs_trust', 'icb', 'council', 'healthwatch', 'voluntary_community', 'pcn', 'gp_practice', 'pharmacy', 'care_home', 'hospice', 'emergency_service', 'ppg', 'education', 'housing', 'other', name='organisationkind', native_enum=False, length=30), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('website', sa.String(length=300), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('influence', sa.Integer(), nullable=True),
    sa.Column('interest', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('influence BETWEEN 1 AND 5', name=op.f('ck_organisations_influence_range')),
    sa.CheckConstraint('interest BETWEEN 1 AND 5', name=op.f('ck_organisations_interest_range')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_organisations_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['organisations.id'], name=op.f('fk_organisations_parent_id_organisations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.create_index('ix_organisations_kind_name', ['kind', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_organisations_postcode'), ['postcode'], unique=False)
        batch_op.create_index('ix_organisations_scores', ['influence', 'interest'], unique=False)
        batch_op.create_index('ix_organisations_updated_at', ['updated_at'], unique=False)

    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('job_title', sa.String(length=160), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('postcode', sa.String(length=10), nullable=False),
    sa.Column('preferred_channel', sa.Enum('email', 'phone', 'text', 'post', 'in_person', name='channel', native_enum=False, length=20), nullable=True),
    sa.Column('communication_needs', sa.JSON(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=80), nullable=False),
    sa.Column('communication_notes', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('influence', sa.Integer(), nullable=True),
    sa.Column('interest', sa.Integer(), nullable=True),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('is_contactable', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('influence BETWEEN 1 AND 5', name=op.f('ck_people_influence_range')),
    sa.CheckConstraint('interest BETWEEN 1 AND 5', name=op.f('ck_people_interest_range')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_people_owner_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_is_contactable'), ['is_contactable'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_people_postcode'), ['postcode'], unique=False)
        batch_op.create_index('ix_people_scores', ['influence', 'interest'], unique=False)
        batch_op.create_index('ix_people_updated_at', ['updated_at'], unique=False)

    op.create_table('programme_groups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_programme_groups_place_id_places'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_programme_groups')),
    sa.UniqueConstraint('name', name=op.f('uq_programme_groups_name'))
    )
    op.create_table('consent_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('given', 'withdrawn', name='consentaction', native_enum=False, length=20), nullable=False),
    sa.Column('lawful_basis', sa.Enum('consent', 'legitimate_interests', 'public_task', 'contract', name='lawfulbasis', native_enum=False, length=30), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('recorded_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_consent_records_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_consent_records_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records'))
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_person_id'), ['person_id'], unique=False)

    op.create_table('engagement_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('meeting', 'workshop', 'focus_group', 'outreach', 'drop_in', 'survey', 'public_event', 'one_to_one', 'correspondence', 'social_media', name='recordkind', native_enum=False, length=30), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('programme_group_id', sa.Integer(), nullable=True),
    sa.Column('residents_reached', sa.Integer(), nullable=False),
    sa.Column('what_we_heard', sa.Text(), nullable=False),
    sa.Column('sensitivity', sa.Enum('public', 'partners', 'restricted', name='sensitivity', native_enum=False, length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_engagement_records_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_group_id'], ['programme_groups.id'], name=op.f('fk_engagement_records_programme_group_id_programme_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_records'))
    )
    with op.batch_alter_table('engagement_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_records_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_engagement_records_happened_on', ['happened_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_records_sensitivity'), ['sensitivity'], unique=False)

    op.create_table('group_members',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('is_resident_representative', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['programme_groups.id'], name=op.f('fk_group_members_group_id_programme_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_group_members_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'person_id', name=op.f('pk_group_members'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_person_id'), ['person_id'], unique=False)

    op.create_table('memberships',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=160), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_memberships_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_memberships_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'organisation_id', name=op.f('pk_memberships'))
    )
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_memberships_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('organisation_groups',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['seldom_heard_groups.id'], name=op.f('fk_organisation_groups_group_id_seldom_heard_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_groups_organisation_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'group_id', name=op.f('pk_organisation_groups'))
    )
    with op.batch_alter_table('organisation_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_groups_group_id'), ['group_id'], unique=False)

    op.create_table('organisation_places',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_places_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_organisation_places_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'place_id', name=op.f('pk_organisation_places'))
    )
    with op.batch_alter_table('organisation_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_places_place_id'), ['place_id'], unique=False)

    op.create_table('organisation_topics',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_organisation_topics_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_organisation_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'topic_id', name=op.f('pk_organisation_topics'))
    )
    with op.batch_alter_table('organisation_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('person_groups',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['seldom_heard_groups.id'], name=op.f('fk_person_groups_group_id_seldom_heard_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_groups_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'group_id', name=op.f('pk_person_groups'))
    )
    with op.batch_alter_table('person_groups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_groups_group_id'), ['group_id'], unique=False)

    op.create_table('person_places',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_places_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_person_places_place_id_places'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'place_id', name=op.f('pk_person_places'))
    )
    with op.batch_alter_table('person_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_places_place_id'), ['place_id'], unique=False)

    op.create_table('person_topics',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_person_topics_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_person_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', 'topic_id', name=op.f('pk_person_topics'))
    )
    with op.batch_alter_table('person_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('record_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_record_comments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_comments_record_id_engagement_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_comments'))
    )
    with op.batch_alter_table('record_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_comments_record_id'), ['record_id'], unique=False)

    op.create_table('record_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('identifiable', 'needs_response', 'factual_concern', 'other', name='flagreason', native_enum=False, length=30), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=True),
    sa.Column('raised_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', engage.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_record_flags_raised_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_flags_record_id_engagement_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_record_flags_resolved_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_flags'))
    )
    with op.batch_alter_table('record_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_flags_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_flags_resolved_at'), ['resolved_at'], unique=False)

    op.create_table('record_organisations',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_record_organisations_organisation_id_organisations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_organisations_record_id_engagement_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'organisation_id', name=op.f('pk_record_organisations'))
    )
    with op.batch_alter_table('record_organisations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_organisations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('record_people',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_record_people_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_people_record_id_engagement_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'person_id', name=op.f('pk_record_people'))
    )
    with op.batch_alter_table('record_people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_people_person_id'), ['person_id'], unique=False)

    op.create_table('record_places',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['places.id'], name=op.f('fk_record_places_place_id_places'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_places_record_id_engagement_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'place_id', name=op.f('pk_record_places'))
    )
    with op.batch_alter_table('record_places', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_places_place_id'), ['place_id'], unique=False)

    op.create_table('record_quotes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_quotes_record_id_engagement_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_quotes'))
    )
    with op.batch_alter_table('record_quotes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_quotes_record_id'), ['record_id'], unique=False)

    op.create_table('record_reviewers',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_reviewers_record_id_engagement_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_reviewers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'user_id', name=op.f('pk_record_reviewers'))
    )
    with op.batch_alter_table('record_reviewers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_reviewers_user_id'), ['user_id'], unique=False)

    op.create_table('record_reviews',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', engage.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_reviews_record_id_engagement_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_record_reviews_reviewer_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'reviewer_id', name=op.f('pk_record_reviews'))
    )
    with op.batch_alter_table('record_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_reviews_reviewer_id'), ['reviewer_id'], unique=False)

    op.create_table('record_topics',
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['engagement_records.id'], name=op.f('fk_record_topics_record_id_engagement_records'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_record_topics_topic_id_topics'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('record_id', 'topic_id', name=op.f('pk_record_topics'))
    )
    with op.batch_alter_table('record_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_topics_topic_id'), ['topic_id'], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        # Substring search on name/email/postcode stays fast at 100k+ rows (engage.stakeholders.queries).
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # The extension may live in another schema than ours: name its operator class in full.
        schema = bind.execute(
            sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
        ).scalar()
        for table in ("organisations", "people"):
            op.execute(f"CREATE INDEX ix_{table}_search_trgm ON {table} USING gin (search_text {schema}.gin_trgm_ops)")


def downgrade():
    op.drop_table("record_topics")
    op.drop_table("record_reviews")
    op.drop_table("record_reviewers")
    op.drop_table("record_quotes")
    op.drop_table("record_places")
    op.drop_table("record_people")
    op.drop_table("record_organisations")
    op.drop_table("record_flags")
    op.drop_table("record_comments")
    op.drop_table("person_topics")
    op.drop_table("person_places")
    op.drop_table("person_groups")
    op.drop_table("organisation_topics")
    op.drop_table("organisation_places")
    op.drop_table("organisation_groups")
    op.drop_table("memberships")
    op.drop_table("group_members")
    op.drop_table("engagement_records")
    op.drop_table("consent_records")
    op.drop_table("programme_groups")
    op.drop_table("people")
    op.drop_table("organisations")
    op.drop_table("import_batches")
    op.drop_table("audit_entries")
    op.drop_table("users")
    op.drop_table("topics")
    op.drop_table("seldom_heard_groups")
    op.drop_table("places")
