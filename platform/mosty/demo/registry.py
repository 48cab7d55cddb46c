"""Demo case registry: fictitious but realistic carers in Kraków and rural families in West
Pomerania, with consents, services, deliveries, referrals, enrollments and outcomes.

Deterministic (one seed per partnership) and loaded once: a partnership that already has demo
participants (social-assistance case numbers starting ``DEMO-``) is left as it is.
"""

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from .. import audit, dates
from ..auth.models import User
from ..consents.models import Consent, ConsentInstitution
from ..enrollment.eligibility import evaluate
from ..enrollment.models import Enrollment, TargetGroup
from ..enrollment.service import default_retention, ensure_default_target_groups
from ..extensions import db
from ..families.models import Family, FamilyMember
from ..outcomes.models import FollowUp, Outcome
from ..outcomes.service import add_months
from ..participants.models import CareRelation, Dependant, Participant
from ..partnerships.models import Institution
from ..referrals.models import Referral
from ..services.models import Service, ServiceDelivery
from ..tenancy import partnership_scope
from .partnerships import PARTNERSHIPS, USERS

MARKER = "DEMO-"
SEED = 4_2026

# --- people ----------------------------------------------------------------------------------

FIRST_NAMES = {
    # (sex, generation): born before 1962, 1962–2003, after 2003
    ("female", "old"): ["Stanisława", "Janina", "Zofia", "Helena", "Irena", "Wanda", "Genowefa",
                        "Czesława", "Kazimiera", "Jadwiga", "Krystyna", "Halina", "Teresa"],
    ("male", "old"): ["Stanisław", "Józef", "Kazimierz", "Henryk", "Zdzisław", "Tadeusz",
                      "Władysław", "Edward", "Czesław", "Mieczysław", "Jan", "Bolesław"],
    ("female", "adult"): ["Anna", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa",
                          "Joanna", "Magdalena", "Monika", "Dorota", "Beata", "Renata",
                          "Justyna", "Aleksandra", "Marta", "Karolina", "Paulina", "Natalia",
                          "Sylwia", "Iwona", "Elżbieta", "Grażyna", "Jolanta", "Urszula",
                          "Edyta", "Izabela", "Patrycja", "Weronika", "Kamila", "Emilia"],
    ("male", "adult"): ["Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Marcin", "Michał",
                        "Grzegorz", "Marek", "Adam", "Łukasz", "Zbigniew", "Jerzy", "Mariusz",
                        "Dariusz", "Rafał", "Robert", "Kamil", "Mateusz", "Wojciech",
                        "Sławomir", "Ryszard", "Artur", "Damian", "Sebastian", "Bartosz"],
    ("female", "young"): ["Zuzanna", "Julia", "Maja", "Zofia", "Hanna", "Lena", "Alicja",
                          "Oliwia", "Amelia", "Pola", "Laura", "Wiktoria", "Nikola", "Emilia"],
    ("male", "young"): ["Antoni", "Jan", "Jakub", "Aleksander", "Franciszek", "Szymon", "Filip",
                        "Mikołaj", "Stanisław", "Wojciech", "Kacper", "Igor", "Nikodem",
                        "Oskar"],
}

# male form, female form, plural genitive ("Rodzina Kowalskich")
SURNAMES = [
    ("Nowak", "Nowak", "Nowaków"), ("Kowalski", "Kowalska", "Kowalskich"),
    ("Wiśniewski", "Wiśniewska", "Wiśniewskich"), ("Wójcik", "Wójcik", "Wójcików"),
    ("Kowalczyk", "Kowalczyk", "Kowalczyków"), ("Kamiński", "Kamińska", "Kamińskich"),
    ("Lewandowski", "Lewandowska", "Lewandowskich"), ("Zieliński", "Zielińska", "Zielińskich"),
    ("Szymański", "Szymańska", "Szymańskich"), ("Woźniak", "Woźniak", "Woźniaków"),
    ("Dąbrowski", "Dąbrowska", "Dąbrowskich"), ("Kozłowski", "Kozłowska", "Kozłowskich"),
    ("Jankowski", "Jankowska", "Jankowskich"), ("Mazur", "Mazur", "Mazurów"),
    ("Kwiatkowski", "Kwiatkowska", "Kwiatkowskich"), ("Krawczyk", "Krawczyk", "Krawczyków"),
    ("Piotrowski", "Piotrowska", "Piotrowskich"), ("Grabowski", "Grabowska", "Grabowskich"),
    ("Pawłowski", "Pawłowska", "Pawłowskich"), ("Michalski", "Michalska", "Michalskich"),
    ("Adamczyk", "Adamczyk", "Adamczyków"), ("Dudek", "Dudek", "Dudków"),
    ("Zając", "Zając", "Zająców"), ("Wieczorek", "Wieczorek", "Wieczorków"),
    ("Jabłoński", "Jabłońska", "Jabłońskich"), ("Król", "Król", "Królów"),
    ("Majewski", "Majewska", "Majewskich"), ("Olszewski", "Olszewska", "Olszewskich"),
    ("Jaworski", "Jaworska", "Jaworskich"), ("Wróbel", "Wróbel", "Wróblów"),
    ("Malinowski", "Malinowska", "Malinowskich"), ("Pawlak", "Pawlak", "Pawlaków"),
    ("Witkowski", "Witkowska", "Witkowskich"), ("Walczak", "Walczak", "Walczaków"),
    ("Stępień", "Stępień", "Stępniów"), ("Górski", "Górska", "Górskich"),
    ("Rutkowski", "Rutkowska", "Rutkowskich"), ("Michalak", "Michalak", "Michalaków"),
    ("Sikora", "Sikora", "Sikorów"), ("Ostrowski", "Ostrowska", "Ostrowskich"),
    ("Baran", "Baran", "Baranów"), ("Duda", "Duda", "Dudów"),
    ("Szewczyk", "Szewczyk", "Szewczyków"), ("Tomaszewski", "Tomaszewska", "Tomaszewskich"),
    ("Pietrzak", "Pietrzak", "Pietrzaków"), ("Marciniak", "Marciniak", "Marciniaków"),
    ("Wróblewski", "Wróblewska", "Wróblewskich"), ("Zalewski", "Zalewska", "Zalewskich"),
    ("Jakubowski", "Jakubowska", "Jakubowskich"), ("Jasiński", "Jasińska", "Jasińskich"),
    ("Zawadzki", "Zawadzka", "Zawadzkich"), ("Sadowski", "Sadowska", "Sadowskich"),
    ("Bąk", "Bąk", "Bąków"), ("Chmielewski", "Chmielewska", "Chmielewskich"),
    ("Włodarczyk", "Włodarczyk", "Włodarczyków"), ("Borkowski", "Borkowska", "Borkowskich"),
    ("Czarnecki", "Czarnecka", "Czarneckich"), ("Sawicki", "Sawicka", "Sawickich"),
    ("Sokołowski", "Sokołowska", "Sokołowskich"), ("Urbański", "Urbańska", "Urbańskich"),
    ("Kubiak", "Kubiak", "Kubiaków"), ("Maciejewski", "Maciejewska", "Maciejewskich"),
    ("Szczepański", "Szczepańska", "Szczepańskich"), ("Kucharski", "Kucharska", "Kucharskich"),
    ("Wilk", "Wilk", "Wilków"), ("Kalinowski", "Kalinowska", "Kalinowskich"),
    ("Lis", "Lis", "Lisów"), ("Mazurek", "Mazurek", "Mazurków"),
    ("Wysocki", "Wysocka", "Wysockich"), ("Adamski", "Adamska", "Adamskich"),
    ("Kaźmierczak", "Kaźmierczak", "Kaźmierczaków"), ("Sobczak", "Sobczak", "Sobczaków"),
    ("Czerwiński", "Czerwińska", "Czerwińskich"), ("Cieślak", "Cieślak", "Cieślaków"),
    ("Głowacki", "Głowacka", "Głowackich"), ("Kołodziej", "Kołodziej", "Kołodziejów"),
    ("Sikorski", "Sikorska", "Sikorskich"), ("Krajewski", "Krajewska", "Krajewskich"),
    ("Szulc", "Szulc", "Szulców"), ("Baranowski", "Baranowska", "Baranowskich"),
    ("Laskowski", "Laskowska", "Laskowskich"), ("Brzeziński", "Brzezińska", "Brzezińskich"),
    ("Ziółkowski", "Ziółkowska", "Ziółkowskich"), ("Przybylski", "Przybylska", "Przybylskich"),
]

ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
PESEL_WEIGHTS = (1, 3, 7, 9, 1, 3, 7, 9, 1, 3)
PESEL_MONTH_OFFSET = {18: 80, 19: 0, 20: 20, 21: 40, 22: 60}


