"""URL rules of sign-in, sign-out, the password page and the language switch."""

from flask import Blueprint
from flask_limiter.errors import RateLimitExceeded

from . import views

bp = Blueprint("auth", __name__, template_folder="templates")

bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account/password", "password", views.password, methods=["GET", "POST"])
bp.add_url_rule("/language", "language", views.language, methods=["POST"])

# Ahead of the app-wide error page: this one says how long to wait.
bp.register_error_handler(RateLimitExceeded, views.too_many_attempts)
