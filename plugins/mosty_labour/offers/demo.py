"""Demo job offers for both partnerships, skills of some people, candidates and a hire.

Loaded once per partnership: a partnership that already has job offers is left as it is.
Everything goes through the part's transitions, so the demo has the audit entries and the
registry outcome a real hire would have.
"""

from datetime import timedelta

from sqlalchemy import select

from mosty import toolkit

from . import service, transitions
from .models import JobOffer

OFFICES = {"krakow": "Grodzki Urząd Pracy w Krakowie",
           "pomorze": "Powiatowy Urząd Pracy w Białogardzie"}

# employer (institution name, or None with a named employer), offer fields
OFFERS = {
    "krakow": [
        ("Adecco Poland Sp. z o.o.", dict(
            position="Pracownik biurowy (pół etatu)", commune_teryt="1261011", locality="Kraków",
            hours_per_week=20, contract_type="employment", part_time=True, flexible_hours=True,
            requirements=["obsługa komputera", "obsługa klienta"], vacancies=2,
            description="Wprowadzanie danych i obsługa telefonów; godziny do uzgodnienia.")),
        ("Adecco Poland Sp. z o.o.", dict(
            position="Konsultant infolinii (praca zdalna)", commune_teryt="1261011",
            locality="Kraków", hours_per_week=30, contract_type="mandate", remote=True,
            flexible_hours=True, requirements=["obsługa klienta", "obsługa komputera"],
            vacancies=3, description="Praca z domu, szkolenie stanowiskowe w Krakowie.")),
        (None, dict(
            employer_name="Szpital Specjalistyczny im. L. Rydygiera", position="Salowa",
            commune_teryt="1261011", locality="Kraków", hours_per_week=40,
            contract_type="employment", requirements=["sprzątanie", "praca zmianowa"],
            vacancies=2, description="Praca w systemie zmianowym.")),
        (None, dict(
            employer_name="Piekarnia Wawrzeńczyce s.c.", position="Sprzedawca (pół etatu)",
            commune_teryt="1206032", locality="Wawrzeńczyce", hours_per_week=20,
            contract_type="fixed_term", part_time=True, requirements=["obsługa kasy fiskalnej"],
            vacancies=1, description="Sklep firmowy piekarni, zmiany poranne.")),
    ],
    "pomorze": [
        ("Gospodarstwo Rolne i Przetwórstwo „Drawa” Sp. z o.o.", dict(
            position="Pracownik przetwórstwa warzyw", commune_teryt="3203024",
            locality="Drawsko Pomorskie", hours_per_week=40, contract_type="fixed_term",
            requirements=["praca fizyczna", "książeczka sanepidowska"], vacancies=4,
            description="Praca sezonowa z możliwością przedłużenia; dowóz z Łabędzi.")),
        ("Gospodarstwo Rolne i Przetwórstwo „Drawa” Sp. z o.o.", dict(
            position="Operator wózka widłowego", commune_teryt="3203024",
            locality="Drawsko Pomorskie", hours_per_week=40, contract_type="employment",
            requirements=["uprawnienia na wózek widłowy"], vacancies=1)),
        (None, dict(
            employer_name="Sklep spożywczy „Pod Lipami”, Tychowo", position="Sprzedawca-kasjer",
            commune_teryt="3201064", locality="Tychowo", hours_per_week=20,
            contract_type="employment", part_time=True, flexible_hours=True,
            requirements=["obsługa kasy fiskalnej", "obsługa klienta"], vacancies=1,
            description="Pół etatu, grafik układany z pracownikami.")),
        (None, dict(
            employer_name="Zakład Usług Komunalnych w Białogardzie", position="Pracownik gospodarczy",
            commune_teryt="3201011", locality="Białogard", hours_per_week=40,
            contract_type="employment", requirements=["praca fizyczna", "prawo jazdy kat. b"],
            vacancies=2)),
    ],
}
SKILLS = ["obsługa komputera", "obsługa klienta", "obsługa kasy fiskalnej", "praca fizyczna",
          "prawo jazdy kat. b", "sprzątanie", "książeczka sanepidowska", "praca zmianowa",
          "uprawnienia na wózek widłowy"]


def load_offers_demo(partnerships):
    for slug, partnership in partnerships.items():
        if slug not in OFFERS:
            continue
        with toolkit.partnership_scope(partnership.id):
            if toolkit.db.session.scalar(select(JobOffer.id).limit(1)) is not None:
                continue
            _load(slug)
            toolkit.db.session.flush()


def _institution(name):
    return toolkit.db.session.scalar(
        select(toolkit.Institution).where(toolkit.Institution.name == name))


def _load(slug):
    office = _institution(OFFICES[slug])
    if office is None:
        return
    offers = []
    for n, (employer_name, fields) in enumerate(OFFERS[slug]):
        employer = _institution(employer_name) if employer_name else None
        values = {"employer_id": employer.id if employer else None, "employer_name": "",
                  "flexible_hours": False, "part_time": False, "remote": False,
                  "description": "", "posted_on": toolkit.today() - timedelta(days=40 - 7 * n),
                  **fields}
        offers.append(transitions.create_offer(institution_id=office.id, actor_id=None,
                                               values=values))
    # Skills for people the office may match, so the suggestions have someone to show.
    people = toolkit.db.session.scalars(
        select(toolkit.Participant).where(service.may_be_matched(office.id))
        .order_by(toolkit.Participant.id).limit(24)).all()
    for n, person in enumerate(people):
        names = [SKILLS[n % len(SKILLS)], SKILLS[(n * 3 + 1) % len(SKILLS)]]
        transitions.add_skills(person, list(dict.fromkeys(names)), institution_id=office.id,
                               actor_id=None)
    toolkit.db.session.flush()
    # Two people put forward for the first offers that have suggestions; the first is hired.
    answered = 0
    for offer in offers:
        candidates = [
            transitions.refer_candidate(offer, suggestion.participant.id,
                                        institution_id=office.id, actor_id=None)
            for suggestion in service.suggestions(offer, office.id, limit=2)]
        for candidate in candidates:
            candidate.referred_at = candidate.referred_at - timedelta(days=21)
            if answered == 0:
                transitions.hire_candidate(candidate, start_date=toolkit.today() - timedelta(days=7),
                                           institution_id=office.id, actor_id=None)
            elif answered == 1:
                transitions.reject_candidate(
                    candidate, reason="Pracodawca wybrał osobę z dłuższym doświadczeniem.",
                    institution_id=office.id, actor_id=None)
            answered += 1
        if answered >= 3:
            break
