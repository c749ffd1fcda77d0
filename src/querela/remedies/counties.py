"""Which county (HU vármegye, PL województwo, RO județ) a customer lives in, from what we hold.

Pure: no Django, no database (`.importlinter` says so). A remedy body serves a county; the answer names the
one of the customer's county, so the county is read from, in order: the consumption place's `region`; its
postal code; then the addresses on file (mailing address, the place address given on a form) — a postal
code first, then a county named as such ("Baranya megye", "județul Cluj", "woj. mazowieckie"), then a
county seat ("Pécs", "Cluj-Napoca", "Kraków").

Hungarian postal codes follow the postal districts, not the county borders: the table below maps the
first two digits, with three-digit exceptions where a district straddles a border. It is right for the
county seats and the large towns; a village near a border may come out as its neighbour county, which is
why a place's `region`, when filled in, always wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from querela.customers.text import fold

# The region names RemedyBody rows use (the conciliation bodies' counties in seed 004).
HU_COUNTIES: tuple[str, ...] = (
    "Baranya",
    "Bács-Kiskun",
    "Békés",
    "Borsod-Abaúj-Zemplén",
    "Budapest",
    "Csongrád-Csanád",
    "Fejér",
    "Győr-Moson-Sopron",
    "Hajdú-Bihar",
    "Heves",
    "Jász-Nagykun-Szolnok",
    "Komárom-Esztergom",
    "Nógrád",
    "Pest",
    "Somogy",
    "Szabolcs-Szatmár-Bereg",
    "Tolna",
    "Vas",
    "Veszprém",
    "Zala",
)

(_B, _BK, _BE, _BAZ, _BP, _CS, _F, _GY, _HB, _H, _J, _K, _N, _P, _S, _SZ, _T, _VA, _VE, _Z) = HU_COUNTIES

# First digits of a Hungarian postal code → county; the longest prefix wins.
HU_POSTAL_PREFIXES: dict[str, str] = {
    "1": _BP,
    **{"20": _P, "21": _P, "22": _P, "23": _P, "24": _F, "25": _K, "26": _P, "27": _P, "28": _K, "29": _K},
    **{"206": _F, "244": _P, "264": _N, "265": _N, "266": _N, "267": _N, "268": _N, "269": _N},
    **{"30": _H, "31": _N, "32": _H, "33": _H, "34": _BAZ, "35": _BAZ, "36": _BAZ, "37": _BAZ, "38": _BAZ, "39": _BAZ},
    **{"304": _N, "305": _N, "306": _N, "307": _N},
    **{"40": _HB, "41": _HB, "42": _HB, "43": _SZ, "44": _SZ, "45": _SZ, "46": _SZ, "47": _SZ, "48": _SZ, "49": _SZ},
    **{"50": _J, "51": _J, "52": _J, "53": _J, "54": _J, "55": _BE, "56": _BE, "57": _BE, "58": _BE, "59": _BE},
    **{"60": _BK, "61": _BK, "62": _BK, "63": _BK, "64": _BK, "65": _BK, "66": _CS, "67": _CS, "68": _CS, "69": _CS},
    **{"70": _T, "700": _F, "701": _F, "71": _T, "72": _T, "73": _B, "74": _S, "75": _S},
    **{"76": _B, "77": _B, "78": _B, "79": _B},
    **{"80": _F, "81": _F, "810": _VE, "82": _VE, "83": _VE, "835": _Z, "836": _Z, "837": _Z, "838": _Z, "839": _Z},
    **{"84": _VE, "85": _VE, "86": _S, "87": _S, "874": _Z, "875": _Z, "876": _Z, "877": _Z, "878": _Z, "879": _Z},
    **{"88": _Z, "884": _S, "89": _Z},
    **{"90": _GY, "91": _GY, "92": _GY, "93": _GY, "94": _GY, "95": _VA, "96": _VA, "97": _VA, "98": _VA, "99": _VA},
}

# County seats (and Budapest) as they are written in addresses.
_HU_SEATS = {
    "Pécs": _B,
    "Kecskemét": _BK,
    "Békéscsaba": _BE,
    "Miskolc": _BAZ,
    "Budapest": _BP,
    "Szeged": _CS,
    "Székesfehérvár": _F,
    "Győr": _GY,
    "Debrecen": _HB,
    "Eger": _H,
    "Szolnok": _J,
    "Tatabánya": _K,
    "Salgótarján": _N,
    "Kaposvár": _S,
    "Nyíregyháza": _SZ,
    "Szekszárd": _T,
    "Szombathely": _VA,
    "Veszprém": _VE,
    "Zalaegerszeg": _Z,
}
# Other ways a county is written: the old name of Csongrád-Csanád, short forms.
_HU_ALIASES = {"Csongrád": _CS, "Borsod": _BAZ, "BAZ": _BAZ, "Szabolcs": _SZ, "Főváros": _BP}

PL_VOIVODESHIPS: dict[str, tuple[str, ...]] = {
    # voivodeship → the seats of its voivode and sejmik
    "dolnośląskie": ("Wrocław",),
    "kujawsko-pomorskie": ("Bydgoszcz", "Toruń"),
    "lubelskie": ("Lublin",),
    "lubuskie": ("Gorzów Wielkopolski", "Zielona Góra"),
    "łódzkie": ("Łódź",),
    "małopolskie": ("Kraków",),
    "mazowieckie": ("Warszawa",),
    "opolskie": ("Opole",),
    "podkarpackie": ("Rzeszów",),
    "podlaskie": ("Białystok",),
    "pomorskie": ("Gdańsk",),
    "śląskie": ("Katowice",),
    "świętokrzyskie": ("Kielce",),
    "warmińsko-mazurskie": ("Olsztyn",),
    "wielkopolskie": ("Poznań",),
    "zachodniopomorskie": ("Szczecin",),
}

RO_COUNTIES: dict[str, str] = {
    # județ → its seat (reședința de județ)
    "Alba": "Alba Iulia",
    "Arad": "Arad",
    "Argeș": "Pitești",
    "Bacău": "Bacău",
    "Bihor": "Oradea",
    "Bistrița-Năsăud": "Bistrița",
    "Botoșani": "Botoșani",
    "Brăila": "Brăila",
    "Brașov": "Brașov",
    "București": "București",
    "Buzău": "Buzău",
    "Călărași": "Călărași",
    "Caraș-Severin": "Reșița",
    "Cluj": "Cluj-Napoca",
    "Constanța": "Constanța",
    "Covasna": "Sfântu Gheorghe",
    "Dâmbovița": "Târgoviște",
    "Dolj": "Craiova",
    "Galați": "Galați",
    "Giurgiu": "Giurgiu",
    "Gorj": "Târgu Jiu",
    "Harghita": "Miercurea Ciuc",
    "Hunedoara": "Deva",
    "Ialomița": "Slobozia",
    "Iași": "Iași",
    "Ilfov": "Buftea",
    "Maramureș": "Baia Mare",
    "Mehedinți": "Drobeta-Turnu Severin",
    "Mureș": "Târgu Mureș",
    "Neamț": "Piatra Neamț",
    "Olt": "Slatina",
    "Prahova": "Ploiești",
    "Sălaj": "Zalău",
    "Satu Mare": "Satu Mare",
    "Sibiu": "Sibiu",
    "Suceava": "Suceava",
    "Teleorman": "Alexandria",
    "Timiș": "Timișoara",
    "Tulcea": "Tulcea",
    "Vâlcea": "Râmnicu Vâlcea",
    "Vaslui": "Vaslui",
    "Vrancea": "Focșani",
}


def counties_of(country: str) -> tuple[str, ...]:
    """The canonical region names of a country ("" for a country Querela has no table for)."""
    if country == "HU":
        return HU_COUNTIES
    if country == "PL":
        return tuple(PL_VOIVODESHIPS)
    if country == "RO":
        return tuple(RO_COUNTIES)
    return ()


# --- what a region field may say, folded → canonical -------------------------------------------------

_REGION_WORDS = re.compile(
    r"\b(?:megye|megyei|varmegye|varmegyei|wojewodztwo|woj|judetul|judet|jud|municipiul|county|region)\b"
)


def _names(country: str) -> dict[str, str]:
    """Every name a region field may hold (the county, an alias, or its seat), folded → canonical."""
    out: dict[str, str] = {}
    if country == "HU":
        out |= {fold(c): c for c in HU_COUNTIES} | {fold(a): c for a, c in _HU_ALIASES.items()}
        out |= {fold(s): c for s, c in _HU_SEATS.items()}
    elif country == "PL":
        out |= {fold(v): v for v in PL_VOIVODESHIPS}
        out |= {fold(s): v for v, seats in PL_VOIVODESHIPS.items() for s in seats}
    elif country == "RO":
        out |= {fold(c): c for c in RO_COUNTIES} | {fold(s): c for c, s in RO_COUNTIES.items()}
        out["bucuresti ilfov"] = "București"
    return out


_NAMES = {country: _names(country) for country in ("HU", "PL", "RO")}


def normalise_region(country: str, region: str) -> str | None:
    """The canonical county a region field names ("hajdu-bihar vármegye" → "Hajdú-Bihar"), else None."""
    folded = " ".join(_REGION_WORDS.sub(" ", fold(region)).split())
    if not folded:
        return None
    names = _NAMES.get(country, {})
    if folded in names:
        return names[folded]
    return county_in_text(country, region)


def same_region(country: str, a: str, b: str) -> bool:
    """Whether two region fields name the same county (a body's region and a customer's)."""
    ca, cb = normalise_region(country, a), normalise_region(country, b)
    if ca is not None or cb is not None:
        return ca == cb
    return bool(fold(a)) and fold(a) == fold(b)


# --- postal codes ----------------------------------------------------------------------------------

_HU_CODE = re.compile(r"^[1-9][0-9]{3}$")
# A Hungarian postal code as it stands in an address: four digits before the town's name ("H-7625 Pécs").
_HU_CODE_IN_TEXT = re.compile(r"(?<![\w-])(?:H-?)?([1-9][0-9]{3})(?![0-9])[\s,]+(?=[^\W\d_])")


def county_from_postal_code(country: str, code: str) -> str | None:
    """The county a postal code belongs to (Hungary only: the other countries' codes are not county-bound)."""
    code = code.strip().upper().removeprefix("H-").removeprefix("H")
    if country != "HU" or not _HU_CODE.match(code):
        return None
    for length in (3, 2, 1):
        county = HU_POSTAL_PREFIXES.get(code[:length])
        if county is not None:
            return county
    return None


# --- addresses and other free text ---------------------------------------------------------------


def _pattern(names: Iterable[str], before: str = "", after: str = "") -> re.Pattern[str]:
    # Longest first: "kujawsko pomorskie" before "pomorskie", "satu mare" before anything shorter.
    alternatives = "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))
    return re.compile(rf"\b{before}({alternatives}){after}\b")


def _text_patterns(country: str) -> list[tuple[re.Pattern[str], dict[str, str]]]:
    """Patterns over folded text, most telling first, each with its folded name → canonical county."""
    if country == "HU":
        counties = {fold(c): c for c in HU_COUNTIES} | {fold(a): c for a, c in _HU_ALIASES.items()}
        seats = {fold(s): c for s, c in _HU_SEATS.items()}
        # A bare county name in an address may be a street ("Vas utca"): only "… megye" counts.
        return [(_pattern(counties, after=r"\s+(?:var)?megye(?:i)?"), counties), (_pattern(seats), seats)]
    if country == "PL":
        voivodeships = {fold(v): v for v in PL_VOIVODESHIPS}
        seats = {fold(s): v for v, ss in PL_VOIVODESHIPS.items() for s in ss}
        return [(_pattern(voivodeships), voivodeships), (_pattern(seats), seats)]
    if country == "RO":
        counties = {fold(c): c for c in RO_COUNTIES}
        seats = {fold(s): c for c, s in RO_COUNTIES.items()}
        return [(_pattern(counties, before=r"jud(?:etul|et)?\s+"), counties), (_pattern(seats), seats)]
    return []


_TEXT_PATTERNS = {country: _text_patterns(country) for country in ("HU", "PL", "RO")}


def county_in_text(country: str, text: str) -> str | None:
    """The county an address or other text names, else None. Never raises, whatever the text."""
    if not text:
        return None
    if country == "HU":
        for code in _HU_CODE_IN_TEXT.finditer(text):
            county = county_from_postal_code(country, code.group(1))
            if county is not None:
                return county
    folded = fold(text)
    for pattern, names in _TEXT_PATTERNS.get(country, []):
        match = pattern.search(folded)
        if match is not None:
            return names[match.group(1)]
    return None


def county_of(country: str, *, region: str = "", postal_code: str = "", texts: Iterable[str] = ()) -> str | None:
    """The customer's county: the region field, the postal code, then each text in the order given."""
    county = normalise_region(country, region) if region.strip() else None
    if county is None and postal_code.strip():
        county = county_from_postal_code(country, postal_code)
    for text in texts:
        if county is not None:
            break
        county = county_in_text(country, text)
    return county
