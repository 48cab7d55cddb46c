"""Activation instruments of a labour office (training, internship, public works, grants...)
with places, dates and capacity; enrolment of participants, attendance and completion."""
