"""The publication step at national scale, run by hand: secondary suppression and the audit over every published
table of the benchmark's reports (bench/config.yaml: all 98 municipalities, every family), which issue 14 wants
under 10 s at 1M courses.

    PATH=$PWD/.venv/bin:$PATH python bench/publication.py --courses 1000000

    PATH=$PWD/.venv/bin:$PATH python bench/publication.py --tables results/tables   # e.g. the demo's

Makes the drops (`evalkit synth --scale N`) and the figure tables (`snakemake tables`) under
--work/n<N> unless they are there from an earlier run (bench/run.py --keep leaves them too), then times, on the
tables alone: reading them into the problem (relations checked), the suppression, the audit, the whole publish
step; and prints the sizes and what each step masked, and what the audit finds in the masking of counts 1-4
alone, without secondary suppression (how many `<5` cells a reader gets back exactly, or to 2 or 3 values).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np  # noqa: E402
from run import PYTHON, SEED, Size  # noqa: E402  (the harness's folders and commands)

from evalkit.publish.audit import PRIMARY, SHOWN, audit  # noqa: E402
from evalkit.publish.masking import mask  # noqa: E402
from evalkit.publish.problem import build_problem, read_tables  # noqa: E402
from evalkit.publish.suppression import suppress  # noqa: E402


def tables_of(size: Size) -> Path:
    tables = size.results / "tables"
    if (tables / "completion.csv").exists():
        return tables
    size.work.mkdir(parents=True, exist_ok=True)
    size.write_config()
    if not size.raw.exists():
        subprocess.run(
            [
                PYTHON,
                "-m",
                "evalkit",
                "synth",
                "--scale",
                str(size.courses),
                "--out",
                str(size.raw),
                "--seed",
                str(SEED),
            ],
            env=size.env(),
            check=True,
        )
    subprocess.run(size.snakemake("tables"), env=size.env(), check=True, capture_output=True)
    return tables


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/evalkit-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--tables", type=Path, help="figure tables written before (default: make them)")
    args = parser.parse_args()
    tables_dir = args.tables or tables_of(Size(args.courses, args.work / f"n{args.courses}"))
    timings: dict[str, list[float]] = {}

    def timed(name, function, *arguments):
        start = time.perf_counter()
        result = function(*arguments)
        timings.setdefault(name, []).append(time.perf_counter() - start)
        return result

    for _ in range(args.repeat):
        tables = timed("read", read_tables, tables_dir)
        problem = timed("problem (relations built and checked)", build_problem, tables)
        suppression = timed("suppression", suppress, problem)
        ranges = timed("audit (every masked cell)", audit, problem, suppression.status)
        published = timed("publish step, all of it", mask, tables)
    print(f"tables in {tables_dir}")
    print(
        f"cells {len(problem.cells):,}, variables {problem.n:,}, equalities {problem.a_eq.shape[0]:,}, "
        f"inequalities {problem.a_ub.shape[0]:,}; {len(ranges)} masked cells audited"
    )
    naive = np.where(problem.primary, PRIMARY, SHOWN).astype(object)
    widths = Counter(round(r.upper - r.lower) + 1 for r in audit(problem, naive))
    print(
        f"masking counts 1-4 alone: {sum(widths.values())} cells <5, of which a reader gets {widths[1]} back "
        f"exactly, {widths[2]} to two values and {widths[3]} to three"
    )
    print(published.summary())
    for name, values in timings.items():
        print(
            f"  {name}: median {sorted(values)[len(values) // 2]:.2f} s (runs: "
            + " ".join(f"{v:.2f}" for v in values)
            + ")"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
