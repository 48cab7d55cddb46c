"""Data-protection rights of participants (GDPR): access export, rectification history,
restriction of processing, retention with anonymisation, and erasure requests."""
