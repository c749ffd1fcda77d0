"""Seeded, realistic-looking complaint text for the peer benchmark (standard library only).

Used in two interpreters: by load_tickets.py inside the peer's virtualenv (millions of tickets) and by
peer.py in ours (request bodies). Speed matters for the first, so sentences are rendered once into a
pool from the seed, and each ticket only picks from the pool with its own Random.
"""

from __future__ import annotations

import random
import unicodedata

# Names of the countries Querela serves (Hungary, Poland, Romania) and some English ones.
FIRST_NAMES = (
    "Ágnes", "Balázs", "Csaba", "Dóra", "Erzsébet", "Gergely", "Ildikó", "Krisztián", "Lajos", "Nóra",
    "Orsolya", "Zoltán", "Agata", "Bartłomiej", "Dorota", "Grzegorz", "Jolanta", "Łukasz", "Małgorzata",
    "Paweł", "Renata", "Wojciech", "Alexandru", "Bianca", "Cătălin", "Daniela", "Gheorghe", "Ioana",
    "Mihaela", "Ovidiu", "Ștefan", "Teodora", "Claire", "David", "Emily", "George", "Hannah", "Oliver",
    "Rachel", "Simon",
)  # fmt: skip
LAST_NAMES = (
    "Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Kiss", "Molnár", "Németh", "Farkas", "Balogh", "Papp",
    "Takács", "Nowak", "Kowalczyk", "Wiśniewska", "Wójcik", "Kamińska", "Lewandowski", "Zając", "Szymańska",
    "Dąbrowski", "Popescu", "Ionescu", "Constantin", "Dumitrescu", "Stoica", "Munteanu", "Marinescu",
    "Niculescu", "Evans", "Hughes", "Morgan", "Turner", "Parker", "Collins",
)  # fmt: skip
MAIL_DOMAINS = (
    "gmail.com",
    "freemail.hu",
    "citromail.hu",
    "wp.pl",
    "onet.pl",
    "yahoo.ro",
    "outlook.com",
    "t-online.hu",
)
PLACES = (
    "Budapest",
    "Debrecen",
    "Miskolc",
    "Győr",
    "Kraków",
    "Łódź",
    "Gdańsk",
    "Lublin",
    "București",
    "Cluj-Napoca",
    "Iași",
    "Constanța",
)
STREETS = ("Petőfi utca", "Kossuth tér", "Rákóczi út", "ul. Słowackiego", "ul. Lipowa", "Strada Ștefan cel Mare")
SERVICES = ("electricity supply", "gas supply", "district heating", "water supply", "waste collection")
THINGS = ("meter", "invoice", "annual settlement", "direct debit", "supply contract", "prepayment card")
PROBLEMS = (
    "an estimated reading far above my real consumption",
    "a double charge on the same invoice",
    "an outage that nobody announced",
    "a late payment fee although I paid on time",
    "a meter that has not been read for eight months",
    "a disconnection notice sent by mistake",
    "a refund that never arrived",
    "the wrong tariff since the contract change",
    "a broken seal on the meter after your technician's visit",
    "brown water from every tap since the works on the street",
)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip

SUBJECT_TEMPLATES = (
    "Complaint about {problem}",
    "Invoice {invoice}: {problem}",
    "Meter {meter} - {problem}",
    "Second complaint: {problem} at {street} {num}, {place}",
    "Formal complaint regarding the {service}",
    "{month} {thing}: please correct it",
    "Dispute of invoice {invoice}",
    "Urgent: {service} at {street} {num}, {place}",
)
SENTENCE_TEMPLATES = (
    "I am writing to complain about {problem}.",
    "My customer number is {customer} and the meter serial number is {meter}.",
    "The consumption place is {street} {num}, {place}.",
    "Invoice {invoice} of {day} {month} asks for {amount} EUR, which I do not accept.",
    "I have called your hotline {times} times and every agent told me something different.",
    "On {day} {month} the {service} stopped without any notice.",
    "Your technician promised to come on {day} {month} but nobody arrived.",
    "The last real reading was {reading} kWh, yet the {thing} is based on {reading2} kWh.",
    "I attach a photo of the meter display taken this morning.",
    "Please correct the {thing} and send me a new one by post.",
    "I expect a written answer within the statutory deadline.",
    "This is the second time this year that the same thing happens.",
    "If this is not resolved I will turn to the consumer protection authority.",
    "I have lived at this address for {years} years and never had such a problem.",
)
REPLY_TEMPLATES = (
    "Thank you for your message. We have checked the {thing} and will send a corrected one within {days} days.",
    "We are sorry for the inconvenience. A technician will visit {street} {num} on {day} {month}.",
    "We could not find a payment for invoice {invoice}; please send us the bank transfer receipt.",
    "The meter {meter} was read on {day} {month}; the reading of {reading} kWh has been recorded.",
    "Your complaint has been forwarded to our billing department, reference {invoice}.",
    "We have credited {amount} EUR to your customer account {customer}.",
)
CUSTOMER_REPLY_TEMPLATES = (
    "I still have not received the corrected {thing}.",
    "Thank you, the problem is solved.",
    "Nobody came on the agreed day. Please call me before the next visit.",
    "I sent the receipt on {day} {month}, please check it again.",
    "The amount is still wrong: it should be about {amount} EUR.",
)


