"""URL rules of the partnership chooser and the partnership dashboard."""

from flask import Blueprint

from . import views

bp = Blueprint("partnerships", __name__, template_folder="templates")

bp.add_url_rule("/", "chooser", views.chooser)
bp.add_url_rule("/<partnership:partnership>/", "dashboard", views.dashboard)
