"""Registration status as the labour office knows it: registration periods (unemployed or job
seeker), deregistration with its reason, the office's case number, entitlement to benefit, and
long-term unemployment by the statutory rule."""
