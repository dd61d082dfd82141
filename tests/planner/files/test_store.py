"""The plan store: revisions, stale saves refused, the CLI over it, and crash safety under
repeated SIGKILL of a writer."""
import importlib.util
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from geo.errors import InputError
from planner.cli import main
from planner.domain.plan import Plan
from planner.files.store import PlanStore, StaleRevision, describe_changes, plan_from_json, plan_to_json

WRITER = Path(__file__).with_name("store_writer.py")
KILLS = 20


@pytest.fixture
def store(tmp_path):
    return PlanStore(tmp_path / "ws")


def edited(plan=Plan({}), sector="P1-S01", lead="AAA", troops=100):
    return plan.with_assignment(plan.get(1, sector).__class__(1, sector, lead, {lead: troops}))


def test_revisions_are_appended_with_parent_author_message_and_the_full_plan(store):
    first = store.save("main", edited(), base=None, author="ana", message="start")
    second = store.save("main", edited(first.plan, "P1-S02", "BBB"), base=1, message="more")
    assert (first.number, second.number, second.parent) == (1, 2, 1)
    assert [r.message for r in store.history("main")] == ["start", "more"]
    assert store.revision("main").plan == second.plan
    assert store.revision("main", 1).plan == first.plan and store.revision("main", 1).author == "ana"
    assert store.names() == ["main"]


def test_a_save_based_on_a_stale_revision_is_refused_and_says_what_changed(store):
    store.save("main", edited(), base=None)
    theirs = store.save("main", edited(edited(), "P1-S02", "BBB", 300), base=1)
    with pytest.raises(StaleRevision) as err:
        store.save("main", edited(edited(), "P1-S03", "CCC"), base=1)  # still on revision 1
    assert err.value.latest.number == 2
    assert err.value.changes == ["P1-S02 (phase 1): lead none -> BBB",
                                 "P1-S02 (phase 1): troops BBB 0 -> 300"]
    assert "was not saved" in str(err.value)
    assert store.revision("main").plan == theirs.plan and len(store.history("main")) == 2
    with pytest.raises(StaleRevision):
        store.save("main", Plan({}), base=None)  # "new plan" under a name that exists


def test_plans_round_trip_through_json_with_pins():
    plan = edited().with_pin(1, "P1-S01")
    assert plan_from_json(plan_to_json(plan)) == plan
    assert plan_to_json(plan) == plan_to_json(plan_from_json(plan_to_json(plan)))


def test_describe_changes_names_leads_troops_and_locks():
    old, new = edited(), edited(troops=150).with_pin(1, "P1-S01")
    assert describe_changes(old, new) == ["P1-S01 (phase 1): troops AAA 100 -> 150",
                                          "P1-S01 (phase 1): locked"]


def test_unknown_plans_revisions_and_bad_names_are_input_errors(store):
    store.save("main", edited(), base=None)
    with pytest.raises(InputError, match="no plan named 'other'"):
        store.revision("other")
    with pytest.raises(InputError, match="no revision 9"):
        store.revision("main", 9)
    with pytest.raises(InputError, match="plan name"):
        store.save("\x00bad", Plan({}), base=None)


def test_a_file_that_is_not_a_store_is_reported_not_raised(tmp_path):
    (tmp_path / "plans.sqlite").write_bytes(b"this is not a database" * 100)
    with pytest.raises(InputError, match="plans.sqlite"):
        PlanStore(tmp_path)


def test_last_opened_plan_and_names_are_kept_per_scenario(tmp_path):
    PlanStore(tmp_path).save("a", Plan({}), base=None, scope="Gaza")
    PlanStore(tmp_path).save("b", Plan({}), base=None, scope="Gaza")
    PlanStore(tmp_path).save("c", Plan({}), base=None, scope="Sinai")
    PlanStore(tmp_path).remember_opened("a", "Gaza")
    assert PlanStore(tmp_path).last_opened("Gaza") == "a"
    assert PlanStore(tmp_path).last_opened("Sinai") is None
    assert PlanStore(tmp_path).names("Gaza") == ["a", "b"] and PlanStore(tmp_path).names() == ["a", "b", "c"]


def test_cli_lists_shows_and_exports_plans(tmp_path, capsys, gaza):
    ws = tmp_path / "ws"
    store = PlanStore(ws)
    store.save("main", edited(Plan({}), "P1-S12", "IDN", 300), base=None, message="first")
    store.save("main", edited(Plan({}), "P1-S12", "EGY", 200), base=1, message="second")
    assert main(["plans", "list", "--workspace", str(ws)]) == 0
    assert "main: revision 2" in capsys.readouterr().out
    assert main(["plans", "show", "main", "--workspace", str(ws), "--revision", "1"]) == 0
    out = capsys.readouterr().out
    assert "* revision 1" in out and "  revision 2" in out
    target = tmp_path / "plan.csv"
    assert main(["plans", "export", "main", "--revision", "1", "--workspace", str(ws),
                 "-o", str(target)]) == 0
    assert "1,P1-S12,IDN,300,true" in target.read_text()
    assert main(["plans", "export", "nope", "--workspace", str(ws), "-o", str(target)]) == 2
    assert "no plan named 'nope'" in capsys.readouterr().err


