"""Write example-plan.geojson: a hand-made plan that breaks several rules under Chapter VI.

Run from the repository root: ``python data/gaza-isf/make_example_plan.py``. Each phase
lists every open sector's lead and troops by hand; the deliberate mistakes are marked.
``planner check data/gaza-isf/example-plan.geojson`` then shows the checker at work.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from data.example_plans import write_example  # noqa: E402

# sector: (lead, {nation: troops}) for phase 1; later phases keep these unless changed below.
PHASE_1 = {
    "P1-S01": ("IDN", {"IDN": 200, "AZE": 100}),   # MISTAKE: AZE is available from phase 2
    "P1-S02": ("IDN", {"IDN": 300}),
    "P1-S03": ("PAK", {"PAK": 300}),
    "P1-S04": ("PAK", {"PAK": 300}),
    "P1-S05": ("EGY", {"EGY": 300}),
    "P1-S06": ("EGY", {"EGY": 300}),
    "P1-S07": ("IDN", {"IDN": 300}),
    "P1-S08": ("ITA", {"ITA": 300}),               # MISTAKE: no one there accepts separation
    "P1-S09": ("IDN", {"IDN": 300}),
    "P1-S10": ("EGY", {"EGY": 300}),
    "P1-S11": ("PAK", {"PAK": 300}),
    "P1-S12": ("TUR", {"TUR": 300}),               # MISTAKE: Israel vetoes Turkish troops
}
PHASE_2 = {
    "P2-S01": ("IDN", {"IDN": 250}),
    "P2-S02": ("PAK", {"PAK": 250}),
    "P2-S03": ("EGY", {"EGY": 250}),
    "P2-S04": ("AZE", {"AZE": 150, "ARE": 100}),   # ARE brings the humanitarian task
}
PHASE_3 = {
    "P3-S01": ("IDN", {"IDN": 250}),
    "P3-S02": ("AZE", {"AZE": 250}),
    "P3-S03": ("AZE", {"AZE": 250}),
    "P3-S04": ("PAK", {"PAK": 250}),
    "P3-S05": ("QAT", {"QAT": 150, "AZE": 100}),   # fine: AZE has 40% and brings separation
    "P3-S06": ("PAK", {"PAK": 250}),
    "P3-S07": ("ITA", {"ITA": 150, "PAK": 100}),   # MISTAKE: only IDN, EGY, PAK lead on the Egyptian border
    "P3-S08": ("EGY", {"EGY": 250}),
}
CHANGES_IN_PHASE_3 = {
    "P1-S09": ("AZE", {"AZE": 300}),               # soft: IDN hands P1-S09 to AZE
    "P2-S04": ("AZE", {"AZE": 120}),               # MISTAKE: under strength, ARE withdrawn;
    # MISTAKE: and 120 is not whole units of AZE's 50 (capacity)
}


def main():
    # Phase 4 changes nothing: the plan carries on, mistakes included, without the three
    # sectors the police take over (P1-S06, P1-S07, P1-S08).
    write_example(HERE, {1: PHASE_1, 2: PHASE_2, 3: PHASE_3 | CHANGES_IN_PHASE_3})


if __name__ == "__main__":
    main()
