"""The plan store: named plans, each an append-only history of revisions, in SQLite.

One database file, ``plans.sqlite``, in a workspace folder (``./workspace/`` unless
``PLANNER_WORKSPACE`` names another). WAL journal and ``synchronous=FULL``: a revision is
acknowledged only once its transaction is committed to disk, and a writer killed at any
moment leaves a database that opens with every acknowledged revision in it.

Reading never writes: a store that does not exist reads as empty (it is made by the first
save), and reads open the file read-only (see :meth:`PlanStore._read`), so ``planner plans
list`` leaves no ``-wal`` or ``-shm`` file behind and works in a folder it cannot write.

Revisions are never changed or deleted. A save names the revision it was based on; when
another session has saved since, the save is refused with :class:`StaleRevision`, which
says what the other session changed, and nothing is written: two planners on one plan never
overwrite each other silently (the app then merges, see :mod:`planner.ui.merge`).

A revision holds the whole working state (:class:`planner.domain.working.Working`): the
assignments and locks, the settings (mandate, force, vetoes) and the phases whose sectors
were re-cut. Re-cut sector geometry is kept once per content hash in its own table, so a
thousand revisions over the same cut store it once.
"""
from __future__ import annotations

import json
import os
from functools import cached_property
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from geo.errors import InputError, problem
from planner.domain.plan import Assignment, Pin, Plan
from planner.domain.working import Working, settings_from

DEFAULT_WORKSPACE = "workspace"
FILE_NAME = "plans.sqlite"
MAX_NAME_CHARS = 80

