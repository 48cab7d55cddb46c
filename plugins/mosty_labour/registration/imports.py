"""Registration statuses exported by the labour office's own system (a CSV or XLSX list of
registration periods), matched by PESEL to the people the office may see.

The export lists every client of the office; rows of people who are not participants (or
whom the office may not see) are skipped. Each row is one registration period: its status,
its start, and, once it ended, the deregistration date and reason, with the office's case
number and the entitlement to benefit. Rows are applied per person in date order through the
same transitions a clerk uses, so the same rules hold (one open registration at a time, no
overlaps) and every change is audited; a period already recorded is left alone, so the same
file imported twice changes nothing the second time.

The handler follows the import contract (``docs/imports.md``): it checks every row in both
modes, works inside a savepoint that is rolled back after a dry run or when any row has an
error, and never commits.
"""

import re
import unicodedata
from contextlib import contextmanager
from datetime import date, datetime

from sqlalchemy import select
from stdnum.pl import pesel as stdnum_pesel

from mosty import toolkit
from mosty.toolkit import lazy_gettext as _l

from ..dates import BENEFIT_MONTHS_AHEAD, REGISTRATIONS_BEGIN, months_ahead, outside
from .access import LABOUR_OFFICE
from .models import DEREGISTRATION_REASONS, LabourRegistration
from .transitions import RegistrationRefused, deregister, register_person, update_details

FIELDS = (
    {"key": "pesel", "label": _l("PESEL"), "required": True,
     "headers": ("PESEL", "Nr PESEL", "Numer PESEL")},
    {"key": "status", "label": _l("Status"), "required": True,
     "headers": ("Status", "Status osoby", "Kategoria", "Status rejestracji")},
    {"key": "registered_on", "label": _l("Registered on"), "required": True,
     "headers": ("Data rejestracji", "Zarejestrowany od", "Data od", "Od")},
    {"key": "deregistered_on", "label": _l("Deregistered on"),
     "headers": ("Data wyrejestrowania", "Wyrejestrowany", "Data do", "Do")},
    {"key": "reason", "label": _l("Reason for deregistration"),
     "headers": ("Przyczyna wyrejestrowania", "Powód wyrejestrowania", "Przyczyna")},
    {"key": "case_no", "label": _l("Case number at the labour office"),
     "headers": ("Numer ewidencyjny", "Nr ewidencyjny", "Numer sprawy", "Nr sprawy",
                 "Sygnatura")},
    {"key": "benefit", "label": _l("Entitled to unemployment benefit"),
     "headers": ("Prawo do zasiłku", "Zasiłek", "Uprawniony do zasiłku")},
    {"key": "benefit_until", "label": _l("Benefit until"),
     "headers": ("Zasiłek do", "Prawo do zasiłku do", "Data końca zasiłku")},
)

# Words of the office's export, compared without case or Polish letters.
STATUS_WORDS = {"bezrobotny": "unemployed", "bezrobotna": "unemployed", "b": "unemployed",
                "unemployed": "unemployed", "poszukujacy pracy": "job_seeker",
                "poszukujaca pracy": "job_seeker", "poszukujacy": "job_seeker",
                "poszukujaca": "job_seeker", "p": "job_seeker", "job seeker": "job_seeker",
                "job_seeker": "job_seeker"}
# Each deregistration reason by the stems of the words offices write for it, so that every
# inflection matches ("praca", "pracy", "pracę"; "emerytura", "emerytury"). A word matches a
# stem it begins with; "nie" is joined to the next word ("nie stawił się" → "niestawił"). The
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
YES = {"tak", "t", "1", "x", "yes", "y", "true"}
NO = {"nie", "n", "0", "no", "false"}
DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y")


def _plain(value):
    value = unicodedata.normalize("NFKD", (value or "").strip().lower().replace("ł", "l"))
    return " ".join("".join(c for c in value if not unicodedata.combining(c)).split())


def _reason(value):
    """The deregistration reason a wording of the office's export names, or None."""
    plain = _plain(value)
    code = plain.replace(" ", "_")
    if code in DEREGISTRATION_REASONS and code != "status_changed":
        return code
    words = re.findall(r"[a-z]+", re.sub(r"\bnie\s+", "nie", plain))
    return next((code for code, stems in REASON_STEMS
                 if any(word.startswith(stems) for word in words)), None)


def _date(value):
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


