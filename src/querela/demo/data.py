"""Invented demo suppliers, one per customer type in the seeds. All names and numbers are made up."""

from __future__ import annotations

DEMO_PASSWORD = "demo-pass-2026"

OPERATOR_COMPANY = "Villám Ügyfélszolgálati Kft."

TENANTS = [
    {
        "code": "OPT",
        "name": "Tiszavidéki Áramhálózati Zrt.",
        "country": "HU",
        "sector": "electricity",
        "default_language": "hu",
        "time_zone": "Europe/Budapest",
        "mailbox": "titasz@complaints.querela.test",
        "deadline_policy": "hu-electricity",
        "operated": True,
        "departments": [("billing", "Számlázás"), ("metering", "Mérés"), ("network", "Hálózatüzemeltetés")],
        "service": "electricity",
    },
    {
        "code": "KVK",
        "name": "Kővárosi Közművek Kft.",
        "country": "HU",
        "sector": "district_heating",
        "default_language": "hu",
        "time_zone": "Europe/Budapest",
        "mailbox": "kovakom@complaints.querela.test",
        "deadline_policy": "hu-utility",
        "operated": False,
        "departments": [("heating", "Távhő"), ("water", "Víziközmű"), ("customer", "Ügyfélszolgálat")],
        "service": "district_heating",
        "services": ["district_heating", "water"],
    },
    {
        "code": "INV",
        "name": "Słoneczny Falownik Sp. z o.o.",
        "country": "PL",
        "sector": "product_service",
        "default_language": "pl",
        "time_zone": "Europe/Warsaw",
        "mailbox": "inverter@complaints.querela.test",
        "deadline_policy": "pl-inverter-vendor",
        "operated": False,
        "departments": [("service", "Zarządzanie serwisem"), ("support", "Wsparcie techniczne")],
        "service": "product",
    },
    {
        "code": "FRN",
        "name": "Furnizorul de Energie Carpați S.A.",
        "country": "RO",
        "sector": "electricity",
        "default_language": "ro",
        "time_zone": "Europe/Bucharest",
        "mailbox": "furnizor@complaints.querela.test",
        "deadline_policy": "ro-energy",
        "operated": True,
        "departments": [("facturare", "Facturare"), ("masurare", "Măsurare"), ("contracte", "Contracte")],
        "service": "electricity",
    },
]

STAFF_ROLES = ["agent", "clerk", "handler", "supervisor", "tenant_admin", "dpo"]

FIRST_NAMES = {
    "HU": [
        "Bence",
        "Anna",
        "Zoltán",
        "Eszter",
        "Gábor",
        "Réka",
        "László",
        "Katalin",
        "Péter",
        "Zsófia",
        "Ödön",
        "Ilona",
    ],
    "PL": ["Piotr", "Anna", "Krzysztof", "Małgorzata", "Tomasz", "Agnieszka", "Paweł", "Katarzyna", "Łukasz", "Zofia"],
    "RO": ["Mihai", "Ioana", "Andrei", "Elena", "Ștefan", "Maria", "Bogdan", "Ana", "Cristian", "Țara"],
}
LAST_NAMES = {
    "HU": [
        "Nagy",
        "Kovács",
        "Tóth",
        "Szabó",
        "Horváth",
        "Varga",
        "Kiss",
        "Molnár",
        "Németh",
        "Farkas",
        "Balogh",
        "Lőrinc",
    ],
    "PL": ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak"],
    "RO": ["Popescu", "Ionescu", "Popa", "Stan", "Dumitrescu", "Stoica", "Gheorghe", "Rusu", "Munteanu", "Țurcanu"],
}
PLACES = {
    "HU": [
        ("Debrecen", "4024", "Hajdú-Bihar"),
        ("Nyíregyháza", "4400", "Szabolcs-Szatmár-Bereg"),
        ("Miskolc", "3525", "Borsod-Abaúj-Zemplén"),
        ("Szolnok", "5000", "Jász-Nagykun-Szolnok"),
    ],
    "PL": [
        ("Kraków", "30-001", "małopolskie"),
        ("Łódź", "90-001", "łódzkie"),
        ("Gdańsk", "80-001", "pomorskie"),
        ("Poznań", "60-001", "wielkopolskie"),
    ],
    "RO": [
        ("Brașov", "500001", "Brașov"),
        ("Cluj-Napoca", "400001", "Cluj"),
        ("Timișoara", "300001", "Timiș"),
        ("Iași", "700001", "Iași"),
    ],
}
STREETS = {
    "HU": ["Petőfi utca", "Kossuth Lajos út", "Arany János utca", "Széchenyi tér", "Dózsa György út"],
    "PL": ["ul. Długa", "ul. Kościuszki", "ul. Mickiewicza", "ul. Słowackiego", "al. Jana Pawła II"],
    "RO": ["Strada Republicii", "Bulevardul Eroilor", "Strada Mureșului", "Calea Victoriei", "Strada Lungă"],
}
SUBJECTS = {
    "HU": [
        ("billing", "Túlszámlázás a januári számlán"),
        ("metering", "A mérőóra hibásan mér"),
        ("supply", "Gyakori áramszünet a lakóhelyemen"),
        ("staff_conduct", "Udvariatlan ügyintéző"),
        ("damage", "Feszültségingadozás miatt tönkrement hűtő"),
        ("contract", "A szerződésmódosítás nem történt meg"),
    ],
    "PL": [
        ("product", "Falownik wyświetla błąd izolacji"),
        ("service", "Brak odpowiedzi serwisu od dwóch tygodni"),
        ("product", "Falownik wyłącza się przy wysokiej temperaturze"),
        ("service", "Technik nie przyjechał w umówionym terminie"),
    ],
    "RO": [
        ("billing", "Factură estimată prea mare"),
        ("metering", "Indexul contorului nu corespunde"),
        ("supply", "Întreruperi repetate ale alimentării"),
        ("contract", "Schimbarea furnizorului nu a fost procesată"),
        ("staff_conduct", "Comportament neadecvat la ghișeu"),
    ],
}