SCHEMA = """
CREATE TABLE IF NOT EXISTS revisions (
    plan    TEXT    NOT NULL,
    number  INTEGER NOT NULL,
    parent  INTEGER,
    time    TEXT    NOT NULL,
    author  TEXT    NOT NULL,
    message TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    PRIMARY KEY (plan, number)
);
CREATE TABLE IF NOT EXISTS plans (name TEXT PRIMARY KEY, scope TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cuts (hash TEXT PRIMARY KEY, body TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Revision:
    """One saved state of a named plan (its plan is decoded when first asked for)."""

    plan_name: str
    number: int
    parent: int | None
    time: str
    author: str
    message: str
    body: str = field(repr=False)

    @cached_property
    def plan(self) -> Plan:
        try:
            return plan_from_json(self.body)
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(problem("<plan store>", f"revision {self.number} cannot be read "
                                     f"({exc})", feature_id=self.plan_name, field="body"))

    @cached_property
    def settings(self) -> dict | None:
        """The settings saved with the plan (mandate, force, vetoes), or None for a revision
        saved as a bare plan (read them with :func:`planner.domain.working.settings_from`)."""
        return json.loads(self.body).get("settings")

    @cached_property
    def cuts(self) -> dict[int, str]:
        """``{phase: hash}`` of the re-cut phases (see :meth:`PlanStore.cut`)."""
        return {int(p): h for p, h in (json.loads(self.body).get("cuts") or {}).items()}

    @cached_property
    def source(self) -> str | None:
        """Hash of the scenario copy the revision was made over (None: the scenario itself)."""
        return json.loads(self.body).get("source")

    def working(self, scenario) -> Working:
        """The whole working state, settings resolved against ``scenario``."""
        return Working(self.plan, settings_from(self.settings, scenario), self.cuts, self.source)

    def label(self) -> str:
        who = f" by {self.author}" if self.author else ""
        return f"revision {self.number} ({self.time}{who}): {self.message or '(no message)'}"


class StaleRevision(Exception):
    """A save based on a revision that is no longer the latest: nothing was written."""

    def __init__(self, name: str, base: int | None, latest: Revision, changes: list[str]):
        self.name, self.base, self.latest, self.changes = name, base, latest, changes
        shown = "; ".join(changes[:10]) + (f"; and {len(changes) - 10} more"
                                           if len(changes) > 10 else "")
        super().__init__(f"plan '{name}' was saved by someone else since revision {base} "
                         f"(now {latest.label()}); your change was not saved. What changed: "
                         f"{shown or 'nothing in the assignments'}")


def _plan_doc(plan: Plan) -> dict:
    rows = [[a.phase, a.sector_id, a.lead, dict(a.troops)]
            for a in sorted(plan, key=lambda a: a.key)]
    pins = [[p, s, pin.lead, None if pin.troops is None else dict(pin.troops)]
            for (p, s), pin in sorted(plan.pins.items())]
    return {"assignments": rows, "pins": pins}


def _canonical(doc: dict) -> str:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), allow_nan=False)


def plan_to_json(plan: Plan) -> str:
    """A plan as compact, canonical JSON (sorted; the same plan gives the same text)."""
    return _canonical(_plan_doc(plan))


def working_to_json(work: Working) -> str:
    """A whole working state as canonical JSON: the plan, its settings and re-cut phases."""
    doc = _plan_doc(work.plan)
    doc["settings"] = work.settings.as_dict()
    doc["cuts"] = {str(p): h for p, h in work.cuts.items()}
    if work.source:
        doc["source"] = work.source
    return _canonical(doc)


def plan_from_json(text: str) -> Plan:
    """The plan :func:`plan_to_json` wrote."""
    doc = json.loads(text)
    rows = [Assignment(p, s, lead, troops) for p, s, lead, troops in doc["assignments"]]
    pins = {(p, s): Pin(lead, troops) for p, s, lead, troops in doc["pins"]}
    return Plan.from_assignments(rows, pins)


def describe_changes(old: Plan, new: Plan) -> list[str]:
    """What differs from ``old`` to ``new``, one plain sentence per sector and phase."""
    out = []
    for key in sorted({a.key for a in old} | {a.key for a in new}):
        a, b = old.get(*key), new.get(*key)
        where = f"{key[1]} (phase {key[0]})"
        if a.lead != b.lead:
            out.append(f"{where}: lead {a.lead or 'none'} -> {b.lead or 'none'}")
        if dict(a.troops) != dict(b.troops):
            moved = ", ".join(f"{n} {a.troops.get(n, 0):,} -> {b.troops.get(n, 0):,}"
                              for n in sorted(set(a.troops) | set(b.troops))
                              if a.troops.get(n, 0) != b.troops.get(n, 0))
            out.append(f"{where}: troops {moved}")
    for key in sorted(set(old.pins) ^ set(new.pins)):
        out.append(f"{key[1]} (phase {key[0]}): {'locked' if key in new.pins else 'unlocked'}")
    return out


def _stamp(path: Path) -> tuple:
    info = path.stat()
    return info.st_ino, info.st_size, info.st_mtime_ns


def _read_once(path: Path, mode: str, sql, args) -> list[tuple]:
    from urllib.parse import quote
    db = sqlite3.connect(f"file:{quote(str(path.resolve()))}?{mode}", uri=True, timeout=30,
                         isolation_level=None)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def _in_memory(sql, args) -> list[tuple]:
    """``sql`` over an empty store (in memory): what a store not made yet reads as."""
    db = sqlite3.connect(":memory:")
    try:
        db.executescript(SCHEMA)
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def workspace_folder(folder=None) -> Path:
    """The workspace: ``folder``, else ``$PLANNER_WORKSPACE``, else ``./workspace``."""
    return Path(folder or os.environ.get("PLANNER_WORKSPACE") or DEFAULT_WORKSPACE)


def _check_name(name) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS \
            or any(ord(c) < 32 for c in name):
        raise InputError(problem("<plan store>", f"a plan name must be 1 to {MAX_NAME_CHARS} "
                                 "printable characters", field="name", value=name))
    return name.strip()


class PlanStore:
    """Named plans with their revision histories (see the module docstring).

    Each call opens its own short connection, so one store object serves many threads
    (Streamlit sessions) and processes at once.
    """

    def __init__(self, folder=None):
        self.folder = workspace_folder(folder)
        self.path = self.folder / FILE_NAME
        self._made = False
        try:
            header = b""
            if self.path.exists():
                with self.path.open("rb") as f:
                    header = f.read(16)
        except OSError as exc:
            raise InputError(problem(self.path, f"the plan store cannot be opened ({exc})"))
        if header and header != b"SQLite format 3\x00":
            raise InputError(problem(self.path, "the plan store cannot be opened (file is not "
                                     "a database)"))

    def _connect(self) -> sqlite3.Connection:
        """A connection for writing; the folder and tables are made on the first one."""
        try:
            if not self._made:
                self.folder.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            if not self._made:
                db.executescript(SCHEMA)
                self._made = True
            return db
        except (OSError, sqlite3.DatabaseError) as exc:
            raise InputError(problem(self.path, f"the plan store cannot be opened ({exc})"))

    def _query(self, sql, args=()) -> list[tuple]:
        try:
            return self._read(sql, args)
        except sqlite3.DatabaseError as exc:
            raise InputError(problem(self.path, f"the plan store cannot be read ({exc})"))

    def _read(self, sql, args) -> list[tuple]:
        """Rows of one read-only query, creating no file.

        A store not made yet reads as empty. Otherwise, while no ``-wal`` file exists no
        connection has the database open (the last one to close checkpoints and removes
        it), so the main file holds every committed revision: it is read as immutable (no
        locks, no ``-shm``), and the read counts only if the file did not change meanwhile
        (a writer that came and went would have checkpointed into it). With a ``-wal`` file
        (a writer is at work, or one was killed), it is read read-only through the WAL and
        its ``-shm``, as SQLite reads a WAL database.
        """
        if not self.path.exists():
            return _in_memory(sql, args)
        wal = self.path.with_name(self.path.name + "-wal")
        for _ in range(3):
            if wal.exists():
                break
            before = _stamp(self.path)
            rows = _read_once(self.path, "mode=ro&immutable=1", sql, args)
            if _stamp(self.path) == before:
                return rows
        return _read_once(self.path, "mode=ro", sql, args)

    # --- reading ------------------------------------------------------------------------
    def names(self, scope: str | None = None) -> list[str]:
        """Every plan's name, in order; only those of ``scope`` (a scenario) when given."""
        if scope is None:
            return [r[0] for r in self._query("SELECT name FROM plans ORDER BY name")]
        return [r[0] for r in self._query("SELECT name FROM plans WHERE scope = ? ORDER BY name",
                                          (scope,))]

    def latest_number(self, name: str) -> int | None:
        row = self._query("SELECT MAX(number) FROM revisions WHERE plan = ?", (name,))
        return row[0][0]

    def revision(self, name: str, number: int | None = None) -> Revision:
        """A revision of a plan (the latest when ``number`` is None)."""
        number = self.latest_number(name) if number is None else number
        rows = self._query("SELECT plan, number, parent, time, author, message, body "
                           "FROM revisions WHERE plan = ? AND number = ?", (name, number))
        if not rows:
            known = self.names()
            what = (f"no revision {number} (latest: {self.latest_number(name)})"
                    if name in known else f"no plan named '{name}' (plans: "
                                          f"{', '.join(known) or 'none'})")
            raise InputError(problem(self.path, what, field="revision" if name in known
                                     else "name", value=number if name in known else name))
        return self._revision(rows[0])

    def history(self, name: str, last: int | None = None) -> list[Revision]:
        """The revisions of a plan, oldest first: all, or the ``last`` few."""
        rows = self._query("SELECT plan, number, parent, time, author, message, body "
                           "FROM revisions WHERE plan = ? ORDER BY number DESC LIMIT ?",
                           (name, -1 if last is None else last))
        return [self._revision(r) for r in reversed(rows)]

    def _revision(self, row) -> Revision:
        return Revision(*row)

    def last_opened(self, scope: str = "") -> str | None:
        """The plan of ``scope`` opened last (by any session), if it still exists."""
        rows = self._query("SELECT value FROM settings WHERE key = ?", (f"last:{scope}",))
        return rows[0][0] if rows and rows[0][0] in self.names(scope) else None

    # --- writing ------------------------------------------------------------------------
    def remember_opened(self, name: str, scope: str = "") -> None:
        db = self._connect()
        try:
            db.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       (f"last:{scope}", name))
        finally:
            db.close()

    def save(self, name: str, plan: Plan | Working, *, base: int | None, author: str = "",
             message: str = "", scope: str = "") -> Revision:
        """Append a revision to plan ``name`` (created, in ``scope``, when ``base`` is None).

        ``plan`` is a bare :class:`Plan` or a whole :class:`Working` state (with settings and
        re-cut phases, whose geometry must be stored first with :meth:`put_cut`).

        Raises
        ------
        StaleRevision
            When ``base`` is not the plan's latest revision (or the plan exists and ``base``
            is None): someone saved in between. Nothing is written.
        InputError
            For a bad name.
        """
        name = _check_name(name)
        body = working_to_json(plan) if isinstance(plan, Working) else plan_to_json(plan)
        time = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        db = self._connect()
        try:
            db.execute("BEGIN IMMEDIATE")  # one writer at a time from here to COMMIT
            latest = db.execute("SELECT MAX(number) FROM revisions WHERE plan = ?",
                                (name,)).fetchone()[0]
            if latest != base:
                db.execute("ROLLBACK")
                current = self.revision(name, latest)
                since = self.revision(name, base).plan if base is not None else Plan({})
                raise StaleRevision(name, base, current, describe_changes(since, current.plan))
            number = (latest or 0) + 1
            if latest is None:
                db.execute("INSERT INTO plans VALUES (?, ?)", (name, scope))
            db.execute("INSERT INTO revisions VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (name, number, base, time, author, message, body))
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise InputError(problem(self.path, f"the plan store cannot be written ({exc})"))
        finally:
            db.close()
        saved = Revision(name, number, base, time, author, message, body)
        saved.__dict__["plan"] = plan.plan if isinstance(plan, Working) else plan  # at hand
        return saved

    def put_cut(self, body: str) -> str:
        """Keep a re-cut phase's sector geometry (text, see :mod:`planner.ui.cuts`) once;
        return its content hash."""
        import hashlib
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
        db = self._connect()
        try:
            db.execute("INSERT OR IGNORE INTO cuts VALUES (?, ?)", (digest, body))
        except sqlite3.DatabaseError as exc:
            raise InputError(problem(self.path, f"the plan store cannot be written ({exc})"))
        finally:
            db.close()
        return digest

    def cut(self, digest: str) -> str:
        """The geometry text :meth:`put_cut` kept under ``digest``."""
        rows = self._query("SELECT body FROM cuts WHERE hash = ?", (digest,))
        if not rows:
            raise InputError(problem(self.path, "a revision names re-cut sectors the store does "
                                     "not hold", field="cuts", value=digest))
        return rows[0][0]

    def integrity(self) -> str:
        """SQLite's own check of the file: ``"ok"`` when sound."""
        return self._query("PRAGMA integrity_check")[0][0]
