"""labour: registration status, activation instruments and their enrolments, referral answers

The referral answers need no table of their own: an enrolment remembers the referral it came
from, and the referral itself keeps its status in the registry.
"""

import sqlalchemy as sa
from alembic import op

from mosty.toolkit import disable_partnership_wall, enable_partnership_wall

revision = "labour_0001"
down_revision = None
branch_labels = ("labour",)
depends_on = "0006_case_registry"

TABLES = ("labour_registration", "labour_registration_period", "labour_instrument",
          "labour_enrolment", "labour_attendance")


def _owned(table):
    """The partnership column, its foreign key and the primary key every table here has."""
    return [
        sa.Column("partnership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["partnership_id"], ["partnership.id"],
                                name=op.f(f"fk_{table}_partnership_id_partnership"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _timestamps():
    return [sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False)]


def _indexes(table, *columns):
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in ("partnership_id", *columns):
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "labour_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("case_no", sa.String(length=40), nullable=False),
        sa.Column("benefit_entitled", sa.Boolean(), nullable=False),
        sa.Column("benefit_until", sa.Date(), nullable=True),
        *_timestamps(),
        *_owned("labour_registration"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_labour_registration_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"],
                                name=op.f("fk_labour_registration_institution_id_institution")),
        sa.UniqueConstraint("participant_id", "institution_id",
                            name=op.f("uq_labour_registration_participant_id_institution_id")),
    )
    _indexes("labour_registration", "participant_id", "institution_id")

    op.create_table(
        "labour_registration_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("registered_on", sa.Date(), nullable=False),
        sa.Column("deregistered_on", sa.Date(), nullable=True),
        sa.Column("deregistration_reason", sa.String(length=20), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_timestamps(),
        *_owned("labour_registration_period"),
        sa.CheckConstraint("deregistered_on IS NULL OR deregistered_on >= registered_on",
                           name=op.f("ck_labour_registration_period_dates_in_order")),
        sa.ForeignKeyConstraint(
            ["registration_id"], ["labour_registration.id"],
            name=op.f("fk_labour_registration_period_registration_id_labour_registration"),
            ondelete="CASCADE"),
    )
    _indexes("labour_registration_period", "registration_id")

    op.create_table(
        "labour_instrument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("institution_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("locality", sa.String(length=120), nullable=False),
        sa.Column("teryt", sa.String(length=7), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("places_taken", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        *_timestamps(),
        *_owned("labour_instrument"),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_labour_instrument_capacity_positive")),
        sa.CheckConstraint("places_taken >= 0 AND places_taken <= capacity",
                           name=op.f("ck_labour_instrument_places_within_capacity")),
        sa.CheckConstraint("ends_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_labour_instrument_dates_in_order")),
        sa.ForeignKeyConstraint(["institution_id"], ["institution.id"],
                                name=op.f("fk_labour_instrument_institution_id_institution")),
    )
    _indexes("labour_instrument", "institution_id")

    op.create_table(
        "labour_enrolment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("referral_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("enrolled_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("end_note", sa.Text(), nullable=False),
        sa.Column("enrolled_by_id", sa.Integer(), nullable=True),
        *_timestamps(),
        *_owned("labour_enrolment"),
        sa.ForeignKeyConstraint(["instrument_id"], ["labour_instrument.id"],
                                name=op.f("fk_labour_enrolment_instrument_id_labour_instrument"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"],
                                name=op.f("fk_labour_enrolment_participant_id_participant"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["referral_id"], ["referral.id"],
                                name=op.f("fk_labour_enrolment_referral_id_referral"),
                                ondelete="SET NULL"),
    )
    _indexes("labour_enrolment", "instrument_id", "participant_id")

    op.create_table(
        "labour_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        *_owned("labour_attendance"),
        sa.ForeignKeyConstraint(["enrolment_id"], ["labour_enrolment.id"],
                                name=op.f("fk_labour_attendance_enrolment_id_labour_enrolment"),
                                ondelete="CASCADE"),
        sa.UniqueConstraint("enrolment_id", "day",
                            name=op.f("uq_labour_attendance_enrolment_id_day")),
    )
    _indexes("labour_attendance", "enrolment_id")

    for table in TABLES:
        enable_partnership_wall(op, table)


def downgrade():
    for table in reversed(TABLES):
        disable_partnership_wall(op, table)
        op.drop_table(table)
