"""Scenario variants: a ``scenario.yaml`` that extends another (``extends: ../base``).

:func:`resolve_extends` reads a scenario file and, when it names a base with ``extends``, the
base (which may extend another in turn), then lays the file's keys over the base's. The
loader validates the resolved mapping as it validates any scenario, and
:meth:`Resolved.attribute` names in each problem the file its entry comes from.

How each key merges (docs/scenario-format.md, "Variants: extends", is the user's account):

- ``contingents``, ``vetoes`` and ``rules`` merge entry by entry on their ``code`` / ``id``
  (:data:`KEYED`): an entry with a known key changes only the fields it gives, each field
  replaced whole; an entry with a new key (or without one) is added after the base's.
- ``geography``, ``sectoring`` and ``layers`` merge key by key (``layers.context`` name by
  name); ``mandates`` merge key by key, each mandate given replaced whole.
- Every other key (``name``, ``phases``, ``crs``, ...) replaces the base's.
- ``remove`` drops entries of the base: ``{contingents: [codes], vetoes: [ids], rules: [ids],
  mandates: [keys], layers: [names]}``.

The base's layer files stay where they are: their paths are rewritten relative to the
variant's folder, so a variant folder may hold only its ``scenario.yaml``.
"""
from __future__ import annotations

import copy
import hashlib
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from geo.errors import InputError, Problem, problem
from planner.files.format import keys_at
from planner.files.schema import Reader, load_yaml

KEYED = {"contingents": "code", "vetoes": "id", "rules": "id"}  # lists merged on this key
MERGED = ("geography", "sectoring", "layers", "mandates")  # mappings merged key by key
VARIANT_KEYS = ("extends", "remove")
_SINGULAR = {"contingents": "contingent", "vetoes": "veto", "rules": "rule",
             "mandates": "mandate", "layers": "layer"}
_ENTRY = re.compile(r"^(contingent|veto|rule) (\d+)$")


@dataclass(frozen=True)
class Change:
    """What one variant file changes in its base.

    ``added``, ``removed`` and ``changed`` map a list or mapping (``contingents``,
    ``mandates``, ``layers``, ...) to the keys concerned; ``changed`` entries read
    ``"IDN (troops, tasks)"``. ``set`` lists the other keys the variant gives
    (``name``, ``phases``, ``geography.touch_m``).
    """

    file: Path
    base: Path
    extends: str
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)
    changed: dict[str, list[str]] = field(default_factory=dict)
    set: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"file": str(self.file), "extends": self.extends, "base": str(self.base),
                "added": self.added, "removed": self.removed, "changed": self.changed,
                "set": self.set}


@dataclass(frozen=True)
class Resolved:
    """A scenario file with its base chain laid under it.

    ``doc`` is the resolved mapping (without ``extends`` and ``remove``), ``file`` the
    ``scenario.yaml`` read, ``changes`` what each variant in the chain changes (this file's
    first, then its base's, ...). ``origins`` maps a key path (``("name",)``,
    ``("geography", "touch_m")``, ``("contingents", 3, "troops")``) to the file it comes
    from and, for a list entry, its index in that file.
    """

    doc: Any
    file: Path
    changes: tuple[Change, ...] = ()
    origins: dict = field(default_factory=dict, repr=False)

    @property
    def is_variant(self) -> bool:
        return bool(self.changes)

    @property
    def chain(self) -> tuple[Path, ...]:
        """The scenario files read: this one, its base, the base's base, ..."""
        return (self.file, *(c.base for c in self.changes))

    def content_digest(self, own: str) -> str:
        """``own`` (the hash of this file and the layer files) extended over every base
        file of the chain: what a plan records of a variant's content."""
        if not self.is_variant:
            return own
        h = hashlib.sha256(own.encode("ascii"))
        for base in self.chain[1:]:
            h.update(b"\0extends\0" + base.read_bytes())
        return h.hexdigest()[:16]

    def attribute(self, problems) -> list[Problem]:
        """``problems`` with each one about an entry or key of the resolved mapping naming
        the file (and the entry's index in it) that the entry comes from."""
        return [self._attributed(p) for p in problems] if self.is_variant else list(problems)

    def _attributed(self, p: Problem) -> Problem:
        if not _same_file(p.file, self.file):  # a layer file, named as the user would
            return replace(p, file=os.path.normpath(p.file))
        path = _key_path(p)
        origin = next((self.origins[path[:n]] for n in range(len(path), 0, -1)
                       if path[:n] in self.origins), None)
        if origin is None:
            return p
        file, index = origin
        entry = _ENTRY.match(p.feature) if isinstance(p.feature, str) else None
        feature = f"{entry[1]} {index}" if entry and index is not None else p.feature
        if _same_file(file, self.file):
            return replace(p, feature=feature)
        return replace(p, file=str(file), feature=feature,
                       message=f"{p.message} (in the scenario as {self.file} extends it)")


