"""Registration statuses exported by the labour office's own system (a CSV or XLSX list of
registration periods), matched by PESEL to the people the office may see.

The export lists every client of the office; rows of people who are not participants (or
whom the office may not see) are skipped. Each row is one registration period: its status,
its start, and, once it ended, the deregistration date and reason, with the office's case
number and the entitlement to benefit. Rows are applied per person in date order through the
same transitions a clerk uses, so the same rules hold (one open registration at a time, no
overlaps) and every change is audited; a period already recorded is left alone, so the same
file imported twice changes nothing the second time. Within one file a period (a person and a
first day) is given once: a row repeating it word for word is merged, a row saying something
else about it is refused, naming the line of the first.

The handler follows the import contract (``docs/imports.md``): it checks every row in both
modes, works inside a savepoint that is rolled back after a dry run or when any row has an
error, and never commits. Its cells are read with the core's readers (``mosty.imports.values``:
a PESEL that lost its leading 0, a date with a time or as an Excel serial number, text with
control characters), so the office's file is read as every other import reads its own.
"""

from contextlib import contextmanager
from datetime import date

from flask_babel import format_date
from sqlalchemy import select

from mosty import toolkit
from mosty.toolkit import import_contract, import_values
from mosty.toolkit import lazy_gettext as _l

from ..dates import BENEFIT_MONTHS_AHEAD, REGISTRATIONS_BEGIN, months_ahead, outside
from .access import LABOUR_OFFICE
from .models import DEREGISTRATION_REASONS, LabourRegistration
from .transitions import RegistrationRefused, deregister, register_person, update_details

ImportField, RowError, RowOutcome = (
    import_contract.ImportField, import_contract.RowError, import_contract.RowOutcome)
header_key, plain_words = import_contract.header_key, import_contract.plain_words
CellError, VisibleByPesel = import_values.CellError, import_values.VisibleByPesel
NOT_SEEN, RESTRICTED = import_values.NOT_SEEN, import_values.RESTRICTED
read_date, read_pesel, text = import_values.read_date, import_values.read_pesel, import_values.text

FIELDS = (
    ImportField("pesel", _l("PESEL"), True, ("PESEL", "Nr PESEL", "Numer PESEL")),
    ImportField("status", _l("Status"), True,
                ("Status", "Status osoby", "Kategoria", "Status rejestracji")),
    ImportField("registered_on", _l("Registered on"), True,
                ("Data rejestracji", "Zarejestrowany od", "Data od", "Od")),
    ImportField("deregistered_on", _l("Deregistered on"), False,
                ("Data wyrejestrowania", "Wyrejestrowany", "Data do", "Do")),
    ImportField("reason", _l("Reason for deregistration"), False,
                ("Przyczyna wyrejestrowania", "Powód wyrejestrowania", "Przyczyna")),
    ImportField("case_no", _l("Case number at the labour office"), False,
                ("Numer ewidencyjny", "Nr ewidencyjny", "Numer sprawy", "Nr sprawy",
                 "Sygnatura")),
    ImportField("benefit", _l("Entitled to unemployment benefit"), False,
                ("Prawo do zasiłku", "Zasiłek", "Uprawniony do zasiłku")),
    ImportField("benefit_until", _l("Benefit until"), False,
                ("Zasiłek do", "Prawo do zasiłku do", "Data końca zasiłku")),
)

