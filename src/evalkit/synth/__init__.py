"""`evalkit synth`: the synthetic demo drops in data/raw/, calibrated to the source reports' published figures,
or national-scale drops for the benchmark (evalkit.synth.scale)."""

from __future__ import annotations

import argparse
from pathlib import Path

from evalkit.synth.calibration import DEFAULT_SEED
from evalkit.synth.demo import generate
from evalkit.synth.files import write


def cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="evalkit synth", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="data/raw", help="raw folder to write the quarter folders into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="instead of the calibrated demo: N courses over 98 municipalities and 20 quarters, "
        "streamed to --out (benchmarks; see evalkit.synth.scale)",
    )
    parser.add_argument(
        "--last-quarters",
        type=int,
        metavar="K",
        help="with --scale: write only the last K of the 20 quarters (a quick smoke run)",
    )
    args = parser.parse_args(argv)
    if args.scale is not None:
        from evalkit.synth import scale as synth_scale  # numpy-backed; only for the scale drops

        if args.scale < 1:
            parser.error("--scale needs at least one course")
        quarters = range(synth_scale.QUARTERS - (args.last_quarters or synth_scale.QUARTERS), synth_scale.QUARTERS)
        count, rows = synth_scale.generate(Path(args.out), args.scale, args.seed, quarters)
        print(f"evalkit synth: {count} files, {rows:,} rows, {args.scale:,} courses, seed {args.seed}, in {args.out}")
        return 0
    files = generate(args.seed)
    write(Path(args.out), files)
    size = sum(len(b) for b in files.values())
    print(f"evalkit synth: {len(files)} files, {size / 1e6:.1f} MB, seed {args.seed}, in {args.out}")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(cli(sys.argv[1:]))
