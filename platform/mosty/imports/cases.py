"""Case numbers from the social-assistance system, matched by PESEL.

The system's export lists all of the welfare centre's clients, most of whom are not in the
programme: rows whose PESEL matches no participant the institution can see are skipped, not
refused. The number is stored on the participant (``social_assistance_case_no``).
"""

from sqlalchemy import select
from stdnum.pl import pesel as stdnum_pesel

from .. import audit
from ..consents.access import participant_visible_to
from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..participants.pesel import pesel_problems
from .contract import ImportField, RowError, RowOutcome
from .values import CellError, text

FIELDS = (
    ImportField("pesel", _l("PESEL"), True, ("PESEL", "Nr PESEL", "Numer PESEL")),
    ImportField("case_no", _l("Case number"), True,
                ("Nr sprawy", "Numer sprawy", "Sygnatura", "Sygnatura sprawy",
                 "Nr sprawy OPS", "case number")),
)


class CaseNumberImport:
    fields = FIELDS

    def __call__(self, rows, context):
        participants = {}
        for participant in db.session.scalars(select(Participant).where(
                Participant.pesel.is_not(None), participant_visible_to(context.institution_id))):
            participants.setdefault(participant.pesel, []).append(participant)
        total = len(rows) * (1 if context.dry_run else 2)
        outcomes, updates, seen = [], [], {}
        for index, row in enumerate(rows, 1):
            outcome = RowOutcome(line=row.line, effect="skip")
            pesel = (row.values.get("pesel") or "").strip()
            problems = pesel_problems(pesel) if pesel else [_l("The PESEL is required.")]
            if problems:
                outcome.errors.append(RowError("pesel", " ".join(str(p) for p in problems)))
            try:
                case_no = text(row.values.get("case_no"), 40, True,
                               _l("The case number is required."))
            except CellError as error:
                outcome.errors.append(RowError("case_no", error.message))
            if not outcome.errors:
                pesel = stdnum_pesel.compact(pesel)
                earlier = seen.get(pesel)
                if earlier is not None and earlier[1] != case_no:
                    outcome.errors.append(RowError("case_no", _l(
                        "The same PESEL has another case number on line %(line)d.",
                        line=earlier[0])))
                seen.setdefault(pesel, (row.line, case_no))
            if outcome.errors:
                outcome.effect = "error"
            elif seen[pesel][0] != row.line:
                outcome.effect, outcome.note = "merge", _l("Repeats line %(line)d.",
                                                           line=seen[pesel][0])
            else:
                matched = participants.get(pesel, [])
                if len(matched) > 1:
                    outcome.effect = "error"
                    outcome.errors.append(RowError("pesel", _l(
                        "Several participants have this PESEL: sort the duplicates out in "
                        "the registry first.")))
                elif not matched:
                    outcome.note = _l("No participant your institution can see has this "
                                      "PESEL: skipped.")
                else:
                    participant = matched[0]
                    outcome.object_id, outcome.visible = participant.id, True
                    if participant.social_assistance_case_no == case_no:
                        outcome.effect, outcome.note = "merge", _l("Already recorded.")
                    elif getattr(participant, "processing_restricted", False):
                        outcome.note = _l("Processing of this person's data is restricted: "
                                          "skipped.")
                    else:
                        outcome.effect = "update"
                        outcome.note = _l("The case number will be recorded.")
                        updates.append((participant, case_no))
            outcomes.append(outcome)
            context.report_progress(index, total)
        if context.dry_run or any(o.errors for o in outcomes):
            return outcomes
        for index, (participant, case_no) in enumerate(updates, 1):
            participant.social_assistance_case_no = case_no
            audit.record("update", participant, actor_id=context.actor_id,
                         institution_id=context.institution_id,
                         detail={"fields": ["social_assistance_case_no"],
                                 "import_id": context.batch_id})
            context.report_progress(len(rows) + index * len(rows) // max(len(updates), 1),
                                    total)
        return outcomes
