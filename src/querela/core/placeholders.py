"""Placeholders in an administrator's text (answer templates, justifying documents): `{customer_name}`…
replaced by facts. Pure (no Django). The text can do nothing but name the known facts: `render` never
raises, runs in one left-to-right pass (linear in the text), and leaves no `{name}` of a known placeholder
behind — a value's own braces are dropped, and a placeholder formed around a value (`{re{subject}}`) is
replaced too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

# What an administrator meant as a placeholder: a name between braces.
_NAMED = re.compile(r"\{([^{}\s]{1,60})\}")


class Placeholders:
    def __init__(self, names: Sequence[str], *, missing: str = "") -> None:
        self.names = tuple(names)
        self.missing = missing  # what a fact not known yet becomes
        self._known = frozenset(self.names)
        self._longest = max(len(n) for n in self.names)

    def unknown(self, body: str) -> list[str]:
        """The `{names}` in the text that are no placeholder, in the order they first appear."""
        seen: list[str] = []
        for name in _NAMED.findall(body):
            if name not in self._known and name not in seen:
                seen.append(name)
        return seen

    def render(self, body: str, values: Mapping[str, str]) -> str:
        """The text with each known placeholder replaced by its value; anything else kept as written."""
        clean = {n: str(values.get(n) or self.missing).replace("{", "").replace("}", "") for n in self.names}
        out: list[str] = []
        for char in body:
            if char == "}":
                # Does the text so far end with "{name" of a known placeholder?
                start = len(out) - 1
                stop = max(-1, len(out) - self._longest - 2)
                while start > stop and out[start] != "{":
                    start -= 1
                if start > stop and "".join(out[start + 1 :]) in self._known:
                    name = "".join(out[start + 1 :])
                    del out[start:]
                    out.extend(clean[name])
                    continue
            out.append(char)
        return "".join(out)
