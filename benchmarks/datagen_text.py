"""Seeded text for the bench data generator (benchmarks/datagen.py): names, places and what customers and
staff write, in Hungarian, Polish and Romanian. Invented; any resemblance to real people is chance.

`Pools(seed)` renders every template once into pools from the seed; a complaint only picks from them (fast
and reproducible). Placeholders are filled with plausible numbers (invoices, meters, amounts, dates).
"""

from __future__ import annotations

import random
import unicodedata

FIRST_NAMES = {
    "HU": (
        "László", "István", "József", "Zoltán", "Sándor", "Gábor", "Ferenc", "Attila", "Péter", "Tamás", "Zsolt",
        "Balázs", "Csaba", "Lajos", "Gergely", "Ödön", "Mária", "Erzsébet", "Katalin", "Éva", "Ilona", "Anikó",
        "Zsuzsanna", "Judit", "Ágnes", "Eszter", "Réka", "Krisztina", "Nóra", "Orsolya", "Dóra", "Ildikó",
    ),
    "PL": (
        "Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał", "Marcin", "Grzegorz", "Jakub", "Wojciech",
        "Bartłomiej", "Mariusz", "Andrzej", "Jan", "Stanisław", "Anna", "Małgorzata", "Katarzyna", "Agnieszka",
        "Barbara", "Ewa", "Magdalena", "Joanna", "Zofia", "Dorota", "Jolanta", "Renata", "Elżbieta", "Beata",
    ),
    "RO": (
        "Mihai", "Andrei", "Alexandru", "Ștefan", "Bogdan", "Cristian", "Gheorghe", "Ion", "Vasile", "Cătălin",
        "Ovidiu", "Radu", "Florin", "Adrian", "Ioana", "Elena", "Maria", "Ana", "Mihaela", "Daniela", "Bianca",
        "Teodora", "Andreea", "Cristina", "Gabriela", "Roxana", "Simona", "Alina", "Larisa", "Irina",
    ),
}  # fmt: skip
LAST_NAMES = {
    "HU": (
        "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár", "Németh", "Farkas", "Balogh",
        "Papp", "Takács", "Juhász", "Lakatos", "Mészáros", "Oláh", "Simon", "Rácz", "Fekete", "Szilágyi", "Török",
        "Fehér", "Balázs", "Gál", "Kis", "Szűcs", "Kocsis", "Orsós", "Pintér", "Fodor", "Szalai", "Sipos", "Magyar",
        "Lukács", "Gulyás", "Biró", "Király", "Lőrinc", "Bodnár",
    ),
    "PL": (
        "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
        "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
        "Piotrowski", "Grabowski", "Nowakowski", "Pawłowski", "Michalski", "Adamczyk", "Dudek", "Zając", "Wieczorek",
        "Jabłoński", "Król", "Majewski", "Olszewski", "Jaworski", "Wróbel", "Malinowski", "Pawlak", "Witkowski",
    ),
    "RO": (
        "Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stan", "Stoica", "Gheorghe", "Matei", "Ciobanu",
        "Rusu", "Munteanu", "Constantin", "Marin", "Mihai", "Ene", "Dumitrescu", "Lungu", "Florea", "Toma", "Moldovan",
        "Barbu", "Nistor", "Tudor", "Dinu", "Cristea", "Marinescu", "Niculescu", "Țurcanu", "Șerban", "Oprea",
    ),
}  # fmt: skip
# (city, postal code, county/region)
PLACES = {
    "HU": (
        ("Budapest", "1117", "Budapest"), ("Budapest", "1042", "Budapest"), ("Budapest", "1183", "Budapest"),
        ("Debrecen", "4024", "Hajdú-Bihar"), ("Nyíregyháza", "4400", "Szabolcs-Szatmár-Bereg"),
        ("Miskolc", "3525", "Borsod-Abaúj-Zemplén"), ("Szolnok", "5000", "Jász-Nagykun-Szolnok"),
        ("Szeged", "6720", "Csongrád-Csanád"), ("Pécs", "7621", "Baranya"), ("Győr", "9021", "Győr-Moson-Sopron"),
        ("Kecskemét", "6000", "Bács-Kiskun"), ("Székesfehérvár", "8000", "Fejér"), ("Eger", "3300", "Heves"),
        ("Hajdúszoboszló", "4200", "Hajdú-Bihar"), ("Mátészalka", "4700", "Szabolcs-Szatmár-Bereg"),
        ("Tiszaújváros", "3580", "Borsod-Abaúj-Zemplén"), ("Jászberény", "5100", "Jász-Nagykun-Szolnok"),
    ),
    "PL": (
        ("Kraków", "30-001", "małopolskie"), ("Łódź", "90-001", "łódzkie"), ("Gdańsk", "80-001", "pomorskie"),
        ("Poznań", "60-001", "wielkopolskie"), ("Warszawa", "00-001", "mazowieckie"), ("Wrocław", "50-001",
        "dolnośląskie"), ("Lublin", "20-001", "lubelskie"), ("Rzeszów", "35-001", "podkarpackie"),
        ("Białystok", "15-001", "podlaskie"), ("Katowice", "40-001", "śląskie"), ("Toruń", "87-100",
        "kujawsko-pomorskie"), ("Olsztyn", "10-001", "warmińsko-mazurskie"), ("Zielona Góra", "65-001", "lubuskie"),
        ("Nowy Sącz", "33-300", "małopolskie"), ("Częstochowa", "42-200", "śląskie"),
    ),
    "RO": (
        ("Brașov", "500001", "Brașov"), ("Cluj-Napoca", "400001", "Cluj"), ("Timișoara", "300001", "Timiș"),
        ("Iași", "700001", "Iași"), ("București", "010011", "București"), ("Constanța", "900001", "Constanța"),
        ("Craiova", "200001", "Dolj"), ("Sibiu", "550001", "Sibiu"), ("Oradea", "410001", "Bihor"),
        ("Ploiești", "100001", "Prahova"), ("Galați", "800001", "Galați"), ("Suceava", "720001", "Suceava"),
        ("Târgu Mureș", "540001", "Mureș"), ("Baia Mare", "430001", "Maramureș"), ("Pitești", "110001", "Argeș"),
    ),
}  # fmt: skip
STREETS = {
    "HU": (
        "Petőfi Sándor utca", "Kossuth Lajos út", "Arany János utca", "Széchenyi tér", "Dózsa György út",
        "Rákóczi Ferenc út", "Ady Endre utca", "Bajcsy-Zsilinszky út", "Jókai Mór utca", "Hunyadi János utca",
        "Béke utca", "Kölcsey Ferenc utca", "Vörösmarty utca", "Szent István körút", "Mátyás király utca",
        "Táncsics Mihály utca", "Deák Ferenc tér", "Bem József utca", "Zrínyi Miklós utca", "Hősök tere",
    ),
    "PL": (
        "ul. Długa", "ul. Kościuszki", "ul. Mickiewicza", "ul. Słowackiego", "al. Jana Pawła II", "ul. Lipowa",
        "ul. Polna", "ul. Leśna", "ul. Słoneczna", "ul. Krótka", "ul. Szkolna", "ul. Ogrodowa", "ul. Łąkowa",
        "ul. Kwiatowa", "ul. Sienkiewicza", "ul. Żeromskiego", "ul. Piłsudskiego", "ul. Wojska Polskiego",
    ),
    "RO": (
        "Strada Republicii", "Bulevardul Eroilor", "Strada Mureșului", "Calea Victoriei", "Strada Lungă",
        "Strada Mihai Viteazu", "Bulevardul Unirii", "Strada Ștefan cel Mare", "Strada Avram Iancu",
        "Strada Florilor", "Strada Libertății", "Bulevardul Independenței", "Strada Primăverii", "Strada Zorilor",
        "Calea Dumbrăvii", "Strada Tudor Vladimirescu", "Aleea Trandafirilor",
    ),
}  # fmt: skip
MAIL_DOMAINS = {
    "HU": ("gmail.com", "freemail.hu", "citromail.hu", "t-online.hu", "outlook.com", "invitel.hu"),
    "PL": ("gmail.com", "wp.pl", "onet.pl", "interia.pl", "o2.pl", "outlook.com"),
    "RO": ("gmail.com", "yahoo.ro", "yahoo.com", "outlook.com", "hotmail.com"),
}
PHONE_PREFIX = {"HU": "+36", "PL": "+48", "RO": "+40"}
LANGUAGE = {"HU": "hu", "PL": "pl", "RO": "ro"}

