"""`cogmodel inspect REF REF …` and `inspect -`: many images in one call (in-memory backends)."""

from __future__ import annotations

import io
import json

import pytest

from adapters.cli.context import Context
from adapters.cli.main import main, worst
from domain.labels import LABEL_CONFIG
from tests.unit.cli.conftest import Cli, model_labels

ONE = "127.0.0.1:5000/acme/one:1"
TWO = "127.0.0.1:5000/acme/two:1"
MISSING = "127.0.0.1:5000/acme/missing:1"
PLAIN = "127.0.0.1:5000/acme/plain:1"  # an image, but not a Cog model


@pytest.fixture
def seeded(cli: Cli) -> Cli:
    cli.add_remote(ONE, model_labels())
    cli.add_remote(TWO, model_labels(build={"gpu": True, "python_version": "3.12"}))
    cli.add_remote(PLAIN, {"maintainer": "someone"})
    return cli


def test_json_lines_hold_each_images_own_object_in_input_order(seeded: Cli) -> None:
    run = seeded("inspect", "--remote", "--json", TWO, ONE, TWO)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert len(lines) == 3
    singles = {ref: seeded("inspect", "--remote", "--json", ref).json() for ref in (ONE, TWO)}
    assert [json.loads(line) for line in lines] == [singles[TWO], singles[ONE], singles[TWO]]
    assert run.err == ""


def test_one_ref_keeps_the_single_indented_object(seeded: Cli) -> None:
    run = seeded("inspect", "--remote", "--json", ONE)
    assert run.out.startswith("{\n  ")
    assert json.loads(run.out)["reference"] == ONE


def test_human_output_is_each_images_table_in_order_separated_by_a_blank_line(
    seeded: Cli,
) -> None:
    run = seeded("inspect", "--remote", ONE, TWO)
    assert run.code == 0, run.err
    one = seeded("inspect", "--remote", ONE).out
    two = seeded("inspect", "--remote", TWO).out
    assert run.out == one + "\n" + two


def test_a_failed_image_gets_its_own_error_line_and_the_others_are_still_shown(
    seeded: Cli,
) -> None:
    run = seeded("inspect", "--remote", "--json", ONE, MISSING, TWO)
    assert run.code == 3
    assert [json.loads(line)["reference"] for line in run.out.splitlines()] == [ONE, TWO]
    (line,) = run.err.splitlines()
    assert line.startswith(f"error: {MISSING}: ")
    assert line == f"error: {MISSING}: " + seeded("inspect", "--remote", MISSING).err[7:].strip()


def test_a_bad_reference_is_one_images_error_not_the_whole_runs(seeded: Cli) -> None:
    run = seeded("inspect", "--remote", "--json", "Bad::Ref", ONE)
    assert run.code == 2
    assert [json.loads(line)["reference"] for line in run.out.splitlines()] == [ONE]
    assert run.err.startswith("error: Bad::Ref: invalid image reference")


@pytest.mark.parametrize(
    ("refs", "code"),
    [
        ([ONE, TWO], 0),
        ([MISSING, ONE], 3),
        ([MISSING, PLAIN], 4),  # not a Cog model outranks not found
        (["Bad::Ref", MISSING], 3),  # not found outranks a bad argument
        ([PLAIN, "Bad::Ref", ONE], 4),
    ],
)
def test_the_exit_code_is_the_worst_failures(seeded: Cli, refs: list[str], code: int) -> None:
    run = seeded("inspect", "--remote", "--json", *refs)
    assert run.code == code
    assert len(run.err.splitlines()) == sum(ref not in (ONE, TWO) for ref in refs)


def test_authentication_and_outages_outrank_answers_about_one_image(seeded: Cli) -> None:
    seeded.remote.denied.add(ONE.rsplit(":", 1)[0])
    assert seeded("inspect", "--remote", MISSING, ONE, PLAIN).code == 5
    seeded.remote.unavailable = True
    assert seeded("inspect", "--remote", MISSING, ONE).code == 6


def test_severity_puts_a_bug_first_and_success_last() -> None:
    assert worst([]) == 0
    assert worst([0, 2, 3]) == 3
    assert worst([3, 4, 2]) == 4
    assert worst([4, 5]) == 5
    assert worst([5, 6]) == 6
    assert worst([6, 7]) == 7
    assert worst([7, 1, 0]) == 1


def test_dash_reads_references_from_stdin_in_place(seeded: Cli) -> None:
    run = seeded("inspect", "--remote", "--json", ONE, "-", ONE, stdin=f"{TWO}\n\n  {PLAIN}  \n")
    assert run.code == 4
    refs = [json.loads(line)["reference"] for line in run.out.splitlines()]
    assert refs == [ONE, TWO, ONE]
    assert run.err.startswith(f"error: {PLAIN}: ")


def test_dash_alone_is_a_batch_even_for_one_reference(seeded: Cli) -> None:
    run = seeded("inspect", "--remote", "--json", "-", stdin=f"{ONE}\n")
    assert run.code == 0
    assert run.out.count("\n") == 1  # one JSON line, not the indented object
    assert json.loads(run.out)["reference"] == ONE


def test_empty_stdin_inspects_nothing_and_succeeds(seeded: Cli) -> None:
    run = seeded("inspect", "--remote", "-", stdin="\n \n")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_dash_twice_or_without_stdin_is_a_usage_error(seeded: Cli) -> None:
    assert seeded("inspect", "-", "-", stdin=ONE).code == 2
    run = seeded("inspect", "-")
    assert run.code == 2
    assert run.err.startswith("error: ")


def test_an_image_id_in_a_batch_is_looked_up_locally(seeded: Cli) -> None:
    local = seeded.add_local(ONE, model_labels())
    run = seeded("inspect", "--json", str(local.image_id), TWO)
    assert run.code == 0, run.err
    first, second = (json.loads(line) for line in run.out.splitlines())
    assert (first["digest"], first["source"]) == (local.image_id, "local")
    assert second["reference"] == TWO
    refused = seeded("inspect", "--remote", str(local.image_id), TWO)
    assert refused.code == 2
    assert refused.err.startswith(f"error: {local.image_id}: ")


def test_a_malformed_label_is_reported_like_the_single_inspect_reports_it(seeded: Cli) -> None:
    seeded.add_remote(MISSING, {**model_labels(), LABEL_CONFIG: '{"build": {"gpu": "maybe"}}'})
    run = seeded("inspect", "--remote", ONE, MISSING)
    single = seeded("inspect", "--remote", MISSING)
    assert (run.code, single.code) == (4, 4)
    assert run.err == single.err.replace("error: ", f"error: {MISSING}: ", 1)


def test_stdin_that_is_not_text_is_invalid_input(seeded: Cli) -> None:
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(ONE.encode() + b"\n\xff\xfe\n"), encoding="utf-8")
    context = Context(
        env={}, stdout=out, stderr=err, stdin=stdin, cwd=seeded.cwd, container=seeded.container
    )
    assert main(["inspect", "--remote", "-"], context=context) == 2
    assert err.getvalue().startswith("error: - reads references from stdin, which is not text")
    assert out.getvalue() == ""
