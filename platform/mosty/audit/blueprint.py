"""URL rules of the audit pages (mounted under /<partnership>/audit/)."""

from flask import Blueprint

from . import views

bp = Blueprint("audit", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
