"""The work instructions a supplier starts with (`data/*.json`): data its administrator then edits.

Pure (no Django). Each file names the sectors it serves and holds, per language (`texts: {en: …, hu: …}`):
- `jobs`: the job codes its steps name, with a job title (the org chart's jobs are matched by code);
- `checks`: per check code of the fixed vocabulary, the default step title, how-to and evidence;
- `documents`: justifying documents (title, body with placeholders) instructions refer to by key;
- `instructions`: `code` (stable: the preset key is `<code>:<language>`), `category`, optional `channel`,
  `service_type`, `segment` and `sectors` (only these of the file's), `texts` (title, purpose), `steps`
  (`check`, `job`, `days`, `mandatory`, optional `texts` overriding the check's wording) and `documents`.

A utility gets the shared `utilities` set and its own sector's; a set is read in the supplier's language,
or in English where an instruction has no text in it (never a mix within one instruction).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

# In the order their libraries are merged: a sector's own file may reword a shared check or document.
FILES = ("utilities", "electricity", "district_heating", "product_service")
FALLBACK = "en"


@dataclass(frozen=True)
class PresetStep:
    check: str
    title: str
    how_to: str
    job: str
    evidence: str
    mandatory: bool
    days: int


@dataclass(frozen=True)
class PresetDocument:
    title: str
    body: str


@dataclass(frozen=True)
class PresetInstruction:
    key: str
    code: str
    language: str
    category: str
    channel: str
    service_type: str
    segment: str
    title: str
    purpose: str
    steps: tuple[PresetStep, ...]
    documents: tuple[PresetDocument, ...]


@functools.cache
def data_file(name: str) -> Mapping[str, Any]:
    text = resources.files("querela.instructions.data").joinpath(f"{name}.json").read_text("utf-8")
    data: Mapping[str, Any] = json.loads(text)
    return data


def files_for(sector: str) -> list[Mapping[str, Any]]:
    return [data_file(name) for name in FILES if sector in data_file(name)["sectors"]]


def _library(files: list[Mapping[str, Any]], part: str) -> dict[str, Mapping[str, Any]]:
    merged: dict[str, Mapping[str, Any]] = {}
    for f in files:
        merged.update(f.get(part, {}))
    return merged


def jobs_for(sector: str, language: str) -> dict[str, str]:
    """Job code → title, in the language (else English), for the jobs a sector's instructions name."""
    jobs = _library(files_for(sector), "jobs")
    return {code: names.get(language) or names[FALLBACK] for code, names in jobs.items()}


def presets_for(sector: str, language: str) -> tuple[PresetInstruction, ...]:
    """Every default instruction of the sector, in the language where written in it, else in English.
    Raises KeyError when a text is missing (the data's tests say which)."""
    files = files_for(sector)
    checks, documents = _library(files, "checks"), _library(files, "documents")
    out: list[PresetInstruction] = []
    for f in files:
        for spec in f["instructions"]:
            if spec.get("sectors") and sector not in spec["sectors"]:
                continue
            out.append(_instruction(spec, language if language in spec["texts"] else FALLBACK, checks, documents))
    return tuple(out)


def _instruction(
    spec: Mapping[str, Any], lang: str, checks: Mapping[str, Any], documents: Mapping[str, Any]
) -> PresetInstruction:
    texts = spec["texts"][lang]
    steps = []
    for step in spec["steps"]:
        wording = {**checks[step["check"]]["texts"][lang], **step.get("texts", {}).get(lang, {})}
        steps.append(
            PresetStep(
                check=step["check"],
                title=wording["title"],
                how_to=wording["how_to"],
                job=step["job"],
                evidence=wording["evidence"],
                mandatory=bool(step.get("mandatory", True)),
                days=int(step["days"]),
            )
        )
    docs = tuple(
        PresetDocument(title=documents[key]["texts"][lang]["title"], body=documents[key]["texts"][lang]["body"])
        for key in spec["documents"]
    )
    return PresetInstruction(
        key=f"{spec['code']}:{lang}",
        code=spec["code"],
        language=lang,
        category=spec["category"],
        channel=spec.get("channel", ""),
        service_type=spec.get("service_type", ""),
        segment=spec.get("segment", ""),
        title=texts["title"],
        purpose=texts["purpose"],
        steps=tuple(steps),
        documents=docs,
    )
