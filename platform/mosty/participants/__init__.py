"""Participants (uczestnicy): the people the partnership serves, their carers' load and dependants."""
