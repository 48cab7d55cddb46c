"""Jinja globals and filters shared by every template."""

from flask_babel import format_date, format_datetime

from .participants.labels import education_label, labour_status_label
from .partnerships.labels import institution_kind_label, teryt_level_label


def init_app(app, menu_provider):
    app.jinja_env.globals.update(
        institution_kind_label=institution_kind_label,
        teryt_level_label=teryt_level_label,
        # "not given" for a fact nobody gave, on every page that shows these two.
        education_label=education_label,
        labour_status_label=labour_status_label,
        partnership_menu=menu_provider,
    )
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
