"""Participant-page panels, timeline entries, personal data and demo data of this part."""