# Where a dissatisfied customer may turn, added to every answer (seeds 000, 002, 004). Invented bodies' details.
ANSWER_FOOTERS = {
    "OPT": (
        "Ha válaszunkkal nem ért egyet, fordulhat a lakóhelye szerinti vármegyei kormányhivatal fogyasztóvédelmi "
        "hatóságához, a területileg illetékes békéltető testülethez, vagy a Magyar Energetikai és "
        "Közmű-szabályozási Hivatalhoz (MEKH)."
    ),
    "KVK": (
        "Ha válaszunkkal nem ért egyet, fordulhat a vármegyei kormányhivatal fogyasztóvédelmi hatóságához, "
        "a lakóhelye szerinti békéltető testülethez, az üzletszabályzat megsértése miatt az önkormányzathoz, "
        "engedélyesi kötelezettség megsértése miatt a MEKH-hez."
    ),
    "INV": (
        "Jeżeli nie zgadzają się Państwo z naszą decyzją, mogą Państwo odwołać się do kierownika działu obsługi "
        "reklamacji lub skorzystać z pomocy rzecznika konsumentów."
    ),
    "FRN": (
        "Dacă nu sunteți de acord cu răspunsul nostru, vă puteți adresa Autorității Naționale de Reglementare "
        "în Domeniul Energiei (ANRE) sau Autorității Naționale pentru Protecția Consumatorilor (ANPC)."
    ),
}

# Remedies: the county of each supplier's seat (its body is named when a customer's county is unknown),
# and the preset examples from seed 004 a supplier switches on (KVK is modelled on seed 004's utility).
REMEDY_SEATS = {"OPT": "Hajdú-Bihar", "KVK": "Győr-Moson-Sopron", "INV": "mazowieckie", "FRN": "Brașov"}
REMEDY_SWITCHED_ON = {"KVK": ("hu-nagykoros-onkormanyzat", "hu-pest-nagykoros-jaras")}
# The decisions the demo's answers state, in turn.
DECISIONS = ("rejected", "upheld", "partly_upheld")

