"""The sector table: per-phase facts (contact line, crossings) and what sectors need."""
from planner.domain.sectors import sector_table


def test_layer_contact_and_crossing_columns_are_the_tables_facts_in_the_opening_phase(mini):
    table = sector_table(mini)
    for row in mini.layers.sectors.itertuples():
        key = (row.phase, row.sector_id)
        assert row.contact_line == table.contact[key]
        assert row.crossings == table.crossings.get(key, "")
    # the gate is nearest P1-S02 while P2-S02 is not open, then inside P2-S02
    assert table.crossings == {(1, "P1-S02"): "Gate", (2, "P2-S02"): "Gate"}


def test_a_sector_leaves_the_contact_line_and_its_separation_task_when_the_line_moves(mini):
    table = sector_table(mini)
    vi = mini.mandates["chapter-vi"]
    assert table.contact[1, "P1-S01"] and not table.contact[2, "P1-S01"]
    assert "separation" in table.requirement(1, "P1-S01", vi).tasks
    assert "separation" not in table.requirement(2, "P1-S01", vi).tasks
    assert table.requirement(1, "P1-S01", vi) == table.requirements(vi)[1, "P1-S01"]
