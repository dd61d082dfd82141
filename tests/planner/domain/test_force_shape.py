"""The force's real shape: handover to an authority, two withdrawing parties, named lines,
steady-state phases and fragments, on a disengagement of two armies (tests/factory.py)."""
import geopandas as gpd
import pytest
import shapely
from factory import X0, disengagement, frame, rect, write_scenario
from shapely.geometry import LineString

from geo.errors import InputError
from planner.domain.sectors import sector_table
from planner.files.planfile import plan_csv, read_plan
from planner.files.scenario_file import load_scenario
from planner.rules.check import check
from planner.solver.optimize import solve


@pytest.fixture(scope="module")
def strip(tmp_path_factory):
    return load_scenario(disengagement(tmp_path_factory.mktemp("dis")))


def _x_range(geom):
    minx, _, maxx, _ = geom.bounds
    return minx - X0, maxx - X0


def test_sectors_follow_the_named_line_and_never_straddle_a_handover(strip):
    sectors = strip.layers.sectors
    for geom in sectors[sectors["phase"] == 1].geometry:
        west, east = _x_range(geom)
        # Line A at x = 6 km and the handover strip's edge at x = 5 km cut the zone
        assert east <= 5000.01 or west >= 4999.99
        assert east <= 6000.01 or west >= 5999.99


def test_handed_over_sector_leaves_the_force_in_its_phase(strip):
    table = sector_table(strip)
    handed = [s for s, i in table.info.items() if i.handed_over is not None]
    assert len(handed) == 1
    info = table.info[handed[0]]
    assert (info.handed_over, info.authority) == (3, "Civil Administration")
    assert _x_range(strip.layers.sectors.set_index("sector_id").geometry[handed[0]]) \
        == pytest.approx((4000, 5000))
    assert handed[0] in table.open_in(2) and handed[0] not in table.open_in(3)
    assert (3, handed[0]) not in table.keys and (2, handed[0]) in table.keys
    assert "handed over to Civil Administration in phase 3" in table.when_open(handed[0])


def test_who_holds_what_at_each_phase(strip):
    rows = strip.zones.holdings(3).set_index("holder")
    assert dict(rows["kind"]) == {"West": "party", "East": "party", "force": "force",
                                  "Civil Administration": "authority"}
    assert dict(rows["km2"].round(3)) == {"West": 8.0, "East": 8.0, "force": 28.0,
                                          "Civil Administration": 4.0}
    # in phase 1 the strip is still the force's: no authority holds anything
    assert set(strip.zones.holdings(1)["holder"]) == {"West", "East", "force"}
    total = strip.zones.holdings_frame.groupby("phase")["km2"].sum()
    assert total.round(3).tolist() == [48.0, 48.0, 48.0]  # every km² has one holder


def test_contact_names_the_party_and_lines_name_their_sectors(strip):
    table = sector_table(strip)
    vi = strip.mandates["chapter-vi"]
    by_x = {s: _x_range(g) for s, g in zip(strip.layers.sectors["sector_id"],
                                          strip.layers.sectors.geometry)}
    for s in table.open_in(1):
        tags = table.tags(1, s)
        west, east = by_x[s]
        assert ("contact:West" in tags) == (west == pytest.approx(4000))
        assert ("contact:East" in tags) == (east == pytest.approx(8000))
        assert ("line:Line A" in tags) == (west == pytest.approx(6000)
                                           or east == pytest.approx(6000))
        # the mandate asks separation along East's line only, humanitarian help along Line A
        needs = table.requirement(1, s, vi).tasks
        assert ("separation" in needs) == ("contact:East" in tags)
        assert ("humanitarian" in needs) == ("line:Line A" in tags)
    # phase 2 moves the contact line: East's ground is now at x = 10 km
    east_side = [s for s in table.open_in(2) if "contact:East" in table.tags(2, s)]
    assert [by_x[s][1] for s in east_side] == [pytest.approx(10000)]


def test_a_steady_state_phase_opens_nothing_and_says_so(strip):
    assert not (strip.layers.sectors["phase"] == 3).any()
    notes = [w.message for w in strip.layers.warnings]
    assert any("phase 3 opens no new ground to the force: a steady state" in n for n in notes)


def test_ground_to_open_with_no_sectors_asked_is_an_error_naming_the_phase(tmp_path):
    folder = disengagement(tmp_path / "s", sectoring={"counts": {1: 4, 2: 0, 3: 0}})
    with pytest.raises(InputError) as err:
        load_scenario(folder)
    assert "phase 2: the force takes on" in str(err.value)
    assert "sectoring.counts" in str(err.value)


