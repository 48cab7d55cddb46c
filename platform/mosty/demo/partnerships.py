"""The demo partnerships as plain data (fictitious people; institutions from the sources)."""

from datetime import date

KRAKOW = {
    "slug": "krakow",
    "name": "Równowaga – Praca – Rodzina",
    "region": "Miasto Kraków i powiat krakowski (małopolskie)",
    "programme": (
        "Partnerstwo lokalne na rzecz zrównoważonej aktywizacji zawodowej kobiet i mężczyzn "
        "zajmujących się osobami zależnymi: małym dzieckiem, osobą z niepełnosprawnością lub "
        "schorowaną osobą starszą. Partnerzy świadczą usługi doradczo-szkoleniowe z własnych "
        "zasobów i promują równowagę między pracą a życiem prywatnym."
    ),
    "territory": [
        ("1261", "Kraków (miasto na prawach powiatu)"),
        ("1206", "powiat krakowski"),
    ],
    "institutions": [
        # key, name, short name, kind, role, teryt, locality, address
        ("plineu", "Stowarzyszenie Doradców Europejskich PLinEU", "PLinEU", "ngo", "leader",
         "1261011", "Kraków", "ul. Floriańska 12, 31-019 Kraków"),
        ("adecco", "Adecco Poland Sp. z o.o.", "Adecco", "employer", "partner",
         "1261011", "Kraków", "ul. Lubicz 17, 31-503 Kraków"),
        ("gops_igolomia", "Gminny Ośrodek Pomocy Społecznej Igołomia-Wawrzeńczyce",
         "GOPS Igołomia-Wawrzeńczyce", "ops", "partner", "1206032", "Wawrzeńczyce",
         "Wawrzeńczyce 116, 32-127 Wawrzeńczyce"),
        ("gops_kocmyrzow", "Gminny Ośrodek Pomocy Społecznej Kocmyrzów-Luborzyca",
         "GOPS Kocmyrzów-Luborzyca", "ops", "partner", "1206062", "Luborzyca",
         "Luborzyca 150, 32-010 Kocmyrzów"),
        ("gup", "Grodzki Urząd Pracy w Krakowie", "GUP Kraków", "labour_office", "partner",
         "1261011", "Kraków", "ul. Józefińska 14, 30-529 Kraków"),
        ("mops", "Miejski Ośrodek Pomocy Społecznej w Krakowie", "MOPS Kraków", "ops",
         "partner", "1261011", "Kraków", "ul. Józefińska 14, 30-529 Kraków"),
        ("pcpr", "Powiatowe Centrum Pomocy Rodzinie w Krakowie", "PCPR Kraków", "pcpr",
         "partner", "1206", "Kraków", "ul. Wielicka 72B, 30-552 Kraków"),
        ("rops", "Regionalny Ośrodek Polityki Społecznej w Krakowie", "ROPS Kraków", "rops",
         "partner", "1261011", "Kraków", "ul. Piastowska 32, 30-070 Kraków"),
        ("up_powiat", "Urząd Pracy Powiatu Krakowskiego", "UPPK", "labour_office", "partner",
         "1206", "Kraków", "ul. Mogilska 25, 31-542 Kraków"),
    ],
    "agreement": {
        "title": "Porozumienie Partnerstwa Lokalnego „Równowaga – Praca – Rodzina”",
        "signed_on": date(2008, 7, 4),
        "valid_from": date(2008, 7, 4),
        "valid_to": None,
        "purpose": (
            "Współpraca partnerów lokalnych w realizacji usług umożliwiających aktywizację "
            "zawodową kobiet i mężczyzn zajmujących się niesamodzielnym członkiem rodziny; "
            "zwiększenie dostępności usług w regionie; promocja równowagi życia zawodowego "
            "i osobistego."
        ),
        "contributions": {
            "plineu": "Koordynacja partnerstwa, doradztwo zawodowe i szkolenia.",
            "adecco": "Oferty pracy o elastycznych formach zatrudnienia, pośrednictwo pracy.",
            "gops_igolomia": "Rekrutacja opiekunów z gminy, praca socjalna, usługi opiekuńcze.",
            "gops_kocmyrzow": "Rekrutacja opiekunów z gminy, praca socjalna, usługi opiekuńcze.",
            "gup": "Rejestracja, instrumenty rynku pracy, doradztwo zawodowe w Krakowie.",
            "mops": "Praca socjalna, usługi opiekuńcze, wsparcie rodzin w Krakowie.",
            "pcpr": "Wsparcie osób z niepełnosprawnością i ich opiekunów, poradnictwo rodzinne.",
            "rops": "Upowszechnianie modelu w regionie, badania i analizy.",
            "up_powiat": "Rejestracja, instrumenty rynku pracy w powiecie krakowskim.",
        },
    },
}