_NO_DECOMPOSITION = str.maketrans({"Ł": "L", "ł": "l"})  # letters NFKD leaves whole


def _ascii(text: str) -> str:
    # e-mail local parts stay plain ASCII, as most real addresses are
    plain = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    return plain.encode("ascii", "ignore").decode().lower()


class ComplaintText:
    """Text pools rendered once from `seed`; pick from them with a per-item Random."""

    def __init__(self, seed: int, pool_size: int = 2000) -> None:
        rng = random.Random(f"complaint-text:{seed}")
        self.sentences = [self._render(rng, rng.choice(SENTENCE_TEMPLATES)) for _ in range(pool_size)]
        self.subjects = [self._render(rng, rng.choice(SUBJECT_TEMPLATES)) for _ in range(pool_size)]
        self.replies = [self._render(rng, rng.choice(REPLY_TEMPLATES)) for _ in range(pool_size // 2)]
        self.customer_replies = [self._render(rng, rng.choice(CUSTOMER_REPLY_TEMPLATES)) for _ in range(pool_size // 4)]

    @staticmethod
    def _render(rng: random.Random, template: str) -> str:
        reading = rng.randint(800, 9000)
        return template.format(
            problem=rng.choice(PROBLEMS),
            thing=rng.choice(THINGS),
            service=rng.choice(SERVICES),
            street=rng.choice(STREETS),
            num=rng.randint(1, 180),
            place=rng.choice(PLACES),
            month=rng.choice(MONTHS),
            day=rng.randint(1, 28),
            invoice=f"SZ-{rng.randint(2021, 2026)}-{rng.randint(100000, 999999)}",
            meter=f"M{rng.randint(10_000_000, 99_999_999)}",
            customer=rng.randint(3_100_000_000, 3_199_999_999),
            amount=f"{rng.randint(20, 2400)}.{rng.randint(0, 99):02d}",
            times=rng.randint(2, 9),
            reading=reading,
            reading2=reading * rng.randint(2, 4),
            years=rng.randint(2, 40),
            days=rng.choice((5, 8, 15, 30)),
        )

    def name(self, rng: random.Random) -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    def email(self, customer_no: int) -> str:
        # a fixed address per customer number, so returning customers reuse their address
        first = FIRST_NAMES[customer_no % len(FIRST_NAMES)]
        last = LAST_NAMES[(customer_no // len(FIRST_NAMES)) % len(LAST_NAMES)]
        domain = MAIL_DOMAINS[customer_no % len(MAIL_DOMAINS)]
        return f"{_ascii(first)}.{_ascii(last)}{customer_no % 1000}@{domain}"

    def subject(self, rng: random.Random) -> str:
        return rng.choice(self.subjects)

    def description(self, rng: random.Random, signature: str, min_chars: int = 300, max_chars: int = 1200) -> str:
        target = rng.randint(min_chars, max_chars)
        sentences: list[str] = []
        length = 0
        while length < target:
            sentence = rng.choice(self.sentences)
            sentences.append(sentence)
            length += len(sentence) + 1
        return f"Dear Customer Service,\n\n{' '.join(sentences)}\n\nKind regards,\n{signature}"

    def reply(self, rng: random.Random) -> str:
        return " ".join(rng.sample(self.replies, rng.randint(1, 3)))

    def customer_reply(self, rng: random.Random) -> str:
        return " ".join(rng.sample(self.customer_replies, rng.randint(1, 2)))
