"""Labour Office module (Urząd Pracy): registration status, activation instruments, the referral
inbox, job offers with matching, and employment effectiveness.

Installed through the ``mosty.plugins`` entry point ``mosty_labour = mosty_labour.plugin``.
"""
