"""The messages a command fails with, in the configured language: the key, the row accounting, the configuration
and unit costs, the reproduction. Each is triggered as an operator meets it and read in Danish (the project's
default); English where the other tests do not already read it."""

from __future__ import annotations

import csv
import string
from pathlib import Path

import duckdb
import pytest
import yaml
from conftest import TEST_KEY, write_drop
from test_tables_cli import REPORT, config
from test_workflow import snakemake, workspace  # noqa: F401  (a fixture)
from warehouse_factory import build_warehouse as factory_warehouse

from evalkit import config as config_module
from evalkit import console, guard
from evalkit.cli import main
from evalkit.contract import ACCOUNTING_TEXT, AccountingError
from evalkit.ingest import ingest_quarter, pseudonym
from evalkit.ingest.pseudonym import KEY_FINGERPRINT_FILE, key_fingerprint
from evalkit.reproduce import cli as reproduce_command
from evalkit.reproduce import compare, outputs
from evalkit.tables.cli import cli as tables_cli

ROOT = Path(__file__).resolve().parents[1]
CATALOGUES = {
    "key": pseudonym.TEXT,
    "accounting": ACCOUNTING_TEXT,
    "config": config_module.TEXT,
    "reproduction": compare.TEXT,
    "reproduction failure": outputs.FAILURE_TEXT,
    "workflow notices": guard.NOTICE,
}
HEADER = "course_id,citizen_id,paragraph,start_date,end_date,end_reason\n"


@pytest.fixture(autouse=True)
def no_language_from_the_environment(monkeypatch):
    monkeypatch.delenv(console.LANGUAGE_ENV, raising=False)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("name", CATALOGUES)
def test_every_message_has_both_languages_naming_the_same_values(name):
    catalogue = CATALOGUES[name]
    assert set(catalogue) == {"da", "en"} and set(catalogue["da"]) == set(catalogue["en"])
    for code, english in catalogue["en"].items():
        assert fields(catalogue["da"][code]) == fields(english), code
        assert catalogue["da"][code] != english, code


def ingest(tmp_path: Path, *extra: str) -> list[str]:
    raw = tmp_path / "raw"
    if not (raw / "2021Q3").exists():
        write_drop(raw, "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,,\n")
    args = ["ingest", "--raw-dir", str(raw), "--quarter", "2021Q3", "--out-dir", str(tmp_path / "out"), *extra]
    return [str(main(args))]


# --- the key ------------------------------------------------------------------------------------------------


