"""The answer templates a new supplier starts with: one per decision in each language (pure data).

The handler completes the reasons; the letter's decision sentence and the remedies (or the supplier's
footer) are added by the answer itself (`complaints/answers.py`), so these texts don't repeat them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Default:
    key: str
    language: str
    decision: str
    name: str
    body: str


_TEXTS: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "upheld": (
            "Complaint upheld",
            "Dear {customer_name},\n\nThank you for your complaint {reference} of {received_on} about "
            "“{subject}”. We have investigated it and found it justified.\n\nWhat we have done: ",
        ),
        "partly_upheld": (
            "Complaint partly upheld",
            "Dear {customer_name},\n\nThank you for your complaint {reference} of {received_on} about "
            "“{subject}”. We have investigated it and found it partly justified.\n\nWhat we accept and "
            "what we have done: \n\nWhat we cannot accept, and why: ",
        ),
        "rejected": (
            "Complaint rejected",
            "Dear {customer_name},\n\nThank you for your complaint {reference} of {received_on} about "
            "“{subject}”. We have investigated it carefully and could not find it justified, for these "
            "reasons: ",
        ),
    },
    "hu": {
        "upheld": (
            "Panasz elfogadva",
            "Tisztelt {customer_name}!\n\nKöszönjük {received_on} napon kelt, {reference} számú, "
            "„{subject}” tárgyú panaszát. Kivizsgáltuk, és megalapozottnak találtuk.\n\nAmit tettünk: ",
        ),
        "partly_upheld": (
            "Panasz részben elfogadva",
            "Tisztelt {customer_name}!\n\nKöszönjük {received_on} napon kelt, {reference} számú, "
            "„{subject}” tárgyú panaszát. Kivizsgáltuk, és részben megalapozottnak találtuk.\n\n"
            "Amit elfogadunk, és amit tettünk: \n\nAmit nem fogadhatunk el, és miért: ",
        ),
        "rejected": (
            "Panasz elutasítva",
            "Tisztelt {customer_name}!\n\nKöszönjük {received_on} napon kelt, {reference} számú, "
            "„{subject}” tárgyú panaszát. Gondosan kivizsgáltuk, de az alábbi okokból nem találtuk "
            "megalapozottnak: ",
        ),
    },
    "pl": {
        "upheld": (
            "Reklamacja uznana",
            "Szanowni Państwo ({customer_name}),\n\ndziękujemy za reklamację {reference} z dnia {received_on} "
            "w sprawie „{subject}”. Rozpatrzyliśmy ją i uznaliśmy za zasadną.\n\nCo zrobiliśmy: ",
        ),
        "partly_upheld": (
            "Reklamacja uznana częściowo",
            "Szanowni Państwo ({customer_name}),\n\ndziękujemy za reklamację {reference} z dnia {received_on} "
            "w sprawie „{subject}”. Rozpatrzyliśmy ją i uznaliśmy za częściowo zasadną.\n\nCo uznajemy i co "
            "zrobiliśmy: \n\nCzego nie możemy uznać i dlaczego: ",
        ),
        "rejected": (
            "Reklamacja odrzucona",
            "Szanowni Państwo ({customer_name}),\n\ndziękujemy za reklamację {reference} z dnia {received_on} "
            "w sprawie „{subject}”. Po starannym rozpatrzeniu nie możemy jej uznać z następujących powodów: ",
        ),
    },
    "ro": {
        "upheld": (
            "Reclamație admisă",
            "Stimate/Stimată {customer_name},\n\nVă mulțumim pentru reclamația {reference} din {received_on} "
            "privind „{subject}”. Am analizat-o și am constatat că este întemeiată.\n\nCe am făcut: ",
        ),
        "partly_upheld": (
            "Reclamație admisă parțial",
            "Stimate/Stimată {customer_name},\n\nVă mulțumim pentru reclamația {reference} din {received_on} "
            "privind „{subject}”. Am analizat-o și am constatat că este parțial întemeiată.\n\nCe admitem și "
            "ce am făcut: \n\nCe nu putem admite și de ce: ",
        ),
        "rejected": (
            "Reclamație respinsă",
            "Stimate/Stimată {customer_name},\n\nVă mulțumim pentru reclamația {reference} din {received_on} "
            "privind „{subject}”. Am analizat-o cu atenție și nu am constatat că este întemeiată, din "
            "următoarele motive: ",
        ),
    },
}

DEFAULTS: tuple[Default, ...] = tuple(
    Default(key=f"{language}-{decision}", language=language, decision=decision, name=name, body=body)
    for language, by_decision in _TEXTS.items()
    for decision, (name, body) in by_decision.items()
)