MONTHS = {
    "hu": ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
           "október", "november", "december"),
    "pl": ("stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
           "października", "listopada", "grudnia"),
    "ro": ("ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie",
           "octombrie", "noiembrie", "decembrie"),
}  # fmt: skip
MONTH_ADJ_HU = ("januári", "februári", "márciusi", "áprilisi", "májusi", "júniusi", "júliusi", "augusztusi",
                "szeptemberi", "októberi", "novemberi", "decemberi")  # fmt: skip
CURRENCY = {"hu": "Ft", "pl": "zł", "ro": "lei"}

# Subjects by category; {…} are filled by Pools._render.
SUBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "hu": {
        "billing": (
            "Túlszámlázás a {month_adj} számlán", "Hibás elszámoló számla ({invoice})",
            "Kétszer terhelték meg a bankszámlámat", "Nem kaptam meg a visszatérítést",
            "Késedelmi díj befizetett számla után", "Magas becsült fogyasztás a {month_adj} számlán",
            "Reklamáció a {invoice} számú számla miatt", "Téves részszámla összege",
        ),
        "metering": (
            "A mérőóra hibásan mér", "Elmaradt mérőóra-leolvasás", "A {meter} gyári számú mérő cseréje",
            "Nem egyezik a mérőállás a számlán", "Sérült plomba a mérőórán", "Okosmérő adatai hiányoznak",
        ),
        "supply": (
            "Gyakori áramszünet a lakóhelyemen", "Bejelentés nélküli áramszünet ({city})",
            "Feszültségingadozás a {street} környékén", "Hosszan tartó szolgáltatáskimaradás",
            "Villogó világítás esténként",
        ),
        "contract": (
            "A szerződésmódosítás nem történt meg", "Felmondás feldolgozása elmaradt",
            "Téves tarifa a szerződésváltás óta", "Tulajdonosváltás átvezetése elmaradt",
        ),
        "staff_conduct": (
            "Udvariatlan ügyintéző az ügyfélszolgálaton", "A szerelő nem jelent meg a megbeszélt időpontban",
            "Panasz a telefonos ügyintézés miatt",
        ),
        "damage": (
            "Feszültségingadozás miatt tönkrement hűtő", "Kártérítési igény áramkimaradás miatt",
            "Meghibásodott háztartási gépek ({city})",
        ),
        "other": ("Általános panasz", "Panasz az online ügyfélszolgálat működése miatt", "Panasz ({city})"),
    },
    "pl": {
        "product": (
            "Falownik wyświetla błąd izolacji", "Falownik wyłącza się przy wysokiej temperaturze",
            "Brak komunikacji falownika z aplikacją", "Falownik {meter} nie uruchamia się po aktualizacji",
            "Błąd {errcode} na wyświetlaczu falownika", "Spadek produkcji energii o połowę",
            "Głośna praca wentylatora falownika",
        ),
        "service": (
            "Brak odpowiedzi serwisu od dwóch tygodni", "Technik nie przyjechał w umówionym terminie",
            "Reklamacja naprawy gwarancyjnej", "Długi czas oczekiwania na część zamienną",
        ),
        "contract": ("Odmowa uznania gwarancji", "Błędna faktura za przegląd serwisowy ({invoice})"),
        "billing": ("Faktura {invoice} zawiera błędną kwotę", "Podwójne obciążenie za przegląd"),
        "other": ("Reklamacja ogólna", "Problem z dostępem do portalu klienta"),
    },
    "ro": {
        "billing": (
            "Factură estimată prea mare", "Factura {invoice} conține o sumă greșită",
            "Plată dublă pentru aceeași factură", "Penalități de întârziere deși am plătit la timp",
            "Nu am primit rambursarea", "Factura de regularizare din {month} este greșită",
        ),
        "metering": (
            "Indexul contorului nu corespunde", "Contorul nu a mai fost citit de luni de zile",
            "Înlocuirea contorului {meter}", "Sigiliu deteriorat la contor",
        ),
        "supply": (
            "Întreruperi repetate ale alimentării", "Întrerupere neanunțată în {city}",
            "Fluctuații de tensiune pe {street}",
        ),
        "contract": (
            "Schimbarea furnizorului nu a fost procesată", "Reziliere neprocesată",
            "Tarif greșit după modificarea contractului",
        ),
        "staff_conduct": ("Comportament neadecvat la ghișeu", "Tehnicianul nu a venit la data stabilită"),
        "damage": (
            "Aparate electrocasnice defecte din cauza supratensiunii", "Cerere de despăgubire pentru frigider defect",
        ),
        "other": ("Reclamație generală", "Probleme cu contul online"),
    },
}  # fmt: skip

