"""The core import of participants and their families.

Every row is checked first; nothing is written in a dry run or when any row has a problem.
A person already registered in the partnership (same PESEL, or same first and last name and
date of birth, as the registry's duplicate check) or on an earlier line is merged, not added
again, so importing the same file twice adds nothing. Families are matched by name among
the importing institution's own families.
"""

import re
from dataclasses import dataclass, field
from functools import cache

from flask_babel import force_locale
from sqlalchemy import select

from .. import audit
from ..audit.log import entry_rows
from ..audit.models import AuditEntry
from ..consents.access import participant_visible_to
from ..extensions import db
from ..families.models import RELATIONS, Family, FamilyMember
from ..forms import phone_problem
from ..i18n import lazy_gettext as _l
from ..participants.labels import EDUCATION_LABELS, LABOUR_STATUS_LABELS, RELATION_LABELS
from ..participants.models import EDUCATION_LEVELS, LABOUR_STATUSES, Participant
from ..participants.pesel import decode_pesel
from ..partnerships.models import Institution
from .bulk import insert_all, insert_new, pipelined, reserve_ids
from .contract import ImportField, RowError, RowOutcome, header_key
from .values import CellError, CommuneLookup, area_of, parse_date, parse_sex, read_pesel, text

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Words for the relation to the head of the household, as clerks write them.
RELATION_WORDS = (
    ("głowa rodziny", "head"), ("głowa", "head"), ("wnioskodawca", "head"),
    ("wnioskodawczyni", "head"), ("małżonek", "spouse"), ("małżonka", "spouse"),
    ("żona", "spouse"), ("mąż", "spouse"), ("partner", "partner"), ("partnerka", "partner"),
    ("konkubent", "partner"), ("konkubina", "partner"), ("dziecko", "child"),
    ("syn", "child"), ("córka", "child"), ("rodzic", "parent"), ("matka", "parent"),
    ("ojciec", "parent"), ("teść", "parent_in_law"), ("teściowa", "parent_in_law"),
    ("dziadek", "grandparent"), ("babcia", "grandparent"), ("babka", "grandparent"),
    ("wnuk", "grandchild"), ("wnuczka", "grandchild"), ("zięć", "child_in_law"),
    ("synowa", "child_in_law"), ("brat", "sibling"), ("siostra", "sibling"),
    ("rodzeństwo", "sibling"), ("inny", "other"), ("inna", "other"), ("inne", "other"),
)

# Education and labour-market status, as clerks write them (optional columns: an empty or
# absent cell is stored as "not given", never guessed).
EDUCATION_WORDS = (
    ("brak", "none"), ("bez wykształcenia", "none"), ("brak wykształcenia", "none"),
    ("podstawowe", "primary"), ("gimnazjalne", "lower_secondary"),
    ("zasadnicze zawodowe", "vocational"), ("zasadnicze", "vocational"),
    ("zawodowe", "vocational"), ("branżowe", "vocational"), ("średnie", "secondary"),
    ("średnie ogólnokształcące", "secondary"), ("średnie zawodowe", "secondary"),
    ("średnie techniczne", "secondary"), ("policealne", "post_secondary"),
    ("wyższe", "higher"),
)
LABOUR_STATUS_WORDS = (
    ("bezrobotny zarejestrowany", "registered_unemployed"),
    ("bezrobotna zarejestrowana", "registered_unemployed"),
    ("zarejestrowany bezrobotny", "registered_unemployed"),
    ("zarejestrowana bezrobotna", "registered_unemployed"),
    ("bezrobotny niezarejestrowany", "unregistered_unemployed"),
    ("bezrobotna niezarejestrowana", "unregistered_unemployed"),
    ("niezarejestrowany", "unregistered_unemployed"),
    ("niezarejestrowana", "unregistered_unemployed"),
    ("bierny zawodowo", "inactive"), ("bierna zawodowo", "inactive"),
    ("nieaktywny zawodowo", "inactive"), ("nieaktywna zawodowo", "inactive"),
    ("pracujący", "employed"), ("pracująca", "employed"), ("zatrudniony", "employed"),
    ("zatrudniona", "employed"), ("samozatrudniony", "self_employed"),
    ("samozatrudniona", "self_employed"), ("własna działalność", "self_employed"),
    ("działalność gospodarcza", "self_employed"),
)