def test_a_short_key_is_refused_in_danish_and_in_english(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(pseudonym.ENV_VAR, "kort")
    assert ingest(tmp_path) == ["2"]
    assert capsys.readouterr().err == (
        "evalkit ingest: fejl: pseudonymiseringsnøglen fra EVALKIT_PSEUDONYM_KEY er 4 bytes lang; der kræves mindst "
        "32. Brug en nøgle på 32 eller flere tilfældige tegn, eller fjern nøglefilen, så der laves en ny\n"
    )
    monkeypatch.delenv(pseudonym.ENV_VAR)
    key_file = tmp_path / "keys" / "short.key"
    key_file.parent.mkdir()
    key_file.write_text("kort\n")
    assert ingest(tmp_path, "--key-file", str(key_file)) == ["2"]
    assert f"pseudonymiseringsnøglen fra nøglefilen {key_file} er 4 bytes lang" in capsys.readouterr().err
    assert ingest(tmp_path, "--key-file", str(key_file), "--lang", "en") == ["2"]
    assert capsys.readouterr().err.startswith(
        f"evalkit ingest: error: the pseudonymisation key from the key file {key_file} is 4 bytes long; at least 32"
    )


def test_a_missing_empty_or_misplaced_key_is_refused_in_danish(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(pseudonym.ENV_VAR)
    assert ingest(tmp_path) == ["2"]
    assert capsys.readouterr().err == (
        "evalkit ingest: fejl: ingen pseudonymiseringsnøgle: sæt EVALKIT_PSEUDONYM_KEY eller pseudonym_key_file i "
        "konfigurationen\n"
    )
    empty = tmp_path / "keys" / "empty.key"
    empty.parent.mkdir()
    empty.write_text("\n")
    assert ingest(tmp_path, "--key-file", str(empty)) == ["2"]
    assert capsys.readouterr().err == f"evalkit ingest: fejl: nøglefilen {empty} til pseudonymiseringen er tom\n"
    monkeypatch.chdir(tmp_path)
    assert ingest(tmp_path, "--key-file", "inside.key") == ["2"]
    assert capsys.readouterr().err == (
        f"evalkit ingest: fejl: nøglefilen {tmp_path / 'inside.key'} til pseudonymiseringen ligger i projektmappen "
        f"{tmp_path}; den skal ligge uden for repositoriet, så den aldrig kommer med i et commit eller i resultaterne\n"
    )


def test_a_new_key_says_back_it_up_in_danish(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(pseudonym.ENV_VAR)
    key_file = tmp_path / "keys" / "pseudonym.key"
    assert ingest(tmp_path, "--key-file", str(key_file)) == ["0"]
    assert capsys.readouterr().err == (
        f"evalkit: der er lavet en ny pseudonymiseringsnøgle i {key_file}. Tag en sikkerhedskopi af filen: "
        "borgernøgler passer kun sammen på tværs af kvartaler lavet med samme nøgle, og en mistet nøgle betyder, at "
        "hvert kvartal skal indlæses igen (eller sæt EVALKIT_PSEUDONYM_KEY).\n"
    )


def test_quarters_made_with_another_key_stop_the_warehouse_in_danish(tmp_path, capsys):
    quarters = []
    for quarter, key in (("2021Q2", b"a" * 32), ("2021Q3", b"b" * 32)):
        (tmp_path / quarter).mkdir()
        (tmp_path / quarter / KEY_FINGERPRINT_FILE).write_text(key_fingerprint(key) + "\n")
        quarters.append(str(tmp_path / quarter))
    current = key_fingerprint(b"b" * 32)
    db = tmp_path / "evalkit.duckdb"
    assert main(["warehouse", "--db", str(db), "--key-fingerprint", current, *quarters]) == 2
    assert capsys.readouterr().err == (
        f"evalkit warehouse: fejl: kvartalerne 2021Q2 er pseudonymiseret med en anden nøgle end den nuværende "
        f"(fingeraftryk {current}; hvert kvartals står i dets {KEY_FINGERPRINT_FILE}), så deres borgere ikke kan "
        "kobles med de andres. Kør pipelinen (snakemake), som indlæser dem igen med den nuværende nøgle, eller læg "
        "den nøglefil tilbage, de blev lavet med\n"
    )
    assert not db.exists()


def test_the_workflow_refuses_a_short_key_before_any_job_in_danish(workspace, monkeypatch):  # noqa: F811
    tmp_path, config_path = workspace
    monkeypatch.setenv(pseudonym.ENV_VAR, "for-kort")
    run = snakemake(config_path, "--dry-run", check=False)
    said = run.stdout + run.stderr  # Snakemake prints an error while reading the workflow to stdout
    assert run.returncode != 0
    assert (
        "evalkit run: fejl: pseudonymiseringsnøglen fra EVALKIT_PSEUDONYM_KEY er 8 bytes lang; der kræves mindst 32"
        in said
    )
    assert "Traceback" not in said


def test_the_workflow_notices_are_in_the_configured_language(tmp_path, capsys):
    quarters, reports = tmp_path / "quarters", tmp_path / "data_quality"
    (quarters / "2021Q2").mkdir(parents=True)
    (quarters / "2021Q2" / KEY_FINGERPRINT_FILE).write_text("0123456789abcdef\n")
    assert guard.reingest_other_key([quarters / "2021Q2"], "fedcba9876543210", "~/keys/pseudonym.key") == ["2021Q2"]
    assert capsys.readouterr().err.startswith(
        "evalkit: kvartalerne 2021Q2 er lavet med en anden pseudonymiseringsnøgle end den nuværende ("
    )
    assert guard.remove_withdrawn(quarters, reports, []) == ["2021Q2"]
    assert capsys.readouterr().err == (
        "evalkit: kvartalerne 2021Q2 er trukket tilbage fra mappen med rådata; deres behandlede kopier og "
        "datakvalitetsrapporter er fjernet.\n"
    )
    (quarters / "2021Q3").mkdir()
    guard.remove_withdrawn(quarters, reports, [], language="en")
    assert capsys.readouterr().err.startswith("evalkit: quarters 2021Q3 were withdrawn from the raw folder")


# --- the language of `evalkit ingest` run by hand ---------------------------------------------------------------


def test_ingest_by_hand_speaks_the_configs_language_else_the_workflows_else_danish(tmp_path, monkeypatch, capsys):
    """--lang, else the language of the config given (--config/--config-json), else EVALKIT_LANGUAGE, else da; the
    config's pseudonym_key_file is the key file where --key-file is not given."""
    monkeypatch.delenv(pseudonym.ENV_VAR)
    short = tmp_path / "keys" / "short.key"
    short.parent.mkdir()
    short.write_text("kort\n")
    english = tmp_path / "english.yaml"
    english.write_text(yaml.safe_dump({"language": "en", "pseudonym_key_file": str(short)}))
    configs = ["--config", str(ROOT / "config" / "config.yaml"), str(english)]
    said = {}
    for case, env, extra in [
        ("config", "da", configs),
        ("--lang", "en", [*configs, "--lang", "da"]),
        ("environment", "en", ["--key-file", str(short)]),
        ("default", None, ["--key-file", str(short)]),
    ]:
        if env:
            monkeypatch.setenv(console.LANGUAGE_ENV, env)
        else:
            monkeypatch.delenv(console.LANGUAGE_ENV, raising=False)
        assert ingest(tmp_path, *extra) == ["2"]
        said[case] = capsys.readouterr().err.split(":")[1].strip()
    assert said == {"config": "error", "--lang": "fejl", "environment": "error", "default": "fejl"}


def test_a_config_that_cannot_be_read_fails_the_ingest_in_the_workflows_language(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(console.LANGUAGE_ENV, "da")
    assert ingest(tmp_path, "--config", str(tmp_path / "absent.yaml")) == ["2"]
    assert capsys.readouterr().err == (
        f"evalkit ingest: fejl: {tmp_path / 'absent.yaml'}: filen findes ikke: forventede en konfigurationsfil "
        "(YAML), fx config/config.yaml\n"
    )


def test_ingest_by_hand_names_a_misnamed_or_missing_quarter_in_danish(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    out = str(tmp_path / "out")
    assert main(["ingest", "--raw-dir", str(raw), "--quarter", "2021-Q3", "--out-dir", out]) == 2
    assert capsys.readouterr().err == (
        "evalkit ingest: fejl: 2021-Q3: en leverancemappe skal hedde ÅÅÅÅQN, fx 2021Q3\n"
    )
    assert main(["ingest", "--raw-dir", str(raw), "--quarter", "2021Q3", "--out-dir", out]) == 2
    assert capsys.readouterr().err == f"evalkit ingest: fejl: {raw / '2021Q3'}: leverancemappen findes ikke\n"


# --- the row accounting -----------------------------------------------------------------------------------------


def test_the_ingests_accounting_errors_read_in_danish():
    rows = AccountingError("rows", file="2021Q3/851_courses.csv", read=3, loaded=1, quarantined=1)
    assert rows.message("da") == (
        "2021Q3/851_courses.csv: 3 rækker læst, men 1 indlæst + 1 i karantæne; ingen række må gå tabt eller tælle "
        "to gange"
    )
    assert str(rows).startswith("2021Q3/851_courses.csv: 3 rows read but 1 loaded + 1 quarantined")
    counts = dict(file="2021Q3/851_courses.csv", loaded=2, quarantined=1, blank=1, in_cells=0, above=2)
    lines = AccountingError("lines", lines=9, **counts)
    assert lines.message("da") == (
        "2021Q3/851_courses.csv: 9 linjer, men 1 overskrift + 2 indlæst + 1 i karantæne + 1 blanke + 0 inde i celler "
        "over flere linjer + 2 over overskriften; ingen linje må gå tabt eller tælle to gange"
    )


def accounted_quarter(tmp_path: Path) -> Path:
    write_drop(tmp_path / "raw", "2021Q3", "851_courses.csv", HEADER + "c1,K-1,82a,2021-04-01,,\nc2,K-2,82z,x,,\n")
    quarter = tmp_path / "quarters" / "2021Q3"
    ingest_quarter(tmp_path / "raw", "2021Q3", quarter, TEST_KEY.encode())
    return quarter


def test_the_warehouses_accounting_errors_read_in_danish(tmp_path, capsys):
    quarter = accounted_quarter(tmp_path)
    db = str(tmp_path / "evalkit.duckdb")
    courses = quarter / "courses.parquet"
    duckdb.execute(f"COPY (SELECT * FROM '{courses}' WHERE false) TO '{courses}'")
    assert main(["warehouse", "--db", db, str(quarter)]) == 2
    assert capsys.readouterr().err == (
        "evalkit warehouse: fejl: rækkerne i tabellerne afviger fra indlæsningsloggen:\n"
        "2021Q3/851_courses.csv: loggen siger 1 indlæst, tabellerne har 0\n"
    )
    # the quarantined row lost too: the counts themselves no longer add up
    quarantine = quarter / "quarantine.parquet"
    duckdb.execute(f"COPY (SELECT * FROM '{quarantine}' WHERE false) TO '{quarantine}'")
    assert main(["warehouse", "--db", db, str(quarter), "--lang", "da"]) == 2
    assert capsys.readouterr().err == (
        "evalkit warehouse: fejl: rækkeregnskabet går ikke op:\n"
        "2021Q3/851_courses.csv: læst 2, indlæst 1, i karantæne 1 (karantænetabellen har 0 linjer); 3 linjer = 1 "
        "overskrift + indlæst + i karantæne + 0 blanke + 0 inde i celler over flere linjer + 0 over overskriften?\n"
    )


# --- the configuration and unit costs in `evalkit tables` -------------------------------------------------------


def tables(tmp_path: Path, cfg: Path, db: Path) -> int:
    return tables_cli(["--config", str(cfg), "--db", str(db), "--family", "completion", "--out-dir", str(tmp_path)])


@pytest.fixture
def warehouse(tmp_path):
    (tmp_path / "unit_costs.csv").write_text("paragraph,unit,price_dkk,price_year\n85,hour,400,2021\n")
    return factory_warehouse(tmp_path / "evalkit.duckdb", {})


def test_config_errors_in_tables_read_in_the_configs_language(tmp_path, warehouse, capsys):
    backwards = {**REPORT, "period": {"start": "2021-10-01", "end": "2021-09-30"}}
    assert tables(tmp_path, config(tmp_path, [backwards]), warehouse) == 2
    assert capsys.readouterr().err == (
        "evalkit tables: fejl: reports[0] (nj): perioden slutter (2021-09-30), før den starter (2021-10-01)\n"
    )
    english = tmp_path / "english.yaml"
    english.write_text(yaml.safe_dump({"language": "en"}))
    args = ["--config", str(config(tmp_path, [backwards])), str(english), "--db", str(warehouse)]
    assert tables_cli([*args, "--out-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        "evalkit tables: error: reports[0] (nj): the period ends (2021-09-30) before it starts (2021-10-01)\n"
    )
    twice = config(tmp_path, [REPORT, REPORT])
    assert tables(tmp_path, twice, warehouse) == 2
    assert capsys.readouterr().err == "evalkit tables: fejl: rapporternes id skal være forskellige: ['nj', 'nj']\n"


def test_a_config_the_schema_refuses_is_framed_in_danish(tmp_path, warehouse, capsys):
    cfg = config(tmp_path, [{**REPORT, "municipalities": "alle"}])
    assert tables(tmp_path, cfg, warehouse) == 2
    assert capsys.readouterr().err.startswith("evalkit tables: fejl: konfigurationen reports/0/municipalities: ")
    top = config(tmp_path, [REPORT])
    top.write_text(top.read_text() + "no_such_key: 1\n")
    assert tables(tmp_path, top, warehouse) == 2
    assert capsys.readouterr().err.startswith("evalkit tables: fejl: konfigurationen (øverste niveau): ")


@pytest.mark.parametrize(
    "catalogue, expected",
    [
        (
            "paragraph,unit,price_dkk,price_year\n85,month,400,2021\n",
            "{path}:2: enheden skal være en af ('hour', 'year'), ikke 'month'",
        ),
        (
            "paragraph,unit,price_dkk,price_year\n85,hour,400,2021\n§ 85,hour,410,2021\n",
            "{path}: to hour-priser for paragraf 85 i 2021",
        ),
        (
            None,
            "{path}: filen findes ikke: konfigurationens nøgle `unit_costs` (eller --unit-costs) angiver "
            "kataloget over enhedspriser",
        ),
    ],
)
def test_unit_cost_errors_in_tables_read_in_danish(tmp_path, warehouse, capsys, catalogue, expected):
    path = tmp_path / "unit_costs.csv"
    if catalogue is None:
        path.unlink()
    else:
        path.write_text(catalogue)
    assert tables(tmp_path, config(tmp_path, [REPORT]), warehouse) == 2
    assert capsys.readouterr().err == f"evalkit tables: fejl: {expected.format(path=path)}\n"


def test_a_unit_cost_error_is_told_in_the_configs_language(tmp_path, warehouse, capsys):
    (tmp_path / "unit_costs.csv").write_text("paragraph,unit,price_dkk,price_year\n85,month,400,2021\n")
    english = tmp_path / "english.yaml"
    english.write_text(yaml.safe_dump({"language": "en"}))
    args = ["--config", str(config(tmp_path, [REPORT])), str(english), "--db", str(warehouse)]
    assert tables_cli([*args, "--out-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("evalkit tables: error: ")


@pytest.mark.parametrize(
    "payers, expected",
    [
        ("paragraph,kommune,region\n", "{path}: kolonne(r) mangler: stat: forventede paragraph, kommune, region, stat"),
        (
            "paragraph,kommune,region,stat\n,1,0,0\n",
            "{path}:2: kolonnen paragraph er tom: forventede en paragraf, fx 85",
        ),
        (
            "paragraph,kommune,region,stat\n85,1,0,0\n§ 85,1,0,0\n",
            "{path}:3: kolonnen paragraph: '§ 85' står to gange",
        ),
        (
            "paragraph,kommune,region,stat\n85,0.5,0.2,0.2\n",
            "{path}:2: kolonnerne kommune, region, stat: 0.5, 0.2, 0.2 giver tilsammen 0.9: forventede, at andelene "
            "for paragraf 85 giver 1 tilsammen",
        ),
        (
            "paragraph,kommune,region,stat\n85,x,0,0\n",
            "{path}:2: kolonnen kommune: 'x' er ikke en andel: forventede et tal fra 0 til 1",
        ),
        (None, "{path}: filen findes ikke: konfigurationens nøgle `payers` angiver business casens betalerandele"),
    ],
)
def test_payer_share_errors_read_in_danish(tmp_path, payers, expected):
    path = tmp_path / "payers.csv"
    if payers is not None:
        path.write_text(payers)
    with pytest.raises(config_module.ConfigError) as raised:
        config_module.read_payers(path)
    assert raised.value.message("da") == expected.format(path=path)


@pytest.mark.parametrize(
    "business_case, expected",
    [
        (
            {"scenarios": [{"name": "x"}, {"name": "x"}]},
            "reports[0] (nj).business_case.scenarios: scenariernes navne skal være forskellige: ['x', 'x']",
        ),
        (
            {"sensitivity": {"decay": [0.5, 0.1]}},
            "reports[0] (nj).business_case.sensitivity.decay: intervallet [0.5, 0.1] skal gå fra lav til høj",
        ),
    ],
)
def test_business_case_config_errors_read_in_danish(business_case, expected):
    with pytest.raises(config_module.ConfigError) as raised:
        config_module.normalise({"reports": [{**REPORT, "business_case": business_case}]})
    assert raised.value.message("da") == expected


def test_dates_in_the_config_are_checked_in_danish():
    late = {**REPORT, "follow_up_until": "2021-09-01"}
    with pytest.raises(config_module.ConfigError) as raised:
        config_module.normalise({"reports": [late]})
    assert raised.value.message("da") == "reports[0] (nj): follow_up_until (2021-09-01) ligger før periodens slutning"
    with pytest.raises(config_module.ConfigError) as raised:
        config_module.normalise({"reports": [{**REPORT, "period": {"start": "1. april", "end": "2021-09-30"}}]})
    assert (
        raised.value.message("da") == "reports[0] (nj).period.start: '1. april' er ikke en dato (forventede ÅÅÅÅ-MM-DD)"
    )


# --- the reproduction --------------------------------------------------------------------------------------------


def published_row(**changes) -> dict[str, str]:
    row = dict.fromkeys(compare.PUBLISHED_COLUMNS, "")
    return (
        row
        | {
            "report": "000_test.txt",
            "location": "bilag 4.3",
            "line": "868",
            "report_id": "r",
            "kommunekode": "851",
            "family": "referral_onward",
            "metric": "ended_citizens",
            "figure": "afsluttede borgere",
            "value": "22",
            "unit": "count",
            "rounding": "exact",
        }
        | changes
    )


def reproduce_cli(tmp_path: Path, rows: list[dict[str, str]], *tables: tuple[str, str]) -> int:
    folder = tmp_path / "tables"
    folder.mkdir(exist_ok=True)
    for family, text in tables:
        (folder / f"{family}.csv").write_text(text)
    published = tmp_path / "published.csv"
    with published.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=compare.PUBLISHED_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    out = ["--csv", str(tmp_path / "r.csv"), "--md", str(tmp_path / "r.md")]
    return reproduce_command(["--published", str(published), "--tables", str(folder), *out])


SWITCH_OFF_DA = (
    "Figurtabellerne afviger fra de tal, kilderapporterne har offentliggjort. Er data eller rapporterne ændret med "
    "vilje (data uden offentliggjorte tal, andre perioder), så slå kontrollen fra: `published_figures: ''` i "
    "konfigurationen eller `snakemake --config published_figures=`."
)


def test_a_figure_not_reproduced_is_named_in_danish_with_how_to_switch_the_check_off(tmp_path, capsys):
    rows = [published_row(), published_row(metric="later", figure="senere", line="870")]
    table = ("referral_onward", "report,kommunekode,ended_citizens\nr,851,21\n")
    assert reproduce_cli(tmp_path, rows, table) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "evalkit reproduce: fejl: 2 offentliggjorte tal blev ikke genskabt:",
        "  000_test.txt bilag 4.3 (linje 868), r 851, referral_onward.ended_citizens — afsluttede borgere: "
        "offentliggjort 22, beregnet 21",
        "  000_test.txt bilag 4.3 (linje 870), r 851, referral_onward.later — senere: referral_onward.csv har ingen "
        "kolonne later",
        SWITCH_OFF_DA,
    ]
    # the files stay in English, the reproduction's own language
    assert "published 22, computed 21" in (tmp_path / "r.csv").read_text()


@pytest.mark.parametrize(
    "metric, table, expected",
    [
        ("a[x", "report,kommunekode,a\nr,851,1\n", "kan ikke læse metrikkens led 'a[x'"),
        (
            "a[x] / b",
            "report,kommunekode,a,b\nr,851,1,1\n",
            "kan ikke læse udvælgelsen i 'a[x]': forventede nøgle=værdi",
        ),
        ("a / b / c", "report,kommunekode,a\nr,851,1\n", "kan ikke læse metrikken 'a / b / c': højst én ' / '"),
        ("a", None, "ingen figurtabel {folder}/referral_onward.csv"),
        (
            "a",
            "report,kommunekode,a\nr,851,1\nr,851,2\n",
            "referral_onward.csv: 2 rækker for a ved rapport r, kommunekode 851, forventede 1",
        ),
        ("a", "report,kommunekode,a\nr,851,\n", "a er tom ved rapport r, kommunekode 851"),
        ("a + b", "report,kommunekode,a,b\nr,851,1,x\n", "b er 'x', ikke et tal"),
        ("a + b", "report,kommunekode,a,b\nr,851,1,nan\n", "b er tom"),
        ("a", "report,kommunekode,a\nr,860,1\n", "referral_onward.csv har ingen rækker for rapport r, kommunekode 851"),
        ("a / b", "report,kommunekode,a,b\nr,851,1,0\n", "division med nul ved rapport r, kommunekode 851"),
    ],
)
def test_why_a_figure_cannot_be_evaluated_reads_in_danish(tmp_path, capsys, metric, table, expected):
    tables = [("referral_onward", table)] if table else []
    assert reproduce_cli(tmp_path, [published_row(metric=metric)], *tables) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[1].endswith(": " + expected.format(folder=tmp_path / "tables")), lines[1]


def test_reproduction_errors_of_the_file_itself_read_in_danish(tmp_path, capsys):
    table = ("referral_onward", "report,kommunekode,ended_citizens\nr,851,22\n")
    assert reproduce_cli(tmp_path, [published_row(rounding="ca.")], table) == 1
    assert "ukendt afrunding 'ca.'" in capsys.readouterr().err
    aggregate = published_row(kommunekode="max", metric="a")
    assert reproduce_cli(tmp_path, [aggregate], ("referral_onward", "report,kommunekode,a\nr,851,\n")) == 1
    assert capsys.readouterr().err.splitlines()[1].endswith(": ingen kommune i r har a")
    broken = tmp_path / "broken.csv"
    broken.write_text("report,metric\n")
    assert reproduce_command(["--published", str(broken), "--tables", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith(f"evalkit reproduce: fejl: {broken} mangler kolonnerne location, ")
