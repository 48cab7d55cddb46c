"""URL rules of the referrals pages (mounted under /<partnership>/referrals/)."""

from flask import Blueprint

bp = Blueprint("referrals", __name__, template_folder="templates")
