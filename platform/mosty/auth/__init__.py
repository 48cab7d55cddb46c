"""Users, memberships in partnerships, sign-in and sign-out."""