GREETING = {"hu": "Tisztelt Ügyfélszolgálat!", "pl": "Szanowni Państwo,", "ro": "Stimată doamnă, stimate domn,"}
CLOSING = {"hu": "Üdvözlettel:", "pl": "Z poważaniem,", "ro": "Cu stimă,"}

SENTENCES: dict[str, dict[str, tuple[str, ...]]] = {
    "hu": {
        "": (
            "Felhasználó azonosítóm: {customer}, a mérő gyári száma {meter}.",
            "A felhasználási hely címe: {city}, {street} {num}.",
            "Többször hívtam az ügyfélszolgálatot, de nem kaptam érdemi választ.",
            "Kérem, hogy panaszomat a jogszabályi határidőn belül írásban válaszolják meg.",
            "Idén már másodszor fordul elő ugyanez a probléma.",
            "Ha nem rendezik az ügyet, a fogyasztóvédelmi hatósághoz fordulok.",
            "Mellékelem a mérőóra kijelzőjéről készült fényképet.",
            "{years} éve lakom ezen a címen, és eddig soha nem volt ilyen gondom.",
            "Kérem, hogy a hibát mielőbb javítsák ki.",
            "A telefonos ügyintéző azt ígérte, hogy visszahívnak, de ez nem történt meg.",
        ),
        "billing": (
            "A {invoice} számú számlán {amount} Ft szerepel, amit nem fogadok el.",
            "A számlát határidőben befizettem, mégis késedelmi díjat számoltak fel.",
            "A becsült fogyasztás jóval magasabb a valós fogyasztásomnál.",
            "Az utolsó valós mérőállás {reading} kWh volt, a számla mégis {reading2} kWh-ról szól.",
            "Ugyanazt az összeget kétszer vonták le a bankszámlámról.",
        ),
        "metering": (
            "A mérőórát {months} hónapja nem olvasták le.",
            "A mérőóra éjszaka is pörög, pedig minden készülék ki van kapcsolva.",
            "A szerelő látogatása után sérült lett a plomba.",
            "A mérőóra állása {reading} kWh, ez nem egyezik a számlán szereplő értékkel.",
        ),
        "supply": (
            "A hónap {day}. napján előzetes értesítés nélkül megszűnt a szolgáltatás.",
            "Az áramszünet több mint {hours} órán át tartott.",
            "Az elmúlt héten háromszor is elment az áram.",
            "Esténként annyira leesik a feszültség, hogy villognak a lámpák.",
        ),
        "contract": (
            "A szerződésmódosítást a {month_adj} hónapban kértem, de azóta sem történt meg.",
            "A szerződésváltás óta rossz tarifával számláznak.",
            "A felmondásomat írásban elküldtem, mégis tovább számláznak.",
        ),
        "staff_conduct": (
            "Az ügyintéző udvariatlanul beszélt velem, és letette a telefont.",
            "Egész nap vártam a szerelőt, de nem jött el, és nem is értesítettek.",
        ),
        "damage": (
            "A feszültségingadozás miatt tönkrement a hűtőszekrényem és a televízióm.",
            "A kár összege a szerviz szerint {amount} Ft.",
            "Kérem a kár megtérítését, a javítási számlákat mellékelem.",
        ),
    },
    "pl": {
        "": (
            "Numer klienta: {customer}, numer seryjny urządzenia: {meter}.",
            "Instalacja znajduje się pod adresem {street} {num}, {city}.",
            "Dzwoniłem na infolinię {times} razy i za każdym razem słyszałem coś innego.",
            "Proszę o pisemną odpowiedź w ustawowym terminie.",
            "To już drugi raz w tym roku, gdy występuje ten sam problem.",
            "Jeśli sprawa nie zostanie rozwiązana, zwrócę się do rzecznika konsumentów.",
            "W załączniku przesyłam zdjęcie wyświetlacza.",
            "Proszę o pilny kontakt telefoniczny.",
        ),
        "product": (
            "Od {day} {month} falownik co kilka godzin zgłasza błąd i przestaje pracować.",
            "Produkcja energii spadła z {reading2} kWh do {reading} kWh miesięcznie.",
            "Urządzenie jest na gwarancji, zostało zamontowane w {year} roku.",
            "Po ostatniej aktualizacji oprogramowania falownik nie łączy się z siecią Wi-Fi.",
            "Wentylator pracuje bardzo głośno, a obudowa mocno się nagrzewa.",
        ),
        "service": (
            "Technik miał przyjechać {day} {month}, ale nikt się nie pojawił.",
            "Zgłoszenie serwisowe wysłałem ponad dwa tygodnie temu i nadal nie mam odpowiedzi.",
            "Część zamienna miała być dostępna w ciągu tygodnia, a czekam już miesiąc.",
        ),
        "billing": ("Faktura {invoice} opiewa na {amount} zł, czego nie akceptuję.",),
        "contract": ("Serwis odmówił naprawy gwarancyjnej bez podania przyczyny.",),
    },
    "ro": {
        "": (
            "Codul meu de client este {customer}, iar seria contorului este {meter}.",
            "Locul de consum se află la adresa {street} nr. {num}, {city}.",
            "Am sunat la call center de {times} ori și am primit de fiecare dată alt răspuns.",
            "Vă rog să îmi răspundeți în scris în termenul legal.",
            "Este a doua oară anul acesta când se întâmplă același lucru.",
            "Dacă problema nu se rezolvă, mă voi adresa ANRE și ANPC.",
            "Atașez o fotografie a afișajului contorului.",
            "Locuiesc la această adresă de {years} ani și nu am avut niciodată astfel de probleme.",
        ),
        "billing": (
            "Factura {invoice} din {day} {month} are de plată {amount} lei, sumă pe care nu o accept.",
            "Ultimul index real a fost {reading} kWh, dar factura este calculată pentru {reading2} kWh.",
            "Am plătit factura la timp, totuși mi s-au calculat penalități.",
            "Aceeași sumă mi-a fost retrasă de două ori din cont.",
        ),
        "metering": (
            "Contorul nu a fost citit de {months} luni.",
            "Contorul se învârte și noaptea, deși toate aparatele sunt oprite.",
            "După vizita tehnicianului, sigiliul contorului era rupt.",
        ),
        "supply": (
            "Pe {day} {month} alimentarea a fost întreruptă fără niciun anunț.",
            "Întreruperea a durat peste {hours} ore.",
            "Săptămâna trecută curentul s-a întrerupt de trei ori.",
        ),
        "contract": (
            "Am cerut modificarea contractului în luna {month}, dar nu s-a întâmplat nimic.",
            "De la schimbarea contractului sunt facturat cu un tarif greșit.",
        ),
        "staff_conduct": (
            "Angajatul de la ghișeu a fost nepoliticos și a refuzat să îmi primească cererea.",
            "Am așteptat tehnicianul toată ziua, dar nu a venit și nimeni nu m-a anunțat.",
        ),
        "damage": (
            "Din cauza supratensiunii s-au defectat frigiderul și televizorul.",
            "Valoarea pagubei este de aproximativ {amount} lei, conform service-ului.",
        ),
    },
}

