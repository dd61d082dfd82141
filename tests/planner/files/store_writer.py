"""A writer for the crash test: saves revisions of one plan in a loop and prints each
revision's number once ``save`` has returned (acknowledged). Killed with SIGKILL by the test.

Usage: python store_writer.py WORKSPACE NAME
"""
import sys

from planner.domain.plan import Assignment, Plan
from planner.files.store import PlanStore


def plan_for(n: int) -> Plan:
    """The content revision ``n`` holds: the test recomputes it to check what was kept."""
    return Plan.from_assignments([Assignment(1, f"S{i:02d}", "AAA", {"AAA": 50 * (n + i)})
                                  for i in range(20)])


if __name__ == "__main__":
    store = PlanStore(sys.argv[1])
    base = store.latest_number(sys.argv[2])
    while True:
        n = (base or 0) + 1
        base = store.save(sys.argv[2], plan_for(n), base=base, message=f"write {n}").number
        print(base, flush=True)
