"""What the reviewer notebooks (notebooks/*.py) call: from the warehouse, with the SQL shown, to each figure.

A notebook opens the warehouse read-only, recomputes a figure family for its report with the family's own SQL
(evalkit/sql/<family>.sql over the shared definitions of sql/base.sql), checks the result equals the figure
table the pipeline wrote, and draws the figures from the publication copy exactly as `evalkit figures` does.
The notebooks are embedded in the HTML report, which may leave the evaluators' hands: what they display is the
publication copy (counts of 1-4 as `<5`, counts masked to protect them as `x`), never the computed counts.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evalkit.config import Report, load_config, load_municipalities, validate
from evalkit.contract import ALL, MASK, SECONDARY_MASK, SMALLEST_SHOWN
from evalkit.figures import build
from evalkit.figures.prepare import read_table
from evalkit.figures.text import Text
from evalkit.figures.theme import png_bytes
from evalkit.publish.audit import SECONDARY, SHOWN, Problem, Relation, at_most, audit, require_safe, total
from evalkit.publish.masking import is_number
from evalkit.publish.suppression import suppress
from evalkit.tables import business_case as bc
from evalkit.tables.compute import PREPARE_STEPS, connect, prepare_report, report_rows
from evalkit.tables.files import read_csv
from evalkit.tables.registry import FAMILIES, read_sql

# The notebook's inputs, set by `evalkit notebook`; the defaults are the project's own folders, for running by hand.
ENVIRONMENT = {
    "report": "EVALKIT_REPORT",
    "config": "EVALKIT_CONFIG",
    "config_json": "EVALKIT_CONFIG_JSON",
    "db": "EVALKIT_DB",
    "tables": "EVALKIT_TABLES",
    "publish": "EVALKIT_PUBLISH",
    "unit_costs": "EVALKIT_UNIT_COSTS",
    "municipalities": "EVALKIT_MUNICIPALITIES",
    "reproduction": "EVALKIT_REPRODUCTION",
}
# Figures in a notebook at screen resolution: the notebook is a page of the HTML report, which a browser shows only
# while each embedded page stays under its size limit (2 MB in Chromium).
NOTEBOOK_DPI = 96
DEFAULTS = {
    "config": "config/config.yaml",
    "db": "data/processed/evalkit.duckdb",
    "tables": "results/tables",
    "publish": "results/publish",
    "municipalities": "config/municipalities.csv",
    "reproduction": "results/reproduction.csv",
}


@dataclass(frozen=True)
class Settings:
    report_id: str
    config: dict  # the validated configuration
    db: Path
    tables: Path
    publish: Path
    unit_costs: Path | None
    municipalities: Path
    reproduction: Path | None  # None: the run has no reproduction (no published figures configured)
    payers: Path | None = None  # the business case's payer shares (the config's `payers`)

    @classmethod
    def from_environment(cls, report_id: str) -> Settings:
        """The notebook's inputs: EVALKIT_* when set (the pipeline), else the project's default folders. A
        relative path is read from the project root, so a notebook runs by hand from the root or from
        notebooks/ (where `jupytext --execute` and Jupyter run it)."""
        root = project_root(Path.cwd())

        def get(key: str) -> str | None:
            return os.environ.get(ENVIRONMENT[key]) or DEFAULTS.get(key)

        def path(value: str) -> Path:
            return root / Path(value).expanduser()  # an absolute value stays as it is

        given = get("config_json")
        if given:
            config = validate(json.loads(given))
        else:
            config = load_config([path(name) for name in get("config").split(os.pathsep)])
        unit_costs = get("unit_costs") or config.get("unit_costs")
        return cls(
            report_id=os.environ.get(ENVIRONMENT["report"]) or report_id,
            config=config,
            db=path(get("db")),
            tables=path(get("tables")),
            publish=path(get("publish")),
            unit_costs=path(unit_costs) if unit_costs else None,
            municipalities=path(get("municipalities")),
            reproduction=None if get("reproduction") == "none" else path(get("reproduction")),
            payers=path(config["payers"]),
        )


def project_root(start: Path) -> Path:
    """The folder holding config/config.yaml: start or the nearest folder above it, else the checkout evalkit is
    installed from (jupytext runs a notebook in the folder of its output file); start when none is found (the
    pipeline passes every path absolute)."""
    checkout = Path(__file__).resolve().parents[3]  # src/evalkit/notebook/walkthrough.py
    for folder in (start, *start.parents, checkout):
        if (folder / DEFAULTS["config"]).is_file():
            return folder
    return start


class Walk:
    """One report's walk: the config entry, a read-only warehouse connection, and the figure context."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.config = settings.config
        entries = {str(r["id"]): r for r in self.config["reports"]}
        if settings.report_id not in entries:
            raise KeyError(f"report {settings.report_id!r} is not in the config (reports: {', '.join(entries)})")
        self.entry = entries[settings.report_id]
        self.report = Report.from_config(self.entry)
        # connect() attaches the warehouse READ_ONLY into an in-memory database: nothing can be written to it.
        # the payer shares only where the report has a business case, as the figure-table job reads them
        payers = settings.payers if self.report.business_case else None
        self.con = connect(settings.db, settings.unit_costs, payers=payers)
        prepare_report(self.con, self.report)
        self._prepared: set[str] = set()  # the Python steps (Family.prepared_by) run on the connection
        self.text = Text(self.config.get("language", "da"))
        self.context = build.Context(
            self.entry, build.load_tables(settings.publish), load_municipalities(settings.municipalities), self.text
        )

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()

    def registrations(self) -> pd.DataFrame:
        """Rows per contract table and municipality of the report, straight from the warehouse; a number of 1-4
        rows (of courses, say) shown as `<5`, as in the publication copies."""
        found = self.query(REGISTRATIONS_SQL)
        found["rows"] = [MASK if 0 < n < SMALLEST_SHOWN else n for n in found["rows"]]
        return found

    def family(self, family: str) -> pd.DataFrame:
        """The family's rows for this report as published: recomputed from the warehouse, checked to equal the
        figure table (AssertionError otherwise), and returned as their publication copy, masked."""
        self._checked(family)
        return self.published(family)

    def _checked(self, family: str) -> pd.DataFrame:
        """The family's rows for this report recomputed from the warehouse and checked to equal the figure table
        (AssertionError otherwise): every count as it is, for checks only, never to display."""
        spec = FAMILIES[family]
        if spec.prepared_by and spec.prepared_by not in self._prepared:
            PREPARE_STEPS[spec.prepared_by](self.con, self.report)
            self._prepared.add(spec.prepared_by)
        columns, rows = spec.header, report_rows(self.con, spec, self.report)
        computed = [["" if v is None else str(v) for v in row] for row in rows]
        written_columns, written = read_csv(self.settings.tables / f"{family}.csv")
        written = [row for row in written if row[0] == self.report.id]
        if written_columns != columns or not _same_rows(written, computed):
            raise AssertionError(
                f"{family}: the warehouse gives other numbers than {self.settings.tables}/"
                f"{family}.csv for report {self.report.id}; rebuild the tables"
            )
        return pd.DataFrame(computed, columns=columns)

    def published(self, family: str) -> pd.DataFrame:
        """The publication copy's rows for this report (`<5`, `x`): what the figures read."""
        table = self.context.tables.get(family)
        if table is None:
            table = read_table(self.settings.publish, family)
        return table[table["report"] == self.report.id].reset_index(drop=True)

    def figures(self, kind: str) -> list:
        """Draw the report's figures of one kind, as the pipeline draws them (one per municipality or one)."""
        drawn = []
        for spec, prepared in build.plan(self.context):
            if spec.kind == kind:
                drawn.append(build.render(self.context, spec, prepared))
        return drawn

    def show(self, kind: str) -> None:
        """Display the report's figures of one kind (and close them)."""
        import matplotlib.pyplot as plt
        from IPython.display import Image, display

        for figure in self.figures(kind):
            # As PNG bytes: the figures use the Agg backend, which gives IPython no image of a Figure object.
            data = png_bytes(figure, dpi=NOTEBOOK_DPI)
            plt.close(figure)
            display(Image(data=data, format="png", width=round(figure.get_figwidth() * NOTEBOOK_DPI)))

    def shadow_steps(self) -> pd.DataFrame:
        """The steps behind the report's shadow_savings row, per paragraph: the shadow-visited citizens and the
        annual cost of their shadow rows, the later visited and the annual cost of their services. Fails unless
        the totals equal the figure table's row; masked as the publication copies are (publication_safe), with
        the kroner of a masked count blanked."""
        steps = self.query(SHADOW_STEPS_SQL)
        table = self._checked("shadow_savings")
        row = table[table["kommunekode"] == ALL].iloc[0]
        totals = steps[steps["paragraph"] == ALL].set_index("step")
        expected = {
            "shadow": (row["shadow_visited"], row["shadow_cost_dkk"]),
            "actual": (row["actually_visited"], row["actual_cost_dkk"]),
        }
        for step, (citizens, kroner) in expected.items():
            got = totals.loc[step] if step in totals.index else pd.Series({"citizens": 0, "annual_cost_dkk": 0.0})
            if int(got["citizens"]) != int(citizens) or not math.isclose(
                float(got["annual_cost_dkk"]), float(kroner), rel_tol=1e-9, abs_tol=0.5
            ):
                raise AssertionError(
                    f"shadow_savings: the {step} steps give {got['citizens']} citizens and "
                    f"{got['annual_cost_dkk']} kr., the figure table {citizens} and {kroner}"
                )
        published = self.published("shadow_savings")
        published = published[published["kommunekode"] == ALL].iloc[0]
        relations, printed = [], {}
        for step, column in (("shadow", "shadow_visited"), ("actual", "actually_visited")):
            whole = steps.index[(steps["step"] == step) & (steps["paragraph"] == ALL)]
            if whole.empty:
                continue
            parts = steps.index[(steps["step"] == step) & (steps["paragraph"] != ALL)]
            relations += _breakdown(whole[0], parts, "rows", distinct=False)
            relations += _breakdown(whole[0], parts, "citizens", distinct=True)
            printed[(whole[0], "citizens")] = published[column]
        # a citizen has at least one row
        relations += [at_most([(i, "citizens")], [(i, "rows")]) for i in steps.index]
        return publication_safe(
            steps, ("citizens", "rows"), {"annual_cost_dkk": ("citizens", "rows")}, relations, printed
        )

    def referral_steps(self) -> pd.DataFrame:
        """The steps behind referral_onward, per municipality and in all: the citizens with an ended course and of
        them the later visited; for the report, the later visited by the paragraph of their later services (a
        citizen counts under each paragraph). Fails unless the totals equal the figure table; masked as the
        publication copies are (publication_safe)."""
        steps = self.query(REFERRAL_STEPS_SQL)
        table = self._checked("referral_onward").set_index("kommunekode")
        totals = steps[steps["paragraph"] == ALL].pivot(index="kommunekode", columns="step", values="citizens")
        for code, row in table.iterrows():
            got = totals.loc[code] if code in totals.index else pd.Series(dtype=float)
            pairs = (("ended", row["ended_citizens"]), ("later_visited", row["later_visited"]))
            for step, expected in pairs:
                found = 0 if pd.isna(got.get(step)) else int(got.get(step))
                if found != int(expected):
                    raise AssertionError(
                        f"referral_onward: {code} {step}: the steps give {found}, the figure table {expected}"
                    )
        published = self.published("referral_onward").set_index("kommunekode")
        totals = steps["paragraph"] == ALL
        relations, printed = [], {}
        for step, column in (("ended", "ended_citizens"), ("later_visited", "later_visited")):
            rows = steps.index[totals & (steps["step"] == step)]
            whole = [i for i in rows if steps.at[i, "kommunekode"] == ALL]
            # a citizen can have ended courses in two municipalities: the report's count is at most their sum
            if whole:
                relations += _breakdown(whole[0], [i for i in rows if i != whole[0]], "citizens", distinct=True)
            for i in rows:
                code = steps.at[i, "kommunekode"]
                if code in published.index:
                    printed[(i, "citizens")] = published.at[code, column]
        for code in set(steps["kommunekode"]):
            ended = steps.index[totals & (steps["kommunekode"] == code) & (steps["step"] == "ended")]
            whole = steps.index[totals & (steps["kommunekode"] == code) & (steps["step"] == "later_visited")]
            # the later visited are of the ended; the paragraphs' counts (services after the course, up to the
            # follow-up date or not) are bounded by nothing else published
            if len(whole) and len(ended):
                relations.append(at_most([(whole[0], "citizens")], [(ended[0], "citizens")]))
        return publication_safe(steps, ("citizens",), {}, relations, printed)

    def business_case_derivation(self, scenario: str = "base", kommunekode: str = ALL) -> pd.DataFrame:
        """The business case's result (payer `all`) worked out step by step from its yearly figure table, each
        step beside the summary table's value: C from year 0, the NPV as the sum of the discounted nets, the
        benefit-cost ratio, the paybacks where the cumulative (discounted) net first reaches 0, gains accruing
        evenly within the year, and the switching values. From the publication copies, as shown; fails unless
        every step equals the published summary (AssertionError). Empty where the copies hide the business case."""
        years = self.family("business_case")
        years = years[(years.kommunekode == kommunekode) & (years.scenario == scenario) & (years.payer == ALL)]
        summary = self.family("business_case_summary")
        summary = summary[
            (summary.kommunekode == kommunekode) & (summary.scenario == scenario) & (summary.payer == ALL)
        ]
        if years.empty or summary.empty or not is_number(summary.iloc[0]["npv_dkk"]):
            return pd.DataFrame(columns=["step", "formula", "derived", "published"])
        t = years["year"].astype(int).to_numpy()
        column = {c: pd.to_numeric(years[c]).to_numpy() for c in ("investment_dkk", "gain_dkk", "net_dkk")}
        column |= {c: pd.to_numeric(years[c]).to_numpy() for c in ("discount_factor", "cumulative_net_dkk")}
        column["cumulative_discounted_dkk"] = pd.to_numeric(years["cumulative_discounted_dkk"]).to_numpy()
        cost = column["investment_dkk"][t == 0][0]
        present = float((column["gain_dkk"] * column["discount_factor"])[t >= 1].sum())
        a = dict(bc.scenarios(self.report.business_case))[scenario]
        derived = {
            "investment_dkk": ("C = investeringen i år 0", cost),
            "npv_dkk": ("NNV = Σ N_t · D_t (t = 0 … H)", float((column["net_dkk"] * column["discount_factor"]).sum())),
            "benefit_cost_ratio": ("Σ B_t · D_t (t ≥ 1) / C", present / cost),
            "payback_months": (
                "12 · (t − 1 + (−S_(t−1)) / N_t), første t med S_t ≥ 0",
                _payback(t, column["cumulative_net_dkk"]),
            ),
            "discounted_payback_months": (
                "det samme over N_t · D_t",
                _payback(t, column["cumulative_discounted_dkk"]),
            ),
            "switching_deadweight": (
                "1 − C / PV, PV = Σ B_t · D_t / (1 − dødvægt)",
                1 - cost / (present / (1 - a.deadweight)),
            ),
            "min_effect_years": (
                "første t med Σ_(k≤t) N_k · D_k ≥ 0",
                _first_paid(t, column["cumulative_discounted_dkk"]),
            ),
        }
        published = summary.iloc[0]
        rows = []
        for name, (formula, value) in derived.items():
            shown = float(published[name]) if is_number(published[name]) else math.nan
            # not to be read off the table: the NPV reaches 0 only with more effect years than it has, or every
            # gain is deadweight (then the gains without deadweight are not in it)
            beyond = name == "min_effect_years" and math.isnan(value) and shown > a.effect_years
            if beyond or (name == "switching_deadweight" and a.deadweight == 1):
                value = math.nan
            elif not (math.isnan(value) and math.isnan(shown)) and not math.isclose(value, shown, rel_tol=1e-9):
                raise AssertionError(
                    f"business_case_summary.{name}: the yearly table gives {value}, the summary {shown}"
                )
            rows.append({"step": name, "formula": formula, "derived": value, "published": published[name]})
        return pd.DataFrame(rows)

    def printed_payback(self) -> pd.DataFrame | None:
        """The source report's own inputs through the contract's payback: the printed investment C and annual
        gain G (the config's published_figures, with the report's file, section and line), gains from year 1 as
        the base scenario has them (with no deadweight and the whole gain in year 1: 12 · C / G months). Our
        arithmetic on the report's numbers, a check beside the registrations' payback; no table holds it. None
        without published figures or a business case."""
        figures = self.config.get("published_figures")
        if not figures or not self.report.business_case:
            return None
        root = project_root(Path.cwd())
        printed = pd.read_csv(root / figures, dtype=str, keep_default_na=False)
        printed = printed[(printed.report_id == self.report.id) & (printed.kommunekode != ALL)]
        wanted = {("investment", "investment_dkk"): "C", ("shadow_savings", "annual_gain_dkk"): "G"}
        found = printed[[(f, m) in wanted for f, m in zip(printed.family, printed.metric, strict=True)]]
        if len(found) != len(wanted):
            return None
        values = {wanted[(r.family, r.metric)]: float(r.value) for r in found.itertuples()}
        a = dict(bc.scenarios(self.report.business_case))["base"]
        months = bc.payback_months(values["C"], [values["G"]], bc.gain_profile(a))[0]
        table = found[["report", "location", "line", "metric", "value", "quote"]].copy()
        table.insert(0, "input", [wanted[(r.family, r.metric)] for r in found.itertuples()])
        table = table.sort_values("input")  # C, then G
        table = pd.concat(
            [table, pd.DataFrame([{"input": "tilbagebetalingstid (måneder)", "value": f"{months:.2f}"}])],
            ignore_index=True,
        ).fillna("")
        return table

    def reproduction(self) -> pd.DataFrame | None:
        """The report's rows of results/reproduction.csv: each published number beside the computed one."""
        if self.settings.reproduction is None:
            return None
        table = pd.read_csv(self.settings.reproduction, dtype=str, keep_default_na=False)
        return table[table["report_id"] == self.report.id].reset_index(drop=True)

    def prepared(self, kind: str) -> dict[str | None, pd.DataFrame]:
        """What each figure of the kind plots, per municipality (None: the report's one figure)."""
        return {spec.kommunekode: prepared.frame for spec, prepared in build.plan(self.context) if spec.kind == kind}