# Four rural West Pomeranian counties with many former state-farm villages.
POMORZE = {
    "slug": "pomorze",
    "name": "System wyjścia z bezrobocia rodzinnego na wsi",
    "region": "Cztery powiaty wiejskie województwa zachodniopomorskiego",
    "programme": (
        "Kompleksowe wsparcie całych rodzin zagrożonych dziedziczeniem bezrobocia w "
        "miejscowościach popegeerowskich: Animator Pracy, Kluby Wsparcia Koleżeńskiego i "
        "Operatorzy Informacji, na podstawie umów między instytucjami powiatowymi i gminnymi "
        "(projekt EQUAL A0140)."
    ),
    "territory": [
        ("3201", "powiat białogardzki"),
        ("3203", "powiat drawski"),
        ("3216", "powiat świdwiński"),
        ("3218", "powiat łobeski"),
    ],
    "institutions": [
        ("fundacja", "Stowarzyszenie „Pomorskie Mosty” – Lokalna Grupa Wsparcia Rodziny",
         "Pomorskie Mosty", "ngo", "leader", "3201011", "Białogard",
         "ul. Wileńska 3, 78-200 Białogard"),
        ("pup_bialogard", "Powiatowy Urząd Pracy w Białogardzie", "PUP Białogard",
         "labour_office", "partner", "3201011", "Białogard", "ul. Połczyńska 61, 78-200 Białogard"),
        ("pup_drawsko", "Powiatowy Urząd Pracy w Drawsku Pomorskim", "PUP Drawsko Pomorskie",
         "labour_office", "partner", "3203024", "Drawsko Pomorskie",
         "ul. Sikorskiego 41, 78-500 Drawsko Pomorskie"),
        ("pup_swidwin", "Powiatowy Urząd Pracy w Świdwinie", "PUP Świdwin", "labour_office",
         "partner", "3216011", "Świdwin", "ul. Kościuszki 21, 78-300 Świdwin"),
        ("pup_lobez", "Powiatowy Urząd Pracy w Łobzie", "PUP Łobez", "labour_office",
         "partner", "3218044", "Łobez", "ul. Przechodnia 1, 73-150 Łobez"),
        ("pcpr_bialogard", "Powiatowe Centrum Pomocy Rodzinie w Białogardzie", "PCPR Białogard",
         "pcpr", "partner", "3201011", "Białogard", "ul. 1 Maja 18, 78-200 Białogard"),
        ("pcpr_drawsko", "Powiatowe Centrum Pomocy Rodzinie w Drawsku Pomorskim",
         "PCPR Drawsko Pomorskie", "pcpr", "partner", "3203024", "Drawsko Pomorskie",
         "ul. Gen. Sikorskiego 41, 78-500 Drawsko Pomorskie"),
        ("gops_tychowo", "Gminny Ośrodek Pomocy Społecznej w Tychowie", "GOPS Tychowo", "ops",
         "partner", "3201064", "Tychowo", "ul. Bobolicka 2, 78-220 Tychowo"),
        ("mgops_kalisz", "Miejsko-Gminny Ośrodek Pomocy Społecznej w Kaliszu Pomorskim",
         "MGOPS Kalisz Pomorski", "ops", "partner", "3203034", "Kalisz Pomorski",
         "ul. Wolności 34, 78-540 Kalisz Pomorski"),
        ("mgops_polczyn", "Miejsko-Gminny Ośrodek Pomocy Społecznej w Połczynie-Zdroju",
         "MGOPS Połczyn-Zdrój", "ops", "partner", "3216044", "Połczyn-Zdrój",
         "ul. Wolności 3a, 78-320 Połczyn-Zdrój"),
        ("mgops_resko", "Miejsko-Gminny Ośrodek Pomocy Społecznej w Resku", "MGOPS Resko",
         "ops", "partner", "3218064", "Resko", "ul. Rynek 1, 72-315 Resko"),
        ("starostwo_lobez", "Starostwo Powiatowe w Łobzie", "Starostwo Łobez",
         "local_government", "partner", "3218", "Łobez", "ul. Konopnickiej 41, 73-150 Łobez"),
        ("caritas", "Parafialny Zespół Caritas w Tychowie", "Caritas Tychowo", "church",
         "partner", "3201064", "Tychowo", "ul. Kościelna 1, 78-220 Tychowo"),
        ("zsp_swidwin", "Zespół Szkół Ponadgimnazjalnych w Świdwinie", "ZSP Świdwin", "school",
         "partner", "3216011", "Świdwin", "ul. Szkolna 1, 78-300 Świdwin"),
        ("agro_drawsko", "Gospodarstwo Rolne i Przetwórstwo „Drawa” Sp. z o.o.", "Drawa",
         "employer", "partner", "3203024", "Drawsko Pomorskie", "Łabędzie 12, 78-500 Drawsko Pomorskie"),
    ],
    "agreement": {
        "title": "Umowa partnerska o wdrożeniu Systemu wyjścia z bezrobocia rodzinnego na wsi",
        "signed_on": date(2006, 3, 15),
        "valid_from": date(2006, 4, 1),
        "valid_to": date(2008, 6, 30),
        "purpose": (
            "Zintegrowanie powiatowej i gminnej pomocy instytucjonalnej z systemem pomocy "
            "obywatelskiej: praca Animatorów Pracy z rodzinami, Kluby Wsparcia Koleżeńskiego "
            "w każdym powiecie, Operatorzy Informacji."
        ),
        "contributions": {
            "fundacja": "Lider: Animatorzy Pracy, Kluby Wsparcia Koleżeńskiego, koordynacja.",
            "pup_bialogard": "Usługi i instrumenty rynku pracy dla rodzin z powiatu.",
            "pup_drawsko": "Usługi i instrumenty rynku pracy dla rodzin z powiatu.",
            "pup_swidwin": "Usługi i instrumenty rynku pracy dla rodzin z powiatu.",
            "pup_lobez": "Usługi i instrumenty rynku pracy dla rodzin z powiatu.",
            "pcpr_bialogard": "Wsparcie rodzin, poradnictwo specjalistyczne.",
            "pcpr_drawsko": "Wsparcie rodzin, poradnictwo specjalistyczne.",
            "gops_tychowo": "Wskazywanie rodzin, praca socjalna, kontrakty socjalne.",
            "mgops_kalisz": "Wskazywanie rodzin, praca socjalna, kontrakty socjalne.",
            "mgops_polczyn": "Wskazywanie rodzin, praca socjalna, kontrakty socjalne.",
            "mgops_resko": "Wskazywanie rodzin, praca socjalna, kontrakty socjalne.",
            "starostwo_lobez": "Operator Informacji przy starostwie.",
            "caritas": "Informowanie rodzin, pomoc rzeczowa, lokal dla klubu.",
            "zsp_swidwin": "Kursy zawodowe dla dorosłych, lokal dla klubu.",
            "agro_drawsko": "Miejsca pracy i praktyk dla uczestników.",
        },
    },
}

