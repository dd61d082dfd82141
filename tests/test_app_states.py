"""The real page as a state machine: random sequences of clicks by two planners, driven with
streamlit.testing.v1.AppTest, with the page checked against the plan store after every step.

Invariants after every step: no exception; the side panel shows the plan's values for the
selected sector-phase; the page's working state is the one the store holds at its revision,
and the latest one after alice's own change; the counts shown are the checker's for that
plan; views and downloads write no revision, an action writes at most one; a refused save
writes nothing and alice's next unrelated change does not carry it into the store.

``PLANNER_PAGE_EXAMPLES`` sets the sequences per scenario (default 10 on the mini scenario and
10 on the bundled one: 20 sequences of 12 steps in ``make test``).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

from apppage import hard_count, open_app, page_app, page_view, widget, widgets
from planner.files.store import PlanStore
from planner.ui.exports import export_geojson
from planner.ui.merge import units

EXAMPLES = int(os.environ.get("PLANNER_PAGE_EXAMPLES", "10"))
STEPS = 12


class Page(RuleBasedStateMachine):
    """Alice's page and Bob's page on one plan store; ``scenario`` is set per test."""

    scenario = None      # loaded Scenario (for codes and phases)
    scenario_dir = None  # its folder (PLANNER_SCENARIO for the page)

    def __init__(self):
        super().__init__()
        self.folder = tempfile.mkdtemp(prefix="planner-page-")
        self.saved_env = {k: os.environ.get(k) for k in ("PLANNER_WORKSPACE", "PLANNER_SCENARIO")}
        os.environ["PLANNER_WORKSPACE"] = self.folder
        os.environ["PLANNER_SCENARIO"] = str(self.scenario_dir)
        self.store = PlanStore(self.folder)
        self.refused, self.exported = {}, None

    def teardown(self):
        for k, v in self.saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ------------------------------------------------------------------------
    @property
    def app(self):
        return page_app(self.at)

    def latest(self):
        return self.store.latest_number(self.app.name)

    def run(self, interaction, *, writes=1, touched=None):
        """Do one interaction on alice's page; it may write at most ``writes`` revisions."""
        before, pending = self.latest(), self.app.conflict
        interaction()
        assert not self.at.exception, self.at.exception
        assert self.latest() - before <= writes
        if self.app.conflict is not None and self.app.conflict is not pending:
            mine = units(self.app.conflict.mine)
            self.refused = {i.unit: mine.get(i.unit) for i in self.app.conflict.items}
        elif self.app.conflict is None:
            self.refused = {}
        elif touched != "all":
            saved = units(self.store.revision(self.app.name).working(self.scenario))
            for unit, value in list(self.refused.items()):
                if unit == touched:
                    del self.refused[unit]
                elif saved.get(unit) == value and units(self.theirs()).get(unit) != value:
                    raise AssertionError(f"refused change to {unit} applied later")

    def theirs(self):
        """Bob's last saved working state."""
        from apppage import page_app as bobs
        return bobs(self.bob).work

    def sector(self):
        return self.app.selected or widget(self.at, "selectbox", "selected|").value

    @property
    def codes(self):
        return [c.code for c in self.scenario.contingents]

    @staticmethod
    def pick(options, i):
        """The ``i``-th of ``options`` (cyclically): every rule draws its values before it
        looks at the page, so the data drawn never depends on what the page holds."""
        options = list(options)
        return options[i % len(options)] if options else None

    def button(self, label):
        found = [b for b in self.at.button if b.label == label and not b.disabled]
        return found[0] if found else None

    # --- start ------------------------------------------------------------------------
    @initialize()
    def open_pages(self):
        self.at = open_app()
        self.bob = open_app()
        self.bob.text_input(key="author").input("bob").run()

    # --- views ------------------------------------------------------------------------
    @rule(i=st.integers(0, 999))
    def select_sector(self, i):
        box = widget(self.at, "selectbox", "selected|")
        self.run(lambda: box.select(self.pick(box.options, i)).run(), writes=0)

    @rule(i=st.integers(0, 999))
    def switch_phase(self, i):
        box = widget(self.at, "selectbox", "phase|")
        phase = self.pick(self.scenario.phase_numbers, i)
        self.run(lambda: box.select(phase).run(), writes=0)

    @rule()
    def download_everything(self):
        for label in [b.label for b in self.at.get("download_button")]:
            # find the button again: a click reruns the page (and may show another planner's
            # newer revision, with fresh widgets)
            button = next(b for b in self.at.get("download_button") if b.label == label)
            self.run(lambda: button.click().run(), writes=0)
        view = page_view(self.at, self.scenario)
        doc = json.loads(export_geojson(view))
        assert doc["settings"] == self.app.settings.as_dict()
        assert doc["plan"] == {"name": self.app.name, "revision": self.app.revision}
        self.exported = export_geojson(view)

    # --- edits ------------------------------------------------------------------------
    @rule(i=st.integers(0, 999))
    def edit_lead(self, i):
        box = widgets(self.at, "selectbox", "lead|")
        if not box or box[0].disabled:
            return
        choice = self.pick(box[0].options, i)
        unit = ("sector", self.app.phase, self.sector())
        self.run(lambda: box[0].select(choice).run(), touched=unit)

    @rule(i=st.integers(0, 999), units=st.integers(0, 6), odd=st.integers(0, 999),
          whole=st.booleans())
    def edit_troops(self, i, units, odd, whole):
        boxes = [b for b in widgets(self.at, "number_input", "troops|") if not b.disabled]
        if not boxes:
            return
        box = self.pick(boxes, i)
        code = box.key.split("|")[3]
        unit = self.scenario.unit_of(code)
        value = units * unit if whole else odd % (7 * unit)
        self.run(lambda: box.set_value(value).run(), touched=("sector", self.app.phase,
                                                              self.sector()))
        if value % unit:
            assert any("units of" in e.value for e in self.at.error)

    @rule()
    def toggle_lock(self):
        box = widgets(self.at, "checkbox", "lock|")
        if box:
            self.run(lambda: box[0].set_value(not box[0].value).run(),
                     touched=("sector", self.app.phase, self.sector()))

    @rule(i=st.integers(0, 999))
    def switch_mandate(self, i):
        radio = widget(self.at, "radio", "mandate|")
        self.run(lambda: radio.set_value(self.pick(radio.options, i)).run(),
                 touched=("setting", "mandate"))

    @rule(i=st.integers(0, 999))
    def toggle_contingent(self, i):
        box = widget(self.at, "multiselect", "force|")
        code = self.pick(self.codes, i)
        chosen = box.value
        action = (lambda: box.unselect(code).run()) if code in chosen else \
            (lambda: box.select(code).run())
        self.run(action, touched=("setting", "force"))

    @rule()
    def toggle_vetoes(self):
        box = widget(self.at, "checkbox", "vetoes|")
        if not box.disabled:
            self.run(lambda: box.set_value(not box.value).run(), touched=("setting", "vetoes"))

    @rule(apply=st.booleans(), least=st.booleans())
    def optimize(self, apply, least):
        self.run(lambda: self.at.checkbox(key="least_change").set_value(least).run(), writes=0)
        self.run(lambda: self.button("Optimize").click().run(), writes=0)
        label = "Apply" if apply and self.button("Apply") else (
            "Discard" if self.button("Discard") else "Dismiss")
        if self.button(label):
            self.run(lambda: self.button(label).click().run(), touched="all")

    @rule()
    def undo(self):
        if self.button("Undo"):
            self.run(lambda: self.button("Undo").click().run(), touched="all")

    @rule()
    def redo(self):
        if self.button("Redo"):
            self.run(lambda: self.button("Redo").click().run(), touched="all")

    @precondition(lambda self: self.exported is not None)
    @rule()
    def import_an_earlier_export(self):
        box = widget(self.at, "file_uploader", "upload|")
        data = self.exported
        self.run(lambda: box.set_value(("earlier.geojson", data, "application/json")).run(),
                 touched="all")
        if not self.app.error and not self.app.conflict:  # applied and shown at once
            assert any("Imported earlier.geojson" in i.value for i in self.at.info)

    @rule(sectors=st.integers(1, 4), confirm=st.booleans())
    def recut_phase(self, sectors, confirm):
        if not widgets(self.at, "number_input", "count|"):  # a steady state: nothing to cut
            assert any("opens no new ground to the force" in c.value for c in self.at.caption)
            return
        count = widget(self.at, "number_input", "count|")
        self.run(lambda: count.set_value(sectors).run(), writes=0)
        self.run(lambda: self.button("Re-cut this phase's sectors").click().run(), writes=0)
        self.run(lambda: self.button("Re-cut" if confirm else "Cancel").click().run(),
                 touched="all", writes=1 if confirm else 0)

    # --- sessions ---------------------------------------------------------------------
    @rule()
    def reload(self):
        before = self.latest()
        self.at = open_app()
        assert self.latest() == before
        self.refused = {}

    @rule(i=st.integers(0, 999))
    def bob_changes_a_lead(self, i):
        self.bob = open_app()
        self.bob.text_input(key="author").input("bob").run()
        box = widgets(self.bob, "selectbox", "lead|")
        if box and not box[0].disabled:
            box[0].select(self.pick(box[0].options, i)).run()
            assert not self.bob.exception

    @precondition(lambda self: self.app.conflict is not None)
    @rule(mine=st.lists(st.booleans(), min_size=8, max_size=8))
    def resolve(self, mine):
        for k, radio in enumerate(widgets(self.at, "radio", "conflict|")):
            radio.set_value(radio.options[0 if mine[k % 8] else 1])
        self.run(lambda: self.button("Apply my choices").click().run(), touched="all")
        self.refused = {}

    # --- invariants -------------------------------------------------------------------
    @invariant()
    def page_shows_the_saved_plan(self):
        if not hasattr(self, "at"):
            return
        app = self.app
        saved = self.store.revision(app.name, app.revision).working(self.scenario)
        assert saved == app.work
        view = page_view(self.at, self.scenario)
        assert hard_count(self.at) == view.report.totals()["hard"]
        lead = widgets(self.at, "selectbox", "lead|")
        if lead:
            phase, sector = app.phase, lead[0].key.split("|")[2]
            a = app.plan.get(phase, sector)
            assert lead[0].value == (a.lead or "(none)")
            for box in widgets(self.at, "number_input", "troops|"):
                assert box.value == a.troops.get(box.key.split("|")[3], 0)


# No shrinking: each step drives the real page, so shrinking a failure would take many
# minutes; the failing sequence is printed as found (every step is short and named).
SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
                    suppress_health_check=list(HealthCheck), derandomize=True,
                    phases=[Phase.explicit, Phase.reuse, Phase.generate])


def machine(scenario, folder):
    return type("PageOn" + scenario.name.split()[0], (Page,),
                {"scenario": scenario, "scenario_dir": folder})


@pytest.mark.slow
def test_page_as_a_state_machine_on_the_mini_scenario(mini_shared):
    run_state_machine_as_test(machine(mini_shared, mini_shared.root), settings=SETTINGS)


@pytest.mark.slow
def test_page_as_a_state_machine_on_the_bundled_scenario(gaza):
    run_state_machine_as_test(machine(gaza, gaza.root), settings=SETTINGS)
