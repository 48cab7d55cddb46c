"""URL rules of the services pages (mounted under /<partnership>/services/)."""

from flask import Blueprint

bp = Blueprint("services", __name__, template_folder="templates")