def test_the_optimizer_staffs_only_what_the_force_holds_and_the_checker_agrees(strip, tmp_path):
    table = sector_table(strip)
    result = solve(strip, "chapter-vi", table=table, time_limit_s=10, seed=0)
    assert {k for k, a in result.plan.assignments.items() if a.lead} == set(table.keys)
    assert check(result.plan, strip, "chapter-vi").hard == []
    # a plan file that still garrisons the handed-over sector in phase 3 is refused, saying why
    handed = next(s for s, i in table.info.items() if i.handed_over)
    text = plan_csv(result.plan, table).splitlines()
    row = next(r for r in text if r.startswith(f"2,{handed},"))
    text.append("3" + row[1:])
    path = tmp_path / "stale.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_plan(path, table, [c.code for c in strip.contingents])
    assert f"sector {handed} is not open in this phase" in str(err.value)
    assert "handed over to Civil Administration in phase 3" in str(err.value)


def test_a_detached_fragment_joins_the_nearest_sector_and_is_reported(tmp_path):
    # a speck of 40 x 40 m of vacated ground cut off by the held area
    held = frame({"phase": [1, 2], "label": ["one", "two"]},
                 [shapely.difference(rect(0, 0, 8000, 2000), rect(100, 1900, 140, 1940)),
                  rect(0, 0, 8000, 1000)])
    folder = write_scenario(tmp_path / "s", layers={"held": held, "sectors": None},
                            doc=_mini_counts({1: 2, 2: 2}))
    scenario = load_scenario(folder)
    one = scenario.layers.sectors[scenario.layers.sectors["phase"] == 1]
    assert len(one) == 2  # no sector of its own for the speck
    notes = [w.message for w in scenario.layers.warnings if "fragment" in w.message]
    assert len(notes) == 1 and "1,600 m²" in notes[0] and "joined sector P1-S" in notes[0]


def test_a_sector_layer_straddling_a_handover_is_warned_by_name(tmp_path):
    handover = frame({"phase": [2], "authority": ["Police"]}, [rect(0, 2000, 3000, 4000)])
    folder = write_scenario(tmp_path / "s", layers={"handover": handover},
                            doc=_mini_layers("handover"))
    scenario = load_scenario(folder)
    found = [w for w in scenario.layers.warnings if "straddles" in w.message]
    assert [w.feature_id for w in found] == ["P1-S01"]
    assert "75% of it is handed over" in found[0].message
    assert sector_table(scenario).info["P1-S01"].handed_over == 2


def test_a_handover_without_an_authority_names_file_feature_and_field(tmp_path):
    handover = frame({"phase": [2], "authority": [""]}, [rect(0, 2000, 3000, 4000)])
    folder = write_scenario(tmp_path / "s", layers={"handover": handover},
                            doc=_mini_layers("handover"))
    with pytest.raises(InputError) as err:
        load_scenario(folder)
    text = str(err.value)
    assert "handover.geojson" in text and "field 'authority'" in text and "feature 0" in text


def test_handover_messages_say_a_value_is_missing_and_name_features_by_name_only(tmp_path):
    handover = frame({"phase": [2, None, 2], "authority": [None, "Police", None],
                      "name": ["north strip", None, None]},
                     [rect(0, 2000, 3000, 4000), rect(0, 0, 1000, 1000),
                      rect(1000, 0, 2000, 1000)])
    folder = write_scenario(tmp_path / "s", layers={"handover": handover},
                            doc=_mini_layers("handover"))
    with pytest.raises(InputError) as err:
        load_scenario(folder)
    lines = {f"{p.feature}/{p.field}": str(p) for p in err.value.problems}
    assert "nan" not in str(err.value)
    assert lines["0/authority"].endswith(
        "feature 0 (id 'north strip'): field 'authority': value missing: must name the "
        "authority that takes the ground over")
    assert "feature 2: field 'authority': value missing" in lines["2/authority"]
    assert "feature 1: field 'phase': value missing: unknown phase" in lines["1/phase"]
    assert "Police" not in str(err.value)  # the authority names no feature