ANSWERS = {
    "hu": (
        "Tisztelt Ügyfelünk! Panaszát kivizsgáltuk. A számlát korrigáltuk, a különbözetet ({amount} Ft) a következő "
        "számlán jóváírjuk.",
        "Tisztelt Ügyfelünk! A helyszíni vizsgálat alapján a mérőóra megfelelően működik, ezért a számla helyes.",
        "Tisztelt Ügyfelünk! A mérőórát {month} {day}-én kicseréltük, fogyasztását a hitelesített mérő alapján "
        "számoljuk el.",
        "Tisztelt Ügyfelünk! Az áramszünetet hálózati meghibásodás okozta; a kötbért ({amount} Ft) jóváírjuk.",
        "Tisztelt Ügyfelünk! Kártérítési igényét elfogadjuk, az összeget 15 napon belül átutaljuk.",
        "Tisztelt Ügyfelünk! Sajnálattal értesítjük, hogy panaszát a vizsgálat alapján nem tudjuk elfogadni.",
    ),
    "pl": (
        "Szanowni Państwo, po analizie wymienimy falownik w ramach gwarancji; kurier odbierze urządzenie w ciągu "
        "5 dni roboczych.",
        "Szanowni Państwo, zdalna diagnostyka wykazała błąd konfiguracji, który został usunięty.",
        "Szanowni Państwo, technik odwiedzi instalację {day} {month} w godzinach 8–16.",
        "Szanowni Państwo, reklamacja nie może zostać uznana, ponieważ uszkodzenie powstało z przyczyn zewnętrznych.",
        "Szanowni Państwo, zwrócimy kwotę {amount} zł na wskazany rachunek bankowy.",
    ),
    "ro": (
        "Stimate client, în urma verificării, factura a fost corectată, iar diferența de {amount} lei va fi "
        "compensată.",
        "Stimate client, contorul a fost verificat și funcționează corect; factura este corectă.",
        "Stimate client, contorul va fi înlocuit pe {day} {month}.",
        "Stimate client, întreruperea a fost cauzată de o avarie în rețea; vă acordăm compensația prevăzută de "
        "standardul de performanță.",
        "Stimate client, cererea de despăgubire a fost aprobată, suma va fi virată în 15 zile.",
        "Stimate client, în urma analizei, reclamația nu poate fi admisă.",
    ),
}
NOTES = {
    "hu": (
        "Számlázási osztállyal egyeztetve.", "Helyszíni ellenőrzést kértem a hálózatüzemeltetéstől.",
        "Az ügyfél telefonon további információt adott.", "Mérőcsere elrendelve.",
        "Ellenőrizni kell a leolvasási előzményeket.", "Vezetői jóváhagyásra vár.",
        "A korábbi panaszával ({invoice}) együtt kezelendő.",
    ),
    "pl": (
        "Uzgodniono z działem serwisu.", "Zlecono zdalną diagnostykę falownika.", "Klient przesłał dodatkowe zdjęcia.",
        "Oczekujemy na część zamienną od producenta.", "Sprawdzić historię zgłoszeń klienta.",
    ),
    "ro": (
        "Verificat cu departamentul de facturare.", "Am solicitat verificare la fața locului.",
        "Clientul a oferit informații suplimentare telefonic.", "Înlocuire contor programată.",
        "De verificat istoricul citirilor.",
    ),
}  # fmt: skip
REQUEST_INFO = {
    "hu": (
        "Kérjük, adja meg a felhasználó azonosítóját és a mérő gyári számát.",
        "Kérjük, küldje meg a számla másolatát és a mérőóra kijelzőjének fényképét.",
    ),
    "pl": (
        "Prosimy o podanie numeru seryjnego falownika i opisu błędu.",
        "Prosimy o przesłanie zdjęcia tabliczki znamionowej i dowodu zakupu.",
    ),
    "ro": (
        "Vă rugăm să ne comunicați codul de client și seria contorului.",
        "Vă rugăm să ne trimiteți o copie a facturii și o fotografie a contorului.",
    ),
}
INFO_REPLY = {
    "hu": ("Felhasználó azonosítóm: {customer}, a mérő gyári száma: {meter}.", "Mellékelem a kért dokumentumokat."),
    "pl": ("Numer klienta: {customer}, numer seryjny: {meter}.", "W załączniku przesyłam wymagane dokumenty."),
    "ro": ("Codul de client: {customer}, seria contorului: {meter}.", "Atașez documentele solicitate."),
}
REOPEN = {
    "hu": ("Nem értek egyet a válasszal.", "A számla továbbra is hibás.", "A probléma nem oldódott meg."),
    "pl": ("Nie zgadzam się z odpowiedzią.", "Falownik nadal nie działa.", "Problem nie został rozwiązany."),
    "ro": ("Nu sunt de acord cu răspunsul.", "Problema nu a fost rezolvată.", "Factura este în continuare greșită."),
}
ESCALATE = {
    "hu": ("A panasz vezetői döntést igényel.", "Az ügyfél a vezető megkeresését kérte."),
    "pl": ("Reklamacja wymaga decyzji kierownika.", "Klient prosi o kontakt z kierownikiem."),
    "ro": ("Reclamația necesită decizia conducerii.", "Clientul a solicitat discuția cu un superior."),
}
REDIRECT = {
    "hu": (
        "Ez üzemzavar-bejelentés: kérjük, hívja a hibabejelentő vonalat.",
        "Adatváltozás bejelentése: kérjük, töltse ki a változásbejelentő nyomtatványt.",
        "Részletfizetési kérelmét továbbítottuk a pénzügyi osztálynak.",
        "Egyenlegét az online ügyfélszolgálaton bármikor megtekintheti.",
    ),
    "pl": (
        "To zgłoszenie awarii instalacji: prosimy o kontakt z instalatorem.",
        "Prośba o informację: szczegóły znajdą Państwo w instrukcji obsługi.",
    ),
    "ro": (
        "Aceasta este o sesizare de avarie: vă rugăm să sunați la dispeceratul de avarii.",
        "Pentru modificarea datelor vă rugăm să completați formularul dedicat.",
        "Cererea de eșalonare a fost transmisă departamentului financiar.",
    ),
}
STAFF_MESSAGE = {
    "hu": ("Tájékoztatjuk, hogy panasza kivizsgálása folyamatban van.", "Kollégánk a jövő héten felveszi Önnel a "
           "kapcsolatot."),
    "pl": ("Informujemy, że reklamacja jest w trakcie rozpatrywania.", "Nasz technik skontaktuje się z Państwem w "
           "przyszłym tygodniu."),
    "ro": ("Vă informăm că reclamația dumneavoastră este în curs de analiză.", "Un coleg vă va contacta săptămâna "
           "viitoare."),
}  # fmt: skip
CUSTOMER_MESSAGE = {
    "hu": ("Mikor kapok választ a panaszomra?", "Küldöm a kért fényképet a mérőóráról."),
    "pl": ("Kiedy otrzymam odpowiedź na reklamację?", "Przesyłam zdjęcie błędu na wyświetlaczu."),
    "ro": ("Când voi primi un răspuns la reclamație?", "Vă trimit fotografia cerută a contorului."),
}
PROGRESS = {
    "hu": ("A vizsgálat folyamatban van; a mérési adatok kiértékelése még tart.",),
    "pl": (
        "Informujemy, że trwa diagnostyka urządzenia; wyniki spodziewamy się otrzymać w ciągu 7 dni.",
        "Część zamienna została zamówiona u producenta.",
    ),
    "ro": ("Analiza este în curs; evaluarea datelor de măsurare continuă.",),
}
EXTEND = {
    "hu": ("A panasz kivizsgálása műszaki vizsgálatot igényel, ezért a válaszadási határidőt meghosszabbítjuk.",),
    "pl": ("Rozpatrzenie reklamacji wymaga opinii producenta.",),
    "ro": ("Analiza reclamației necesită o verificare tehnică, de aceea prelungim termenul de răspuns.",),
}
UNKNOWN_SENDER = {
    "hu": ("Ismeretlen Bejelentő", "Kovács J.", "N. Erika"),
    "pl": ("Nieznany Zgłaszający", "J. Nowak", "Ania K."),
    "ro": ("Petent Necunoscut", "I. Popescu", "Maria P."),
}
ANSWER_FOOTERS = {
    "hu": (
        "Ha válaszunkkal nem ért egyet, fordulhat a lakóhelye szerinti vármegyei kormányhivatal fogyasztóvédelmi "
        "hatóságához, a területileg illetékes békéltető testülethez, vagy a Magyar Energetikai és "
        "Közmű-szabályozási Hivatalhoz (MEKH)."
    ),
    "pl": (
        "Jeżeli nie zgadzają się Państwo z naszą decyzją, mogą Państwo odwołać się do kierownika działu obsługi "
        "reklamacji lub skorzystać z pomocy rzecznika konsumentów."
    ),
    "ro": (
        "Dacă nu sunteți de acord cu răspunsul nostru, vă puteți adresa Autorității Naționale de Reglementare "
        "în Domeniul Energiei (ANRE) sau Autorității Naționale pentru Protecția Consumatorilor (ANPC)."
    ),
}
ATTACHMENT_NAMES = {
    "hu": ("számla_{invoice}.pdf", "mérőóra.jpg", "panaszlevél.pdf", "fotó_{num}.png", "leolvasás.txt"),
    "pl": ("faktura_{invoice}.pdf", "zdjęcie_falownika.jpg", "gwarancja.pdf", "błąd_{num}.png", "opis.txt"),
    "ro": ("factura_{invoice}.pdf", "contor.jpg", "reclamatie.pdf", "poza_{num}.png", "index.txt"),
}

