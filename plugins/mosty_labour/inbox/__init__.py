"""The labour office's inbox of referrals: accept onto an activation instrument or a service,
decline with a reason, complete with the result; built on the registry's referral rules."""
