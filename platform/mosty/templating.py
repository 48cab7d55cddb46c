"""Jinja globals and filters shared by every template."""

from flask_babel import format_date, format_datetime

from .partnerships.labels import institution_kind_label, teryt_level_label


def init_app(app, menu_provider):
    app.jinja_env.globals.update(
        institution_kind_label=institution_kind_label,
        teryt_level_label=teryt_level_label,
        partnership_menu=menu_provider,
    )
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.filters["format_datetime"] = format_datetime
