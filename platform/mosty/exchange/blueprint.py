"""URL rules of the exchange pages (mounted under /<partnership>/exchange/)."""

from flask import Blueprint

from . import views

bp = Blueprint("exchange", __name__, template_folder="templates")

bp.add_url_rule("/", "index", views.index)
bp.add_url_rule("/tokens/new", "new_token", views.new_token, methods=("GET", "POST"))
bp.add_url_rule("/tokens/<int:token_id>/revoke", "revoke_token", views.revoke_token,
                methods=("POST",))
bp.add_url_rule("/webhooks/new", "new_webhook", views.new_webhook, methods=("GET", "POST"))
bp.add_url_rule("/webhooks/<int:webhook_id>/", "webhook", views.webhook)
bp.add_url_rule("/webhooks/<int:webhook_id>/active", "webhook_active", views.webhook_active,
                methods=("POST",))
bp.add_url_rule("/webhooks/<int:webhook_id>/edit", "edit_webhook", views.edit_webhook,
                methods=("GET", "POST"))
bp.add_url_rule("/webhooks/<int:webhook_id>/secret", "rotate_secret", views.rotate_secret,
                methods=("POST",))
bp.add_url_rule("/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/resend", "resend",
                views.resend, methods=("POST",))
bp.add_url_rule("/exports", "exports", views.exports, methods=("GET", "POST"))
