"""URL rules of the consents pages (mounted under /<partnership>/consents/)."""

from flask import Blueprint

bp = Blueprint("consents", __name__, template_folder="templates")
