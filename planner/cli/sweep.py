"""``planner sweep``: coalition what-if sweeps on Dask, and ``planner sweep report``."""
from __future__ import annotations

import argparse
import json
import math
import sys
from contextlib import ExitStack
from pathlib import Path

from geo.errors import InputError, problem
from planner.cli.common import (EXIT_BAD_INPUT, EXIT_OK, ScenarioAction, format_arg, load,
                                scenario_option, scenario_problem)

USAGE = """planner sweep [DIR] [--mandates M,...]
                     [--drop K | --subsets [--min-size N] | --coalitions FILE]
                     [--vetoes on,off,each,without:ID] [--troops 0.8,1.0]
                     [--time-limit S] [--seed N] [--scheduler ADDRESS | --workers N]
                     -o results.parquet
       planner sweep report RESULTS [--charts DIR] [--format text|json]"""

EPILOG = """Each case (coalition x mandate x veto setting x troop scale) is decided by the exact
pre-checks, then by CP-SAT on one thread with a fixed seed and a deterministic time limit:
the same answers on any number of workers. Rows are written to the results file as cases
finish; rerunning the same command skips the cases already there (an interrupted sweep
resumes). A scenario folder named 'report' must be given as ./report."""

REPORT = "report"
SWEEP_ONLY = {"mandates": None, "drop": None, "subsets": False, "min_size": 1,
              "coalitions": None, "vetoes": "on", "troops": "1", "time_limit": 10.0, "seed": 0,
              "scheduler": None, "workers": None, "output": None}


def add_parser(sub) -> None:
    p = sub.add_parser("sweep", usage=USAGE, epilog=EPILOG,
                       help="coalition what-if sweeps on Dask (and 'sweep report RESULTS')",
                       description="Which coalitions can staff each mandate, who is critical "
                                   "and what a veto costs: thousands of solves on Dask.")
    p.add_argument("scenario", nargs="?", metavar="DIR", action=ScenarioAction,
                   help="scenario folder (default: the bundled Gaza ISF scenario), or 'report'")
    p.add_argument("results", nargs="?", metavar="RESULTS", help=argparse.SUPPRESS)
    scenario_option(p)  # --scenario DIR, as every command names it
    p.add_argument("--mandates", help="mandate keys, comma-separated (default: all)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--drop", type=int, metavar="K",
                     help="the whole force and every coalition missing up to K contingents "
                          "(the default, with K=1)")
    how.add_argument("--subsets", action="store_true",
                     help="every coalition of at least --min-size contingents")
    how.add_argument("--coalitions", metavar="FILE",
                     help="coalitions from a file: one a line, codes separated by commas")
    p.add_argument("--min-size", type=int, default=1, metavar="N",
                   help="with --subsets: smallest coalition (default 1; 0 adds nobody)")
    p.add_argument("--vetoes", default="on",
                   help="veto settings, comma-separated: on, off, each (one case per veto "
                        "lifted), without:ID (default: on)")
    p.add_argument("--troops", default="1", metavar="SCALES",
                   help="troop scales, comma-separated, e.g. 0.8,1.0 (default 1)")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="S",
                   help="per case, in CP-SAT's deterministic seconds (default 10)")
    p.add_argument("--seed", type=int, default=0, help="solver seed for every case (default 0)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--scheduler", metavar="ADDRESS",
                       help="an existing Dask cluster, e.g. tcp://host:8786")
    where.add_argument("--workers", type=int, metavar="N",
                       help="local worker processes (default: one per core; 0 runs the cases "
                            "in this process, without Dask)")
    p.add_argument("-o", "--output", metavar="FILE", help="results file to write (.parquet)")
    p.add_argument("--charts", metavar="DIR",
                   help="with report: write outcomes and criticality charts (PNG and PDF)")
    format_arg(p)
    p.set_defaults(func=run, parser=p)


def run(args) -> int:
    if args.scenario == REPORT:
        return _report(args)
    if args.results is not None or args.charts is not None or args.format != "text":
        args.parser.error("RESULTS, --charts and --format go with 'planner sweep report'")
    if not args.output:
        args.parser.error("the following arguments are required: -o/--output")
    return _sweep(args)


# --- planner sweep -------------------------------------------------------------------------
def _split(text: str) -> list[str]:
    return [t.strip() for t in text.split(",") if t.strip()]


def _mandates(args, scenario) -> list[str]:
    keys = _split(args.mandates) if args.mandates else list(scenario.mandates)
    bad = [scenario_problem(scenario, "--mandates", k, "unknown mandate; mandates are "
                            + ", ".join(scenario.mandates)) for k in keys
           if k not in scenario.mandates]
    if bad or not keys:
        raise InputError(bad or scenario_problem(scenario, "--mandates", args.mandates,
                                                 "no mandate given"))
    return list(dict.fromkeys(keys))


