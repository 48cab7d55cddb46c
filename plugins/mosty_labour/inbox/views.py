"""The referral inbox pages."""