def test_barriers_cut_cells_through_and_a_dangling_line_does_not_separate():
    from geo.sectors import make_cells, partition_zone
    zone = rect(0, 0, 4000, 2000)
    through = LineString([(X0 + 1000, 3_500_000 - 10), (X0 + 1000, 3_502_010)])
    cut = partition_zone(zone, 2, balance="area", barriers=through)
    assert sorted(round(g.area / 1e6, 3) for g in cut.geometry) == [2.0, 6.0]
    dangling = LineString([(X0 + 2000, 3_500_000 - 10), (X0 + 2000, 3_501_000)])
    free = partition_zone(zone, 2, balance="area", barriers=dangling)
    assert sorted(round(g.area / 1e6, 1) for g in free.geometry) == [4.0, 4.0]
    cells = make_cells(zone, 2, balance="area", barriers=through)
    inside = shapely.intersection(through, shapely.buffer(cells.geoms, -0.01))
    assert shapely.length(inside).max() < 0.01  # no cell crosses a line


def test_a_line_a_hair_off_the_zones_edge_makes_no_slivers_and_still_cuts_where_it_turns():
    # The Blue Line is also the territory's edge, and the zone's edge may lack one of its
    # vertices (here 1 mm off): the line must not cut the cells into slivers and fragments.
    from geo.sectors import partition_zone
    y0 = 3_500_000
    zone = shapely.Polygon([(X0, y0), (X0 + 4000, y0 + 1000), (X0 + 4000, y0 + 3000),
                            (X0, y0 + 2000)])
    along = [(X0 - 400, y0 - 100), (X0 + 700, y0 + 175.001), (X0 + 1300, y0 + 325.001)]
    free = partition_zone(zone, 4, balance="area")
    edge = partition_zone(zone, 4, balance="area",
                          barriers=LineString(along + [(X0 + 4400, y0 + 1100)]))
    assert edge.attrs["fragments"] == []
    moved = shapely.area(shapely.symmetric_difference(free.geometry.values,
                                                      edge.geometry.values))
    assert moved.max() < 1e-6
    # A handover boundary that runs along the edge, then turns across the zone, cuts there.
    turn = shapely.MultiLineString([along, [along[-1], (X0 + 1300, y0 + 3000)]])
    cut = partition_zone(zone, 2, balance="area", barriers=turn)
    assert cut.attrs["fragments"] == []
    assert sorted(round(g.area / 1e6, 2) for g in cut.geometry) == [2.6, 5.4]


def test_a_line_stopping_a_rounding_error_short_of_the_edge_still_cuts_every_cell():
    from geo.sectors import make_cells
    y0 = 3_500_000
    zone = shapely.box(X0, y0, X0 + 4000, y0 + 2000)
    short = LineString([(X0 + 1000.3, y0 + 1e-9), (X0 + 1000.3, y0 + 2000 - 1e-9)])
    cells = make_cells(zone, 2, balance="area", barriers=short)
    inside = shapely.intersection(short, shapely.buffer(cells.geoms, -0.01))
    assert shapely.length(inside).max() < 0.01  # no cell crosses the line


def test_cells_a_rounding_error_apart_along_a_barrier_are_not_neighbours():
    import numpy as np

    from geo.sectors import across_barriers
    left, right = shapely.box(0, 0, 100, 100), shapely.box(100 + 1e-7, 0, 200, 100)
    line = LineString([(100 + 1e-7, -10), (100 + 1e-7, 110)])
    pair = np.array([[0, 1]])
    assert across_barriers(np.array([left, right], dtype=object), pair, line).tolist() == [True]


def _mini_counts(counts):
    from factory import MINI_YAML
    layers = {n: f"{n}.geojson" for n in MINI_YAML["layers"] if n != "sectors"}
    return {**MINI_YAML, "layers": layers, "sectoring": {"counts": counts}}


def _mini_layers(*extra):
    from factory import MINI_YAML
    return {**MINI_YAML, "layers": {**MINI_YAML["layers"],
                                    **{n: f"{n}.geojson" for n in extra}}}


# --- random disengagements (Hypothesis) ----------------------------------------------------
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TRIGGERS = ["all", "contact_line", "contact:West", "contact:East", "line:Line A", "crossing"]
TASK_NAMES = ["monitoring", "separation", "humanitarian"]


