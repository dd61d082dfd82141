"""Coalition what-if sweeps: which coalitions can staff a mandate, who is critical, what a
veto costs.

A sweep is a list of cases (:mod:`planner.sweep.cases`: coalition x mandate x veto setting x
troop scale). Each is decided by the exact pre-checks and then by CP-SAT
(:mod:`planner.sweep.decide`) on a compact copy of the scenario without geometry
(:mod:`planner.sweep.problem`), in a Dask cluster or in this process
(:mod:`planner.sweep.run`). Results go to a Parquet file as cases finish
(:mod:`planner.sweep.results`), and a rerun skips the cases already there. Analyses
(:mod:`planner.sweep.analysis`) and charts (:mod:`planner.sweep.charts`) read a results file.
"""