PARTNERSHIPS = (KRAKOW, POMORZE)

# login, name, partnership slug, institution key, roles
USERS = [
    ("admin@krakow.mosty.test", "Anna Kowalczyk", "krakow", "plineu", ["partnership_admin", "coordinator"]),
    ("doradca@krakow.mosty.test", "Marta Wiśniewska", "krakow", "mops", ["caseworker"]),
    ("urzad@krakow.mosty.test", "Tomasz Zieliński", "krakow", "gup", ["caseworker", "labour_clerk"]),
    ("admin@pomorze.mosty.test", "Krzysztof Nowicki", "pomorze", "fundacja", ["partnership_admin", "coordinator"]),
    ("animator@pomorze.mosty.test", "Beata Lewandowska", "pomorze", "fundacja", ["caseworker", "animator"]),
    ("urzad@pomorze.mosty.test", "Paweł Wójcik", "pomorze", "pup_bialogard", ["caseworker", "labour_clerk"]),
    ("klub@pomorze.mosty.test", "Jan Kamiński", "pomorze", "fundacja", ["peer_advisor"]),
    ("operator@pomorze.mosty.test", "Ewa Szymańska", "pomorze", "starostwo_lobez", ["information_operator"]),
]

PLATFORM_ADMIN = ("admin@mosty.test", "Administrator platformy")