def _payback(years, cumulative) -> float:
    """Months until the cumulative net first reaches 0 (gains accruing evenly in the year); NaN when never."""
    for k in range(1, len(years)):
        if cumulative[k] >= 0:
            return 12 * (years[k] - 1 + -cumulative[k - 1] / (cumulative[k] - cumulative[k - 1]))
    return math.nan


def _first_paid(years, cumulative) -> float:
    """The first year t >= 1 whose cumulative discounted net is at least 0; NaN when none."""
    return next((float(years[k]) for k in range(1, len(years)) if cumulative[k] >= 0), math.nan)


def _breakdown(whole: int, parts, column: str, distinct: bool) -> list[Relation]:
    """What a reader knows of a row `whole` and the rows `parts` that break it down: the parts add up to it, or,
    for distinct citizens (one can be in two parts), each part is at most the whole and the whole at most their
    sum."""
    parts = [(i, column) for i in parts]
    if not parts:
        return []
    if not distinct:
        return [total((whole, column), parts)]
    return [at_most([part], [(whole, column)]) for part in parts] + [at_most([(whole, column)], parts)]


def publication_safe(
    frame: pd.DataFrame,
    counts: tuple[str, ...],
    guarded: dict[str, tuple[str, ...]],
    relations: list[Relation] = (),
    printed: dict[tuple, str] | None = None,
) -> pd.DataFrame:
    """The frame as it may be shown, masked by the publication's own steps (evalkit.publish): each count of 1-4
    `<5`; more counts `x` where the relations among them would give one away; a count the publication copies
    print (printed: cell -> its text there) shown there as a number stays shown, masked there it carries the
    same symbol; each value computed over a masked count blank. Fails (AuditFailed) unless the audit finds no
    `<5` cell narrowed."""
    printed = printed or {}
    values = {(i, column): int(frame.at[i, column]) for i in frame.index for column in counts}

    def label(cell: tuple) -> str:
        i, column = cell
        keys = ", ".join(str(frame.at[i, c]) for c in frame.columns if c not in counts and c not in guarded)
        return f"{keys}: {column}"

    fixed = [cell for cell, shown in printed.items() if is_number(shown)]
    problem = Problem(values, relations, label, fixed=fixed)
    status = suppress(problem).status
    for cell, shown in printed.items():
        if shown == SECONDARY_MASK:
            status[problem.variable_of(cell)] = SECONDARY
    require_safe(audit(problem, status), label)
    shown = frame.astype(object).copy()
    for (i, column), _ in values.items():
        symbol = status[problem.variable_of((i, column))]
        if symbol != SHOWN:
            shown.at[i, column] = symbol
    for column, over in guarded.items():
        hidden = shown[list(over)].isin([MASK, SECONDARY_MASK]).any(axis=1)
        shown.loc[hidden, column] = ""
    return shown


