"""A planner's session on a stored plan: which named plan, at which revision, and the undo
history, with every change saved as a revision (autosave) and stale saves refused.

No Streamlit here: the app keeps a :class:`Session` in its session state and calls these
functions; tests drive them directly and through the app.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from planner.ui.editing import HISTORY_LIMIT, History
from planner.files.store import PlanStore, Revision, StaleRevision

DEFAULT_PLAN = "main"
UNDO_REVISIONS = 30  # saved revisions undo can walk back through after reopening


@dataclass(frozen=True)
class Session:
    """The plan a session works on: its name, the revision its present plan is saved as,
    and the plans undo and redo walk through."""

    name: str
    revision: int
    history: History


def _from_revisions(revisions: list[Revision]) -> Session:
    recent = revisions[-min(HISTORY_LIMIT, UNDO_REVISIONS):]
    return Session(recent[-1].plan_name, recent[-1].number,
                   History(recent[-1].plan, tuple(r.plan for r in recent[:-1]), ()))


def open_session(store: PlanStore, scope: str, fallback, name: str | None = None,
                 author: str = "") -> Session:
    """Open plan ``name``, else the plan of ``scope`` opened last, else a new plan ``main``
    holding ``fallback`` (a plan). Undo walks back through its saved revisions."""
    name = name or store.last_opened(scope) or DEFAULT_PLAN
    if name not in store.names():
        try:
            store.save(name, fallback, base=None, author=author, message="new plan", scope=scope)
        except StaleRevision:
            pass  # another session created it a moment ago: open theirs
    store.remember_opened(name, scope)
    return _from_revisions(store.history(name, UNDO_REVISIONS))


def commit(store: PlanStore, session: Session, history: History, *, author: str = "",
           message: str = "edit") -> Session:
    """Save ``history.present`` as the next revision and return the session at it.

    Raises :class:`planner.store.StaleRevision` (nothing saved) when another session saved
    since ``session.revision``.
    """
    if history.present == session.history.present:
        return replace(session, history=history)
    saved = store.save(session.name, history.present, base=session.revision, author=author,
                       message=message)
    return Session(session.name, saved.number, history)


def save_as(store: PlanStore, session: Session, name: str, scope: str,
            author: str = "") -> Session:
    """The present plan saved as a new plan ``name`` (refused if the name is taken)."""
    saved = store.save(name, session.history.present, base=None, author=author,
                       message=f"saved as a copy of '{session.name}' revision "
                               f"{session.revision}", scope=scope)
    store.remember_opened(saved.plan_name, scope)
    return Session(saved.plan_name, saved.number, History(saved.plan))


def reload(store: PlanStore, session: Session) -> Session:
    """The latest revision of the session's plan (after a refused save)."""
    return _from_revisions(store.history(session.name, UNDO_REVISIONS))