# What staff write when the demo walks its complaints through the workflow, in each tenant's language.
TEXTS = {
    "HU": {
        "request_info": "Kérjük, adja meg a felhasználó azonosítót és a mérő gyári számát.",
        "answer": "A vizsgálat alapján a számlát korrigáltuk, a különbözetet a következő számlán jóváírjuk.",
        "answer_partly_upheld": "A számla egy tételét korrigáltuk; a többi tétel a leolvasás szerint helyes.",
        "answer_rejected": "A mérő ellenőrzése és a leolvasások alapján a számla helyes, panaszát nem fogadjuk el.",
        "reopen": "Nem értek egyet a válasszal.",
        "escalate": "A panasz vezetői döntést igényel.",
        "redirect": "Ez üzemzavar-bejelentés: kérjük, hívja a hibabejelentő vonalat.",
    },
    "PL": {
        "request_info": "Prosimy o podanie numeru seryjnego falownika i opisu błędu.",
        "answer": "Po analizie wymienimy falownik w ramach gwarancji; kurier odbierze urządzenie.",
        "answer_partly_upheld": "Naprawimy falownik w ramach gwarancji; koszt dojazdu serwisu nie podlega zwrotowi.",
        "answer_rejected": "Usterka wynika z montażu niezgodnego z instrukcją i nie jest objęta gwarancją.",
        "reopen": "Nie zgadzam się z odpowiedzią.",
        "escalate": "Reklamacja wymaga decyzji kierownika.",
        "redirect": "To zgłoszenie awarii instalacji: prosimy o kontakt z instalatorem.",
    },
    "RO": {
        "request_info": "Vă rugăm să ne comunicați codul de client și seria contorului.",
        "answer": "În urma verificării, factura a fost corectată, iar diferența va fi compensată.",
        "answer_partly_upheld": "Am corectat o poziție a facturii; celelalte poziții sunt corecte.",
        "answer_rejected": "În urma verificării contorului, factura este corectă; reclamația nu poate fi admisă.",
        "reopen": "Nu sunt de acord cu răspunsul.",
        "escalate": "Reclamația necesită decizia conducerii.",
        "redirect": "Aceasta este o sesizare de avarie: vă rugăm să sunați la dispeceratul de avarii.",
    },
}
UNKNOWN_SENDER = {"HU": "Ismeretlen Bejelentő", "PL": "Nieznany Zgłaszający", "RO": "Petent Necunoscut"}

# Public contacts of each demo supplier (made up): the fault line takes outages (seed 000); matters
# settled only in person go to the office (seed 001).
PORTAL = {
    "OPT": {
        "fault_phone": "+36 80 999 001",
        "fault_url": "https://hibabejelentes.example.hu",
        "service_phone": "+36 80 999 000",
        "postal_address": "Tiszavidéki Áramhálózati Zrt., Pf. 123, 4002 Debrecen",
        "office_address": "4024 Debrecen, Kossuth u. 12.",
        "office_hours": "H–Cs 8–16, P 8–13",
    },
    "KVK": {
        "fault_phone": "+36 96 500 100",
        "service_phone": "+36 96 500 200",
        "postal_address": "Kővárosi Közművek Kft., 9022 Győr, Szent István út 1.",
        "office_address": "9022 Győr, Szent István út 1.",
        "office_hours": "H 8–18, K–Cs 8–15, P 8–12",
    },
    "INV": {
        "service_phone": "+48 22 555 01 00",
        "postal_address": "Słoneczny Falownik Sp. z o.o., ul. Słoneczna 5, 00-001 Warszawa",
    },
    "FRN": {
        "fault_phone": "0800 500 929",
        "service_phone": "021 9999",
        "postal_address": "Furnizorul de Energie Carpați S.A., Str. Carpaților 10, 500001 Brașov",
        "office_address": "Brașov, Str. Carpaților 10",
        "office_hours": "L–V 8–16",
    },
}


# Customer offices (seed 004: a visit offered within 5 working days), open as PORTAL's office hours say.
def _days(spec: dict[str, tuple[str, str]]) -> dict[str, list[list[str]]]:
    return {day: [[a, b]] for day, (a, b) in spec.items()}


_MON_THU = ("mon", "tue", "wed", "thu")
OFFICES = {
    "OPT": [
        (
            "Debreceni ügyfélszolgálat",
            "4024 Debrecen, Kossuth u. 12.",
            _days({**{d: ("08:00", "16:00") for d in _MON_THU}, "fri": ("08:00", "13:00")}),
        )
    ],
    "KVK": [
        (
            "Győri ügyfélszolgálati iroda",
            "9022 Győr, Szent István út 1.",
            _days(
                {"mon": ("08:00", "18:00"), **{d: ("08:00", "15:00") for d in _MON_THU[1:]}, "fri": ("08:00", "12:00")}
            ),
        )
    ],
    "FRN": [
        (
            "Centrul de relații cu clienții Brașov",
            "Brașov, Str. Carpaților 10",
            _days({d: ("08:00", "16:00") for d in (*_MON_THU, "fri")}),
        )
    ],
}

