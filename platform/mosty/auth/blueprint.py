"""URL rules of sign-in, sign-out, the password page and the language switch."""

from flask import Blueprint

from . import views

bp = Blueprint("auth", __name__, template_folder="templates")

bp.add_url_rule("/login", "login", views.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", views.logout, methods=["POST"])
bp.add_url_rule("/account/password", "password", views.password, methods=["GET", "POST"])
bp.add_url_rule("/language", "language", views.language, methods=["POST"])