# Words of the office's export, compared as headers are (``header_key``: without case,
# spaces, punctuation or Polish letters).
STATUS_WORDS = {header_key(word): status for word, status in (
    ("bezrobotny", "unemployed"), ("bezrobotna", "unemployed"), ("b", "unemployed"),
    ("unemployed", "unemployed"), ("poszukujący pracy", "job_seeker"),
    ("poszukująca pracy", "job_seeker"), ("poszukujący", "job_seeker"),
    ("poszukująca", "job_seeker"), ("p", "job_seeker"), ("job seeker", "job_seeker"),
)}
# Each deregistration reason by the stems of the words offices write for it, so that every
# inflection matches ("praca", "pracy", "pracę"; "emerytura", "emerytury"). A word matches a
# stem it begins with; "nie" is joined to the next word ("nie stawił się" → "niestawil"). The
# reasons are tried in this order: the specific ones before "employment", since "niestawien-
# nictwo w urzędzie pracy" and "odmowa przyjęcia propozycji pracy" name work too, and "other"
# last ("podjęcie innej pracy zarobkowej" is employment).
REASON_STEMS = (
    ("refused_offer", ("odmow", "nieprzyj", "refus")),
    ("no_show", ("niestawien", "niestawil", "niezglos", "niepotwierdz")),
    ("own_request", ("wnios", "rezygn", "request")),
    ("business", ("dzialalnos", "gospodarcz", "business")),
    ("pension", ("emeryt", "przedemeryt", "rent", "pension")),
    ("education", ("nauk", "studi", "education")),
    ("employment", ("zatrudn", "prac", "zarobk", "employment")),
    ("other", ("inn", "other")),
)
REASON_CODES = {header_key(code): code for code in DEREGISTRATION_REASONS
                if code != "status_changed"}
YES = {"tak", "t", "1", "x", "yes", "y", "true"}
NO = {"nie", "n", "0", "no", "false"}


def _reason(value):
    """The deregistration reason a wording of the office's export names, or None."""
    code = REASON_CODES.get(header_key(value))
    if code is not None:
        return code
    words = []
    for word in plain_words(value):
        if words and words[-1] == "nie":
            words[-1] += word
        else:
            words.append(word)
    return next((code for code, stems in REASON_STEMS
                 if any(word.startswith(stems) for word in words)), None)


class _Row:
    """One row read and checked; ``errors`` holds ``RowError``s."""

    def __init__(self, row):
        self.line = row.line
        self.errors = []
        values = row.values
        self.pesel = self._cell("pesel", read_pesel, values.get("pesel"),
                                missing=_l("The PESEL is required.")) or ""
        self.status = STATUS_WORDS.get(header_key(values.get("status")))
        if self.status is None:
            self.errors.append(RowError("status", _l("Write the status as „bezrobotny” or "
                                                     "„poszukujący pracy”.")))
        self.registered_on = self._day(values, "registered_on", required=True)
        self.deregistered_on = self._day(values, "deregistered_on")
        # While the period runs the benefit's end is usually ahead (up to two years; checked
        # against the period's dates in _check_benefit_end).
        self.benefit_until = self._day(values, "benefit_until",
                                       latest=months_ahead(BENEFIT_MONTHS_AHEAD))
        self.reason = _reason(values.get("reason"))
        if self.deregistered_on is None and header_key(values.get("reason")):
            # A reason says the period ended; without its date, nothing would record it.
            self.errors.append(RowError("deregistered_on", _l(
                "A reason for deregistration is given: give the deregistration date too, or "
                "leave the reason empty while the registration lasts.")))
        elif self.deregistered_on is not None and self.reason is None:
            self.errors.append(RowError("reason", _l(
                "Give the reason for deregistration (e.g. „podjęcie zatrudnienia”, „na własny "
                "wniosek”).")))
        self.case_no = self._cell("case_no", text, values.get("case_no"), 40) or ""
        benefit = header_key(values.get("benefit"))
        self.benefit = True if benefit in YES else False if benefit in NO else None
        if benefit and self.benefit is None:
            self.errors.append(RowError("benefit", _l("Write „tak” or „nie”.")))
        if (self.registered_on and self.deregistered_on
                and self.deregistered_on < self.registered_on):
            self.errors.append(RowError("deregistered_on", _l(
                "The deregistration cannot be before the registration.")))
        self._check_benefit_end()

    def _cell(self, key, reader, *args, **kwargs):
        """What the core's ``reader`` reads in the cell, or None with its error filed under
        the cell's column."""
        try:
            return reader(*args, **kwargs)
        except CellError as error:
            self.errors.append(RowError(key, error.message))
            return None

    def _check_benefit_end(self):
        """The benefit belongs to the period: it is paid from the registration on and stops
        with the deregistration (the person is no longer unemployed). So its end is not before
        the registration, and once the period has ended, not after the deregistration (hence
        never in the future); only while the period runs may it lie ahead. Each error is filed
        under "benefit until", the value it refuses."""
        until = self.benefit_until
        if until is None or any(error.field == "benefit_until" for error in self.errors):
            return
        if self.benefit is False:
            self.errors.append(RowError("benefit_until", _l(
                "A benefit end date needs the entitlement to benefit.")))
        elif self.registered_on and until < self.registered_on:
            self.errors.append(RowError("benefit_until", _l(
                "The benefit cannot end before the registration (%(day)s).",
                day=format_date(self.registered_on))))
        elif self.deregistered_on and until > self.deregistered_on:
            self.errors.append(RowError("benefit_until", _l(
                "The benefit stops with the deregistration: it cannot end after %(day)s.",
                day=format_date(self.deregistered_on))))

    def _day(self, values, key, required=False, latest=None):
        """The date in the column; from 1990 (``REGISTRATIONS_BEGIN``) up to today, or up to
        ``latest``."""
        day = self._cell(key, read_date, values.get(key))
        if day is None:
            if required and not (values.get(key) or "").strip():
                self.errors.append(RowError(key, _l("The date is required.")))
            return None
        wrong = outside(day, REGISTRATIONS_BEGIN, latest or toolkit.today())
        if wrong is not None:
            self.errors.append(RowError(key, wrong))
        return day