def resolve_extends(path) -> Resolved:
    """Read ``path`` (a ``scenario.yaml``) and lay it over the base it ``extends``, if any.

    Returns
    -------
    Resolved
        The resolved mapping and where each part comes from; a file that extends nothing
        comes back as read.

    Raises
    ------
    InputError
        A base that is missing or unreadable, a cycle of ``extends`` (naming the chain),
        ``remove`` naming what the base does not have, a removal that leaves an entry
        naming what was removed, or a key both removed and given; each names the variant's
        file, the field and the value, and the base's file in the message.
    """
    return _resolve(Path(path), ())


def _resolve(path: Path, seen: tuple[Path, ...]) -> Resolved:
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not any(k in doc for k in VARIANT_KEYS):
        return Resolved(doc, path, (), {})
    r = Reader(path)
    target = r.get(doc, "extends", "str", default=None,
                   check=lambda v: "must be a folder name (it holds a NUL)" if "\0" in v else None)
    if target is None:
        if "extends" not in doc:
            r.report("`remove` drops entries of a base: give `extends` too", field="remove")
        raise InputError(r.problems)
    base_path = scenario_file(Path(os.path.normpath(path.parent / target)))
    here = Path(os.path.realpath(path))
    if Path(os.path.realpath(base_path)) in (*seen, here):
        chain = " -> ".join(str(p) for p in (*seen, here, Path(os.path.realpath(base_path))))
        raise InputError(problem(path, f"`extends` makes a cycle: {chain}", field="extends",
                                 value=target))
    if not base_path.is_file():
        raise InputError(problem(path, f"no scenario to extend: {base_path} is not a file "
                                 "(name a scenario folder, relative to this file's folder)",
                                 field="extends", value=target))
    base = _resolve(base_path, (*seen, here))
    if not isinstance(base.doc, dict):
        raise InputError(problem(base.file, "the document must be a mapping of scenario "
                                 f"fields (it is the base of {path})",
                                 value=type(base.doc).__name__))
    merged, origins, change = _merge(base, doc, path, target, r)
    if r.problems:
        raise InputError(r.problems)
    return Resolved(merged, path, (change, *base.changes), origins)


def scenario_file(path=None) -> Path:
    """The ``scenario.yaml`` of a scenario folder (or the file itself; None: the bundled
    scenario's)."""
    from planner.domain.scenario import BUNDLED
    path = Path(path) if path is not None else BUNDLED
    return path if path.is_file() else path / "scenario.yaml"


def _merge(base: Resolved, doc: dict, path: Path, target: str, r: Reader):
    out = copy.deepcopy(base.doc)
    origins = dict(base.origins) if base.is_variant else _own_origins(out, base.file)
    _rebase_layers(out, base.file.parent, path.parent)
    change = Change(path, base.file, target)
    removed = _removals(doc, out, origins, base.file, r, change)
    for key, value in doc.items():
        if key in VARIANT_KEYS:
            continue
        if out.get(key) is None and (key in KEYED and isinstance(value, list)
                                     or key in MERGED and isinstance(value, dict)):
            out[key] = [] if key in KEYED else {}  # so what the variant gives is listed as added
        if key in KEYED and isinstance(value, list) and isinstance(out.get(key), list):
            _merge_entries(key, value, out, origins, path, removed.get(key, ()), r, change)
        elif key in MERGED and isinstance(value, dict) and isinstance(out.get(key), dict):
            _merge_mapping(key, value, out, origins, path, removed.get(key, ()), r, change)
        else:
            out[key] = copy.deepcopy(value)
            _drop(origins, (key,))
            origins.update(_own_origins({key: value}, path))
            change.set.append(str(key))
    if "name" not in doc and isinstance(out.get("name"), str):
        own = path.parent.name if path.name == "scenario.yaml" else path.stem
        out["name"] = f"{out['name']} (variant {own})"
        origins[("name",)] = (path, None)
    _dangling(out, origins, removed, base.file, r)
    return out, origins, change


def _own_origins(doc: dict, file: Path) -> dict:
    """Every key path of ``doc`` as coming from ``file``."""
    out = {}
    for key, value in doc.items():
        out[(key,)] = (file, None)
        if key in KEYED and isinstance(value, list):
            for i, item in enumerate(value):
                out[(key, i)] = (file, i)
                out.update({(key, i, f): (file, i) for f in (item if isinstance(item, dict)
                                                             else ())})
        elif key in MERGED and isinstance(value, dict):
            out.update({(key, sub): (file, None) for sub in value})
            if key == "layers" and isinstance(value.get("context"), dict):
                out.update({(key, "context", n): (file, None) for n in value["context"]})
    return out