# Each vocabulary: the clerks' words, the stored codes, Mosty's labels.
VOCABULARIES = {
    "relation": (RELATION_WORDS, RELATIONS, RELATION_LABELS),
    "education": (EDUCATION_WORDS, EDUCATION_LEVELS, EDUCATION_LABELS),
    "labour_status": (LABOUR_STATUS_WORDS, LABOUR_STATUSES, LABOUR_STATUS_LABELS),
}


@cache
def words_with_app_labels(kind):
    """``{header_key(word): code}`` of the vocabulary ``kind`` (relation, education,
    labour_status): the clerks' words, the codes themselves ("child_in_law"), and Mosty's own
    labels in Polish and English, what a page offers ("głowa gospodarstwa domowego") and what
    the export writes ("zarejestrowany jako bezrobotny"). Every spelling is normalised here,
    once per process, in the app (the labels come from its catalogs)."""
    words, codes, labels = VOCABULARIES[kind]
    spelled = []
    for locale in ("en", "pl"):
        with force_locale(locale):
            spelled += [(str(label), code) for code, label in labels.items()]
    spelled += [(code, code) for code in codes]
    spelled += list(words)  # last, so the clerks' words decide a clash
    return {header_key(word): code for word, code in spelled}


FIELDS = (
    ImportField("first_name", _l("First name"), True, ("Imię", "Imiona", "first name")),
    ImportField("last_name", _l("Last name"), True, ("Nazwisko", "last name", "surname")),
    ImportField("pesel", _l("PESEL"), False, ("PESEL", "Nr PESEL", "Numer PESEL")),
    ImportField("birth_date", _l("Date of birth"), False,
                ("Data urodzenia", "Data ur.", "Urodzony", "Urodzona", "date of birth",
                 "birth date")),
    ImportField("sex", _l("Sex"), False, ("Płeć", "sex", "gender")),
    ImportField("commune", _l("Commune (name or TERYT code)"), True,
                ("Gmina", "TERYT", "Kod TERYT", "TERYT gminy", "commune")),
    ImportField("locality", _l("Locality"), False,
                ("Miejscowość", "Miejscowość zamieszkania", "Miasto", "locality")),
    ImportField("phone", _l("Phone"), False,
                ("Telefon", "Tel.", "Nr telefonu", "Numer telefonu", "phone")),
    ImportField("email", _l("E-mail"), False, ("E-mail", "Email", "Adres e-mail", "mail")),
    ImportField("family", _l("Family"), False,
                ("Rodzina", "Nazwa rodziny", "Gospodarstwo domowe", "family")),
    ImportField("relation", _l("Relation to the head of the family"), False,
                ("Pokrewieństwo", "Stopień pokrewieństwa", "Relacja", "Rola w rodzinie",
                 "relation")),
    ImportField("social_assistance_case_no", _l("Social assistance case number"), False,
                ("Nr sprawy", "Numer sprawy", "Sygnatura", "Nr sprawy OPS")),
    ImportField("education", _l("Education"), False, ("Wykształcenie", "education")),
    ImportField("labour_status", _l("Labour-market status"), False,
                ("Status na rynku pracy", "Status zawodowy", "labour status",
                 "labour-market status")),
)
FILLABLE = ("pesel", "phone", "email", "social_assistance_case_no", "education",
            "labour_status")
# Rows written per statement at commit (see ``ParticipantImport._apply``).
CHUNK = 1000


@dataclass
class Person:
    """A checked row: the participant's values and where they go."""

    line: int
    values: dict
    family: str = ""
    relation: str = "other"
    match_id: int | None = None
    same_as_line: int | None = None
    errors: list = field(default_factory=list)


