"""`evalkit notebook`: execute a jupytext notebook (notebooks/<report>.py) and write it as HTML.

The notebook gets its inputs from EVALKIT_* environment variables (see evalkit.notebook.walkthrough.Settings), so the
same file runs in the pipeline, in a test on a tiny warehouse, and by hand in Jupyter from the project root.
A cell that raises stops the run: nothing is written and the command exits non-zero, so the rule fails.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from evalkit.config import add_config_arguments, as_json, config_from_arguments
from evalkit.notebook.walkthrough import ENVIRONMENT

KERNEL = "python3"


def execute_notebook(
    source: str | Path, html: str | Path, settings: dict[str, str], cwd: str | Path = ".", timeout: int = 900
) -> None:
    """Run every cell of the jupytext file `source` with `settings` in the kernel's environment; write HTML.

    Raises nbclient.exceptions.CellExecutionError (naming the cell and the error) when a cell fails.
    """
    import jupytext
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    notebook = jupytext.read(source)
    environment = {**os.environ, **settings}
    # The kernel is this Python (ipykernel's own spec uses sys.executable), so it sees the installed evalkit.
    client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL, resources={"metadata": {"path": str(cwd)}})
    with _environment(environment):
        client.execute()
    exporter = HTMLExporter(template_name="lab")
    body, _ = exporter.from_notebook_node(notebook)
    html = Path(html)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(body, encoding="utf-8")


class _environment:
    """os.environ set for the kernel's start (nbclient starts it with the current environment), then restored."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values, self.saved = values, None

    def __enter__(self) -> None:
        self.saved = dict(os.environ)
        os.environ.update(self.values)

    def __exit__(self, *_) -> None:
        os.environ.clear()
        os.environ.update(self.saved)


def cli(argv: list[str]) -> int:
    from nbclient.exceptions import CellExecutionError

    parser = argparse.ArgumentParser(prog="evalkit notebook", description=__doc__.splitlines()[0])
    parser.add_argument("notebook", help="the jupytext notebook, e.g. notebooks/nordjylland_2021.py")
    parser.add_argument("--html", required=True, help="the executed notebook as HTML")
    parser.add_argument("--report", required=True, help="the config report id the notebook walks through")
    add_config_arguments(parser)
    parser.add_argument("--db", required=True, help="the warehouse (opened read-only)")
    parser.add_argument("--tables", required=True, help="results/tables")
    parser.add_argument("--publish", required=True, help="results/publish")
    parser.add_argument("--unit-costs", required=True)
    parser.add_argument("--municipalities", default="config/municipalities.csv")
    parser.add_argument(
        "--reproduction",
        help="results/reproduction.csv, for the notebook's last section "
        "(without it the notebook says the run has no reproduction)",
    )
    parser.add_argument("--timeout", type=int, default=900, help="seconds per cell")
    args = parser.parse_args(argv)
    settings = {
        ENVIRONMENT["report"]: args.report,
        ENVIRONMENT["config_json"]: as_json(config_from_arguments(args)),
        ENVIRONMENT["db"]: str(Path(args.db).resolve()),
        ENVIRONMENT["tables"]: str(Path(args.tables).resolve()),
        ENVIRONMENT["publish"]: str(Path(args.publish).resolve()),
        ENVIRONMENT["unit_costs"]: str(Path(args.unit_costs).resolve()),
        ENVIRONMENT["municipalities"]: str(Path(args.municipalities).resolve()),
        ENVIRONMENT["reproduction"]: str(Path(args.reproduction).resolve()) if args.reproduction else "none",
    }
    try:
        execute_notebook(args.notebook, args.html, settings, cwd=Path.cwd(), timeout=args.timeout)
    except CellExecutionError as error:
        print(f"evalkit notebook: {args.notebook}: a cell failed:\n{error}", file=sys.stderr)
        return 1
    print(f"{args.notebook} -> {args.html}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
