"""The app's state model as a state machine: random sequences of what planners do, with the
invariants a planner relies on checked after every step (Hypothesis RuleBasedStateMachine).

Two planners (alice, whose session we follow, and bob) share one real plan store; the
actions are the real ones the page calls, on real scenarios, with the real solver.
Invariants after every step:
- the session's working state is exactly what the store holds at its revision;
- an action writes at most one revision; views, downloads and refused input write none;
- every export holds the working state shown (plan, settings, name, revision);
- a refused save (conflict) writes nothing, and alice's next unrelated change does not carry
  the refused value into the store.

``PLANNER_STATE_EXAMPLES`` sets how many sequences run per scenario (default 50 on the mini
scenario and 50 on the bundled one: 100 sequences of 14 steps in ``make test``).
"""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule)

from appstate import env_for, opened
from planner.files.planfile import plan_members, read_plan
from planner.files.store import PlanStore
from planner.ui import actions
from planner.ui.exports import export_csv, export_geojson
from planner.ui.merge import units
from planner.ui.view import view_of

EXAMPLES = int(os.environ.get("PLANNER_STATE_EXAMPLES", "50"))
STEPS = 16


class Planners(RuleBasedStateMachine):
    """See the module docstring. ``scenario`` is set by the subclass."""

    scenario = None

    def __init__(self):
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="planner-sm-")
        self.store = PlanStore(self.folder)
        self.env = env_for(self.scenario, self.store, "alice", seconds=3.0)
        self.bob = env_for(self.scenario, self.store, "bob", seconds=3.0)
        self.writes_allowed = 0
        self.exported = None
        self.refused = {}  # unit -> the value a refused save wanted

    def teardown(self):
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ------------------------------------------------------------------------
    def count(self):
        return self.store.latest_number(self.s.name)

    def do(self, action, *args, writes=1, **kw):
        """Run an action of alice's; it may write at most ``writes`` revisions."""
        before, pending = self.count(), self.s.conflict
        self.s = action(self.s, self.env, *args, **kw)
        assert self.count() - before <= writes, f"{action.__name__} wrote more than {writes}"
        if self.s.conflict is not None and self.s.conflict is not pending:
            mine = units(self.s.conflict.mine)
            self.refused = {item.unit: mine.get(item.unit) for item in self.s.conflict.items}
        elif self.s.conflict is None:
            self.refused = {}  # resolved or dropped
        else:
            self.check_refused_not_applied()

    def check_refused_not_applied(self):
        """While a conflict waits, no other action of alice's saves a refused value."""
        saved = units(self.store.revision(self.s.name).working(self.scenario))
        if self.touched == ("all",):  # undo, import, optimize...: may set anything
            for unit, value in list(self.refused.items()):
                if saved.get(unit) == value:  # alice's own action chose it again
                    del self.refused[unit]
            return
        for unit, value in list(self.refused.items()):
            if self.touched is not None and unit[:3] == self.touched[:3]:
                del self.refused[unit]  # alice changed it herself
            elif saved.get(unit) == value and not self.bob_set(unit, value):
                raise AssertionError(f"a refused change to {unit} was applied by a later action")

    def bob_set(self, unit, value):
        return units(self.b.work).get(unit) == value

    def view(self):
        return view_of(self.s, self.env)

    def table(self):
        return self.env.table_for(self.s.work)

    def sector(self, data, phase=None):
        open_ = self.table().open_in(phase or self.s.phase)
        return data.draw(st.sampled_from(open_), label="sector") if open_ else None

    @property
    def codes(self):
        return [c.code for c in self.scenario.contingents]

    # --- start ------------------------------------------------------------------------
    @initialize()
    def open_both(self):
        self.s = opened(self.env)
        self.b = opened(self.bob)
        self.touched = None

    # --- views (write nothing) --------------------------------------------------------
    @rule(data=st.data())
    def select(self, data):
        self.touched = None
        self.do(lambda s, env, x: actions.select(s, x), self.sector(data), writes=0)

    @rule(data=st.data())
    def switch_phase(self, data):
        self.touched = None
        phase = data.draw(st.sampled_from(self.scenario.phase_numbers))
        self.do(lambda s, env, p: actions.set_phase(s, p), phase, writes=0)

    @rule()
    def download_every_export(self):
        self.touched = None
        before = self.count()
        view = self.view()
        geojson, csv = export_geojson(view), export_csv(view)
        assert self.count() == before
        with tempfile.TemporaryDirectory() as tmp:
            for name, data in (("p.geojson", geojson), ("p.csv", csv)):
                path = os.path.join(tmp, name)
                with open(path, "wb") as f:
                    f.write(data)
                assert read_plan(path, view.table, self.codes) == self.s.plan, name
            members = plan_members(os.path.join(tmp, "p.geojson"))
        assert members["settings"] == self.s.settings.as_dict()
        assert members["plan"] == {"name": self.s.name, "revision": self.s.revision}
        self.exported = (geojson, self.s.work.cuts, self.s.work.source, self.s.work)

    # --- edits ------------------------------------------------------------------------
    @rule(data=st.data())
    def edit_lead(self, data):
        sector = self.sector(data)
        if sector is None:
            return
        lead = data.draw(st.sampled_from([None] + self.codes))
        self.touched = ("sector", self.s.phase, sector)
        self.do(actions.edit_lead, self.s.phase, sector, lead)

    @rule(data=st.data())
    def edit_troops(self, data):
        sector = self.sector(data)
        if sector is None:
            return
        code = data.draw(st.sampled_from(self.codes))
        unit = self.scenario.unit_of(code)
        troops = data.draw(st.one_of(st.integers(0, 8).map(lambda k: k * unit),
                                     st.integers(-1, 9 * unit)))
        self.touched = ("sector", self.s.phase, sector)
        self.do(actions.edit_troops, self.s.phase, sector, code, troops)
        if troops < 0 or troops % unit:
            assert self.s.error  # refused, and nothing was written (do() checked <= 1)

    @rule(data=st.data(), locked=st.booleans())
    def lock(self, data, locked):
        sector = self.sector(data)
        if sector is None:
            return
        self.touched = ("sector", self.s.phase, sector)
        self.do(actions.set_lock, self.s.phase, sector, locked)

    @rule(data=st.data())
    def choose_mandate(self, data):
        self.touched = ("setting", "mandate")
        self.do(actions.set_mandate, data.draw(st.sampled_from(list(self.scenario.mandates))))

    @rule(data=st.data())
    def toggle_contingent(self, data):
        code = data.draw(st.sampled_from(self.codes))
        force = set(self.s.settings.force) ^ {code}
        self.touched = ("setting", "force")
        self.do(actions.set_force, sorted(force))

    @rule(on=st.booleans())
    def toggle_vetoes(self, on):
        self.touched = ("setting", "vetoes")
        self.do(actions.set_vetoes, on)

    @rule(least=st.booleans(), apply=st.booleans())
    def optimize(self, least, apply):
        self.touched = None
        self.do(actions.optimize, least_change=least, writes=0)
        if apply and self.s.proposal.result.plan is not None:
            self.touched = ("all",)
            self.do(actions.apply_proposal)
            assert self.s.current(self.s.solved) or self.s.conflict or self.s.error
        else:
            self.do(lambda s, env: actions.discard_proposal(s), writes=0)

    @rule()
    def undo(self):
        self.touched = ("all",)
        self.do(actions.undo)

    @rule()
    def redo(self):
        self.touched = ("all",)
        self.do(actions.redo)

    @precondition(lambda self: self.exported is not None)
    @rule()
    def import_an_earlier_export(self):
        geojson, cuts, source, work = self.exported
        self.touched = ("all",)
        self.do(actions.import_file, "earlier.geojson", geojson)
        if dict(cuts) == dict(self.s.work.cuts) and source == self.s.work.source \
                and not self.s.conflict and not self.s.error:
            assert self.s.plan == work.plan and self.s.settings == work.settings

    @rule(data=st.data())
    def recut(self, data):
        phase = data.draw(st.sampled_from(self.scenario.phase_numbers))
        count = data.draw(st.integers(1, 5))
        self.touched = ("all",)
        self.do(actions.recut, phase, count, data.draw(st.sampled_from(["population", "area"])))

    # --- sessions ---------------------------------------------------------------------
    @rule()
    def reload(self):
        self.touched = None
        before = self.count()
        fresh = opened(self.env)
        assert self.count() == before
        assert fresh.work == self.store.revision(self.s.name).working(self.scenario)
        self.s = fresh
        self.refused = {}

    @rule()
    def notice_other_planner(self):
        self.touched = None
        self.do(lambda s, env: actions.refresh(s, env), writes=0)
        assert self.s.revision == self.count()

    @rule(data=st.data())
    def other_planner_edits(self, data):
        self.b = actions.refresh(self.b, self.bob)
        open_ = self.bob.table_for(self.b.work).open_in(1)
        if not open_:
            return
        sector = data.draw(st.sampled_from(open_))
        lead = data.draw(st.sampled_from(self.codes))
        before = self.count()
        self.b = actions.edit_lead(self.b, self.bob, 1, sector, lead)
        assert self.count() - before <= 1

    @precondition(lambda self: self.s.conflict is not None)
    @rule(data=st.data())
    def resolve_conflict(self, data):
        items = self.s.conflict.items
        choices = {i.unit: data.draw(st.sampled_from(["mine", "theirs"])) for i in items}
        self.touched = ("all",)
        self.do(actions.resolve_conflict, choices)
        self.refused = {}

    @precondition(lambda self: self.s.conflict is not None)
    @rule()
    def drop_conflict(self):
        self.touched = None
        self.do(lambda s, env: actions.dismiss_conflict(s), writes=0)

    # --- invariants -------------------------------------------------------------------
    @invariant()
    def shown_state_is_the_saved_revision(self):
        if not hasattr(self, "s"):
            return
        saved = self.store.revision(self.s.name, self.s.revision).working(self.scenario)
        assert saved == self.s.work
        keys = set(self.table().keys)
        assert set(self.s.plan.assignments) <= keys and set(self.s.plan.pins) <= keys

    @invariant()
    def panel_values_are_the_plan(self):
        if not hasattr(self, "s") or self.s.selected is None:
            return
        if self.s.selected in self.table().open_in(self.s.phase):
            a = self.s.plan.get(self.s.phase, self.s.selected)
            assert a == self.store.revision(self.s.name, self.s.revision).plan.get(
                self.s.phase, self.s.selected)


def machine_for(scenario_fixture):
    return type(f"PlannersOn{scenario_fixture}", (Planners,), {})


SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                    suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.mark.slow
def test_state_model_on_the_mini_scenario(mini_shared):
    machine = machine_for("Mini")
    machine.scenario = mini_shared
    from hypothesis.stateful import run_state_machine_as_test
    run_state_machine_as_test(machine, settings=SETTINGS)


@pytest.mark.slow
def test_state_model_on_the_bundled_scenario(gaza):
    machine = machine_for("Gaza")
    machine.scenario = gaza
    from hypothesis.stateful import run_state_machine_as_test
    run_state_machine_as_test(machine, settings=SETTINGS)