@st.composite
def disengagements(draw):
    """A disengagement with one or two parties, an optional line (through the area of
    separation, or ending inside it), an optional handover in phase 2 or 3 of one of three
    strips, random mandate tasks on party, line and contact tags, and 2 to 4 contingents."""
    parties = draw(st.sampled_from([("West",), ("West", "East")]))
    line = draw(st.sampled_from([None, ("through", 6000), ("through", 7000),
                                 ("dangling", 5500)]))
    handover = draw(st.sampled_from([None, (2, 4000, 5000), (3, 4000, 5000),
                                     (3, 2000, 4000), (2, 5000, 8000)]))
    tasks = {t: sorted(draw(st.sets(st.sampled_from(TASK_NAMES), min_size=1)))
             for t in draw(st.sets(st.sampled_from(TRIGGERS), min_size=1))}
    tasks.setdefault("all", ["monitoring"])
    contingents = [{"code": code, "troops": draw(st.sampled_from([100, 200, 400])),
                    "tasks": sorted(draw(st.sets(st.sampled_from(TASK_NAMES), min_size=1))
                                    | {"monitoring"}),
                    "mandates": ["chapter-vi"],
                    "role": draw(st.sampled_from(["ground", "ground", "observers",
                                                  "logistics", "staff"]))}
                   for code in ["AAA", "BBB", "CCC", "DDD"][:draw(st.integers(2, 4))]]
    counts = {1: draw(st.integers(4, 6)), 2: draw(st.integers(2, 3)), 3: 0}
    share = draw(st.sampled_from([0.6, 1.0]))
    observers = draw(st.sampled_from([None, 10]))
    return parties, line, handover, tasks, contingents, counts, share, observers


def _random_disengagement(folder, case):
    parties, line, handover, tasks, contingents, counts, share, observers = case
    strip = lambda x1, x2: rect(x1, 0, x2, 4000)
    rows, geoms = [], []
    for phase, (west, east) in {1: (4000, 8000), 2: (2000, 10000), 3: (2000, 10000)}.items():
        rows.append((phase, "West"))
        geoms.append(strip(0, west))
        if "East" in parties:
            rows.append((phase, "East"))
            geoms.append(strip(east, 12000))
    layers = {"held": frame({"phase": [r[0] for r in rows], "party": [r[1] for r in rows]},
                            geoms)}
    if line is None:
        layers["lines"] = None
    else:
        kind, x = line
        top = 4500 if kind == "through" else 2500
        layers["lines"] = frame({"name": ["Line A"]},
                                [LineString([(X0 + x, 3_500_000 - 500), (X0 + x, 3_500_000 + top)])])
    if handover is None:
        layers["handover"] = None
    else:
        q, x1, x2 = handover
        layers["handover"] = frame({"phase": [q], "authority": ["Police"]}, [strip(x1, x2)])
    rules = [{"id": "R-LEAD", "kind": "one_lead_per_sector"},
             {"id": "R-TROOPS", "kind": "troops_required"},
             {"id": "R-CAP", "kind": "capacity"},
             {"id": "R-TASKS", "kind": "tasks_required", "params": {"min_share": 0.25}},
             {"id": "R-SHARE", "kind": "max_share", "params": {"max_share": share}},
             {"id": "R-CONT", "kind": "continuity", "severity": "soft", "weight": 5}]
    folder = disengagement(folder, sectoring={"counts": counts, "seed": 0},
                           contingents=contingents, rules=rules,
                           mandates={"chapter-vi": {"label": "VI", "troops_per_1000": 3,
                                                    "troops_min": 20, "tasks": tasks,
                                                    **({"observer_troops": observers}
                                                       if observers else {})}})
    from geo.export import write_geojson
    for name, layer in layers.items():  # the case's own held, line and handover layers
        path = folder / f"{name}.geojson"
        if layer is None:
            path.unlink(missing_ok=True)
        else:
            write_geojson(layer, path)
    import yaml
    doc = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    doc["layers"] = {n: f for n, f in doc["layers"].items() if (folder / f).exists()}
    (folder / "scenario.yaml").write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return folder