def check_row(row, lookup):
    """A ``Person`` from a mapped row, with every problem found (by field key)."""
    v = row.values
    person = Person(line=row.line, values={})
    errors = person.errors

    def take(key, reader, *args):
        try:
            return reader(v.get(key, ""), *args)
        except CellError as error:
            errors.append(RowError(key, error.message))
            return None

    first = take("first_name", text, 80, True, _l("The first name is required."))
    last = take("last_name", text, 120, True, _l("The last name is required."))
    birth = take("birth_date", parse_date)
    sex = take("sex", parse_sex)
    pesel = take("pesel", read_pesel, birth, sex)
    if pesel:
        encoded_birth, encoded_sex = decode_pesel(pesel)
        birth = birth or encoded_birth
        sex = sex or encoded_sex
    if birth is None and not any(e.field in ("birth_date", "pesel") for e in errors):
        errors.append(RowError("birth_date", _l("Give the date of birth or the PESEL.")))
    if sex is None and not any(e.field in ("sex", "pesel") for e in errors):
        errors.append(RowError("sex", _l("Give the sex (K or M) or the PESEL.")))
    commune = take("commune", lookup.resolve)
    locality = take("locality", text, 120)
    if commune is not None and not locality:
        locality = commune[1]
        if not locality:
            errors.append(RowError("locality", _l("Give the locality: the commune's name is "
                                                  "not known from its code.")))
    phone = take("phone", text, 40)
    if problem := phone_problem(phone):
        errors.append(RowError("phone", problem))
    email = take("email", text, 200)
    if email and not EMAIL.match(email):
        errors.append(RowError("email", _l("Enter an e-mail address like name@example.pl.")))
    case_no = take("social_assistance_case_no", text, 40)
    person.family = take("family", text, 160) or ""
    relation = header_key(v.get("relation", ""))
    if relation:
        known = words_with_app_labels("relation").get(relation)
        if known is None:
            errors.append(RowError("relation", _l("Unknown relation: write e.g. głowa rodziny, "
                                                  "małżonek, dziecko, rodzic, wnuk, inny.")))
        else:
            person.relation = known
    education = header_key(v.get("education", "")) or None
    if education is not None:
        education = words_with_app_labels("education").get(education)
        if education is None:
            errors.append(RowError("education", _l(
                "Unknown education: write e.g. podstawowe, gimnazjalne, zasadnicze zawodowe, "
                "średnie, policealne, wyższe, brak; or leave the cell empty.")))
    labour_status = header_key(v.get("labour_status", "")) or None
    if labour_status is not None:
        labour_status = words_with_app_labels("labour_status").get(labour_status)
        if labour_status is None:
            errors.append(RowError("labour_status", _l(
                "Unknown labour-market status: write e.g. bezrobotny zarejestrowany, "
                "bezrobotny niezarejestrowany, bierny zawodowo, pracujący, samozatrudniony; "
                "or leave the cell empty.")))
    if errors:
        return person
    teryt = commune[0]
    person.values = {
        "first_name": first, "last_name": last, "sex": sex, "birth_date": birth,
        "pesel": pesel or None, "phone": phone or "", "email": email or "",
        "registered_teryt": teryt, "registered_locality": locality,
        "registered_area": area_of(teryt), "actual_teryt": teryt, "actual_locality": locality,
        "actual_area": area_of(teryt), "social_assistance_case_no": case_no or "",
        # None when the file does not say: "not given" (docs/imports.md), never a default.
        "education": education, "labour_status": labour_status,
    }
    return person


# The sentences of the dry-run list, translated by ``Phrases``.
PHRASES = {
    "new": _l("New participant."),
    "same_line": _l("Same person as line %(line)d: merged, not added twice."),
    "joins_existing": _l("Joins your institution's existing family of that name."),
    "joins_line": _l("Joins the family started on line %(line)d."),
    "starts_family": _l("Starts a new family."),
    "unseen": _l("Not added to the family: your institution cannot see this person."),
}


class Phrases:
    """The dry-run list's sentences, each translated once per file rather than once per row
    (looking a translation up costs more than checking the row)."""

    def __init__(self):
        self._translated = {}

    def __call__(self, key, **values):
        text = self._translated.get(key)
        if text is None:
            text = self._translated[key] = str(PHRASES[key])
        return text % values if values else text