def _drop(origins: dict, prefix: tuple) -> None:
    for k in [k for k in origins if k[:len(prefix)] == prefix]:
        del origins[k]


def _rebase_layers(doc: dict, base_dir: Path, here: Path) -> None:
    """Rewrite the base's layer file names relative to the variant's folder."""
    layers = doc.get("layers")
    if not isinstance(layers, dict):
        return
    move = lambda f: Path(os.path.relpath(base_dir / f, here)).as_posix() \
        if isinstance(f, str) else f
    for name, file in layers.items():
        if name == "context" and isinstance(file, dict):
            layers[name] = {n: move(f) for n, f in file.items()}
        elif name != "context":
            layers[name] = move(file)


def _keys_of(key: str, value) -> list:
    """The keys of the base's ``key`` that ``remove`` may name."""
    if key in KEYED:
        return [e.get(KEYED[key]) for e in value if isinstance(e, dict)] \
            if isinstance(value, list) else []
    return list(value) if isinstance(value, dict) else []


def _removals(doc, out, origins, base_file, r, change) -> dict[str, list]:
    """Apply ``remove``; return what it removed, by list or mapping."""
    if "remove" not in doc:
        return {}
    spec = r.get(doc, "remove", "mapping", default={})
    allowed = keys_at("remove")  # the schema's list: contingents, vetoes, rules, ...
    r.keys(spec, allowed, prefix="remove.")
    done = {}
    for key in [k for k in spec if k in allowed]:
        names = r.get(spec, key, "list", prefix="remove.", default=[])
        have = _keys_of(key, out.get(key))
        for name in names:
            if name not in have:
                shown = ", ".join(str(h) for h in have if h is not None) or "none"
                r.report(f"the base ({base_file}) has no {_SINGULAR.get(key, key)} {name!r}; "
                         f"it has: {shown}", field=f"remove.{key}", value=name)
        gone = [n for n in names if n in have]
        if gone:
            _remove(key, gone, out, origins)
            done[key] = gone
            change.removed[key] = [str(n) for n in gone]
    return done


def _remove(key, gone, out, origins) -> None:
    if key in KEYED:
        rows = [row for row in _rows(out, origins, key)
                if not (isinstance(row[0], dict) and row[0].get(KEYED[key]) in gone)]
        _set_rows(out, origins, key, rows)
    else:
        for name in gone:
            del out[key][name]
            _drop(origins, (key, name))


def _rows(doc, origins, key) -> list:
    """``(entry, its origin, {field: origin})`` for each entry of the list ``key``."""
    return [(item, origins.get((key, i)),
             {k[2]: v for k, v in origins.items() if len(k) == 3 and k[:2] == (key, i)})
            for i, item in enumerate(doc[key])]


def _set_rows(doc, origins, key, rows) -> None:
    _drop(origins, (key,))
    doc[key] = [item for item, _, _ in rows]
    for i, (_, entry, fields) in enumerate(rows):
        origins[(key, i)] = entry
        origins.update({(key, i, f): o for f, o in fields.items()})


def _merge_entries(key, given, out, origins, path, removed, r, change) -> None:
    """Lay the variant's entries of ``key`` over the base's, matched on their key field."""
    id_key = KEYED[key]
    rows = _rows(out, origins, key)
    index = {row[0][id_key]: n for n, row in enumerate(rows)
             if isinstance(row[0], dict) and isinstance(row[0].get(id_key), str)}
    seen = set()
    for j, entry in enumerate(given):
        ident = entry.get(id_key) if isinstance(entry, dict) else None
        ident = ident if isinstance(ident, str) else None  # no key to match on: a new entry
        where = (f"{_SINGULAR[key]} {j}", ident)
        if ident is not None and ident in seen:
            r.report(f"this {_SINGULAR[key]} is given twice in this file", where=where,
                     field=id_key, value=ident)
            continue
        seen.add(ident)
        if ident is not None and ident in removed:
            r.report(f"both removed (`remove.{key}`) and given: drop one", where=where,
                     field=id_key, value=ident)
        elif ident is not None and ident in index:
            item, origin, fields = rows[index[ident]]
            rows[index[ident]] = ({**item, **copy.deepcopy(entry)}, origin,
                                  {**fields, **{f: (path, j) for f in entry}})
            which = [f for f in entry if f != id_key and item.get(f) != entry[f]]
            change.changed.setdefault(key, []).append(
                f"{ident} ({', '.join(which) or 'as the base'})")
        else:
            fields = {f: (path, j) for f in (entry if isinstance(entry, dict) else ())}
            rows.append((copy.deepcopy(entry), (path, j), fields))
            change.added.setdefault(key, []).append(str(ident) if ident is not None
                                                    else f"entry {j}")
    _set_rows(out, origins, key, rows)


