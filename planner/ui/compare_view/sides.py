"""The Compare page: what can be compared (sides A and B), resolved into plans with what they
are checked under.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping


from geo.errors import InputError
from planner.domain.working import Working, settings_from


KINDS = {
    "working": "The working plan",
    "revision": "A revision of the working plan",
    "saved": "Another saved plan",
    "variant": "A what-if result",
    "file": "An imported file (GeoJSON or CSV)",
    "proposal": "The optimizer's proposal",
}
VARIANT_MARK = "~"        # a what-if result of plan ``main`` is named ``main~...``
REVISIONS_LISTED = 50     # revisions offered in a revision box, newest first
SAVE_ATTEMPTS = 3         # a variant's save retried when another session saved it meanwhile
class SideError(Exception):
    """A side cannot be compared (no such revision, a bad file, no proposal): the message
    says why in plain words, naming the file, feature, field and value where there are."""


@dataclass(frozen=True)
class Chosen:
    """One side resolved: the choice, how it is named, the whole working state it is.

    ``note`` says what the reader should know (an out-of-date proposal, a file checked under
    the working plan's settings); ``revision`` is the saved revision's number.
    """

    choice: tuple
    label: str
    work: Working
    note: str = ""
    revision: int | None = None   # the store's revision number, for a saved side


@dataclass(frozen=True)
class CompareState:
    """What the Compare page shows: the two choices, the phase, the sector selected in both
    maps, one map or two. ``n`` grows whenever the choices change other than by their own
    boxes (a request, a swap, a variant solved), so the boxes are drawn anew."""

    a: tuple
    b: tuple
    phase: int | None = None
    sector: str | None = None
    one_map: bool = False
    n: int = 0


# --- choosing -----------------------------------------------------------------------------
def variant_names(state, env) -> list[str]:
    """The what-if results of the working plan (``<name>~...``) saved for this scenario."""
    prefix = state.name + VARIANT_MARK
    return [n for n in env.store.names(env.base.name) if n.startswith(prefix)]


def saved_names(state, env) -> list[str]:
    """The other saved plans of this scenario (not the working plan, not its what-ifs)."""
    variants = set(variant_names(state, env))
    return [n for n in env.store.names(env.base.name) if n != state.name and n not in variants]


def revision_options(env, name: str, *, latest: bool = False) -> list[tuple[int | None, str]]:
    """``(number, label)`` of a plan's latest revisions, newest first (``latest``: a first
    option ``(None, "latest ...")`` that follows new revisions)."""
    revisions = list(reversed(env.store.history(name, REVISIONS_LISTED)))
    out = [(r.number, f"{r.number}: {r.message or '(no message)'} ({r.time}"
                      f"{', ' + r.author if r.author else ''})") for r in revisions]
    if latest and revisions:
        out.insert(0, (None, f"latest (now {revisions[0].number})"))
    return out


def kinds_available(state, env) -> list[str]:
    """The kinds of plan a side can be now, in :data:`KINDS` order."""
    have = {"working": True, "revision": state.revision > 1,
            "saved": bool(saved_names(state, env)), "variant": bool(variant_names(state, env)),
            "file": True, "proposal": state.proposal is not None}
    return [k for k in KINDS if have[k]]


def kind_of(choice: tuple, state) -> str:
    """The :data:`KINDS` key of a choice (a revision of another plan is ``saved``)."""
    if choice[0] == "revision":
        return "revision" if choice[1] == state.name and choice[2] is not None else "saved"
    return choice[0]


def default_choice(kind: str, state, env) -> tuple:
    """The choice a side takes when the planner picks ``kind`` (before choosing details)."""
    if kind == "revision":
        return ("revision", state.name, max(state.revision - 1, 1))
    if kind == "saved":
        names = saved_names(state, env)
        return ("revision", names[0], None) if names else ("working",)
    if kind == "variant":
        names = variant_names(state, env)
        return ("variant", names[-1]) if names else ("working",)
    if kind == "file":
        return ("file", None)
    if kind == "proposal":
        return ("proposal",) if state.proposal is not None else ("working",)
    return ("working",)


def initial(state) -> CompareState:
    """What the page shows first: the optimizer's proposal against the working plan when one
    waits, else the revision before against the working plan."""
    if state.proposal is not None and state.current(state.proposal) \
            and state.proposal.result.plan is not None:
        return CompareState(("working",), ("proposal",))
    if state.revision > 1:
        return CompareState(("revision", state.name, state.revision - 1), ("working",))
    return CompareState(("working",), ("working",))


def valid_choice(choice) -> bool:
    """Whether ``choice`` has one of the shapes the module docstring lists."""
    if not isinstance(choice, tuple) or not choice:
        return False
    kind, rest = choice[0], choice[1:]
    if kind in ("working", "proposal"):
        return not rest
    if kind == "revision":
        return (len(rest) == 2 and isinstance(rest[0], str)
                and (rest[1] is None or (isinstance(rest[1], int)
                                         and not isinstance(rest[1], bool))))
    if kind in ("variant", "file"):
        return len(rest) == 1 and (rest[0] is None or isinstance(rest[0], str))
    return False


def requested(current: CompareState, request) -> CompareState:
    """The page's state after a request from another page (``{"a": choice, "b": choice}``);
    unchanged when the request is not one."""
    if not isinstance(request, Mapping):
        return current
    a, b = (tuple(request.get(k) or ()) for k in ("a", "b"))
    if not (valid_choice(a) and valid_choice(b)):
        return current
    return replace(current, a=a, b=b, sector=None, n=current.n + 1)


def swapped(current: CompareState) -> CompareState:
    return replace(current, a=current.b, b=current.a, n=current.n + 1)


def resolve(choice: tuple, state, env, files: Mapping[str, bytes] | None = None) -> Chosen:
    """The side ``choice`` names (see the module docstring).

    Parameters
    ----------
    choice
        A choice tuple.
    state, env
        The app state and :class:`~planner.ui.state.Env`.
    files
        ``{file name: bytes}`` of the files uploaded on the page.

    Raises
    ------
    SideError
        When the side cannot be compared; nothing is written in any case.
    """
    if not valid_choice(choice):
        raise SideError(f"Unknown plan choice {choice!r}")
    kind = choice[0]
    if kind == "working":
        return Chosen(choice, f"working plan '{state.name}' (revision {state.revision})",
                      state.work, revision=state.revision)
    if kind in ("revision", "variant"):
        name, number = choice[1], (choice[2] if kind == "revision" else None)
        try:
            revision = env.store.revision(name, number)
            work = revision.working(env.base)
        except InputError as exc:
            raise SideError(f"'{name}' cannot be opened: {exc}") from None
        what = "what-if" if kind == "variant" else "plan"
        at = f"{'latest, ' if number is None else ''}revision {revision.number}"
        return Chosen(choice, f"{what} '{name}' ({at}: {revision.message or 'no message'})",
                      work, revision=revision.number)
    if kind == "file":
        return _from_file(choice, state, env, files or {})
    return _from_proposal(choice, state, env)


def _from_file(choice, state, env, files) -> Chosen:
    from planner.ui.uploads import import_plan
    name = choice[1]
    if name is None or name not in files:
        raise SideError("Upload a plan file (GeoJSON or CSV) for this side.")
    scenario, table = env.scenario_for(state.work), env.table_for(state.work)
    try:
        plan, members = import_plan(name, files[name], table,
                                    [c.code for c in scenario.contingents])
    except InputError as exc:
        raise SideError(f"{name} cannot be compared (nothing was written):\n\n{exc}") from None
    said = members.get("settings")
    if isinstance(said, dict) and {"force", "vetoes"} <= set(said):
        return Chosen(choice, f"file {name}", Working(plan, settings_from(
            said, scenario), state.work.cuts, state.work.source))
    if isinstance(said, dict):  # a CSV file: its mandate only
        return Chosen(choice, f"file {name}", Working(
            plan, settings_from(said, scenario, state.work.settings), state.work.cuts,
            state.work.source), note=f"{name} names only its mandate: it is checked under "
                                     "the working plan's other settings.")
    return Chosen(choice, f"file {name}", state.work.with_plan(plan),
                  note=f"{name} names no settings: it is checked under the working plan's.")


def _from_proposal(choice, state, env) -> Chosen:
    p = state.proposal
    if p is None:
        raise SideError("There is no optimizer proposal: run Optimize on the Plan page.")
    if p.result.plan is None:
        raise SideError(f"The optimizer found no plan ({p.result.status}).")
    note = ""
    base = state.work
    if not state.current(p):
        note = (f"Out of date: the proposal was computed for revision {p.revision} and its "
                f"settings; the plan or its settings changed since.")
        try:
            base = env.store.revision(state.name, p.revision).working(env.base)
        except InputError:
            pass
    work = replace(base, plan=p.result.plan, settings=p.settings)
    return Chosen(choice, f"optimizer's proposal ({p.result.status}, for revision "
                          f"{p.revision})", work, note)


def side_of(chosen: Chosen, env):
    """The :class:`planner.compare.Side` of a resolved side: its own mandate, force (with
    what-if troop figures), vetoes and sector table."""
    from planner.compare import Side
    scenario = env.scenario_for(chosen.work)
    s = chosen.work.settings
    return Side(chosen.work.plan, chosen.label, s.mandate, tuple(s.contingents(scenario)),
                tuple(s.vetoes_in_force(scenario)), env.table_for(chosen.work))


def comparison_of(a: Chosen, b: Chosen, env):
    """A against B (:class:`planner.compare.Comparison`), the rules of A's scenario."""
    from planner.compare import compare
    return compare(side_of(a, env), side_of(b, env), env.scenario_for(a.work),
                   table=env.table_for(a.work))


# --- tables -------------------------------------------------------------------------------
