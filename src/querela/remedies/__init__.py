"""Where a dissatisfied customer may turn (seeds 000, 004): remedy bodies as data, per supplier.

`RemedyBody` rows (the consumer-protection authority, the county conciliation bodies, the municipality, the
regulator) are loaded from the country's preset (`data/<country>.json`) when a supplier is created and
edited by its administrator on a form page. `selectors.remedies_for(complaint)` picks the ones for the
customer's county (`counties.py`, pure), and `texts.remedies_text` writes them into an answer.

Where it sits (`.importlinter`): its own layer between `complaints` and `customers`. The answer letter is
composed by the complaints core in the transaction that changes the status (`transitions.apply_transition`),
and the remedies are a legal part of that letter, not a reaction to it: complaints calls
`texts.remedies_text` directly. A hook registered from above would work too, but forgetting to register it
would silently drop a notice the law requires, where a direct import is checked by the linter and mypy.
In return this package never imports complaints: it reads the few attributes it needs from the complaint
it is handed (`selectors.ComplaintLike`), and reads customers' places and the tenant from below.
"""