# Each demo supplier's org chart (issue 14), imported through the CSV import as its administrator: departments
# added to those above, then (department, job code, title, signing rights, holders, deputy) — holders and the
# deputy by demo role ("multi" is multi.handler). Job codes are those the default work instructions name.
ORG_DEPARTMENTS = {
    "OPT": {"customer": "Ügyfélszolgálat", "legal": "Jogi osztály"},
    "KVK": {"billing": "Számlázás", "legal": "Jogi osztály"},
    "INV": {"claims": "Dział reklamacji", "legal": "Dział prawny"},
    "FRN": {"relatii": "Relații cu clienții", "juridic": "Juridic", "retea": "Rețea"},
}
_CMP = "answers;extension_notices;minutes"
_LEAD = "answers;extension_notices;minutes;opinions"
ORG_CHARTS: dict[str, list[tuple[str, str, str, str, tuple[str, ...], str]]] = {
    "OPT": [
        ("customer", "CMP-OFFICER", "Panaszügyintéző", _CMP, ("handler", "multi"), "supervisor"),
        ("customer", "CS-LEAD", "Ügyfélszolgálati csoportvezető", _LEAD, ("supervisor",), "handler"),
        ("customer", "CS-AGENT", "Ügyfélszolgálati munkatárs", "minutes", ("agent", "clerk"), ""),
        ("billing", "BILL-SPEC", "Számlázási ügyintéző", "answers;bill_recalculations", ("handler",), "multi"),
        ("billing", "RECEIVABLES", "Követeléskezelő", "answers", ("multi",), ""),
        ("metering", "METER-TECH", "Mérésügyi technikus", "technical_reports;inspection_reports", ("handler",), ""),
        (
            "network",
            "NET-ENG",
            "Hálózatüzemeltetési mérnök",
            "technical_reports;damage_assessments",
            ("supervisor",),
            "",
        ),
        ("network", "FIELD-TECH", "Helyszíni szerelő", "inspection_reports;minutes", ("handler",), ""),
        ("legal", "LEGAL", "Jogász", "answers;opinions", ("tenant_admin",), ""),
        ("legal", "CONTRACT-ADMIN", "Szerződéskezelő", "answers", ("clerk",), ""),
        ("legal", "DPO", "Adatvédelmi tisztviselő", "answers;opinions", ("dpo",), ""),
        ("network", "CLAIMS-ASSESSOR", "Kárszakértő", "damage_assessments", ("supervisor",), ""),
    ],
    "KVK": [
        ("customer", "CMP-OFFICER", "Panaszügyintéző", _CMP, ("handler",), "supervisor"),
        ("customer", "CS-LEAD", "Ügyfélszolgálati csoportvezető", _LEAD, ("supervisor",), "handler"),
        ("customer", "CS-AGENT", "Ügyfélszolgálati munkatárs", "minutes", ("agent", "clerk"), ""),
        ("billing", "BILL-SPEC", "Számlázási ügyintéző", "answers;bill_recalculations", ("handler",), "supervisor"),
        ("billing", "RECEIVABLES", "Követeléskezelő", "answers", ("handler",), ""),
        (
            "heating",
            "METER-TECH",
            "Hőmennyiségmérő-technikus",
            "technical_reports;inspection_reports",
            ("handler",),
            "",
        ),
        ("heating", "FIELD-TECH", "Helyszíni szerelő", "inspection_reports;minutes", ("handler",), ""),
        ("water", "NET-ENG", "Víziközmű-hálózati mérnök", "technical_reports;damage_assessments", ("supervisor",), ""),
        ("legal", "LEGAL", "Jogász", "answers;opinions", ("tenant_admin",), ""),
        ("legal", "CONTRACT-ADMIN", "Szerződéskezelő", "answers", ("clerk",), ""),
        ("legal", "DPO", "Adatvédelmi tisztviselő", "answers;opinions", ("dpo",), ""),
        ("heating", "HEAT-ENG", "Távhőszolgáltatási mérnök", "technical_reports;opinions", ("supervisor",), ""),
        ("heating", "LAB-TECH", "Laboratóriumi technikus", "technical_reports", ("handler",), ""),
        (
            "water",
            "WATER-ENG",
            "Víziközmű-hálózati mérnök",
            "technical_reports;damage_assessments",
            ("supervisor",),
            "",
        ),
        ("legal", "CLAIMS-ASSESSOR", "Kárszakértő", "damage_assessments", ("supervisor",), ""),
    ],
    "INV": [
        (
            "claims",
            "CMP-OFFICER",
            "Specjalista ds. reklamacji",
            "answers;extension_notices",
            ("handler",),
            "supervisor",
        ),
        ("claims", "CS-AGENT", "Konsultant infolinii", "minutes", ("agent", "clerk"), ""),
        (
            "service",
            "SERVICE-MGR",
            "Kierownik serwisu",
            "answers;technical_reports;damage_assessments",
            ("supervisor",),
            "",
        ),
        ("service", "RMA-COORD", "Koordynator RMA", "technical_reports", ("clerk",), "handler"),
        ("support", "SUPPORT-ENG", "Inżynier wsparcia technicznego", "technical_reports;opinions", ("handler",), ""),
        ("legal", "LEGAL", "Radca prawny", "answers;opinions", ("tenant_admin",), ""),
        ("legal", "DPO", "Inspektor ochrony danych", "answers;opinions", ("dpo",), ""),
        ("claims", "CS-LEAD", "Kierownik zespołu obsługi klienta", "answers;extension_notices", ("supervisor",), ""),
        ("claims", "ACCOUNTS", "Specjalista ds. rozliczeń", "answers", ("handler",), ""),
        ("claims", "SALES-ADMIN", "Specjalista ds. obsługi sprzedaży", "answers", ("clerk",), ""),
        ("service", "LOGISTICS", "Koordynator logistyki", "", ("clerk",), ""),
        (
            "service",
            "SERVICE-TECH",
            "Technik serwisu terenowego",
            "technical_reports;inspection_reports",
            ("handler",),
            "",
        ),
        ("support", "QUALITY-ENG", "Inżynier jakości produktu", "technical_reports;opinions", ("supervisor",), ""),
    ],
    "FRN": [
        ("relatii", "CMP-OFFICER", "Referent reclamații", _CMP, ("handler", "multi"), "supervisor"),
        ("relatii", "CS-LEAD", "Șef echipă relații cu clienții", _LEAD, ("supervisor",), "handler"),
        ("relatii", "CS-AGENT", "Operator relații cu clienții", "minutes", ("agent", "clerk"), ""),
        ("facturare", "BILL-SPEC", "Specialist facturare", "answers;bill_recalculations", ("handler",), "multi"),
        ("facturare", "RECEIVABLES", "Specialist recuperare creanțe", "answers", ("multi",), ""),
        ("masurare", "METER-TECH", "Tehnician măsurare", "technical_reports;inspection_reports", ("handler",), ""),
        ("contracte", "CONTRACT-ADMIN", "Administrator contracte", "answers", ("supervisor",), ""),
        ("juridic", "LEGAL", "Consilier juridic", "answers;opinions", ("tenant_admin",), ""),
        ("juridic", "DPO", "Responsabil cu protecția datelor", "answers;opinions", ("dpo",), ""),
        ("retea", "NET-ENG", "Inginer exploatare rețea", "technical_reports;damage_assessments", ("supervisor",), ""),
        ("retea", "FIELD-TECH", "Tehnician de teren", "inspection_reports;minutes", ("handler",), ""),
        ("retea", "CLAIMS-ASSESSOR", "Evaluator daune", "damage_assessments", ("supervisor",), ""),
    ],
}