class Registered:
    """Who is already registered in the partnership, loaded once for the whole file."""

    def __init__(self, institution_id):
        self.by_pesel, self.by_name, self.institution_of = {}, {}, {}
        for pid, pesel, first, last, birth, owner in db.session.execute(select(
                Participant.id, Participant.pesel, Participant.first_name,
                Participant.last_name, Participant.birth_date, Participant.institution_id)):
            if pesel:
                self.by_pesel.setdefault(pesel, set()).add(pid)
            self.by_name.setdefault(_natural_key(first, last, birth), set()).add(pid)
            self.institution_of[pid] = owner
        self.visible = set(db.session.scalars(
            select(Participant.id).where(participant_visible_to(institution_id))))
        self.institution_names = {
            i.id: i.name for i in db.session.scalars(select(Institution))}
        self.families = {
            family.name.casefold(): family.id for family in db.session.scalars(
                select(Family).where(Family.institution_id == institution_id)
                .order_by(Family.id.desc()))}

    def matches(self, values):
        """{participant id: [reasons]} of records matching the person."""
        found = {}
        if values["pesel"]:
            for pid in self.by_pesel.get(values["pesel"], ()):
                found.setdefault(pid, []).append(_l("same PESEL"))
        key = _natural_key(values["first_name"], values["last_name"], values["birth_date"])
        for pid in self.by_name.get(key, ()):
            found.setdefault(pid, []).append(_l("same name and date of birth"))
        return found


def _natural_key(first, last, birth):
    return (first.casefold().strip(), last.casefold().strip(), birth)


