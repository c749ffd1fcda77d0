"""The greeting a letter or an e-mail opens with — once.

The e-mail and the printed letter open with "Dear Customer,"; an answer written from a template (or by
a handler) usually opens with its own, personal greeting ("Tisztelt Kovács Éva!"). The wrapper adds its
greeting only when the text has none, so the customer never reads two (issue 13). Pure: no Django.
"""

from __future__ import annotations

# How greetings begin in the four languages of the letters (lower case; compared with the text's first line).
_OPENINGS = (
    "dear ",
    "hello",
    "good morning",
    "good afternoon",
    "tisztelt ",
    "kedves ",
    "jó napot",
    "szanown",  # Szanowny Panie, Szanowna Pani, Szanowni Państwo
    "witam",
    "dzień dobry",
    "stimat",  # Stimate domn, Stimată doamnă
    "dragă ",
    "bună ziua",
)
# A greeting is a short first line; a long one is the letter's first sentence.
_LONGEST_GREETING = 100


def opens_with_greeting(text: str) -> bool:
    """Whether the text's first non-empty line is a greeting. Reads at most the first line."""
    start = len(text) - len(text.lstrip())
    end = text.find("\n", start)
    first = text[start : end if end >= 0 else len(text)].strip()
    if not first or len(first) > _LONGEST_GREETING:
        return False
    return first.lower().startswith(_OPENINGS)