def _merge_mapping(key, given, out, origins, path, removed, r, change) -> None:
    """Lay the variant's mapping ``key`` over the base's, key by key (``layers.context``
    name by name; a mandate whole)."""
    target = out[key]
    for sub, value in given.items():
        if sub in removed:
            r.report(f"both removed (`remove.{key}`) and given: drop one",
                     field=f"{key}.{sub}")
            continue
        if key == "layers" and sub == "context" and isinstance(value, dict) \
                and isinstance(target.get(sub), dict):
            for name, file in value.items():
                _note(change, "layers.context", name, name in target[sub])
                target[sub][name] = file
                origins[(key, sub, name)] = (path, None)
            continue
        if key in ("mandates", "layers"):
            _note(change, key, sub, sub in target)
        else:
            change.set.append(f"{key}.{sub}")
        target[sub] = copy.deepcopy(value)
        _drop(origins, (key, sub))
        origins[(key, sub)] = (path, None)
        if key == "layers" and sub == "context" and isinstance(value, dict):
            origins.update({(key, sub, n): (path, None) for n in value})


def _note(change: Change, what: str, name, known: bool) -> None:
    (change.changed if known else change.added).setdefault(what, []).append(str(name))


def _dangling(out, origins, removed, base_file, r) -> None:
    """Entries still naming a contingent or a mandate the variant removed."""
    gone = list(removed.get("contingents", ()))  # lists: a bad entry may hold anything
    for i, veto in enumerate(_listed(out, "vetoes")):
        if isinstance(veto, dict) and veto.get("nation") in gone:
            r.report(f"veto {veto.get('id', i)!r} ({_from(origins, 'vetoes', i, base_file)}) "
                     f"still bars {veto['nation']}: remove it too (`remove.vetoes`) or give "
                     "it another `nation`", field="remove.contingents", value=veto["nation"])
    for i, rule in enumerate(_listed(out, "rules")):
        params = rule.get("params") if isinstance(rule, dict) else None
        named = params.get("nations") if isinstance(params, dict) else None
        for code in [c for c in named if c in gone] if isinstance(named, list) else []:
            r.report(f"rule {rule.get('id')!r} ({_from(origins, 'rules', i, base_file)}) still "
                     f"names {code} in `params.nations`: give the rule its new `params` or "
                     "remove it (`remove.rules`)", field="remove.contingents", value=code)
    dropped = list(removed.get("mandates", ()))
    for i, c in enumerate(_listed(out, "contingents")):
        accepted = c.get("mandates") if isinstance(c, dict) else None
        for m in [m for m in accepted if m in dropped] if isinstance(accepted, list) else []:
            r.report(f"contingent {c.get('code')!r} "
                     f"({_from(origins, 'contingents', i, base_file)}) still accepts {m}: give "
                     "it its new `mandates`", field="remove.mandates", value=m)


def _listed(doc: dict, key: str) -> list:
    return doc[key] if isinstance(doc.get(key), list) else []


def _from(origins, key, i, default) -> Path:
    origin = origins.get((key, i, "nation" if key == "vetoes" else
                          "params" if key == "rules" else "mandates")) or origins.get((key, i))
    return origin[0] if origin else default


def _same_file(a, b) -> bool:
    return os.path.normpath(str(a)) == os.path.normpath(str(b))


def _key_path(p: Problem) -> tuple:
    """The key path of the resolved mapping a loader's problem is about."""
    head = re.split(r"[.\[]", p.field, maxsplit=1)[0] if p.field else None
    entry = _ENTRY.match(p.feature) if isinstance(p.feature, str) else None
    if entry:
        key = {"contingent": "contingents", "veto": "vetoes", "rule": "rules"}[entry[1]]
        return (key, int(entry[2])) + ((head,) if head else ())
    if isinstance(p.feature, str) and p.feature.startswith("mandate "):
        return ("mandates", p.feature_id)
    if isinstance(p.feature, str) and p.feature.startswith("phase entry"):
        return ("phases",)
    return tuple(p.field.split(".", 2)) if p.feature is None and p.field else ()


def base_folders(folder) -> list[Path]:
    """The folders of the scenarios a scenario folder extends, nearest first (none when
    it extends nothing or cannot be resolved): what a digest of a variant's folder must
    also cover."""
    try:
        resolved = resolve_extends(scenario_file(Path(folder)))
    except InputError:
        return []
    return [f.parent for f in resolved.chain[1:]]
