"""Enrollment: a participant's or family's path through the programme, and eligibility."""
