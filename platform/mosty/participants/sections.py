"""The parts of the participant and family pages, contributed by the core's own packages.

Each core package (consents, referrals, services, enrollment, outcomes) registers a section
and a timeline source here, the same way modules contribute panels and timeline entries
through hooks; the participant and family pages render core sections first, then module panels.

A section function takes ``(subject, institution_id)`` and returns a
``mosty.plugins.contributions.Panel`` (or None to show nothing); a timeline source returns a
list of ``TimelineEntry``. Neither may write the audit log: the page audits its one read.
"""

PARTICIPANT_SECTIONS = []
FAMILY_SECTIONS = []
PARTICIPANT_TIMELINE = []
FAMILY_TIMELINE = []


def participant_section(func):
    PARTICIPANT_SECTIONS.append(func)
    return func


def family_section(func):
    FAMILY_SECTIONS.append(func)
    return func


def participant_timeline(func):
    PARTICIPANT_TIMELINE.append(func)
    return func


def family_timeline(func):
    FAMILY_TIMELINE.append(func)
    return func


def sections_for(registry, subject, institution_id):
    panels = [panel for func in registry if (panel := func(subject, institution_id))]
    return sorted(panels, key=lambda panel: panel.order)


def timeline_for(registry, subject, institution_id):
    entries = [entry for func in registry for entry in func(subject, institution_id)]
    return sorted(entries, key=lambda entry: str(entry.at), reverse=True)
