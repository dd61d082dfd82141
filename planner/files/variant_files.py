"""A resolved scenario variant shown and written: what each variant changes in words, the
resolved ``scenario.yaml`` text (``planner scenario inspect --resolved``) and a copy of a
variant's folder that stands alone (the app's layer uploads work on such a copy)."""
from __future__ import annotations

import copy
import glob
import os
import shutil
from dataclasses import replace
from pathlib import Path

import yaml

from planner.files.variants import Resolved, resolve_extends


def change_lines(change: dict) -> list[str]:
    """One variant's change (:meth:`Change.as_dict`) in words: a line naming the file and
    its base, then one line per list or mapping touched and one for the keys set."""
    out = [f"{change['file']} extends {change['extends']} ({change['base']})"]
    verbs = ("added", "removed", "changed")
    for what in dict.fromkeys(k for verb in verbs for k in change[verb]):
        parts = [f"{verb} {', '.join(change[verb][what])}" for verb in verbs
                 if change[verb].get(what)]
        out.append(f"  {what}: {'; '.join(parts)}")
    if change["set"]:
        out.append(f"  set: {', '.join(change['set'])}")
    return out



def resolved_yaml(resolved: Resolved, *, header: bool = True, absolute: bool = False) -> str:
    """The resolved scenario as ``scenario.yaml`` text, headed by comments naming the chain
    of files (a variant) and how layer files are named, when ``header``.

    With ``absolute`` the layer files are absolute paths, so the text saved in any folder
    loads as it is (what ``planner scenario inspect --resolved`` prints); else they are
    relative to the variant's folder (:func:`write_resolved` writes them beside it).
    """
    doc = _absolute_layers(resolved.doc, resolved.file.parent) if absolute else resolved.doc
    head = ("# The scenario as resolved from " + " <- ".join(map(str, resolved.chain))
            + "\n") if resolved.is_variant and header else ""
    if header and absolute:
        head += "# Layer files are absolute paths: save this file in any folder.\n"
    return head + yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                            width=100)


def _absolute_layers(doc: dict, folder: Path) -> dict:
    """A copy of ``doc`` whose layer files (``context`` ones too) are absolute paths, read
    relative to ``folder`` as the loader reads them."""
    doc = copy.deepcopy(doc)
    layers = doc.get("layers") if isinstance(doc.get("layers"), dict) else {}
    context = layers.get("context") if isinstance(layers.get("context"), dict) else {}
    for holder in (layers, context):
        for key, value in holder.items():
            if isinstance(value, str):
                holder[key] = os.path.normpath(Path(folder).absolute() / value)
    return doc


def _block_text(dumper, text: str):
    style = "|" if "\n" in text.rstrip("\n") else None  # several lines: as written
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _Dumper(yaml.SafeDumper):
    pass


def _short_list(dumper, items: list):
    flow = all(isinstance(i, (str, int, float, bool)) for i in items)  # tasks: [a, b]
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=flow)


_Dumper.add_representer(str, _block_text)
_Dumper.add_representer(list, _short_list)


def write_resolved(folder, target) -> Path:
    """Copy the scenario ``folder`` to ``target`` as a folder of its own: a variant's
    ``scenario.yaml`` is written resolved, and each layer file it takes from outside its
    folder (with a shapefile's companion files) is copied into ``target/extends/<layer>/``.

    A scenario that extends nothing is copied as it is. Returns ``target``.
    """
    folder, target = Path(folder), Path(target)
    shutil.copytree(folder, target)
    resolved = resolve_extends(folder / "scenario.yaml")
    if not resolved.is_variant:
        return target
    doc = copy.deepcopy(resolved.doc)
    layers = doc.get("layers") if isinstance(doc.get("layers"), dict) else {}
    files = [(name, layers, name) for name in layers if name != "context"]
    context = layers.get("context") if isinstance(layers.get("context"), dict) else {}
    files += [(f"context-{n}", context, n) for n in context]
    for label, holder, key in files:
        if isinstance(holder[key], str) and holder[key].startswith("../"):
            holder[key] = _copy_layer(folder / holder[key], target / "extends" / label)
    (target / "scenario.yaml").write_text(resolved_yaml(replace(resolved, doc=doc),
                                                            header=False),
                                          encoding="utf-8")
    return target


def _copy_layer(source: Path, into: Path) -> str:
    into.mkdir(parents=True, exist_ok=True)
    for companion in source.parent.glob(f"{glob.escape(source.stem)}.*"):
        shutil.copy2(companion, into / companion.name)
    return (into.relative_to(into.parents[1]) / source.name).as_posix()
