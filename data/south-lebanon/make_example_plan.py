"""Write example-plan.geojson: a hand-made plan that breaks several rules under Chapter VI.

Run from the repository root: ``python data/south-lebanon/make_example_plan.py``. Each phase
lists every open sector's lead and troops by hand, in whole units of each contingent; the
deliberate mistakes are marked. ``planner check data/south-lebanon/example-plan.geojson
--scenario data/south-lebanon`` then shows the checker at work. ILLUSTRATIVE, as the
scenario is.
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from data.example_plans import write_example  # noqa: E402

# sector: (lead, {nation: troops}) for phase 1; later phases keep these unless changed below.
PHASE_1 = {
    "P1-S01": ("IND", {"IND": 200}),
    "P1-S02": ("FRA", {"FRA": 400, "POL": 150}),
    "P1-S03": ("ITA", {"ITA": 200}),
    "P1-S04": ("ITA", {"ITA": 200}),
    "P1-S05": ("FRA", {"FRA": 200}),
    "P1-S06": ("GHA", {"GHA": 150}),
    "P1-S07": ("ITA", {"ITA": 300, "IRL": 80}),
    "P1-S08": ("GHA", {"GHA": 200, "ESP": 100}),     # MISTAKE: Spain arrives in phase 2
}
PHASE_2 = {
    # observers join once these sectors need monitoring only (off the phase line)
    "P1-S01": ("IND", {"IND": 150, "OGL": 10}),
    "P1-S02": ("FRA", {"FRA": 400, "POL": 100, "OGL": 10}),
    "P2-S01": ("ESP", {"ESP": 200, "NPL": 50}),
    "P2-S02": ("NPL", {"NPL": 200}),
    "P2-S03": ("ESP", {"ESP": 300, "NPL": 100}),
    "P2-S04": ("ITA", {"ITA": 200, "IRL": 80}),
    "P2-S05": ("GHA", {"GHA": 100, "IDN": 50}),      # MISTAKE: Israel vetoes IDN in phase 2
}
PHASE_3 = {
    "P3-S01": ("ESP", {"ESP": 200, "IDN": 200}),
    "P3-S02": ("IND", {"IND": 400}),
    "P3-S03": ("IDN", {"IDN": 400}),
    "P3-S04": ("ESP", {"ESP": 200, "KOR": 200}),     # MISTAKE: Spain may not lead in Sector West
    "P3-S05": ("ITA", {"ITA": 400}),
    "P3-S06": ("KOR", {"KOR": 150, "MYS": 150}),     # MISTAKE: 300 where the Blue Line needs 400
}
CHANGES_IN_PHASE_3 = {
    "P1-S02": ("FRA", {"FRA": 400, "POL": 100, "OGL": 10}),  # MISTAKE: Poland left after phase 2
    "P1-S07": ("IRL", {"IRL": 80, "ITA": 300}),      # soft: Italy hands P1-S07 to Ireland
}


def main():
    # From phase 2 the Lebanese Armed Forces hold the Tyre sectors (P1-S03 to P1-S06): they
    # leave the plan.
    write_example(HERE, {1: PHASE_1, 2: PHASE_2, 3: PHASE_3 | CHANGES_IN_PHASE_3})


if __name__ == "__main__":
    main()