class _Row:
    """One row read and checked; ``errors`` holds (field, message) pairs."""

    def __init__(self, row):
        self.line = row.line
        self.errors = []
        values = row.values
        raw_pesel = (values.get("pesel") or "").strip()
        self.pesel = stdnum_pesel.compact(raw_pesel) if raw_pesel else ""
        if not self.pesel:
            self.errors.append(("pesel", _l("The PESEL is required.")))
        elif not stdnum_pesel.is_valid(self.pesel.zfill(11)):
            self.errors.append(("pesel", _l("This is not a valid PESEL number.")))
        self.pesel = self.pesel.zfill(11)
        self.status = STATUS_WORDS.get(_plain(values.get("status")))
        if self.status is None:
            self.errors.append(("status", _l("Write the status as „bezrobotny” or "
                                             "„poszukujący pracy”.")))
        self.registered_on = self._day(values, "registered_on", required=True)
        self.deregistered_on = self._day(values, "deregistered_on")
        # While the period runs the benefit's end is usually ahead (up to two years; checked
        # against the period's dates in _check_benefit_end).
        self.benefit_until = self._day(values, "benefit_until",
                                       latest=months_ahead(BENEFIT_MONTHS_AHEAD))
        self.reason = _reason(values.get("reason"))
        if self.deregistered_on is not None and self.reason is None:
            self.errors.append(("reason", _l("Give the reason for deregistration (e.g. "
                                             "„podjęcie zatrudnienia”, „na własny wniosek”).")))
        self.case_no = (values.get("case_no") or "").strip()
        if len(self.case_no) > 40:
            self.errors.append(("case_no", _l("At most %(max)d characters.", max=40)))
        benefit = _plain(values.get("benefit"))
        self.benefit = True if benefit in YES else False if benefit in NO else None
        if benefit and self.benefit is None:
            self.errors.append(("benefit", _l("Write „tak” or „nie”.")))
        if (self.registered_on and self.deregistered_on
                and self.deregistered_on < self.registered_on):
            self.errors.append(("deregistered_on", _l("The deregistration cannot be before "
                                                      "the registration.")))
        self._check_benefit_end()

    def _check_benefit_end(self):
        """The benefit belongs to the period: it is paid from the registration on and stops
        with the deregistration (the person is no longer unemployed). So its end is not before
        the registration, and once the period has ended, not after the deregistration (hence
        never in the future); only while the period runs may it lie ahead. Each error is filed
        under "benefit until", the value it refuses."""
        until = self.benefit_until
        if until is None or any(key == "benefit_until" for key, _message in self.errors):
            return
        if self.benefit is False:
            self.errors.append(("benefit_until", _l("A benefit end date needs the entitlement "
                                                    "to benefit.")))
        elif self.registered_on and until < self.registered_on:
            self.errors.append(("benefit_until", _l(
                "The benefit cannot end before the registration (%(day)s).",
                day=self.registered_on.isoformat())))
        elif self.deregistered_on and until > self.deregistered_on:
            self.errors.append(("benefit_until", _l(
                "The benefit stops with the deregistration: it cannot end after %(day)s.",
                day=self.deregistered_on.isoformat())))

    def _day(self, values, key, required=False, latest=None):
        """The date in the column; from 1990 (``REGISTRATIONS_BEGIN``) up to today, or up to
        ``latest``."""
        value = (values.get(key) or "").strip()
        if not value:
            if required:
                self.errors.append((key, _l("The date is required.")))
            return None
        day = _date(value)
        if day is None:
            self.errors.append((key, _l("Write the date as DD.MM.YYYY or YYYY-MM-DD.")))
            return None
        wrong = outside(day, REGISTRATIONS_BEGIN, latest or date.today())
        if wrong is not None:
            self.errors.append((key, wrong))
        return day


def _outcome(row, effect, note="", participant=None):
    return {"line": row.line, "effect": "error" if row.errors else effect,
            "errors": [{"field": f, "message": m} for f, m in row.errors], "note": note,
            "object_id": participant.id if participant is not None else None,
            "visible": participant is not None}


class RegistrationImport:
    fields = FIELDS

    def __call__(self, rows, context):
        checked = [_Row(row) for row in rows]
        office = toolkit.db.session.get(toolkit.Institution, context.institution_id)
        if office is None or office.kind != LABOUR_OFFICE:
            for row in checked:
                row.errors.append(("", _l("Only a labour office imports registration "
                                          "statuses.")))
            return [_outcome(row, "error") for row in checked]
        people = {}
        for person in toolkit.db.session.scalars(select(toolkit.Participant).where(
                toolkit.Participant.pesel.is_not(None),
                toolkit.participant_visible_to(office.id))):
            people.setdefault(person.pesel, []).append(person)
        outcomes = {}
        # A savepoint: the rows are applied in order (a later period needs the earlier one
        # closed) and undone after a dry run or when any row fails.
        savepoint = toolkit.db.session.begin_nested()
        ordered = sorted(checked, key=lambda r: (r.pesel, r.registered_on or date.min, r.line))
        # The case number and the benefit are the office's file as it is now: they are taken
        # from each person's latest period in the file, not from the history.
        latest = {row.pesel: row for row in ordered}
        for index, row in enumerate(ordered, 1):
            outcomes[row.line] = self._apply(row, people, office, context,
                                             latest[row.pesel] is row)
            context.report_progress(index, len(ordered))
        results = [outcomes[row.line] for row in checked]
        if context.dry_run or any(r["errors"] for r in results):
            savepoint.rollback()
        else:
            savepoint.commit()
        return results

    def _apply(self, row, people, office, context, latest):
        if row.errors:
            return _outcome(row, "error")
        matched = people.get(row.pesel, [])
        if len(matched) > 1:
            row.errors.append(("pesel", _l("Several participants have this PESEL: sort the "
                                           "duplicates out in the registry first.")))
            return _outcome(row, "error")
        if not matched:
            return _outcome(row, "skip", _l("No participant your institution can see has "
                                            "this PESEL: skipped."))
        person = matched[0]
        if person.restricted:
            return _outcome(row, "skip", _l("Processing of this person's data is "
                                            "restricted: skipped."))
        try:
            effect, note = self._period(row, person, office, context)
            if latest:
                effect = self._details(row, person, office, context, effect)
        except _Refused as refused:
            row.errors.append((refused.field, refused.message))
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
                                             day=existing.deregistered_on.isoformat()))

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