def _repeated_periods(ordered):
    """A period (one person, one first day) given on two rows of the file: a row that says
    the very same thing again is merged, as the case-number import merges a repeated row
    (``{line: line of the first}`` is returned); a row that says something else (another
    status, an end where the first has none, another end or reason, case number or benefit)
    is ambiguous, because applied in turn it would close or change the period the first just
    recorded, so it is refused, naming the first. Judged on the file alone, before anyone is
    looked up, so the answer is the same whoever the office may see. ``ordered`` is sorted
    by PESEL, day and line."""
    first = {}
    repeats = {}
    for row in ordered:
        if not row.pesel or row.registered_on is None or row.errors:
            continue
        key = (row.pesel, row.registered_on)
        earlier = first.setdefault(key, row)
        if earlier is row:
            continue
        if _said(earlier) == _said(row):
            repeats[row.line] = earlier.line
        else:
            row.errors.append(RowError("registered_on", _l(
                "This person's period starting on this day is already given on line "
                "%(line)d of this file: keep one row for it.", line=earlier.line)))
    return repeats


def _said(row):
    return (row.status, row.deregistered_on, row.reason, row.case_no, row.benefit,
            row.benefit_until)


def _outcome(row, effect, note="", participant=None):
    return RowOutcome(line=row.line, effect="error" if row.errors else effect,
                      errors=list(row.errors), note=note,
                      object_id=participant.id if participant is not None else None,
                      visible=participant is not None)


