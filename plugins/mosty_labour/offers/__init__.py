"""Job offers from employers, matching suggestions, candidates referred to employers and hires."""
