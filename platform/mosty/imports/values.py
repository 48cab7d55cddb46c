"""Reading single cells: text, dates, PESEL, sex, communes. Messages never repeat a person's
values. Every format reads its cells with these (modules' formats too, ``docs/imports.md``), so
a date or a PESEL a spreadsheet mangles in one way is read the same in every import."""

import re
from datetime import date, datetime, timedelta

from sqlalchemy import select
from stdnum.pl import pesel as stdnum_pesel

from .. import dates
from ..consents.access import participant_visible_to
from ..extensions import db
from ..families.models import Family
from ..forms import has_control_characters
from ..i18n import lazy_gettext as _l
from ..participants.models import Participant
from ..participants.pesel import pesel_problems
from ..partnerships.models import Institution, TerritoryUnit
from ..teryt import code_problem
from .contract import header_key

DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y", "%Y.%m.%d", "%Y/%m/%d")
EARLIEST = date(1900, 1, 1)
# A date cell that lost its date format (Excel's "General") shows the day's serial number: days
# since 1899-12-30 in the 1900 date system. Five digits are the years 1927 to 2173; no other
# reading of a five-digit number in a date column makes sense.
EXCEL_SERIAL = re.compile(r"^\d{5}$", re.ASCII)
EXCEL_EPOCH = date(1899, 12, 30)
_COMMON_DATE = re.compile(r"^(?:(?P<y2>\d{4})-(?P<m2>\d{1,2})-(?P<d2>\d{1,2})"
                          r"|(?P<d1>\d{1,2})\.(?P<m1>\d{1,2})\.(?P<y1>\d{4}))$", re.ASCII)
SEX_WORDS = {
    "k": "female", "kobieta": "female", "f": "female", "female": "female", "z": "female",
    "m": "male", "mezczyzna": "male", "male": "male",
}
# The seventh TERYT digit: the kind of commune (1 urban, 2 rural, 3 urban-rural, 4 its town,
# 5 its rural area, 8 and 9 city districts).
URBAN_KINDS = {"1", "4", "8", "9"}


class CellError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def text(value, max_length, required=False, missing=None):
    value = (value or "").strip()
    if not value:
        if required:
            raise CellError(missing or _l("This value is required."))
        return ""
    if has_control_characters(value):
        raise CellError(_l("The text contains characters that are not allowed."))
    if len(value) > max_length:
        raise CellError(_l("Too long: at most %(max)d characters.", max=max_length))
    return value


def read_date(value):
    """The date a cell gives, None when it is empty: 14.03.1985, 1985-03-14 (with a time
    after it, as a date-and-time cell gives it), the other ``DATE_FORMATS`` or an Excel serial
    number. Whether the date is plausible is the caller's to check."""
    value = (value or "").strip()
    if not value:
        return None
    value = value.split(" ")[0] if re.match(r"^\d{4}-\d\d-\d\d \d", value) else value
    parsed = _common_date(value)
    if parsed is None and EXCEL_SERIAL.match(value):
        parsed = EXCEL_EPOCH + timedelta(days=int(value))
    if parsed is None:
        for fmt in DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt).date()
                break
            except ValueError:
                continue
    if parsed is None:
        raise CellError(_l("The date is not understood: write it as 14.03.1985 or "
                           "1985-03-14."))
    return parsed


def parse_date(value):
    """A date of birth: ``read_date``, neither in the future nor before 1900."""
    parsed = read_date(value)
    if parsed is None:
        return None
    if parsed > dates.today():
        raise CellError(_l("This date is in the future."))
    if parsed < EARLIEST:
        raise CellError(_l("Please check the year."))
    return parsed


def _common_date(value):
    """14.03.1985 or 1985-03-14 (as ``DATE_FORMATS`` read them) without ``strptime``, which
    costs more than checking the rest of an import's row; None for any other form."""
    match = _COMMON_DATE.match(value)
    if match is None:
        return None
    day, month, year = match.group("d1", "m1", "y1") if match["y1"] else match.group(
        "d2", "m2", "y2")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def parse_sex(value):
    value = header_key(value)
    if not value:
        return None
    if value not in SEX_WORDS:
        raise CellError(_l("Write K (woman) or M (man)."))
    return SEX_WORDS[value]


def read_pesel(value, birth_date=None, sex=None, missing=None):
    """The PESEL of a cell as 11 digits ("" when empty, or ``CellError(missing)`` if given),
    checked (check digit, date, and the date of birth and sex when known). A spreadsheet
    that kept the PESEL as a number lost its leading 0 (people born in 1900-09 or 2000-09):
    ten digits get it back."""
    pesel = (value or "").strip()
    if not pesel:
        if missing is not None:
            raise CellError(missing)
        return ""
    if pesel.isdigit() and len(pesel) == 10:
        pesel = "0" + pesel
    problems = pesel_problems(pesel, birth_date=birth_date, sex=sex)
    if problems:
        raise CellError(" ".join(str(p) for p in problems))
    if not (pesel.isascii() and pesel.isdigit()):  # compacting costs: only if needed
        pesel = stdnum_pesel.compact(pesel)
    return pesel


