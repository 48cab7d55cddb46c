"""URL rules of the referrals pages (mounted under /<partnership>/referrals/)."""

from flask import Blueprint

from . import sections, views  # noqa: F401 - sections registers the participant-page parts

bp = Blueprint("referrals", __name__, template_folder="templates")

bp.add_url_rule("/", "inbox", views.inbox)
bp.add_url_rule("/new", "new", views.new, methods=("GET", "POST"))
bp.add_url_rule("/<int:referral_id>/", "detail", views.detail)
bp.add_url_rule("/<int:referral_id>/accept", "accept", views.accept, methods=("POST",))
bp.add_url_rule("/<int:referral_id>/decline", "decline", views.decline, methods=("POST",))
bp.add_url_rule("/<int:referral_id>/complete", "complete", views.complete, methods=("POST",))