def _scales(args, scenario) -> list[float]:
    out, bad = [], []
    for text in _split(args.troops) or [args.troops]:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if math.isfinite(value) and 0 < value <= 100:
            out.append(value)
        else:
            bad.append(scenario_problem(scenario, "--troops", text,
                                        "a troop scale is a number above 0, such as 0.8"))
    if bad:
        raise InputError(bad)
    return list(dict.fromkeys(out))


def _coalitions(args, codes, scenario):
    from planner.sweep.cases import drop_coalitions, read_coalitions, subset_coalitions
    if args.coalitions:
        return read_coalitions(args.coalitions, codes)
    if args.subsets:
        if len(codes) > 20:
            raise InputError(scenario_problem(
                scenario, "--subsets", len(codes), "more than 2^20 coalitions; use --drop, "
                "--coalitions or fewer contingents"))
        return subset_coalitions(codes, args.min_size)
    drop = 1 if args.drop is None else args.drop
    if drop < 0:
        raise InputError(scenario_problem(scenario, "--drop", drop, "use 0 or more"))
    return drop_coalitions(codes, drop)


def _output(args) -> Path:
    path = Path(args.output)
    if path.suffix.lower() != ".parquet":
        raise InputError(problem(path, "results are written as Parquet: name the file "
                                       "*.parquet", field="--output", value=args.output))
    if not path.parent.is_dir():
        raise InputError(problem(path, "folder not found", field="--output",
                                 value=str(path.parent)))
    return path


def _sweep(args) -> int:
    from planner.sweep.cases import build_cases, veto_settings
    from planner.sweep.problem import problem_from_scenario
    from planner.sweep.results import ResultFile, options_key
    if args.workers is not None and args.workers < 0:
        raise InputError(problem("command line", "use 0 or more", field="--workers", value=args.workers))
    output = _output(args)
    scenario = load(args.scenario)
    task = problem_from_scenario(scenario)
    settings = veto_settings(_split(args.vetoes), [v.id for v in scenario.vetoes],
                             file="command line")
    cases = build_cases(_coalitions(args, task.codes, scenario), _mandates(args, scenario),
                        settings, _scales(args, scenario))
    results = ResultFile(output, digest=task.digest,
                         options=options_key(time_limit_s=args.time_limit, seed=args.seed))
    if results.discarded:
        print(f"{output}: {results.discarded} rows of another scenario content or other options "
              "will be replaced", file=sys.stderr)
    already = len(results.done() & {c.key for c in cases})
    print(f"Sweeping {len(cases)} cases of {scenario.name} ({already} already in {output})",
          file=sys.stderr, flush=True)
    try:
        stats = _run(args, task, cases, results)
    except KeyboardInterrupt:
        print(f"\ninterrupted: {len(results.rows)} cases are recorded in {output}; run the same "
              "command again to resume", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(stats.text())
    print(f"wrote {output}")
    return EXIT_OK


def _run(args, task, cases, results):
    from planner.progress import Progress
    from planner.sweep.run import dask_client, run_sweep
    skipped = len(results.done() & {c.key for c in cases})
    bar = Progress(len(cases), "cases", done=skipped, rate=True,
                   every_s=0 if sys.stderr.isatty() else 2.0)
    common = dict(time_limit_s=args.time_limit, seed=args.seed, progress=bar)
    if args.workers == 0:
        return run_sweep(task, cases, results, **common)
    with ExitStack() as stack:
        try:
            client = stack.enter_context(dask_client(args.scheduler, args.workers))
        except OSError as exc:
            raise InputError(problem("--scheduler", f"cannot reach the Dask scheduler ({exc})",
                                     value=args.scheduler))
        workers = len(client.scheduler_info()["workers"])
        print(f"on {args.scheduler or 'a local cluster'}: {workers} workers", file=sys.stderr)
        return run_sweep(task, cases, results, client=client, **common)


# --- planner sweep report ------------------------------------------------------------------
def _report(args) -> int:
    from planner.sweep.analysis import report_data
    from planner.sweep.report import report_text
    from planner.sweep.results import read_results
    if args.results is None:
        args.parser.error("planner sweep report needs the RESULTS file")
    given = [k.replace("_", "-") for k, default in SWEEP_ONLY.items()
             if getattr(args, k) != default]
    if given:
        args.parser.error(f"report takes RESULTS, --charts and --format; not --{given[0]}")
    frame = read_results(args.results)
    data = report_data(frame)
    print(json.dumps(data, indent=2) if args.format == "json" else report_text(data), end="")
    if args.charts:
        from planner.sweep.charts import write_charts
        for path in write_charts(frame, args.charts):
            print(f"wrote {path}", file=sys.stderr)
    return EXIT_OK
