"""URL rules of the families pages (mounted under /<partnership>/families/)."""

from flask import Blueprint

bp = Blueprint("families", __name__, template_folder="templates")