# Routing rules (issue 14) of each demo supplier, in the order they are evaluated: (name in the supplier's
# language, conditions, department code, handler pool). A department the list names that the supplier does not
# have yet is made with its ORG_DEPARTMENTS name. Pools only where the demo has a handler in the department (and
# never on the categories of the demo's "registered" complaints, which must stay unassigned).
ROUTING_RULES: dict[str, list[tuple[str, dict[str, str], str, str]]] = {
    "OPT": [
        ("Üzemzavar-bejelentések", {"kind": "technical_fault"}, "network", "none"),
        (
            "Mérés, Szabolcs-Szatmár-Bereg",
            {"category": "metering", "region": "Szabolcs-Szatmár-Bereg"},
            "network",
            "none",
        ),
        ("Számlázási panaszok", {"category": "billing"}, "billing", "none"),
        ("Mérési panaszok", {"category": "metering"}, "metering", "none"),
        ("Ellátási panaszok", {"category": "supply"}, "network", "round_robin"),
        ("Kártérítési igények", {"category": "damage"}, "network", "least_loaded"),
        ("Szerződéses panaszok", {"category": "contract"}, "customer", "none"),
        ("Ügyintézői magatartás", {"category": "staff_conduct"}, "customer", "none"),
    ],
    "KVK": [
        ("Számlázási panaszok", {"category": "billing"}, "billing", "none"),
        ("Szerződéses panaszok", {"category": "contract"}, "customer", "round_robin"),
        ("Ügyintézői magatartás", {"category": "staff_conduct"}, "customer", "round_robin"),
        ("Víziközmű", {"service_type": "water"}, "water", "none"),
        ("Távhő", {"service_type": "district_heating"}, "heating", "none"),
    ],
    "INV": [
        ("Reklamacje produktu", {"category": "product"}, "support", "none"),
        ("Reklamacje serwisu", {"category": "service"}, "service", "least_loaded"),
    ],
    "FRN": [
        ("Reclamații privind facturarea", {"category": "billing"}, "facturare", "none"),
        ("Reclamații privind măsurarea", {"category": "metering"}, "masurare", "none"),
        ("Calitatea alimentării", {"category": "supply"}, "retea", "none"),
        ("Reclamații contractuale", {"category": "contract"}, "contracte", "round_robin"),
        ("Comportamentul personalului", {"category": "staff_conduct"}, "relatii", "none"),
    ],
}