def _same_cell(a: str, b: str) -> bool:
    """Equal text, or numbers equal to 1e-9: DuckDB sums floats in parallel, so the last digits of a sum of
    hours or kroner can differ from one run to the next."""
    if a == b:
        return True
    try:
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    except ValueError:
        return False


def _same_rows(written: list[list[str]], computed: list[list[str]]) -> bool:
    return len(written) == len(computed) and all(
        len(w) == len(c) and all(_same_cell(x, y) for x, y in zip(w, c, strict=True))
        for w, c in zip(written, computed, strict=True)
    )


def sql(name: str) -> str:
    """The text of evalkit/sql/<name>.sql."""
    return read_sql(name)


def show_sql(text: str) -> None:
    """Display SQL as a highlighted block in the notebook (and its HTML)."""
    from IPython.display import Markdown, display

    display(Markdown(f"```sql\n{text.strip()}\n```"))


SHADOW_STEPS_SQL = """
-- Over the ended courses of the report (scope 'all'), per paragraph and in all: the shadow rows that name a
-- service (shadow) and the services that made citizens later visited (actual), with their distinct citizens and
-- their annual cost (priced_rows of sql/base.sql: own cost, else hours x 52 x hourly price, else yearly price).
SELECT CASE table_name WHEN 'shadow' THEN 'shadow' ELSE 'actual' END AS step,
       coalesce(paragraph, 'all') AS paragraph,
       count(DISTINCT citizen) AS citizens,
       count(*) AS rows,
       coalesce(sum(annual_cost_dkk), 0) AS annual_cost_dkk
FROM priced_rows
WHERE scope = 'all'
GROUP BY GROUPING SETS ((table_name, paragraph), (table_name))
ORDER BY step DESC, paragraph = 'all', paragraph
"""

