"""Long-term unemployment by the statutory rule, as a pure function over registration periods.

Ustawa o promocji zatrudnienia i instytucjach rynku pracy, art. 2 ust. 1 pkt 5: a long-term
unemployed person has been in the labour office's register as unemployed for a total of more
than 12 months within the last 2 years, not counting internships (staż) and adult vocational
preparation.

How the time is counted:
- The window is the 24 calendar months ending on the reference date: from the same day two
  years earlier (the last day of a shorter month) up to, but not including, the reference day.
- A period runs from its registration day up to, but not including, its deregistration day;
  an open period runs up to the reference day. Overlapping periods count once.
- Each continuous stretch inside the window is measured in calendar months and days, and the
  stretches are added up with 30 days making a month (Civil Code art. 114, the usual way of
  adding up separate periods). "More than 12 months" is then 12 months and at least one day.
- The person must still be registered as unemployed on the reference day: someone who has
  been deregistered is not an unemployed person, long-term or not.
"""

from dataclasses import dataclass

from mosty.toolkit import add_months

WINDOW_MONTHS = 24
THRESHOLD_MONTHS = 12
DAYS_IN_A_MONTH = 30


@dataclass(frozen=True, order=True)
class Duration:
    """Whole months and the remaining days (fewer than 30 once normalised)."""

    months: int = 0
    days: int = 0

    def __add__(self, other):
        return Duration(self.months + other.months, self.days + other.days).normalised()

    def normalised(self):
        extra, days = divmod(self.days, DAYS_IN_A_MONTH)
        return Duration(self.months + extra, days)


def calendar_duration(start, end):
    """Calendar months and days from ``start`` up to (not including) ``end``."""
    if end <= start:
        return Duration()
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return Duration(months, (end - add_months(start, months)).days)


def window_start(on):
    return add_months(on, -WINDOW_MONTHS)


def _stretches(periods, on, excluded=()):
    """Continuous [start, end) stretches registered inside the window, overlaps merged and
    excluded intervals (internships) cut out."""
    first = window_start(on)
    clipped = sorted(
        (max(start, first), min(end or on, on))
        for start, end in periods
        if max(start, first) < min(end or on, on)
    )
    merged = []
    for start, end in clipped:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    for cut_start, cut_end in excluded:
        cut_end = cut_end or on
        pieces = []
        for start, end in merged:
            if cut_end <= start or end <= cut_start:
                pieces.append((start, end))
                continue
            if start < cut_start:
                pieces.append((start, cut_start))
            if cut_end < end:
                pieces.append((cut_end, end))
        merged = pieces
    return merged


def time_registered(periods, on, excluded=()):
    """Total time registered as unemployed in the 24 months before ``on``.

    ``periods``: ``(registered_on, deregistered_on or None)`` pairs of periods as unemployed
    (job-seeker periods do not count); ``excluded``: ``(start, end or None)`` pairs of
    internships and adult vocational preparation, whose time is left out.
    """
    total = Duration()
    for start, end in _stretches(periods, on, excluded):
        total = total + calendar_duration(start, end)
    return total


def is_long_term_unemployed(periods, on, excluded=()):
    """Registered as unemployed on ``on`` (the statute speaks of an unemployed person) and for
    more than 12 months in total within the 24 months before it."""
    return (is_registered_on(periods, on)
            and time_registered(periods, on, excluded) > Duration(THRESHOLD_MONTHS, 0))


def is_registered_on(periods, on):
    """Whether one of the ``(registered_on, deregistered_on)`` periods covers the day ``on``."""
    return any(start <= on and (end is None or on < end) for start, end in periods)