# A test table per demo supplier (tests/routing/test_demo_tables.py): a complaint's facts (category, kind,
# channel; service and region of its consumption place) and the department its rules send it to ("": no rule
# holds, it keeps none).
ROUTING_TABLES: dict[str, list[tuple[dict[str, str], str]]] = {
    "OPT": [
        ({"category": "billing", "region": "Hajdú-Bihar"}, "billing"),
        ({"category": "billing", "channel": "phone"}, "billing"),
        ({"category": "billing", "kind": "technical_fault"}, "network"),
        ({"category": "metering", "region": "Hajdú-Bihar"}, "metering"),
        ({"category": "metering", "region": "Szabolcs-Szatmár-Bereg"}, "network"),
        ({"category": "metering", "region": "szabolcs-szatmar-bereg"}, "network"),
        ({"category": "supply"}, "network"),
        ({"category": "damage", "region": "Miskolc"}, "network"),
        ({"category": "contract", "channel": "post"}, "customer"),
        ({"category": "staff_conduct"}, "customer"),
        ({"category": "other"}, ""),
    ],
    "KVK": [
        ({"category": "billing", "service_type": "water"}, "billing"),
        ({"category": "billing", "service_type": "district_heating"}, "billing"),
        ({"category": "contract", "service_type": "water"}, "customer"),
        ({"category": "staff_conduct"}, "customer"),
        ({"category": "supply", "service_type": "water"}, "water"),
        ({"category": "supply", "service_type": "district_heating"}, "heating"),
        ({"category": "metering", "service_type": "district_heating"}, "heating"),
        ({"category": "damage", "service_type": "water"}, "water"),
        ({"category": "other", "service_type": "hot_water"}, ""),
    ],
    "INV": [
        ({"category": "product", "service_type": "product"}, "support"),
        ({"category": "product", "channel": "web"}, "support"),
        ({"category": "service", "service_type": "product"}, "service"),
        ({"category": "other", "service_type": "product"}, ""),
    ],
    "FRN": [
        ({"category": "billing", "region": "Brașov"}, "facturare"),
        ({"category": "metering", "region": "Cluj"}, "masurare"),
        ({"category": "supply"}, "retea"),
        ({"category": "contract", "channel": "email"}, "contracte"),
        ({"category": "staff_conduct", "channel": "in_person"}, "relatii"),
        ({"category": "damage"}, ""),
    ],
}