REFERRAL_STEPS_SQL = """
-- Per municipality and in all (scope): the citizens with an ended course (ended) and those of them with a service
-- started after the course and no later than the follow-up date (later_visited, sql/base.sql); in all only, the
-- later visited by the paragraph of such a service (per municipality, the small cells of many paragraphs could be
-- worked out from the report's totals).
WITH ended AS (
    SELECT scope, count(DISTINCT citizen) AS citizens FROM ended_courses GROUP BY scope
),
later AS (
    SELECT scope, count(*) AS citizens FROM later_visited_citizens GROUP BY scope
),
later_by_paragraph AS (
    SELECT scope, paragraph, count(DISTINCT citizen) AS citizens
    FROM course_services WHERE timing = 'after' AND scope = 'all' GROUP BY scope, paragraph
)
SELECT scope AS kommunekode, 'ended' AS step, 'all' AS paragraph, citizens FROM ended
UNION ALL SELECT scope, 'later_visited', 'all', citizens FROM later
UNION ALL SELECT scope, 'later_visited', paragraph, citizens FROM later_by_paragraph
ORDER BY kommunekode = 'all', kommunekode, step, paragraph = 'all', paragraph
"""

REGISTRATIONS_SQL = """
-- Rows per contract table and municipality of the report (the scoped views hold only its municipalities;
-- each row appears once for its municipality and once for 'all', so count the municipality rows).
SELECT kommunekode, 'courses' AS table_name, count(*) AS rows FROM courses WHERE scope <> 'all' GROUP BY 1
UNION ALL SELECT kommunekode, 'services', count(*) FROM services WHERE scope <> 'all' GROUP BY 1
UNION ALL SELECT kommunekode, 'shadow', count(*) FROM shadow WHERE scope <> 'all' GROUP BY 1
UNION ALL SELECT kommunekode, 'milestones', count(*) FROM milestones WHERE scope <> 'all' GROUP BY 1
UNION ALL SELECT kommunekode, 'housing_support', count(*) FROM housing_support WHERE scope <> 'all' GROUP BY 1
UNION ALL SELECT kommunekode, 'contacts', count(*) FROM contacts WHERE scope <> 'all' GROUP BY 1
UNION ALL SELECT kommunekode, 'staff_hours', count(*) FROM staff_hours WHERE scope <> 'all' GROUP BY 1
ORDER BY table_name, kommunekode
"""