def _run_and_kill(workspace, name, rng) -> list[int]:
    """Start a writer, kill it with SIGKILL at a random moment, return what it acknowledged."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(Path.cwd()), str(WRITER.parent)]))
    proc = subprocess.Popen([sys.executable, str(WRITER), str(workspace), name],
                            stdout=subprocess.PIPE, text=True, env=env)
    acked: list[int] = []
    reader = threading.Thread(target=lambda: acked.extend(int(x) for x in proc.stdout))
    reader.start()
    deadline = time.time() + 20
    while not acked and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(rng.uniform(0.0, 0.3))  # mid-save at an arbitrary point
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join()
    assert acked, "the writer never acknowledged a revision"
    return acked


@pytest.mark.slow
def test_a_writer_killed_mid_save_leaves_every_acknowledged_revision(tmp_path):
    spec = importlib.util.spec_from_file_location("store_writer", WRITER)
    writer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(writer)
    rng, acknowledged = random.Random(7), []
    for _ in range(KILLS):
        acknowledged += _run_and_kill(tmp_path, "main", rng)
        store = PlanStore(tmp_path)  # opens after every kill
        assert store.integrity() == "ok"
        history = store.history("main")
        assert [r.number for r in history] == list(range(1, len(history) + 1))
        assert set(acknowledged) <= {r.number for r in history}
    for r in PlanStore(tmp_path).history("main"):
        assert r.plan == writer.plan_for(r.number)
    print(f"{KILLS} kills, {len(acknowledged)} acknowledged revisions, all present and intact")


# --- reading never writes ----------------------------------------------------------------
def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _read_only_folder(folder: Path):
    """``folder`` and its files made read-only (for a user other than root, too)."""
    for p in [*folder.iterdir(), folder]:
        p.chmod(0o555 if p.is_dir() else 0o444)


def test_reading_a_store_that_does_not_exist_makes_nothing(tmp_path, capsys):
    folder = tmp_path / "none"
    assert PlanStore(folder).names() == [] and not folder.exists()
    assert main(["plans", "list", "--workspace", str(folder)]) == 0
    assert not folder.exists()
    with pytest.raises(InputError, match="no plan named 'main'"):
        PlanStore(folder).revision("main")


def test_plans_list_show_and_export_leave_no_wal_or_shm_in_a_read_only_workspace(
        tmp_path, mini_dir, capsys):
    folder = tmp_path / "ws"
    PlanStore(folder).save("main", edited(), base=None, message="one")
    PlanStore(folder).save("main", edited(lead="BBB"), base=1, message="two")
    before = _files(folder)
    assert before == {"plans.sqlite"}  # the last writer to close removed its -wal and -shm
    _read_only_folder(folder)
    try:
        assert main(["plans", "list", "--workspace", str(folder)]) == 0
        assert main(["plans", "show", "main", "--workspace", str(folder)]) == 0
        out = capsys.readouterr().out
        assert "main: revision 2" in out and "revision 1" in out
        assert PlanStore(folder).revision("main", 1).plan == edited()
        assert PlanStore(folder).integrity() == "ok"
        assert _files(folder) == before
    finally:
        folder.chmod(0o755)
        (folder / "plans.sqlite").chmod(0o644)


@pytest.mark.skipif(os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
                    reason="needs root and setpriv to run the listing as an unprivileged user")
def test_a_user_who_may_not_write_the_workspace_can_list_it():
    import shutil
    import tempfile
    outer = Path(tempfile.mkdtemp(prefix="planner-ro-"))  # /tmp: every user may pass through
    outer.chmod(0o755)
    folder = outer / "ws"
    PlanStore(folder).save("main", edited(), base=None, message="one")
    _read_only_folder(folder)
    try:
        out = subprocess.run(["/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                              "--clear-groups", sys.executable, "-m", "planner", "plans",
                              "list", "--workspace", str(folder)],
                             capture_output=True, text=True, timeout=120,
                             cwd=Path(__file__).resolve().parents[3])
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("main: revision 1")
        assert _files(folder) == {"plans.sqlite"}
    finally:
        folder.chmod(0o755)
        shutil.rmtree(outer)


def test_reads_while_a_writer_holds_the_store_open_see_every_committed_revision(tmp_path):
    import sqlite3
    folder = tmp_path / "ws"
    store = PlanStore(folder)
    store.save("main", edited(), base=None)
    writer = sqlite3.connect(folder / "plans.sqlite", isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    try:
        writer.execute("SELECT 1 FROM plans").fetchall()  # a -wal file exists while it is open
        store.save("main", edited(lead="BBB"), base=1)  # committed to the WAL, not checkpointed
        assert (folder / "plans.sqlite-wal").exists()
        assert PlanStore(folder).latest_number("main") == 2
        assert PlanStore(folder).revision("main").plan == edited(lead="BBB")
    finally:
        writer.close()
