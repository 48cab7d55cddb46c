"""Referrals (skierowania) between institutions of a partnership."""
