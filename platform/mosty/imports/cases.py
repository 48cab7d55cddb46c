"""Case numbers from the social-assistance system, matched by PESEL.

The system's export lists all of the welfare centre's clients, most of whom are not in the
programme: rows whose PESEL matches no participant the institution can see are skipped, not
refused. The number is stored on the participant (``social_assistance_case_no``).
"""

from .. import audit
from ..i18n import lazy_gettext as _l
from .contract import ImportField, RowError, RowOutcome
from .values import NOT_SEEN, RESTRICTED, CellError, VisibleByPesel, read_pesel, text

FIELDS = (
    ImportField("pesel", _l("PESEL"), True, ("PESEL", "Nr PESEL", "Numer PESEL")),
    ImportField("case_no", _l("Case number"), True,
                ("Nr sprawy", "Numer sprawy", "Sygnatura", "Sygnatura sprawy",
                 "Nr sprawy OPS", "case number")),
)


class CaseNumberImport:
    fields = FIELDS

    def __call__(self, rows, context):
        participants = VisibleByPesel(context.institution_id)
        total = len(rows) * (1 if context.dry_run else 2)
        outcomes, updates, seen = [], [], {}
        for index, row in enumerate(rows, 1):
            outcome = RowOutcome(line=row.line, effect="skip")
            try:
                pesel = read_pesel(row.values.get("pesel"),
                                   missing=_l("The PESEL is required."))
            except CellError as error:
                outcome.errors.append(RowError("pesel", error.message))
            try:
                case_no = text(row.values.get("case_no"), 40, True,
                               _l("The case number is required."))
            except CellError as error:
                outcome.errors.append(RowError("case_no", error.message))
            if not outcome.errors:
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
                self._match(outcome, participants, pesel, case_no, updates)
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

    @staticmethod
    def _match(outcome, participants, pesel, case_no, updates):
        """The outcome of a row naming this PESEL the first time in the file."""
        try:
            participant = participants.find(pesel)
        except CellError as error:
            outcome.effect = "error"
            outcome.errors.append(RowError("pesel", error.message))
            return
        if participant is None:
            outcome.note = NOT_SEEN
            return
        outcome.object_id, outcome.visible = participant.id, True
        if participant.social_assistance_case_no == case_no:
            outcome.effect, outcome.note = "merge", _l("Already recorded.")
        elif participant.processing_restricted:
            outcome.note = RESTRICTED
        else:
            outcome.effect = "update"
            outcome.note = _l("The case number will be recorded.")
            updates.append((participant, case_no))
