"""Employment effectiveness: who found work within 3 and 6 months of completing an activation
instrument, by instrument, sex, age band and county."""
