"""Outcomes (rezultaty): jobs started, trainings completed, and follow-ups after exit."""