@settings(max_examples=int(os.environ.get("PLANNER_SHAPE_EXAMPLES", "12")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(case=disengagements())
def test_random_disengagements_hold_together_and_the_solver_agrees_with_the_checker(
        tmp_path_factory, case):
    scenario = load_scenario(_random_disengagement(tmp_path_factory.mktemp("case"), case))
    zones, table = scenario.zones, sector_table(scenario)
    # every km² has exactly one holder at every phase
    total = zones.holdings_frame.groupby("phase")["km2"].sum()
    assert total.round(2).tolist() == [48.0, 48.0, 48.0]
    # no sector straddles a later handover or a line that cuts through
    _, line, handover, *_ = case
    for sid, phase, geom in zip(scenario.layers.sectors["sector_id"],
                                scenario.layers.sectors["phase"], scenario.layers.sectors.geometry):
        west, east = _x_range(geom)
        if line is not None and line[0] == "through":
            assert east <= line[1] + 0.01 or west >= line[1] - 0.01
        if handover is not None and handover[0] > phase:
            inside = shapely.intersection(geom, rect(0, 0, 12000, 4000).intersection(
                rect(handover[1], 0, handover[2], 4000))).area / geom.area
            assert inside < 1e-6 or inside > 1 - 1e-6
            assert (table.info[sid].handed_over == handover[0]) == (inside > 0.5)
    result = solve(scenario, "chapter-vi", table=table, time_limit_s=5, seed=0)
    assert result.status in ("OPTIMAL", "FEASIBLE", "INFEASIBLE")
    if result.plan is None:
        assert result.explanation is not None and result.explanation.reasons
        return
    assert set(result.plan.assignments) <= set(table.keys)
    report = check(result.plan, scenario, "chapter-vi", table=table)
    assert report.hard == []
    weights = {r.id: r.weight for r in scenario.rules}
    assert result.penalties["soft penalty"] == sum(weights[v.rule_id] for v in report.soft)
    # units that hold no ground are in no sector, and count in the force all the same
    idle = {c.code: c.troops // scenario.unit_of(c.code) * scenario.unit_of(c.code)
            for c in scenario.contingents if c.role in ("logistics", "staff")}
    assert not any(set(idle) & a.nations for a in result.plan)
    assert result.penalties["troops deployed"] == sum(a.total for a in result.plan) \
        + len(scenario.phases) * sum(idle.values())
    observers = {c.code for c in scenario.contingents if c.role == "observers"}
    for a in result.plan:  # observers only where monitoring is all a sector asks
        if observers & a.nations:
            need = table.requirement(a.phase, a.sector_id, scenario.mandates["chapter-vi"])
            assert need.tasks <= {"monitoring"}


def test_planner_sectors_cuts_a_disengagement_and_says_what_it_did(tmp_path, capsys):
    from planner.cli.main import main
    folder = disengagement(tmp_path / "s")
    out = tmp_path / "sectors.geojson"
    assert main(["sectors", str(folder), "--all-phases", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "note: phase 3 opens no new ground to the force: a steady state" in captured.err
    assert "phase 1: 4 sectors" in captured.out and "phase 3" not in captured.out
    written = gpd.read_file(out)
    assert sorted(written["phase"].unique().tolist()) == [1, 2]
    assert written.set_index("sector_id")["authority"].dropna().tolist() == ["Civil Administration"]


def test_handovers_of_one_ground_to_two_authorities_are_refused(tmp_path):
    handover = frame({"phase": [3, 3], "authority": ["Civil Administration", "Police"]},
                     [rect(4000, 0, 5000, 4000), rect(4500, 0, 5500, 4000)])
    folder = disengagement(tmp_path / "s")
    from geo.export import write_geojson
    write_geojson(handover, folder / "handover.geojson")
    with pytest.raises(InputError) as err:
        load_scenario(folder)
    assert "feature 0 (id 'Civil Administration'): field 'geometry': overlaps feature 1 " \
           "(authority 'Police') by 2.000 km²" in str(err.value)


def test_a_handover_of_ground_never_vacated_is_warned(tmp_path):
    handover = frame({"phase": [3, 2], "authority": ["Civil Administration", "Police"]},
                     [rect(4000, 0, 5000, 4000), rect(0, 0, 1000, 4000)])  # West never leaves
    folder = disengagement(tmp_path / "s")
    from geo.export import write_geojson
    write_geojson(handover, folder / "handover.geojson")
    scenario = load_scenario(folder)
    found = [w for w in scenario.layers.warnings if "never takes effect" in w.message]
    assert [(w.feature, w.feature_id) for w in found] == [(1, "Police")]
    assert "none of its 4.000 km² is vacated by the last phase" in found[0].message


def test_a_misspelt_party_in_a_tag_is_warned_with_the_name_meant(tmp_path):
    folder = disengagement(tmp_path / "s", mandates={"chapter-vi": {
        "label": "VI", "troops_per_1000": 3, "troops_min": 20,
        "tasks": {"all": ["monitoring"], "contact:east": ["separation"]}}})
    scenario = load_scenario(folder)
    found = [w.message for w in scenario.layers.warnings if "contact:east" in str(w)]
    assert len(found) == 1
    assert "(there are: East, West; did you mean contact:East?); the tag matches no sector" \
        in found[0]
