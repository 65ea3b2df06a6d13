"""The curation file: a facilitator's corrections, applied on every graph rebuild.

Extraction is re-run whenever notes are re-ingested, so corrections cannot be
made to the derived graph: they are kept as a list of actions in
``<home>/curation.json`` and replayed, in order, by ``graph.resolve.resolve``
every time the graph is rebuilt.

Format (UTF-8 JSON, meant to be read and edited by hand; entities are named by
IRI or by any of their labels, exactly as ``fieldnotes entities`` prints them)::

    {
      "version": 1,
      "actions": [
        {"op": "merge", "source": "ชุมนุมสหกรณ์เครดิตยูเนี่ยนแห่งประเทศไทย",
         "target": "ชุมนุมสหกรณ์เครดิตยูเนี่ยน", "note": "same federation"},
        {"op": "split", "entity": "สถาบันพัฒนาองค์กรชุมชน", "alias": "พอช.ภาคใต้"},
        {"op": "rename", "entity": "https://w3id.org/fieldnotes/id/actor/…",
         "label": "สถาบันพัฒนาองค์กรชุมชน (องค์การมหาชน)"},
        {"op": "retype", "entity": "เครือข่ายพระสงฆ์", "type": "actor", "kind": "network"}
      ]
    }

- ``merge``: everything known as ``source`` (its mentions and names) joins
  ``target``; the target keeps its IRI. ``source`` may also be the surface of an
  unresolved place (an ambiguous subdistrict name, e.g. ``"ตำบลหนองสาหร่าย"``)
  and ``target`` a DOPA code (``"720602"``) to pin it to that area.
- ``split``: mentions written as ``alias`` leave ``entity`` and become an entity
  of their own (same type and kind).
- ``rename``: a new preferred label; the old one stays as an alias.
- ``retype``: a new ``kind`` (and optionally ``type``) for the entity.

Any action may carry ``note`` (why) and ``at`` (when; filled by :meth:`Curation.add`).

Example:
    >>> cur = Curation.load(home / "curation.json")
    >>> cur.add(CurationAction("merge", source="ม.วลัยลักษณ์", target="มหาวิทยาลัยวลัยลักษณ์"))
    >>> cur.save()
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from fieldnotes.errors import InputError
from graph.files import write_text_atomic
from graph.models import ENTITY_TYPES

__all__ = ["CurationError", "CurationAction", "Curation", "OPS", "FILE_NAME"]

#: Default file name in the home folder.
FILE_NAME = "curation.json"
#: Every action and the fields it needs.
OPS: dict[str, tuple[str, ...]] = {
    "merge": ("source", "target"),
    "split": ("entity", "alias"),
    "rename": ("entity", "label"),
    "retype": ("entity", "kind"),
}
_FIELDS = ("op", "source", "target", "entity", "alias", "label", "type", "kind", "note", "at")
_VERSION = 1


class CurationError(InputError):
    """The curation file or an action in it is malformed."""


@dataclass(frozen=True)
class CurationAction:
    """One correction.

    Attributes:
        op: ``merge``, ``split``, ``rename`` or ``retype``.
        source: merge: the entity (IRI or label) or unresolved surface to move.
        target: merge: the entity that absorbs it.
        entity: split/rename/retype: the entity (IRI or label).
        alias: split: the name whose mentions leave the entity.
        label: rename: the new preferred label.
        type: retype: new type (``actor``/``area``/``practice``); ``None`` keeps it.
        kind: retype: new kind, e.g. ``network``.
        note: free text: why.
        at: ISO time the action was added.
    """

    op: str
    source: str | None = None
    target: str | None = None
    entity: str | None = None
    alias: str | None = None
    label: str | None = None
    type: str | None = None
    kind: str | None = None
    note: str | None = None
    at: str | None = None

    def validate(self, where: str = "action") -> None:
        """Check the action's shape.

        Raises:
            CurationError: naming ``where`` (e.g. ``"curation.json action 3"``), the
                problem and the fix.
        """
        if self.op not in OPS:
            raise CurationError(
                f"{where}: unknown op {self.op!r}; use one of {', '.join(OPS)}"
            )
        for name in OPS[self.op]:
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise CurationError(
                    f"{where}: {self.op} needs a non-empty {name!r} "
                    f"(fields for {self.op}: {', '.join(OPS[self.op])})"
                )
        if self.op == "merge" and self.source.strip() == self.target.strip():  # type: ignore[union-attr]
            raise CurationError(f"{where}: merge source and target are both {self.source!r}")
        if self.op == "retype":
            if self.type is not None and self.type not in ENTITY_TYPES:
                raise CurationError(
                    f"{where}: type {self.type!r} is not one of {', '.join(ENTITY_TYPES)}"
                )
            kinds = (
                ENTITY_TYPES[self.type]
                if self.type
                else tuple(k for ks in ENTITY_TYPES.values() for k in ks)
            )
            if self.kind not in kinds:
                raise CurationError(
                    f"{where}: kind {self.kind!r} is not valid"
                    f"{' for type ' + repr(self.type) if self.type else ''}; use one of {', '.join(kinds)}"
                )

    def to_json(self) -> dict[str, str]:
        """The action as it is written in the file (unset fields left out)."""
        return {k: getattr(self, k) for k in _FIELDS if getattr(self, k) is not None}

    @classmethod
    def from_json(cls, data: Any, where: str = "action") -> CurationAction:
        """Read one action from its JSON object.

        Raises:
            CurationError: not an object, unknown fields, non-string values or a bad shape.
        """
        if not isinstance(data, Mapping):
            raise CurationError(f"{where}: expected an object like {{\"op\": \"merge\", ...}}, got {data!r}")
        unknown = sorted(set(data) - set(_FIELDS))
        if unknown:
            raise CurationError(
                f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; "
                f"allowed: {', '.join(_FIELDS)}"
            )
        for k, v in data.items():
            if v is not None and not isinstance(v, str):
                raise CurationError(f"{where}: field {k!r} must be a string, got {v!r}")
        action = cls(**{k: data.get(k) for k in _FIELDS})  # type: ignore[arg-type]
        action.validate(where)
        return action


@dataclass
class Curation:
    """The ordered list of actions of one curation file.

    Args:
        path: where the file lives (it need not exist yet).
        actions: the actions, applied in order.
    """

    path: Path | None = None
    actions: list[CurationAction] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path | str) -> Curation:
        """Read a curation file; a missing file is an empty curation.

        Raises:
            CurationError: the file is not valid JSON or an action is malformed;
                the message names the file and the action's position (1-based).
        """
        p = Path(path)
        if not p.exists():
            return cls(p, [])
        try:
            data = json.loads(p.read_text("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CurationError(
                f"{p}: not valid UTF-8 JSON ({exc}); fix the file by hand or move it away"
            ) from exc
        if isinstance(data, list):  # a bare list of actions is accepted too
            data = {"version": _VERSION, "actions": data}
        if not isinstance(data, dict) or not isinstance(data.get("actions", []), list):
            raise CurationError(
                f'{p}: expected {{"version": 1, "actions": [...]}}; see graph/curation.py for the format'
            )
        if data.get("version", _VERSION) != _VERSION:
            raise CurationError(
                f"{p}: version {data.get('version')!r} is not supported (expected {_VERSION})"
            )
        actions = [
            CurationAction.from_json(a, f"{p} action {i}")
            for i, a in enumerate(data.get("actions", []), start=1)
        ]
        return cls(p, actions)

    def add(self, action: CurationAction) -> CurationAction:
        """Validate and append an action (stamped with the current time if ``at`` is unset).

        Raises:
            CurationError: the action is malformed.
        """
        action.validate(f"new {action.op!r} action")
        if action.at is None:
            action = replace(action, at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        self.actions.append(action)
        return action

    def to_json(self) -> dict[str, Any]:
        """The file's content."""
        return {"version": _VERSION, "actions": [a.to_json() for a in self.actions]}

    def save(self, path: Path | str | None = None) -> Path:
        """Write the file atomically (temporary file in the same folder, then ``os.replace``).

        Raises:
            CurationError: no path was given here or at load time.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise CurationError("no path to save the curation to: pass save(path)")
        write_text_atomic(target, json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n")
        self.path = target
        return target