class RegistrationImport:
    fields = FIELDS

    def __call__(self, rows, context):
        checked = [_Row(row) for row in rows]
        office = toolkit.db.session.get(toolkit.Institution, context.institution_id)
        if office is None or office.kind != LABOUR_OFFICE:
            for row in checked:
                row.errors.append(RowError("", _l("Only a labour office imports registration "
                                                  "statuses.")))
            return [_outcome(row, "error") for row in checked]
        people = VisibleByPesel(office.id)
        outcomes = {}
        # A savepoint: the rows are applied in order (a later period needs the earlier one
        # closed) and undone after a dry run or when any row fails.
        savepoint = toolkit.db.session.begin_nested()
        ordered = sorted(checked, key=lambda r: (r.pesel, r.registered_on or date.min, r.line))
        repeats = _repeated_periods(ordered)
        # The case number and the benefit are the office's file as it is now: they are taken
        # from each person's latest period in the file, not from the history.
        latest = {row.pesel: row for row in ordered if row.line not in repeats}
        for index, row in enumerate(ordered, 1):
            if row.line in repeats:
                outcomes[row.line] = _outcome(row, "merge", _l("Repeats line %(line)d.",
                                                               line=repeats[row.line]))
            else:
                outcomes[row.line] = self._apply(row, people, office, context,
                                                 latest[row.pesel] is row)
            context.report_progress(index, len(ordered))
        results = [outcomes[row.line] for row in checked]
        if context.dry_run or any(r.errors for r in results):
            savepoint.rollback()
        else:
            savepoint.commit()
        return results

    def _apply(self, row, people, office, context, latest):
        if row.errors:
            return _outcome(row, "error")
        try:
            person = people.find(row.pesel)
        except CellError as error:
            row.errors.append(RowError("pesel", error.message))
            return _outcome(row, "error")
        if person is None:
            return _outcome(row, "skip", NOT_SEEN)
        if person.restricted:
            return _outcome(row, "skip", RESTRICTED)
        try:
            effect, note = self._period(row, person, office, context)
            if latest:
                effect = self._details(row, person, office, context, effect)
        except _Refused as refused:
            row.errors.append(RowError(refused.field, refused.message))
            return _outcome(row, "error", participant=person)
        if effect == "update" and not note:
            note = _l("The case number or the benefit will be updated.")
        return _outcome(row, effect, note, participant=person)

    def _period(self, row, person, office, context):
        registration = _registration(person, office)
        existing = next((p for p in registration.periods
                         if p.registered_on == row.registered_on), None) if registration else None
        if existing is None:
            with _filed_under("registered_on"):
                register_person(person, office_id=office.id, actor_id=context.actor_id,
                                status=row.status, registered_on=row.registered_on,
                                case_no=row.case_no or None, import_id=context.batch_id)
            if row.deregistered_on is not None:
                with _filed_under("deregistered_on"):
                    deregister(_registration(person, office), office_id=office.id,
                               actor_id=context.actor_id, on=row.deregistered_on,
                               reason=row.reason, import_id=context.batch_id)
            return "create", _l("The registration period will be recorded.")
        if existing.status != row.status:
            raise _Refused("status", _l("A period starting on this day is recorded with "
                                        "another status."))
        if existing.deregistered_on == row.deregistered_on:
            return "merge", _l("Already recorded.")
        if existing.deregistered_on is None:
            with _filed_under("deregistered_on"):
                deregister(registration, office_id=office.id, actor_id=context.actor_id,
                           on=row.deregistered_on, reason=row.reason,
                           import_id=context.batch_id)
            return "update", _l("The deregistration will be recorded.")
        raise _Refused("deregistered_on", _l("This period is recorded as ended on %(day)s.",
                                             day=format_date(existing.deregistered_on)))

    def _details(self, row, person, office, context, effect):
        registration = _registration(person, office)
        wanted = {
            "case_no": row.case_no or registration.case_no,
            "benefit_entitled": (registration.benefit_entitled if row.benefit is None
                                 else row.benefit),
            "benefit_until": row.benefit_until if row.benefit is not False else None,
        }
        if row.benefit is None and row.benefit_until is None:
            wanted["benefit_until"] = registration.benefit_until
        if all(getattr(registration, k) == v for k, v in wanted.items()):
            return effect
        # What update_details refuses is the benefit's end (without the entitlement).
        with _filed_under("benefit_until" if wanted["benefit_until"] else "benefit"):
            update_details(registration, office_id=office.id, actor_id=context.actor_id,
                           import_id=context.batch_id, **wanted)
        return "update" if effect == "merge" else effect


class _Refused(Exception):
    """A row refused by a rule, with the column the refusal concerns."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field, self.message = field, message


@contextmanager
def _filed_under(field):
    """A transition's refusal, reported under the column whose value it refused."""
    try:
        yield
    except RegistrationRefused as refused:
        raise _Refused(field, str(refused)) from refused


def _registration(person, office):
    toolkit.db.session.flush()
    return toolkit.db.session.scalar(select(LabourRegistration).where(
        LabourRegistration.participant_id == person.id,
        LabourRegistration.institution_id == office.id))