_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l"})


def ascii_name(text: str) -> str:
    """Lower-case ASCII for e-mail local parts and user names ("Łukasz Wójcik" → "lukaszwojcik")."""
    plain = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return "".join(c for c in plain.encode("ascii", "ignore").decode().lower() if c.isalnum())


class Pools:
    """Every template rendered into a pool once, from the seed; items pick from the pools."""

    def __init__(self, seed: int, size: int = 400) -> None:
        rng = random.Random(f"datagen-text:{seed}")
        self.subjects = {
            lang: {cat: [self._render(rng, lang, rng.choice(ts)) for _ in range(size // 4)] for cat, ts in cats.items()}
            for lang, cats in SUBJECTS.items()
        }
        self.sentences = {
            lang: {cat: [self._render(rng, lang, rng.choice(ts)) for _ in range(size)] for cat, ts in cats.items()}
            for lang, cats in SENTENCES.items()
        }

        def pool(table: dict[str, tuple[str, ...]], n: int = size // 4) -> dict[str, list[str]]:
            return {lang: [self._render(rng, lang, rng.choice(ts)) for _ in range(n)] for lang, ts in table.items()}

        self.answers = pool(ANSWERS)
        self.notes = pool(NOTES)
        self.request_info = pool(REQUEST_INFO, 8)
        self.info_reply = pool(INFO_REPLY)
        self.reopen = pool(REOPEN, 8)
        self.escalate = pool(ESCALATE, 8)
        self.redirect = pool(REDIRECT, 8)
        self.staff_message = pool(STAFF_MESSAGE, 8)
        self.customer_message = pool(CUSTOMER_MESSAGE, 8)
        self.progress = pool(PROGRESS, 8)
        self.extend = pool(EXTEND, 4)
        self.attachment_names = pool(ATTACHMENT_NAMES, 64)

    @staticmethod
    def _render(rng: random.Random, lang: str, template: str) -> str:
        reading = rng.randint(800, 9000)
        month = rng.randrange(12)
        return template.format(
            month=MONTHS[lang][month],
            month_adj=MONTH_ADJ_HU[month],
            day=rng.randint(1, 28),
            invoice=f"{rng.randint(2023, 2026)}/{rng.randint(100000, 999999)}",
            meter=f"{rng.randint(10_000_000, 99_999_999)}",
            customer=rng.randint(3_100_000_000, 3_199_999_999),
            amount=f"{rng.randint(2, 480) * (100 if lang == 'hu' else 1):,}".replace(",", " "),
            reading=reading,
            reading2=reading * rng.randint(2, 4),
            times=rng.randint(2, 9),
            years=rng.randint(2, 40),
            months=rng.randint(3, 14),
            hours=rng.randint(3, 30),
            year=rng.randint(2019, 2025),
            num=rng.randint(1, 180),
            errcode=f"E{rng.randint(100, 999)}",
            city=rng.choice([p[0] for p in PLACES[{"hu": "HU", "pl": "PL", "ro": "RO"}[lang]]]),
            street=rng.choice(STREETS[{"hu": "HU", "pl": "PL", "ro": "RO"}[lang]]),
        )

    def subject(self, rng: random.Random, lang: str, category: str) -> str:
        cats = self.subjects[lang]
        return rng.choice(cats.get(category) or cats["other"])

    def description(self, rng: random.Random, lang: str, category: str, name: str, *, letter: bool) -> str:
        """A customer's letter (greeting, 3–7 sentences, closing) or an agent's short summary of a call."""
        general = self.sentences[lang][""]
        specific = self.sentences[lang].get(category) or general
        count = rng.randint(3, 7) if letter else rng.randint(1, 3)
        body = " ".join(rng.choice(specific if rng.random() < 0.5 else general) for _ in range(count))
        if not letter:
            return body
        return f"{GREETING[lang]}\n\n{body}\n\n{CLOSING[lang]}\n{name}"

    def pick(self, rng: random.Random, table: dict[str, list[str]], lang: str) -> str:
        return rng.choice(table[lang])
