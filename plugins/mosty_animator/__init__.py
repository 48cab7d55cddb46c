"""Work Animator module (Animator Pracy): recruitment of families, contacts and home visits,
the family work plan with its reviews, agreements with institutions, peer advisors and
information requests.

Installed through the ``mosty.plugins`` entry point ``mosty_animator = mosty_animator.plugin``.
"""