def pesel_for(birth_date, sex, rng, taken):
    """A PESEL with a valid check digit encoding ``birth_date`` and ``sex``, not in ``taken``."""
    month = birth_date.month + PESEL_MONTH_OFFSET[birth_date.year // 100]
    while True:
        sex_digit = rng.choice((1, 3, 5, 7, 9) if sex == "male" else (0, 2, 4, 6, 8))
        digits = (f"{birth_date.year % 100:02d}{month:02d}{birth_date.day:02d}"
                  f"{rng.randrange(1000):03d}{sex_digit}")
        check = (10 - sum(int(d) * w for d, w in zip(digits, PESEL_WEIGHTS, strict=True)) % 10) % 10
        number = f"{digits}{check}"
        if number not in taken:
            taken.add(number)
            return number


def deal(rng, weights, n):
    """``n`` labels in about the proportions of ``weights``, shuffled; each label at least once
    (when ``n`` allows), so even a small demo shows every case."""
    total = sum(weights.values())
    labels = [label for label, w in weights.items() for _ in range(max(1, n * w // total))]
    while len(labels) < n:
        labels.append(rng.choices(list(weights), list(weights.values()))[0])
    while len(labels) > n:
        labels.remove(max(weights, key=labels.count))
    rng.shuffle(labels)
    return labels


def moment(day, rng):
    """A time of the working day on ``day`` (Warsaw office hours, stored in UTC)."""
    return datetime.combine(day, time(rng.randint(7, 14), rng.randrange(0, 60, 5)), tzinfo=UTC)


# --- territory -------------------------------------------------------------------------------

# teryt, area, localities, weight, welfare institution, labour office
KRAKOW_PLACES = [
    ("1261011", "urban", ["Kraków"], 96, "mops", "gup"),
    ("1206124", "urban", ["Skawina"], 8, "pcpr", "up_powiat"),
    ("1206125", "rural", ["Radziszów", "Jaśkowice", "Rzozów", "Wola Radziszowska"], 6, "pcpr",
     "up_powiat"),
    ("1206172", "rural", ["Zabierzów", "Rudawa", "Bolechowice", "Karniowice"], 7, "pcpr",
     "up_powiat"),
    ("1206082", "rural", ["Liszki", "Piekary", "Kryspinów", "Mników"], 5, "pcpr", "up_powiat"),
    ("1206092", "rural", ["Michałowice", "Raciborowice", "Zdziesławice"], 5, "pcpr",
     "up_powiat"),
    ("1206032", "rural", ["Igołomia", "Wawrzeńczyce", "Tropiszów", "Odwiśle"], 10,
     "gops_igolomia", "up_powiat"),
    ("1206062", "rural", ["Luborzyca", "Kocmyrzów", "Goszcza", "Wysiółek Luborzycki"], 11,
     "gops_kocmyrzow", "up_powiat"),
]

# teryt, area, localities, weight, welfare institution (None: none in the partnership),
# labour office, county family support centre (None: none in the partnership)
POMORZE_PLACES = [
    ("3201064", "rural", ["Dobrowo", "Tychówko", "Motarzyno", "Kowalki", "Żukowo"], 14,
     "gops_tychowo", "pup_bialogard", "pcpr_bialogard"),
    ("3201022", "rural", ["Rarwino", "Pomianowo", "Stanomino", "Żelimucha"], 8, None,
     "pup_bialogard", "pcpr_bialogard"),
    ("3201011", "urban", ["Białogard"], 2, None, "pup_bialogard", "pcpr_bialogard"),
    ("3203034", "rural", ["Pomierzyn", "Giżyno", "Bralin", "Poźrzadło"], 7, "mgops_kalisz",
     "pup_drawsko", "pcpr_drawsko"),
    ("3203024", "rural", ["Zagozd", "Gudowo", "Łabędzie", "Mielenko Drawskie"], 6, None,
     "pup_drawsko", "pcpr_drawsko"),
    ("3216044", "rural", ["Bronowo", "Łęgi", "Redło", "Ogartowo"], 8, "mgops_polczyn",
     "pup_swidwin", None),
    ("3218064", "rural", ["Stare Resko", "Łosośnica", "Sienno Dolne", "Policko"], 8,
     "mgops_resko", "pup_lobez", None),
    ("3218044", "rural", ["Worowo", "Zajezierze", "Pomorzany", "Bonin"], 7, None,
     "pup_lobez", None),
]

# --- service catalogues ----------------------------------------------------------------------

# institution key: [(name, kind, capacity, description)]
SERVICES = {
    "krakow": {
        "plineu": [
            ("Doradztwo zawodowe dla opiekunów osób zależnych", "advisory", 40,
             "Indywidualne konsultacje, bilans kompetencji, plan powrotu do pracy."),
            ("Szkolenie „Powrót na rynek pracy”", "training", 15,
             "Kompetencje cyfrowe, autoprezentacja, rozmowa kwalifikacyjna."),
            ("Warsztaty równowagi praca–rodzina", "training", 20,
             "Zarządzanie czasem, elastyczne formy pracy, prawa pracownika-opiekuna."),
        ],
        "adecco": [
            ("Pośrednictwo pracy – elastyczne formy zatrudnienia", "placement", None,
             "Oferty pracy w niepełnym wymiarze, zdalnej i w ruchomym czasie pracy."),
        ],
        "gup": [
            ("Pośrednictwo pracy", "placement", None, "Oferty pracy z bazy urzędu."),
            ("Doradztwo zawodowe", "advisory", 30, "Porada indywidualna i grupowa."),
            ("Szkolenie zawodowe: opiekun osoby starszej", "training", 12,
             "Kurs kwalifikacyjny finansowany z Funduszu Pracy."),
        ],
        "mops": [
            ("Praca socjalna", "other", None, "Kontrakt socjalny, wsparcie w sprawach rodziny."),
            ("Usługi opiekuńcze – zastępstwo opiekuna", "care_substitution", 25,
             "Opiekunka w domu osoby zależnej na czas szkolenia lub pracy opiekuna."),
            ("Poradnictwo psychologiczne dla opiekunów", "psychological", 10,
             "Konsultacje indywidualne, grupa wsparcia."),
        ],
        "gops_igolomia": [
            ("Praca socjalna", "other", None, ""),
            ("Usługi opiekuńcze w miejscu zamieszkania", "care_substitution", 8, ""),
        ],
        "gops_kocmyrzow": [
            ("Praca socjalna", "other", None, ""),
            ("Usługi opiekuńcze w miejscu zamieszkania", "care_substitution", 8, ""),
        ],
        "pcpr": [
            ("Poradnictwo rodzinne", "psychological", 15, ""),
            ("Poradnictwo prawne dla opiekunów osób z niepełnosprawnością", "legal", 10, ""),
            ("Opieka wytchnieniowa", "care_substitution", 10,
             "Krótkoterminowa opieka nad osobą z niepełnosprawnością."),
        ],
        "up_powiat": [
            ("Pośrednictwo pracy", "placement", None, ""),
            ("Staż zawodowy", "placement", 20, "Staż u pracodawcy do 6 miesięcy."),
            ("Szkolenie zawodowe: kadry i płace", "training", 12, ""),
        ],
        "rops": [
            ("Informacja o prawach opiekunów osób zależnych", "legal", None, ""),
        ],
    },
    "pomorze": {
        "fundacja": [
            ("Diagnoza potrzeb i zasobów rodziny", "advisory", 60,
             "Wizyty Animatora Pracy w domu rodziny, test motywacji."),
            ("Rodzinny plan wyjścia z bezrobocia", "advisory", 60,
             "Plan pracy rodziny uzgodniony z PUP, PCPR i OPS."),
            ("Spotkania Klubu Wsparcia Koleżeńskiego", "other", 25, ""),
            ("Warsztaty aktywizacji zawodowej", "training", 15, ""),
        ],
        "pup_bialogard": [
            ("Pośrednictwo pracy", "placement", None, ""),
            ("Roboty publiczne", "placement", 20, ""),
            ("Szkolenie: operator wózków widłowych", "training", 10, ""),
        ],
        "pup_drawsko": [
            ("Pośrednictwo pracy", "placement", None, ""),
            ("Prace interwencyjne", "placement", 15, ""),
            ("Szkolenie: pracownik gospodarczy", "training", 10, ""),
        ],
        "pup_swidwin": [
            ("Pośrednictwo pracy", "placement", None, ""),
            ("Staż zawodowy", "placement", 15, ""),
        ],
        "pup_lobez": [
            ("Pośrednictwo pracy", "placement", None, ""),
            ("Roboty publiczne", "placement", 15, ""),
        ],
        "pcpr_bialogard": [("Poradnictwo specjalistyczne dla rodzin", "psychological", 12, "")],
        "pcpr_drawsko": [("Poradnictwo specjalistyczne dla rodzin", "psychological", 12, "")],
        "gops_tychowo": [("Praca socjalna – kontrakt socjalny", "other", None, ""),
                         ("Zasiłek celowy", "benefit", None, "")],
        "mgops_kalisz": [("Praca socjalna – kontrakt socjalny", "other", None, "")],
        "mgops_polczyn": [("Praca socjalna – kontrakt socjalny", "other", None, "")],
        "mgops_resko": [("Praca socjalna – kontrakt socjalny", "other", None, "")],
        "caritas": [("Pomoc rzeczowa i żywnościowa", "benefit", None, "")],
        "zsp_swidwin": [("Kurs zawodowy: sprzedawca z obsługą kasy fiskalnej", "training", 12, ""),
                        ("Kurs zawodowy: pilarz", "training", 10, "")],
        "agro_drawsko": [("Praktyki w przetwórstwie rolno-spożywczym", "placement", 8, "")],
        "starostwo_lobez": [("Punkt Operatora Informacji", "advisory", None, "")],
    },
}

DELIVERY_RESULTS = {
    "advisory": ["Opracowano indywidualny plan działania.", "Konsultacja odbyła się.",
                 "Omówiono oferty pracy i potrzebne kwalifikacje."],
    "training": ["Obecność na zajęciach.", "Moduł ukończony.", ""],
    "psychological": ["Konsultacja odbyła się.", ""],
    "legal": ["Udzielono informacji o uprawnieniach.", ""],
    "care_substitution": ["Zastępstwo w opiece zrealizowane.", ""],
    "placement": ["Przedstawiono oferty pracy.", "Skierowano na rozmowę kwalifikacyjną.",
                  "Brak odpowiednich ofert, ponowny kontakt za miesiąc."],
    "benefit": ["Przyznano.", ""],
    "other": ["Wizyta w domu rodziny.", "Spotkanie w ośrodku.", ""],
}

REFERRAL_REASONS = {
    "placement": ["Szuka pracy w niepełnym wymiarze godzin, pogodzonej z opieką.",
                  "Prośba o oferty pracy w pobliżu miejsca zamieszkania.",
                  "Gotowość do podjęcia pracy sezonowej."],
    "training": ["Chce zdobyć nowe kwalifikacje przed powrotem do pracy.",
                 "Prośba o skierowanie na szkolenie zawodowe."],
    "advisory": ["Potrzebny bilans kompetencji i plan powrotu do pracy.",
                 "Prośba o doradztwo zawodowe."],
    "care_substitution": ["Potrzebne zastępstwo w opiece na czas szkolenia.",
                          "Opieka nad osobą zależną w godzinach pracy opiekuna."],
    "psychological": ["Przeciążenie opieką, prośba o wsparcie psychologiczne.",
                      "Konflikty w rodzinie utrudniające powrót do pracy."],
    "legal": ["Pytania o uprawnienia opiekuna osoby z niepełnosprawnością."],
    "other": ["Prośba o pracę socjalną z rodziną."],
    "benefit": ["Trudna sytuacja materialna rodziny."],
}
DECLINE_REASONS = ["Brak wolnych miejsc w bieżącej edycji, prosimy o ponowne skierowanie.",
                   "Osoba nie stawiła się na dwa umówione spotkania.",
                   "Usługa nie jest świadczona w miejscu zamieszkania osoby."]
REFERRAL_RESULTS = ["Zrealizowano zgodnie ze skierowaniem.", "Ukończyła szkolenie.",
                    "Podjęła zatrudnienie.", "Odbyto trzy konsultacje."]

KRAKOW_EMPLOYERS = ["Adecco Poland Sp. z o.o.", "Centrum Usług Księgowych „Bilans” Sp. z o.o.",
                    "Piekarnia „Zakrzówek” s.c.", "Szpital Specjalistyczny – Kraków (fikcyjny)",
                    "Sklep „Społem” Kraków-Podgórze", "Biuro Obsługi Klienta „Wawel-Tel”"]
POMORZE_EMPLOYERS = ["Gospodarstwo Rolne i Przetwórstwo „Drawa” Sp. z o.o.",
                     "Zakład Usług Leśnych „Parsęta”", "Przedsiębiorstwo Usług Komunalnych "
                     "w Tychowie", "Ferma Drobiu „Rarwino” Sp. z o.o.",
                     "Tartak „Dąbrowa” s.c.", "Gminny Zakład Gospodarki Komunalnej w Resku"]

class _Demo:
    """What one partnership's demo is built from, and the records it has built so far."""

    def __init__(self, slug, partnership_id, rng):
        self.slug = slug
        self.partnership_id = partnership_id
        self.rng = rng
        self.today = dates.today()
        spec = next(p for p in PARTNERSHIPS if p["slug"] == slug)
        by_name = {i.name: i for i in db.session.scalars(select(Institution))}
        self.inst = {key: by_name[name] for key, name, *_rest in spec["institutions"]}
        emails = {email: key for email, _n, s, key, roles in USERS
                  if s == slug and "caseworker" in roles}
        self.staff = {emails[u.email]: u.id for u in
                      db.session.scalars(select(User).where(User.email.in_(emails)))}
        self.pesels = set()
        self.emails = set()
        self.case_numbers = {}
        self.services = {}  # institution key -> [Service]
        self.counts = dict.fromkeys(
            ("participants", "dependants", "families", "consents", "services", "deliveries",
             "referrals", "enrollments", "outcomes", "follow_ups"), 0)
        self.pending = []

    # -- helpers ---------------------------------------------------------------------------

    def add(self, obj, counter=None):
        self.pending.append(obj)
        if counter:
            self.counts[counter] += 1
        return obj

    def flush(self):
        db.session.add_all(self.pending)
        db.session.flush()
        self.pending = []

    def days_ago(self, low, high):
        return self.today - timedelta(days=self.rng.randint(low, high))

    def staff_of(self, key):
        return self.staff.get(key)

    def key_of(self, institution_id):
        return next(k for k, i in self.inst.items() if i.id == institution_id)

    # -- people ----------------------------------------------------------------------------

    def birth_date(self, age_low, age_high):
        return self.today - timedelta(days=self.rng.randint(age_low * 365 + 10,
                                                            age_high * 365 + 350))

    def first_name(self, sex, birth_date):
        generation = ("old" if birth_date.year < 1962 else
                      "adult" if birth_date.year <= 2003 else "young")
        return self.rng.choice(FIRST_NAMES[(sex, generation)])

    def surname(self):
        return self.rng.choice(SURNAMES)

    def email(self, first, last, birth_date):
        base = f"{first}.{last}".lower().translate(ASCII).replace(" ", "")
        address = f"{base}{birth_date.year % 100:02d}@example.pl"
        n = 2
        while address in self.emails:
            address = f"{base}{n}@example.pl"
            n += 1
        self.emails.add(address)
        return address

    def phone(self):
        r = self.rng
        return f"+48 6{r.randint(0, 9)}{r.randint(0, 9)} {r.randint(100, 999)} {r.randint(100, 999)}"

    def out_of_work_since(self, birth_date, low, high):
        """A date ``low``–``high`` days ago, but not before the person came of age."""
        try:
            of_age = birth_date.replace(year=birth_date.year + 18)
        except ValueError:  # born on 29 February
            of_age = birth_date.replace(year=birth_date.year + 18, day=28)
        return max(self.days_ago(low, high), of_age)

    def case_number(self, prefix, year):
        n = self.case_numbers[prefix] = self.case_numbers.get(prefix, 0) + 1
        return f"{prefix}/{year}/{n:04d}"

    def person(self, *, owner, sex, birth_date, surname, place, locality, labour_status,
               education, registered_on, contact=True, labour_office=None, **fields):
        r = self.rng
        teryt, area = place[0], place[1]
        last = surname[0] if sex == "male" else surname[1]
        first = self.first_name(sex, birth_date)
        since = None
        if labour_status == "registered_unemployed":
            since = self.out_of_work_since(birth_date, *r.choice(((60, 360), (380, 2900))))
        elif labour_status == "unregistered_unemployed" and r.random() < 0.5:
            since = self.out_of_work_since(birth_date, 200, 3000)
        contract = None
        if labour_status == "employed":
            contract = r.choices(("employment", "fixed_term", "mandate", "temporary"),
                                 (5, 3, 2, 1))[0]
        participant = Participant(
            institution_id=owner.id, first_name=first, last_name=last, sex=sex,
            birth_date=birth_date,
            pesel=pesel_for(birth_date, sex, r, self.pesels) if r.random() < 0.96 else None,
            phone=self.phone() if contact else "",
            email=self.email(first, last, birth_date) if contact and r.random() < 0.7 else "",
            registered_teryt=teryt, registered_locality=locality, registered_area=area,
            actual_teryt=teryt, actual_locality=locality, actual_area=area,
            education=education, labour_status=labour_status, unemployed_since=since,
            long_term_unemployed=since is not None and (self.today - since).days > 365,
            contract_type=contract,
            labour_office_case_no=(self.case_number(labour_office, since.year)
                                   if labour_status == "registered_unemployed" and labour_office
                                   else ""),
            social_assistance_case_no=self.case_number(
                f"{MARKER}{owner.short_name.split()[0].upper()}", registered_on.year),
            created_at=moment(registered_on, r), **fields,
        )
        return self.add(participant, "participants")

    # -- catalogue -------------------------------------------------------------------------

    def load_services(self):
        for key, items in SERVICES[self.slug].items():
            self.services[key] = [
                self.add(Service(institution_id=self.inst[key].id, name=name, kind=kind,
                                 capacity=capacity, description=description,
                                 location=self.inst[key].address, own_resources=True),
                         "services")
                for name, kind, capacity, description in items
            ]

    def target_groups(self):
        """The partnership's target groups (as the enrollment package defines them), by code."""
        ensure_default_target_groups(self.slug, self.partnership_id)
        return {g.code: g for g in db.session.scalars(select(TargetGroup))}

    # -- sharing ---------------------------------------------------------------------------

    def consent(self, participant, owner_key, institution_keys, given_on, withdrawn=False):
        r = self.rng
        purposes = ["support", "referral"] + [p for p in ("contact", "reporting")
                                              if r.random() < 0.4]
        withdrawn_on = None
        if withdrawn and (self.today - given_on).days > 30:
            withdrawn_on = given_on + timedelta(days=r.randint(20, (self.today - given_on).days))
        consent = self.add(Consent(
            participant=participant, institution_id=self.inst[owner_key].id,
            lawful_basis="consent" if r.random() < 0.9 else "public_task", purposes=purposes,
            given_on=given_on, withdrawn_on=withdrawn_on, recorded_by_id=self.staff_of(owner_key),
            created_at=moment(given_on, r)), "consents")
        for key in institution_keys:
            self.add(ConsentInstitution(consent=consent, institution_id=self.inst[key].id))
        return consent

    def referral(self, participant, from_key, to_key, status, not_before, family=None):
        r = self.rng
        service = r.choice(self.services[to_key]) if self.services.get(to_key) else None
        kind = service.kind if service else "other"
        if status == "sent":
            sent_on = self.days_ago(1, 28)  # a fortnight to answer: some are overdue
        elif status == "accepted" and r.random() < 0.3:
            sent_on = self.days_ago(60, 120)  # accepted, but not completed in time
        else:
            span = max((self.today - not_before).days - 20, 1)
            sent_on = not_before + timedelta(days=r.randint(0, span))
        sent_on = max(sent_on, not_before)
        sent_at = moment(sent_on, r)
        answered = sent_on + timedelta(days=r.randint(1, 10))
        referral = Referral(
            participant_id=participant.id, family_id=family.id if family else None,
            from_institution_id=self.inst[from_key].id, to_institution_id=self.inst[to_key].id,
            service_id=service.id if service else None,
            reason=r.choice(REFERRAL_REASONS[kind]),
            shared_fields=sorted(r.sample(("contact", "address", "labour_status", "education",
                                           "care_load", "family"), r.randint(1, 3))),
            status=status, due_on=sent_on + timedelta(days=14), sent_at=sent_at,
            sent_by_id=self.staff_of(from_key), created_at=sent_at,
        )
        if status == "accepted" and referral.due_on < self.today:
            referral.due_on = sent_on + timedelta(days=r.randint(30, 50))
        if status != "sent":
            referral.answered_at = moment(min(answered, self.today), r)
            referral.answered_by_id = self.staff_of(to_key)
        if status == "declined":
            referral.decline_reason = r.choice(DECLINE_REASONS)
        if status == "completed":
            referral.completed_at = moment(
                min(answered + timedelta(days=r.randint(14, 90)), self.today), r)
            referral.result = r.choice(REFERRAL_RESULTS)
        return self.add(referral, "referrals")

    def deliveries(self, participant, keys, start, end):
        r = self.rng
        services = [s for key in keys for s in self.services.get(key, ())]
        if not services or end <= start:
            return
        for _ in range(r.randint(1, 6)):
            service = r.choice(services)
            self.add(ServiceDelivery(
                service_id=service.id, participant_id=participant.id,
                delivered_on=start + timedelta(days=r.randint(0, (end - start).days)),
                hours=Decimal(r.choice(("1", "1.5", "2", "3", "4", "6"))),
                staff_id=self.staff_of(self.key_of(service.institution_id)),
                result=r.choice(DELIVERY_RESULTS[service.kind])), "deliveries")

    # -- the programme ---------------------------------------------------------------------

    def enroll(self, subject, owner_key, group, stage, recruited_on):
        """An enrollment at ``stage``, with the verdict recorded at recruitment and the
        retention date of a path that has ended."""
        owner = self.inst[owner_key]
        enrollment = Enrollment(
            participant_id=None if isinstance(subject, Family) else subject.id,
            family_id=subject.id if isinstance(subject, Family) else None,
            institution_id=owner.id, target_group_id=group.id, status="recruited",
            recruited_on=recruited_on, changed_by_id=self.staff_of(owner_key),
            created_at=moment(recruited_on, self.rng),
        )
        self.add(enrollment, "enrollments")
        self._walk(enrollment, subject, group, stage)
        enrollment.retention_until = default_retention(enrollment.ended_on)
        return enrollment

    def _walk(self, enrollment, subject, group, stage):
        r = self.rng
        verdict = evaluate(subject, group, today=enrollment.recruited_on).as_dict()
        verdict["evaluated_on"] = enrollment.recruited_on.isoformat()
        enrollment.eligibility = verdict
        assessed_on = min(enrollment.recruited_on + timedelta(days=r.randint(2, 14)), self.today)
        if not verdict["eligible"]:
            if stage != "recruited":
                enrollment.status, enrollment.exit_reason = "exited", "not_eligible"
                enrollment.ended_on = assessed_on
            return
        if stage == "recruited":
            return
        enrollment.status, enrollment.eligible_on = "eligible", assessed_on
        if stage == "eligible":
            return
        started = min(assessed_on + timedelta(days=r.randint(5, 30)), self.today)
        if stage == "exited" and r.random() < 0.3:
            # Left before the programme began for them.
            enrollment.status, enrollment.ended_on = "exited", started
            enrollment.exit_reason = r.choice(("withdrew", "moved_away", "no_contact"))
            return
        enrollment.status, enrollment.started_on = "active", started
        if stage == "active":
            return
        ended = min(started + timedelta(days=r.randint(60, 270)), self.today - timedelta(days=3))
        enrollment.ended_on = max(ended, started)
        if stage == "completed":
            enrollment.status = "completed"
        else:
            enrollment.status = "exited"
            enrollment.exit_reason = r.choice(("found_work", "found_work", "health", "withdrew",
                                               "no_contact", "other"))

    def outcome(self, participant, institution_key, kind, on, employer="", note=""):
        r = self.rng
        values = {}
        if kind == "job_started":
            values = dict(employer=employer,
                          contract_type=r.choices(("employment", "fixed_term", "mandate",
                                                   "temporary"), (4, 4, 2, 1))[0],
                          hours_per_week=r.choice((20, 20, 30, 40, 40)))
        elif kind == "self_employment":
            values = dict(hours_per_week=40)
        return self.add(Outcome(participant_id=participant.id,
                                institution_id=self.inst[institution_key].id, kind=kind,
                                occurred_on=on, note=note, created_at=moment(on, r), **values),
                        "outcomes")

    def follow_ups(self, enrollment, status_after):
        r = self.rng
        if enrollment.ended_on is None or enrollment.exit_reason == "not_eligible":
            return
        for months in (3, 6):
            due = add_months(enrollment.ended_on, months)  # the earliest the rule allows
            if due > self.today:
                break
            checked = min(due + timedelta(days=r.randint(0, 14)), self.today)
            status = status_after if r.random() < 0.8 else r.choice(("unknown", "unemployed"))
            self.add(FollowUp(enrollment_id=enrollment.id, months=months, status=status,
                              checked_on=checked), "follow_ups")

    def with_outcomes(self, enrollment, person, labour_key, employers, owner_key):
        """Jobs, trainings and ended registrations for someone who completed or left for
        work; returns their situation afterwards (for the follow-ups)."""
        r = self.rng
        if enrollment.status == "active" and r.random() < 0.25:
            on = self.days_ago(5, 60)
            if on > enrollment.started_on:
                self.outcome(person, owner_key, "training_completed", on,
                             note="Ukończone szkolenie w ramach programu.")
            return None
        if enrollment.status not in ("completed", "exited") or enrollment.exit_reason not in (
                None, "found_work"):
            return "unemployed" if enrollment.ended_on else None
        ended = enrollment.ended_on
        if r.random() < 0.5:
            self.outcome(person, owner_key, "training_completed",
                         ended - timedelta(days=r.randint(5, 40)),
                         note="Zaświadczenie o ukończeniu szkolenia.")
        if enrollment.exit_reason == "found_work" or r.random() < 0.55:
            if r.random() < 0.1:
                self.outcome(person, labour_key, "self_employment", ended,
                             note="Jednorazowe środki na podjęcie działalności.")
                return "self_employed"
            self.outcome(person, labour_key, "job_started", ended, employer=r.choice(employers))
            if person.labour_status == "registered_unemployed":
                self.outcome(person, labour_key, "registration_ended", ended,
                             note="Podjęcie zatrudnienia.")
            return "employed"
        return r.choice(("unemployed", "inactive"))


STAGES = {"recruited": 12, "eligible": 14, "active": 34, "completed": 26, "exited": 14}
REFERRAL_STATUSES = {"sent": 26, "accepted": 24, "declined": 14, "completed": 36}


@dataclass
class Case:
    """A demo participant with who registered them and whom their consent may name."""

    person: Participant
    owner: str  # institution key
    recruited_on: date
    partners: list  # institution keys, the labour office first
    family: Family | None = None

    @property
    def labour_office(self):
        return self.partners[0]


def _share_and_serve(demo, cases):
    """Consents (most people; a few withdrawn), deliveries, and referrals in every status."""
    r = demo.rng
    shared = []
    for case in cases:
        if r.random() < 0.1:
            demo.deliveries(case.person, [case.owner], case.recruited_on, demo.today)
            continue
        named = [case.partners[0]] + r.sample(case.partners[1:],
                                              r.randint(1, min(3, len(case.partners) - 1)))
        withdrawn = r.random() < 0.06
        demo.consent(case.person, case.owner, named, case.recruited_on, withdrawn=withdrawn)
        if withdrawn:
            demo.deliveries(case.person, [case.owner], case.recruited_on, demo.today)
        else:
            demo.deliveries(case.person, [case.owner, *named[:2]], case.recruited_on, demo.today)
            shared.append((case, named))
    referred = [(case, named) for case, named in shared if r.random() < 0.7]
    statuses = deal(r, REFERRAL_STATUSES, len(referred))
    for (case, named), status in zip(referred, statuses, strict=True):
        # Mostly to the labour office: a return to work is what both programmes are for.
        to_key = named[0] if r.random() < 0.65 else r.choice(named)
        demo.referral(case.person, case.owner, to_key, status, case.recruited_on,
                      family=case.family)
        if r.random() < 0.15 and len(named) > 1:
            demo.referral(case.person, case.owner, r.choice(named[1:]),
                          r.choice(("completed", "accepted")), case.recruited_on,
                          family=case.family)


# --- Kraków: carers ----------------------------------------------------------------------------

KRAKOW_CARERS = 128
KRAKOW_COUPLES = 24

CARER_PROFILES = {
    # name: (weight, share of women, carer age range, dependant type, dependants, hours, services)
    "small_child": (45, 0.88, (24, 42), "child_under_7", (1, 2), (30, 70),
                    ("nursery", "kindergarten", "nanny")),
    "disabled_child": (15, 0.8, (28, 52), "child_with_disability", (1, 1), (40, 90),
                       ("day_care", "assistant", "respite_care")),
    "disabled_adult": (12, 0.65, (35, 64), "adult_with_disability", (1, 1), (25, 70),
                       ("assistant", "day_care", "respite_care", "home_care")),
    "elderly": (28, 0.78, (38, 64), "ill_or_elderly", (1, 2), (15, 60),
                ("home_care", "day_care", "respite_care")),
}
LABOUR_MIX = {"registered_unemployed": 26, "unregistered_unemployed": 9, "inactive": 20,
              "employed": 38, "self_employed": 7}
EDUCATION_MIX = {"primary": 3, "lower_secondary": 4, "vocational": 18, "secondary": 33,
                 "post_secondary": 10, "higher": 32}
KRAKOW_LABOUR_CASE_PREFIX = {"gup": "GUP-KR", "up_powiat": "UPPK"}


def _pick(rng, weights):
    return rng.choices(list(weights), list(weights.values()))[0]


def _dependants(demo, profile, carer_birth):
    r = demo.rng
    _w, _f, _ages, kind, (low, high), (h_low, h_high), services = CARER_PROFILES[profile]
    year = demo.today.year
    for _ in range(r.randint(low, high)):
        if kind == "child_under_7":
            born = year - r.randint(0, 6)
        elif kind == "child_with_disability":
            born = year - r.randint(3, 17)
        elif kind == "adult_with_disability":
            born = r.randint(max(carer_birth.year - 40, 1940), year - 18)
        else:
            born = min(carer_birth.year - r.randint(20, 35), year - 70)
        sex = r.choice(("female", "male"))
        dependant = demo.add(Dependant(first_name=demo.first_name(sex, date(born, 6, 1)),
                                       birth_year=born, dependant_type=kind), "dependants")
        yield CareRelation(dependant=dependant, hours_per_week=r.randint(h_low, h_high),
                           care_services=sorted(r.sample(services, r.randint(0, 2))))


def _krakow_partners(r, owner_key, labour):
    """Institutions a Kraków carer's consent may name: the labour office, then the others."""
    pool = ["plineu", "adecco", "pcpr", "rops"] + (["mops"] if labour == "gup" else [])
    return [labour] + [k for k in pool if k != owner_key]


def load_krakow(demo):
    r = demo.rng
    demo.load_services()
    groups = demo.target_groups()
    demo.flush()
    weights = [p[3] for p in KRAKOW_PLACES]
    profiles = list(CARER_PROFILES)
    carers = []
    for _ in range(KRAKOW_CARERS):
        place = r.choices(KRAKOW_PLACES, weights)[0]
        _teryt, _area, localities, _w, welfare, labour = place
        # The leader NGO recruits some carers itself; the welfare centres the most.
        owner_key = "plineu" if r.random() < 0.17 else welfare
        profile = r.choices(profiles, [CARER_PROFILES[p][0] for p in profiles])[0]
        _wt, women, (age_low, age_high), *_rest = CARER_PROFILES[profile]
        sex = "female" if r.random() < women else "male"
        born = demo.birth_date(age_low, age_high)
        recruited_on = demo.days_ago(3, 720)
        carer = demo.person(
            owner=demo.inst[owner_key], sex=sex, birth_date=born, surname=demo.surname(),
            place=place, locality=r.choice(localities), labour_status=_pick(r, LABOUR_MIX),
            education=_pick(r, EDUCATION_MIX), registered_on=recruited_on,
            labour_office=KRAKOW_LABOUR_CASE_PREFIX[labour],
            disability_level=r.choices(("none", "light", "moderate"), (90, 7, 3))[0])
        if r.random() < 0.08:
            # Lives with the person cared for, elsewhere in the partnership's area.
            other = r.choices(KRAKOW_PLACES, weights)[0]
            carer.actual_teryt, carer.actual_area = other[0], other[1]
            carer.actual_locality = r.choice(other[2])
        carer.care_relations = list(_dependants(demo, profile, born))
        carers.append(Case(carer, owner_key, recruited_on,
                           _krakow_partners(r, owner_key, labour)))
    partners = []
    for case in r.sample(carers, KRAKOW_COUPLES):
        # In some households both partners take part: the household becomes a family.
        carer = case.person
        surname = next((s for s in SURNAMES if carer.last_name in s[:2]), SURNAMES[0])
        born = carer.birth_date + timedelta(days=r.randint(-2500, 2500))
        born = min(born, demo.today - timedelta(days=20 * 365))
        spouse = demo.person(
            owner=demo.inst[case.owner], sex="male" if carer.sex == "female" else "female",
            birth_date=born, surname=surname,
            place=(carer.registered_teryt, carer.registered_area),
            locality=carer.registered_locality, labour_status=_pick(r, LABOUR_MIX),
            education=_pick(r, EDUCATION_MIX), registered_on=case.recruited_on,
            labour_office=KRAKOW_LABOUR_CASE_PREFIX[case.labour_office])
        family = demo.add(Family(institution_id=demo.inst[case.owner].id,
                                 name=f"Rodzina {surname[2]}", teryt=carer.registered_teryt,
                                 locality=carer.registered_locality, area=carer.registered_area,
                                 created_at=carer.created_at), "families")
        family.members = [FamilyMember(participant=carer, relation="head"),
                          FamilyMember(participant=spouse, relation="spouse")]
        case.family = family
        partners.append(Case(spouse, case.owner, case.recruited_on, case.partners, family))
    demo.flush()

    _share_and_serve(demo, carers + partners)
    enrollments = []
    for case, stage in zip(carers, deal(r, STAGES, len(carers)), strict=True):
        working = case.person.labour_status in ("employed", "self_employed")
        # Recruiters now and then choose the wrong group; the verdict then says why.
        group = groups["2" if working != (r.random() < 0.06) else "1"]
        enrollments.append(demo.enroll(case.person, case.owner, group, stage, case.recruited_on))
    demo.flush()
    for case, enrollment in zip(carers, enrollments, strict=True):
        after = demo.with_outcomes(enrollment, case.person, case.labour_office,
                                   KRAKOW_EMPLOYERS, "plineu")
        if after:
            demo.follow_ups(enrollment, after)
    demo.flush()


# --- West Pomerania: rural families ---------------------------------------------------------

POMORZE_FAMILIES = 60
RURAL_LABOUR = {"registered_unemployed": 44, "unregistered_unemployed": 16, "inactive": 14,
                "employed": 20, "self_employed": 6}
RURAL_EDUCATION = {"primary": 16, "lower_secondary": 14, "vocational": 42, "secondary": 22,
                   "post_secondary": 3, "higher": 3}


def _household(r):
    """Members as (relation, sex, age range) for one of three usual household shapes."""
    shape = r.choices(("three_generations", "parents_and_adult_children", "with_grandparent"),
                      (4, 3, 3))[0]
    head_sex = "male" if r.random() < 0.7 else "female"
    spouse_sex = "female" if head_sex == "male" else "male"
    if shape == "three_generations":
        members = [("head", head_sex, (48, 64))]
        if r.random() < 0.8:
            members.append(("spouse", spouse_sex, (45, 64)))
        for _ in range(r.randint(1, 2)):
            members.append(("child", r.choice(("female", "male")), (19, 34)))
        if r.random() < 0.4:
            members.append(("child_in_law", r.choice(("female", "male")), (20, 34)))
        for _ in range(r.randint(0, 2)):
            members.append(("grandchild", r.choice(("female", "male")), (0, 12)))
    elif shape == "parents_and_adult_children":
        members = [("head", head_sex, (40, 58)), ("spouse", spouse_sex, (38, 58))]
        for _ in range(r.randint(1, 3)):
            members.append(("child", r.choice(("female", "male")), (16, 30)))
    else:
        members = [("head", head_sex, (28, 42))]
        if r.random() < 0.75:
            members.append(("spouse", spouse_sex, (26, 42)))
        members.append((r.choice(("parent", "parent_in_law")), r.choice(("female", "male")),
                        (55, 78)))
        for _ in range(r.randint(0, 2)):
            members.append(("child", r.choice(("female", "male")), (1, 14)))
    return members[:6]


def _rural_status(r, age):
    return "inactive" if age < 18 or age >= 65 else _pick(r, RURAL_LABOUR)


def _rural_education(r, age):
    if age < 7:
        return "none"
    return "primary" if age < 16 else _pick(r, RURAL_EDUCATION)


def _pomorze_partners(r, owner_key, place):
    """Institutions a family member's consent may name: the county labour office first, then
    the family support centre, the commune welfare centre, the NGO and a local partner."""
    teryt, _area, _l, _w, welfare, labour, pcpr = place
    local = {"3201": "caritas", "3203": "agro_drawsko", "3216": "zsp_swidwin",
             "3218": "starostwo_lobez"}[teryt[:4]]
    return [labour] + [k for k in (pcpr, welfare, "fundacja", local) if k and k != owner_key]


def _out_of_work(demo, family, office):
    """Make unemployment hit at least two working-age members, where there are two."""
    working_age = [m.participant for m in family.members
                   if 18 <= (demo.today - m.participant.birth_date).days // 365 < 65]
    for person in working_age:
        if sum(p.is_unemployed for p in working_age) >= 2:
            return
        if not person.is_unemployed:
            since = demo.out_of_work_since(person.birth_date, 200, 3000)
            person.labour_status, person.contract_type = "registered_unemployed", None
            person.unemployed_since, person.long_term_unemployed = since, since < (
                demo.today - timedelta(days=365))
            person.labour_office_case_no = demo.case_number(office, since.year)


def load_pomorze(demo):
    r = demo.rng
    demo.load_services()
    groups = demo.target_groups()
    demo.flush()
    weights = [p[3] for p in POMORZE_PLACES]
    families = []
    cases = []
    for _ in range(POMORZE_FAMILIES):
        place = r.choices(POMORZE_PLACES, weights)[0]
        teryt, area, localities, _w, welfare, labour, _pcpr = place
        # The Work Animators of the leading NGO recruit most families; welfare centres bring
        # in and keep the rest.
        owner_key = welfare if welfare and r.random() < 0.3 else "fundacja"
        locality = r.choice(localities)
        surname = demo.surname()
        recruited_on = demo.days_ago(3, 720)
        family = demo.add(Family(institution_id=demo.inst[owner_key].id,
                                 name=f"Rodzina {surname[2]}", teryt=teryt, locality=locality,
                                 area=area, created_at=moment(recruited_on, r)), "families")
        office = "PUP-" + demo.inst[labour].locality[:3].upper().translate(ASCII)
        partners = _pomorze_partners(r, owner_key, place)
        for relation, sex, (low, high) in _household(r):
            born = demo.birth_date(low, high)
            age = (demo.today - born).days // 365
            married_in = relation == "child_in_law" and sex == "male"
            person = demo.person(
                owner=demo.inst[owner_key], sex=sex, birth_date=born,
                surname=demo.surname() if married_in else surname, place=place,
                locality=locality, labour_status=_rural_status(r, age),
                education=_rural_education(r, age), registered_on=recruited_on,
                contact=age >= 18, labour_office=office,
                disability_level=r.choices(("none", "light", "moderate", "severe"),
                                           (84, 8, 6, 2))[0] if age >= 18 else "none")
            if relation == "head" and person.is_working and r.random() < 0.6:
                # Former state-farm workers: the head has usually been out of work for years.
                since = demo.out_of_work_since(born, 1500, 6000)
                person.labour_status, person.contract_type = "registered_unemployed", None
                person.unemployed_since, person.long_term_unemployed = since, True
                person.labour_office_case_no = demo.case_number(office, since.year)
            family.members.append(FamilyMember(participant=person, relation=relation))
            if age >= 18:
                cases.append(Case(person, owner_key, recruited_on, partners, family))
        if r.random() < 0.8:
            # Animators look for families where work is missing for more than one person.
            _out_of_work(demo, family, office)
        families.append((family, owner_key, labour, recruited_on))
    demo.flush()

    _share_and_serve(demo, cases)
    stages = deal(r, STAGES, len(families))
    enrollments = [demo.enroll(family, owner_key, groups["R"], stage, recruited_on)
                   for (family, owner_key, _labour, recruited_on), stage
                   in zip(families, stages, strict=True)]
    demo.flush()
    for (family, _owner, labour, _on), enrollment in zip(families, enrollments, strict=True):
        results = [demo.with_outcomes(enrollment, m.participant, labour, POMORZE_EMPLOYERS,
                                      "fundacja")
                   for m in family.members if m.participant.is_unemployed and r.random() < 0.6]
        after = next((x for x in results if x), None)
        if after:
            demo.follow_ups(enrollment, after)
    demo.flush()


LOADERS = {"krakow": load_krakow, "pomorze": load_pomorze}


def _already_loaded():
    return db.session.scalar(
        select(Participant.id).where(Participant.social_assistance_case_no.startswith(MARKER))
        .limit(1)) is not None


def load_registry_demo(partnerships):
    """Fill the demo partnerships ({slug: Partnership}) with their case registry, once."""
    for slug, partnership in partnerships.items():
        loader = LOADERS.get(slug)
        if loader is None:
            continue
        # Verdict reasons are stored as text: in the partnership's language.
        with partnership_scope(partnership.id), force_locale(partnership.default_locale):
            if _already_loaded():
                continue
            demo = _Demo(slug, partnership.id, random.Random(f"{SEED}-{slug}"))
            loader(demo)
            # Written by the system, not by a person: one entry saying what was created.
            audit.record("create", object_type="DemoData", object_id=slug,
                         detail=dict(demo.counts), partnership_id=partnership.id)
            db.session.flush()