def area_of(teryt):
    return "urban" if len(teryt) == 7 and teryt[6] in URBAN_KINDS else "rural"


def _name_key(name):
    name = re.sub(r"\(.*?\)", "", name or "")
    name = re.sub(r"^\s*(gmina|gm\.)\s+", "", name, flags=re.IGNORECASE)
    return header_key(name)


class CommuneLookup:
    """Communes of the partnership by TERYT code or by name.

    Names come from the partnership's own data: its territory units of commune level and the
    localities institutions, families and participants are recorded with (a name that two
    codes share is ambiguous and asks for the code). Codes must lie within the partnership's
    territory.
    """

    def __init__(self):
        self.prefixes = list(db.session.scalars(select(TerritoryUnit.teryt)))
        self.by_name = {}
        self.official = set()
        self.names = {}
        self.found = {}
        for name, code in db.session.execute(
                select(TerritoryUnit.name, TerritoryUnit.teryt)
                .where(TerritoryUnit.level == "commune")):
            self._add(name, code, official=True)
        sources = (
            select(Institution.locality, Institution.teryt).distinct(),
            select(Family.locality, Family.teryt).distinct(),
            select(Participant.registered_locality, Participant.registered_teryt).distinct(),
        )
        for query in sources:
            for name, code in db.session.execute(query):
                self._add(name, code)

    def _add(self, name, code, official=False):
        if not name or not code or len(code) != 7 or not code.isdigit():
            return
        key = _name_key(name)
        if not key:
            return
        if official:
            self.by_name[key] = {code}
            self.official.add(key)
        elif key not in self.official:
            self.by_name.setdefault(key, set()).add(code)
        self.names.setdefault(code, name.strip())

    def covers(self, code):
        return any(code.startswith(prefix) for prefix in self.prefixes)

    def resolve(self, value):
        """(TERYT code, locality name or "") of a commune given by code or name; a file names
        the same few communes on every row, so each one found is remembered."""
        found = self.found.get(value)
        if found is None:
            found = self.found[value] = self._resolve(value)
        return found

    def _resolve(self, value):
        value = (value or "").strip()
        if not value:
            raise CellError(_l("Give the commune: its name or its 7-digit TERYT code."))
        digits = value.replace(" ", "")
        if digits.isdigit():
            if len(digits) != 7:
                raise CellError(_l("A commune's TERYT code has 7 digits, e.g. 1261011."))
            if not self.covers(digits):
                raise CellError(_l("The commune %(code)s lies outside the partnership's area.",
                                   code=digits))
            # Within the area, as the registry's forms check it: a code no commune can have
            # (1261000) is refused here too.
            problem = code_problem(digits)
            if problem is not None:
                raise CellError(problem)
            return digits, self.names.get(digits, "")
        codes = self.by_name.get(_name_key(value), set())
        if len(codes) == 1:
            (code,) = codes
            if not self.covers(code):
                raise CellError(_l("The commune %(name)s lies outside the partnership's area.",
                                   name=value))
            return code, value
        if len(codes) > 1:
            raise CellError(_l("Several communes are called %(name)s: give the 7-digit TERYT "
                               "code instead.", name=value))
        raise CellError(_l("Unknown commune %(name)s: give its 7-digit TERYT code (e.g. "
                           "1261011), within the partnership's area.", name=value))


# The notes of a row that updates nobody: the PESEL names no one the institution can see, or
# someone whose data may not be processed.
NOT_SEEN = _l("No participant your institution can see has this PESEL: skipped.")
RESTRICTED = _l("Processing of this person's data is restricted: skipped.")


class VisibleByPesel:
    """The participants an institution can see, by PESEL, loaded once for a file: how the
    formats that update people already registered (case numbers, the labour office's
    registrations) find them. No one the institution cannot see is ever found."""

    def __init__(self, institution_id):
        self.by_pesel = {}
        for participant in db.session.scalars(select(Participant).where(
                Participant.pesel.is_not(None), participant_visible_to(institution_id))):
            self.by_pesel.setdefault(participant.pesel, []).append(participant)

    def find(self, pesel):
        """The participant with ``pesel``, or None; ``CellError`` when several have it."""
        matched = self.by_pesel.get(pesel, ())
        if len(matched) > 1:
            raise CellError(_l("Several participants have this PESEL: sort the duplicates out "
                               "in the registry first."))
        return matched[0] if matched else None