class ParticipantImport:
    fields = FIELDS

    def __call__(self, rows, context):
        lookup = CommuneLookup()
        registered = Registered(context.institution_id)
        total = len(rows) * (1 if context.dry_run else 2)
        people, outcomes = [], []
        seen_pesel, seen_name = {}, {}
        new_families = {}
        phrases = Phrases()
        for index, row in enumerate(rows, 1):
            person = check_row(row, lookup)
            outcome = RowOutcome(line=row.line, errors=person.errors)
            if not person.errors:
                self._match(person, outcome, registered, seen_pesel, seen_name, phrases)
                self._family_note(person, outcome, registered, new_families, phrases)
            if outcome.errors:
                outcome.effect = "error"
            people.append(person)
            outcomes.append(outcome)
            context.report_progress(index, total)
        if context.dry_run or any(o.errors for o in outcomes):
            return outcomes
        self._apply(people, outcomes, registered, context, total)
        return outcomes

    @staticmethod
    def _match(person, outcome, registered, seen_pesel, seen_name, phrases):
        values = person.values
        natural = _natural_key(values["first_name"], values["last_name"], values["birth_date"])
        earlier = seen_pesel.get(values["pesel"]) if values["pesel"] else None
        earlier = earlier or seen_name.get(natural)
        if values["pesel"]:
            seen_pesel.setdefault(values["pesel"], person)
        seen_name.setdefault(natural, person)
        if earlier is not None:
            holders = registered.by_pesel.get(values["pesel"], ()) if values["pesel"] else ()
            if holders and earlier.match_id not in holders:
                # Merged with that line, the PESEL would fill in that record's blank one: a
                # second record with the PESEL of someone already registered.
                outcome.errors.append(RowError("pesel", _l(
                    "This PESEL is already registered by %(institution)s, but the name and "
                    "date of birth are those of line %(line)d, another person: check the row.",
                    institution=registered.institution_names.get(
                        registered.institution_of[min(holders)], "?"),
                    line=earlier.line)))
                return
            # The first line of the chain: only a line that adds a record has its id in
            # ``created`` (a third line like the second merges into the first's record).
            person.same_as_line = earlier.same_as_line or earlier.line
            person.match_id = earlier.match_id
            outcome.effect = "merge"
            outcome.note = phrases("same_line", line=earlier.line)
            return
        found = registered.matches(values)
        if len(found) > 1:
            outcome.errors.append(RowError("", _l(
                "This row matches %(count)d registered people: sort the duplicates out in "
                "the registry first.", count=len(found))))
            return
        if found:
            ((pid, reasons),) = found.items()
            person.match_id = pid
            outcome.effect = "merge"
            outcome.object_id = pid
            outcome.visible = pid in registered.visible
            outcome.note = _l("Already registered by %(institution)s (%(reasons)s): merged, "
                              "nothing new is added.",
                              institution=registered.institution_names.get(
                                  registered.institution_of[pid], "?"),
                              reasons=", ".join(str(r) for r in reasons))
            return
        outcome.effect = "create"
        outcome.note = phrases("new")

    @staticmethod
    def _family_note(person, outcome, registered, new_families, phrases):
        if not person.family:
            return
        key = person.family.casefold()
        if key in registered.families:
            suffix = phrases("joins_existing")
        elif key in new_families:
            suffix = phrases("joins_line", line=new_families[key])
        else:
            new_families[key] = person.line
            suffix = phrases("starts_family")
        if (outcome.effect == "merge" and outcome.object_id is not None
                and not outcome.visible):
            suffix = phrases("unseen")
        outcome.note = f"{outcome.note} {suffix}"

    def _apply(self, people, outcomes, registered, context, total):
        """Write the checked file in the job's one transaction: the new families, then the
        new people in chunks of ``CHUNK`` rows with their memberships and audit entries, then
        the merges. Each is one multi-row INSERT per table and chunk (``bulk``), not one
        statement and flush per person."""
        rows = list(zip(people, outcomes, strict=True))
        new_families = self._new_families(rows, registered)
        creating = [(person, outcome) for person, outcome in rows if outcome.effect == "create"]
        # Ids reserved first, so that no INSERT below waits for another's result: the
        # database writes each chunk while the next one is prepared (``bulk.pipelined``).
        family_ids = reserve_ids(Family, len(new_families))
        people_ids = reserve_ids(Participant, len(creating))
        members = set()  # (family id, participant id) known to be in the family
        created = {}  # line -> id of the participant the line created
        progress = _Progress(context, len(people), total)
        with pipelined():
            families = self._create_families(new_families, registered, context, family_ids)
            self._create_people(creating, families, members, created, registered, context,
                                progress, people_ids)
        self._merge_people(rows, families, members, created, registered, context, progress)
        progress.finish()

    @staticmethod
    def _merge_target(person, outcome, created, registered):
        """The id of the record a merged row adds to, or None when it adds to nothing (a
        record the institution cannot see)."""
        if outcome.effect == "create":
            return None
        pid = person.match_id
        if person.same_as_line is not None:
            pid = pid or created.get(person.same_as_line)
        return pid if pid is not None and pid in registered.visible else None

    @staticmethod
    def _adds_to_registry(person, outcome, registered):
        """Whether the row writes anything: a new person, a merge into a visible record or
        into a person created on an earlier line (known before any id is)."""
        if outcome.effect == "create":
            return True
        if person.match_id is not None:
            return person.match_id in registered.visible
        return person.same_as_line is not None

    def _new_families(self, rows, registered):
        """{name key: values} of the families the file starts, each with the place of the
        first row naming it."""
        new = {}
        for person, outcome in rows:
            if not person.family or not self._adds_to_registry(person, outcome, registered):
                continue
            key = person.family.casefold()
            if key in registered.families or key in new:
                continue
            new[key] = {"name": person.family, "teryt": person.values["registered_teryt"],
                        "locality": person.values["registered_locality"],
                        "area": person.values["registered_area"]}
        return new

    @staticmethod
    def _create_families(new, registered, context, reserved):
        """{name key: family id}: the institution's families and the new ones, written a
        chunk at a time."""
        families = dict(registered.families)
        for chunk in _chunks(list(new.items())):
            ids = insert_new(Family, [{**values, "institution_id": context.institution_id,
                                       "partnership_id": context.partnership_id}
                                      for _key, values in chunk], reserved)
            families.update(zip((key for key, _values in chunk), ids, strict=True))
            insert_all(AuditEntry, entry_rows("create", "Family", (
                (family_id, {"fields": sorted(k for k, v in values.items() if v),
                             "import_id": context.batch_id})
                for family_id, (_key, values) in zip(ids, chunk, strict=True)),
                actor_id=context.actor_id, institution_id=context.institution_id))
        return families

    @staticmethod
    def _create_people(creating, families, members, created, registered, context, progress,
                       reserved):
        """The new people, a chunk at a time: their rows, then their memberships and the
        audit entries, each one multi-row INSERT per chunk."""
        owner = {"institution_id": context.institution_id,
                 "partnership_id": context.partnership_id}
        for chunk in _chunks(creating):
            ids = insert_new(Participant, [{**person.values, **owner}
                                           for person, _outcome in chunk], reserved)
            new_members, entries = [], []
            for (person, outcome), pid in zip(chunk, ids, strict=True):
                created[person.line] = pid
                registered.visible.add(pid)
                detail = {"fields": sorted(k for k, val in person.values.items()
                                           if val not in ("", None)),
                          "import_id": context.batch_id}
                if person.family:
                    family_id = families[person.family.casefold()]
                    new_members.append({"family_id": family_id, "participant_id": pid,
                                        "relation": person.relation,
                                        "partnership_id": context.partnership_id})
                    members.add((family_id, pid))
                    detail["family_id"] = family_id
                entries.append((pid, detail))
                outcome.object_id, outcome.visible = pid, True
            insert_all(FamilyMember, new_members)
            insert_all(AuditEntry, entry_rows("create", "Participant", entries,
                                              actor_id=context.actor_id,
                                              institution_id=context.institution_id))
            progress.advance(len(chunk))

    def _merge_people(self, rows, families, members, created, registered, context, progress):
        merging = []
        for person, outcome in rows:
            pid = self._merge_target(person, outcome, created, registered)
            if pid is not None:
                merging.append((person, pid))
        existing = set(registered.families.values())
        if any(person.family and families[person.family.casefold()] in existing
               for person, _pid in merging):
            members |= _memberships(context.institution_id)
        for chunk in _chunks(merging):
            loaded = {p.id: p for p in db.session.scalars(select(Participant).where(
                Participant.id.in_({pid for _person, pid in chunk})))}
            joins = []
            for person, pid in chunk:
                self._fill_blanks(loaded[pid], person, context)
                if not person.family:
                    continue
                family_id = families[person.family.casefold()]
                if (family_id, pid) in members:
                    continue
                members.add((family_id, pid))
                joins.append(FamilyMember(family_id=family_id, participant_id=pid,
                                          relation=person.relation))
            db.session.add_all(joins)
            db.session.flush()
            for member in joins:
                audit.record("update", object_type="Family", object_id=member.family_id,
                             actor_id=context.actor_id, institution_id=context.institution_id,
                             detail={"added_participant_id": member.participant_id,
                                     "member_id": member.id, "import_id": context.batch_id})
            progress.advance(len(chunk))

    @staticmethod
    def _fill_blanks(participant, person, context):
        """Fields the institution's own record lacks are taken from the file; nothing it has
        is overwritten, and a record with restricted processing is left alone."""
        if participant.institution_id != context.institution_id:
            return
        if participant.processing_restricted:
            return
        changed = sorted(name for name in FILLABLE
                         if person.values.get(name) and not getattr(participant, name))
        for name in changed:
            setattr(participant, name, person.values[name])
        if changed:
            audit.record("update", participant, actor_id=context.actor_id,
                         institution_id=context.institution_id,
                         detail={"fields": changed, "import_id": context.batch_id})


class _Progress:
    """The commit's half of the job's progress: rows written so far, after each chunk."""

    def __init__(self, context, checked, total):
        self.context, self.checked, self.total, self.done = context, checked, total, 0

    def advance(self, rows):
        self.done += rows
        self.context.report_progress(self.checked + min(self.done, self.checked), self.total)

    def finish(self):
        self.context.report_progress(self.total, self.total)


def _chunks(items):
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _memberships(institution_id):
    """(family id, participant id) of every member of the institution's families: the
    check that a merged person is already in the family, one query for the whole file."""
    return {(family_id, pid) for family_id, pid in db.session.execute(
        select(FamilyMember.family_id, FamilyMember.participant_id)
        .join(Family, Family.id == FamilyMember.family_id)
        .where(Family.institution_id == institution_id))}
