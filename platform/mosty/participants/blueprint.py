"""URL rules of the participants pages (mounted under /<partnership>/participants/)."""

from flask import Blueprint

bp = Blueprint("participants", __name__, template_folder="templates")
