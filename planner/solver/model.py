"""The CP-SAT model every rule kind encodes itself into.

Variables, for each open (phase, sector) and each contingent in play: ``lead`` (bool),
``units`` (troops in whole units of that contingent's own unit, :meth:`Model.unit_of`) and
``present`` (units > 0). Expressions rules read (:meth:`Model.total`,
:meth:`Model.phase_troops`, :meth:`Model.phase_total`) are in troops.
Each hard rule's conditions are guarded by an assumption literal per rule and phase: held
true while solving (presolve folds them away) and set free to explain infeasibility, when
CP-SAT names a minimal set of them; one model serves both. Soft rules pay their weight for
each violated condition.
"""
from __future__ import annotations

from functools import cached_property

from ortools.sat.python import cp_model

from planner.rules.context import units_of
from planner.rules.force import off_ground

SOFT_SCALE = 10  # soft weights are kept to one decimal place


class Model:
    """A CP-SAT model of a :class:`planner.solver.problem.PlanProblem` (see the module
    docstring); a :class:`planner.rules.context.RuleContext`.

    ``explain`` puts hard rules under guards (:meth:`guard`); without it (best effort) they
    are plain constraints, or slack when the problem is best-effort.
    """

    def __init__(self, problem, *, explain: bool = False):
        self.cp = cp_model.CpModel()
        self.table, self.mandate, self.contingents = problem.table, problem.mandate, \
            problem.contingents
        self.vetoes, self.unit, self.best_effort = problem.vetoes, problem.unit, \
            problem.best_effort
        self.explain = explain
        self.phases, self.keys = problem.phases, problem.keys
        self.key_set = set(self.keys)
        self.nations = sorted(problem.contingents)
        self.pins = dict(problem.pins)
        self.context = problem.context
        self.requirements = problem.requirements
        self.rules = tuple(problem.rules)  # bound: what explanations read
        self.guards: dict[str, cp_model.IntVar] = {}
        self.guard_rules: dict[str, tuple] = {}
        self.soft_terms: list = []      # (scaled weight, expression)
        self.hard_slack: list = []      # best-effort: broken hard conditions
        self.shortfalls: dict = {}
        self.hinters: list = []         # plan -> [(auxiliary variable, value)], see hint()
        self._build_variables()

    def unit_of(self, code: str) -> int:
        """Troops in one unit of contingent ``code``."""
        return units_of(self, code)

    @cached_property
    def _need_bound(self) -> int:
        """Troops no sector ever needs more of from one nation: the largest phase's whole
        requirement, or the largest pin, plus room to even out shares. Domains must not
        encode capacity (a rule): a plan that keeps every other rule must fit them, or an
        explanation would blame the wrong rules. Shares in whole units of different sizes may
        need more than the requirement (20 and 30 troops even out only at 60 each): one block
        of the units' least common multiple per nation is room enough."""
        import math
        per_phase = {}
        for (p, _), req in self.requirements.items():
            per_phase[p] = per_phase.get(p, 0) + req.troops
        pinned = [t for pin in self.pins.values() for t in (pin.troops or {}).values()]
        units = [self.unit_of(n) for n in self.nations] or [1]
        block = min(math.lcm(*units), 10 * max(units))
        return max([1, *per_phase.values(), *pinned]) + block * len(units)

    def unit_bound(self, n) -> int:
        """Upper bound of one nation's units in one sector."""
        unit = self.unit_of(n)
        return max(self.contingents[n].troops // unit, -(-self._need_bound // unit))

    @cached_property
    def max_troops(self) -> int:
        """Upper bound of the troops in one sector."""
        return sum(self.unit_bound(n) * self.unit_of(n) for n in self.nations)

    def _build_variables(self):
        self.lead, self.units, self.present = {}, {}, {}
        for p, s in self.keys:
            for n in self.nations:
                cap = self.unit_bound(n)
                lead = self.cp.NewBoolVar(f"lead|{p}|{s}|{n}")
                units = self.cp.NewIntVar(0, cap, f"units|{p}|{s}|{n}")
                present = self.cp.NewBoolVar(f"present|{p}|{s}|{n}")
                self.cp.Add(units >= 1).OnlyEnforceIf(present)
                self.cp.Add(units == 0).OnlyEnforceIf(present.Not())
                self.lead[p, s, n], self.units[p, s, n], self.present[p, s, n] = lead, units, present

    # --- expressions rules read -------------------------------------------------------------
    def open_in(self, phase: int) -> list[str]:
        return self.table.open_in(phase)

    def _defined(self, key, lo, hi, expr, name):
        """An IntVar equal to ``expr``, made once: a sum reused by many constraints is
        stated once instead of being repeated in each of them."""
        if key not in self._cache:
            v = self.cp.NewIntVar(lo, hi, name)
            self.cp.Add(v == expr)
            self._cache[key] = v
        return self._cache[key]

    def troops(self, p, s, n):
        """Troops of one nation in a sector (an expression)."""
        return self.unit_of(n) * self.units[p, s, n]

    def total(self, p, s):
        """Troops in a sector."""
        return self._defined(("total", p, s), 0, self.max_troops,
                             sum(self.troops(p, s, n) for n in self.nations), f"total|{p}|{s}")

    def phase_units(self, p, n):
        """Troop units of one nation over a phase."""
        open_ = self.open_in(p)
        return self._defined(("phase", p, n), 0, self.unit_bound(n) * len(open_),
                             sum(self.units[p, s, n] for s in open_), f"phase|{p}|{n}")

    def off_ground(self, p) -> dict[str, int]:
        """Troops of the units that hold no ground in the force in phase ``p``: constants
        (:func:`planner.rules.force.off_ground`, what the checker counts)."""
        key = ("off_ground", p)
        if key not in self._cache:
            self._cache[key] = off_ground(self, p)
        return self._cache[key]

    def phase_troops(self, p, n):
        """Troops of one nation in the force over a phase (an expression): in sectors, plus
        its units that hold no ground (:meth:`off_ground`), as the checker's
        :func:`planner.rules.force.nation_troops` counts them."""
        return self.unit_of(n) * self.phase_units(p, n) + self.off_ground(p).get(n, 0)

    def phase_total(self, p):
        """Troops of the whole force in a phase."""
        hi = self.max_troops * len(self.open_in(p)) + sum(self.off_ground(p).values())
        return self._defined(("phase_total", p), 0, hi,
                             sum(self.phase_troops(p, n) for n in self.nations), f"force|{p}")

    def deployed(self, p, s, n):
        """A bool that is true when ``n`` leads or has troops in the sector."""
        key = ("deployed", p, s, n)
        if key not in self._cache:
            d = self.cp.NewBoolVar(f"deployed|{p}|{s}|{n}")
            self.cp.AddMaxEquality(d, [self.lead[p, s, n], self.present[p, s, n]])
            self._cache[key] = d
        return self._cache[key]

    @cached_property
    def _cache(self) -> dict:
        return {}

    def lead_index(self, p, s):
        """An int equal to 1 + the index of the sector's lead nation (0 when it has none)."""
        key = ("lead_index", p, s)
        if key not in self._cache:
            v = self.cp.NewIntVar(0, len(self.nations), f"leadix|{p}|{s}")
            self.cp.Add(v == sum((i + 1) * self.lead[p, s, n] for i, n in enumerate(self.nations)))
            self._cache[key] = v
        return self._cache[key]

    def shortfall(self, p, s):
        """Best effort: troops a sector may lack (paid for below hard rules); else 0."""
        if not self.best_effort:
            return 0
        if (p, s) not in self.shortfalls:
            need = self.requirements[p, s].troops
            self.shortfalls[p, s] = self.cp.NewIntVar(0, need, f"short|{p}|{s}")
        return self.shortfalls[p, s]

    # --- how rules constrain ----------------------------------------------------------------
    def guard(self, rule, phase=None):
        """The assumption literal of a hard rule (one per rule and phase, when phase-bound)."""
        name = rule.id if phase is None else f"{rule.id}@{phase}"
        if name not in self.guards:
            self.guards[name] = self.cp.NewBoolVar(f"guard|{name}")
            self.guard_rules[name] = (rule, phase)
        return self.guards[name]

    def relax(self, rule, phase=None) -> list:
        """Enforcement literals for one condition of ``rule``.

        Hard: the rule's guard (see :meth:`hold_guards`), or none without ``explain``.
        Soft, or hard in best-effort mode: a fresh slack literal whose truth costs the
        rule's weight.
        """
        if rule.hard and not self.best_effort:
            return [self.guard(rule, phase)] if self.explain else []
        broken = self.cp.NewBoolVar(f"broken|{rule.id}")
        if rule.hard:
            self.hard_slack.append(broken)
        else:
            self.penalize(rule, broken)
        return [broken.Not()]

    def enforce(self, rule, condition, phase=None) -> None:
        """Add ``condition`` (a linear constraint) for ``rule``, relaxed as :meth:`relax` says."""
        self.cp.Add(condition).OnlyEnforceIf(self.relax(rule, phase))

    def penalize(self, rule, expr) -> None:
        """Add ``rule.weight * expr`` to the soft penalty."""
        self.soft_terms.append((int(round(rule.weight * SOFT_SCALE)), expr))

    def forbid(self, rule, p, s, n) -> None:
        """``n`` neither leads nor deploys at (p, s), under one condition of ``rule``."""
        lits = self.relax(rule, p)
        self.cp.Add(self.lead[p, s, n] == 0).OnlyEnforceIf(lits)
        self.cp.Add(self.units[p, s, n] == 0).OnlyEnforceIf(lits)

    def hold_guards(self, held: bool = True) -> None:
        """Fix every guard true (solving: hard rules hold, and presolve turns the guarded
        constraints into plain ones) or let them free (explaining: they become assumptions)."""
        for var in self.guards.values():
            domain = self.cp.Proto().variables[var.Index()].domain
            domain.clear()
            domain.extend([1 if held else 0, 1])

    def hint(self, plan) -> None:
        """Suggest ``plan`` as a starting solution (CP-SAT repairs it if it breaks rules).

        Besides the plan's own variables, each rule that registered a function in
        ``hinters`` hints the auxiliaries it added (for instance the spanning trees of
        ``contiguous_area``), values CP-SAT finds hard to rebuild on its own.
        """
        self.cp.ClearHints()
        for p, s in self.keys:
            a = plan.get(p, s)
            for n in self.nations:
                units = min(a.troops.get(n, 0) // self.unit_of(n), self.unit_bound(n))
                self.cp.AddHint(self.lead[p, s, n], int(a.lead == n))
                self.cp.AddHint(self.units[p, s, n], units)
                self.cp.AddHint(self.present[p, s, n], int(units > 0))
        for hinter in self.hinters:
            for var, value in hinter(plan):
                self.cp.AddHint(var, value)

    def hint_solution(self, values) -> None:
        """Hint every variable: ``values`` in proto index order (a solver's solution)."""
        self.cp.ClearHints()
        for index, value in enumerate(values):
            self.cp.AddHint(self.cp.get_int_var_from_proto_index(index), value)

    def complete_hint(self, solver: cp_model.CpSolver) -> bool:
        """Extend the hint to every variable, the auxiliaries rules add included.

        Solves a copy of the model (with its current objective) with the hinted variables
        fixed to their hinted values; when that copy is feasible its solution becomes the
        hint. CP-SAT then starts from a complete, feasible solution instead of having to
        rebuild the auxiliaries (areas, shares, slack) around a partial one. Returns whether
        the hint was completed; if not (the hinted plan breaks a hard rule) it is left as it
        was for CP-SAT to repair. ``solver`` sets the limits of that solve.
        """
        hint = self.cp.Proto().solution_hint
        if not hint.vars:
            return False
        fixed = self.cp.clone()
        variables = fixed.Proto().variables
        for index, value in zip(hint.vars, hint.values):
            variables[index].domain.clear()
            variables[index].domain.extend([value, value])
        if solver.Solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False
        self.hint_solution(solver.ResponseProto().solution)
        return True
