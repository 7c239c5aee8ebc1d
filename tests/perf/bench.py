"""`make bench`: what a submission costs, measured against a bare S3 round trip in the same run.

Prints one table and writes it to tests/perf/RESULTS.md with a description of the machine:
- POST /api/dossiers through the real WSGI server (waitress) and moto's S3 server: median and
  p99 latency, throughput with 8 clients; the same for a bare boto3 put_object of the same JSON
  to the same endpoint, and the ratio (with the S3 calls one submission makes);
- validation alone per dossier (µs) and its share of a submission;
- issue 18's targets: the S3 calls of a submission (with an Idempotency-Key, as the form sends,
  and without) and its median (timed with a key) against that many bare puts, both measured
  in alternating rounds;
  its median with 20,000 dossiers in the summary index against an empty one (alternating rounds
  in one run); the entry point's import against `import flask, marshmallow, boto3, yaml`
  (fresh interpreters in turns, bytecode compiled as the Lambda package ships it);
- the Lambda entry point's import time next to `import boto3` alone;
- each page's weight before the first interaction (gzip) and requests, against its budget.

    python -m tests.perf.bench [--submissions 300] [--out tests/perf/RESULTS.md]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import shared_rules
from handler.local_server import LocalStack
from tests.factories import ROOT, make_dossier
from tests.perf.test_load import dossier_for

RESULTS = Path(__file__).parent / "RESULTS.md"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def post(url: str, body: dict[str, Any], *, key: str | None = None) -> float:
    """POST a dossier (with an Idempotency-Key, as the form sends, if `key`); its latency."""
    data = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    request = urllib.request.Request(url, data=data, headers=headers)
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        assert response.status == 201, response.status
    return time.perf_counter() - started


def measure_submissions(stack: LocalStack, count: int) -> dict[str, Any]:
    url = stack.url + "api/dossiers"  # type: ignore[attr-defined]
    calls: list[str] = []
    stack.s3.meta.events.register("before-send.s3", lambda **kw: calls.append(kw["request"].method))
    post(url, dossier_for(10**6, "echauffement@exemple.fr"))  # warm-up, not counted
    calls.clear()
    post(url, dossier_for(10**6 + 1, "mesure@exemple.fr"))
    bare_trips = len(calls)
    calls.clear()
    post(url, dossier_for(10**6 + 2, "mesure-cle@exemple.fr"), key="bench-cle-mesure-0001")
    round_trips = len(calls)
    methods = ", ".join(calls)
    # Timed as the form sends them: each with its own Idempotency-Key.
    latencies = [post(url, dossier_for(i, f"b{i}@exemple.fr"), key=f"bench-b-{i:08d}")
                 for i in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda i: post(url, dossier_for(count + i, f"c{i}@exemple.fr"),
                                     key=f"bench-c-{i:08d}"),
                      range(count)))
    throughput = count / (time.perf_counter() - started)
    return {"median": statistics.median(latencies), "p99": percentile(latencies, 0.99),
            "throughput": throughput, "round_trips": round_trips, "methods": methods,
            "round_trips_without_key": bare_trips}


def sequential_latencies(stack: LocalStack, count: int, first: int) -> list[float]:
    """`count` submissions one after the other (new people from `first` on), their
    latencies."""
    url = stack.url + "api/dossiers"  # type: ignore[attr-defined]
    return [post(url, dossier_for(first + i, f"p{first + i}@exemple.fr")) for i in range(count)]


def registry_growth(stack: LocalStack, count: int, registry: int,
                    rounds: int = 6) -> tuple[float, float]:
    """Median latency of a submission with an empty registry and with `registry` dossiers in
    the summary index (the shards every submission read and rewrote before issue 18), measured
    in alternating rounds so that the machine's drift weighs on both alike."""
    from handler.dossier.index import SHARDS, shard_key, write_entries
    from handler.platform.storage import DossierStore
    from tests.staff.test_list_scale import SESSION, summaries

    store = DossierStore(stack.s3, stack.bucket)
    entries = summaries(registry)
    empty: list[float] = []
    full: list[float] = []
    per_round = max(1, count // rounds)
    for round_ in range(rounds):
        for symbol in SHARDS:
            store.delete(shard_key(SESSION, symbol))
        empty += sequential_latencies(stack, per_round, 10**7 + 2 * round_ * per_round)
        write_entries(store, SESSION, entries)
        full += sequential_latencies(stack, per_round, 10**7 + (2 * round_ + 1) * per_round)
    return statistics.median(empty), statistics.median(full)


def alternating_rounds(stack: LocalStack, count: int, body: bytes,
                       submit: Callable[[int], float], first: int,
                       rounds: int = 6) -> tuple[float, float]:
    """Medians of `submit(n)` (new people from `first` on) and of bare puts of a stored
    dossier's JSON, in alternating rounds of one run, so that the machine's drift (a bare put
    took 3.7 to 10 ms from one run to the next here) weighs on both alike: what issue 18's
    per-call ratio compares."""
    s3, bucket = stack.s3, stack.bucket
    puts: list[float] = []
    submissions: list[float] = []
    per_round = max(1, count // rounds)
    for round_ in range(rounds):
        for i in range(per_round):
            started = time.perf_counter()
            s3.put_object(Bucket=bucket, Key=f"bench/alterne-{first}-{round_}-{i}.json",
                          Body=body, ContentType="application/json")
            puts.append(time.perf_counter() - started)
        start = first + round_ * per_round
        submissions += [submit(start + i) for i in range(per_round)]
    return statistics.median(submissions), statistics.median(puts)


def interleaved_per_call(stack: LocalStack, count: int, body: bytes) -> tuple[float, float]:
    """Through the local run's server (urllib, waitress), each submission with its
    Idempotency-Key, as the form sends."""
    url = stack.url + "api/dossiers"  # type: ignore[attr-defined]
    return alternating_rounds(
        stack, count, body,
        lambda n: post(url, dossier_for(n, f"a{n}@exemple.fr"), key=f"bench-a-{n:09d}"),
        first=2 * 10**7)


def lambda_per_call(stack: LocalStack, count: int, body: bytes) -> tuple[float, float]:
    """The same alternating rounds, the submissions through the Lambda entry point as API
    Gateway invokes it in production (`handler.lambda_function.handler`, apig-wsgi, an HTTP API
    payload 2.0 event), against the same moto server: what a submission costs in the
    function, without the local run's HTTP hop (urllib and waitress in this process)."""
    import importlib

    from tests.entry_points.test_lambda import make_v2_event

    settings = {"INSCRIPTION_ENV": "test", "DOSSIERS_BUCKET": stack.bucket,
                "AWS_ENDPOINT_URL_S3": str(stack.s3.meta.endpoint_url),
                "INSCRIPTION_NOW": "2020-11-02T10:00:00+01:00", "SUBMISSIONS_PER_CLIENT": "0",
                "AWS_ACCESS_KEY_ID": "local", "AWS_SECRET_ACCESS_KEY": "local",
                "AWS_DEFAULT_REGION": "eu-west-3"}
    saved = {name: os.environ.get(name) for name in settings}
    root_level = logging.getLogger().level
    os.environ.update(settings)  # read at import (the app) and at the S3 client's first use
    try:
        sys.modules.pop("handler.lambda_function", None)
        entry = importlib.import_module("handler.lambda_function")
        logging.getLogger().setLevel(logging.WARNING)  # one access line per request otherwise

        def submit(number: int) -> float:
            event = make_v2_event(
                method="POST", path="/api/dossiers",
                headers={"content-type": "application/json",
                         "idempotency-key": f"bench-l-{number:09d}"},
                body=json.dumps(dossier_for(number, f"l{number}@exemple.fr")))
            started = time.perf_counter()
            answer = entry.handler(event, None)
            assert answer["statusCode"] == 201, answer
            return time.perf_counter() - started

        submit(3 * 10**7 - 1)  # warm-up: the S3 client is built at the first call
        return alternating_rounds(stack, count, body, submit, first=3 * 10**7)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        sys.modules.pop("handler.lambda_function", None)
        logging.getLogger().setLevel(root_level)


def import_ratio(libraries: str, entry: str, runs: int = 7) -> tuple[float, float, float]:
    """Medians of `libraries` and `entry` imported in fresh interpreters, taken in turns, and
    the median of the pairs' ratios."""
    import_seconds(entry, runs=0)  # bytecode for both
    pairs = [(import_seconds(libraries, runs=1, warm_up=False),
              import_seconds(entry, runs=1, warm_up=False)) for _ in range(runs)]
    return (statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs),
            statistics.median(b / a for a, b in pairs))


def measure_bare_puts(stack: LocalStack, count: int, body: bytes) -> dict[str, float]:
    s3, bucket = stack.s3, stack.bucket

    def put(i: int) -> float:
        started = time.perf_counter()
        s3.put_object(Bucket=bucket, Key=f"bench/{i}.json", Body=body,
                      ContentType="application/json")
        return time.perf_counter() - started

    put(-1)
    latencies = [put(i) for i in range(count)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(put, range(count, 2 * count)))
    throughput = count / (time.perf_counter() - started)
    return {"median": statistics.median(latencies), "p99": percentile(latencies, 0.99),
            "throughput": throughput}


def measure_validation() -> float:
    dossier = make_dossier()
    runs = 2000
    return min(timeit.repeat(lambda: shared_rules.load(dossier), number=runs, repeat=3)) / runs


#: Bytecode for every module imported, ours and the libraries', as the Lambda package ships it
#: (infra/package.py compiles it): without it our modules would be measured compiling.
_BYTECODE = Path(tempfile.gettempdir()) / "preinscription-bench-pycache"


def import_seconds(statement: str, runs: int = 5, *, warm_up: bool = True) -> float:
    env = {**os.environ, "INSCRIPTION_ENV": "test", "AWS_DEFAULT_REGION": "eu-west-3",
           "PYTHONPYCACHEPREFIX": str(_BYTECODE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True, env=env, cwd=ROOT).stdout)
               for _ in range(runs + warm_up)]
    measured = samples[warm_up:]  # a first run writes the bytecode
    return statistics.median(measured) if measured else 0.0


def page_weight_lines(site: Path) -> list[str]:
    """Each page's weight before the first interaction (tests/perf/page_weight.py) against its
    budget (issue 18: 90 KB gzip), as Markdown lines."""
    from tests.perf.page_weight import PAGE_BUDGET_GZIP, PAGES, budget, page_weight

    if not (site / "index.html").is_file() or not (site / "formulaire.html").is_file():
        return ["- The site is not built yet (`make site`): no page weight measured."]
    lines = ["", f"Page weights before the first interaction (gzip; target "
             f"{PAGE_BUDGET_GZIP / 1024:.0f} KB per page; the search's worker at the first "
             "query; on the form's pages, the notice and personal data, Material's bundle and the "
             "search index at the first gesture):",
             "", "| page | KB gzip | requests | budget | ratio | target |",
             "| --- | --- | --- | --- | --- | --- |"]
    for page in PAGES:
        weight = page_weight(site, page)
        ratio = weight.gzip_bytes / PAGE_BUDGET_GZIP
        lines.append(f"| {page} | {weight.gzip_bytes / 1024:.1f} | {weight.requests} | "
                     f"{budget(page) / 1024:.0f} KB | {ratio:.2f}× | "
                     f"{'met' if ratio <= 1 else 'missed'} |")
    return lines + [""]


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "?")
    memory = next((int(line.split()[1]) // (1024 * 1024) for line in
                   Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return (f"{os.cpu_count()} cores ({model}), {memory} GiB, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")


def site_or_blank(tmp: Path) -> Path:
    """The built site when `make site` has run, else a blank page in `tmp`: the benchmarks
    measure the API, never the pages."""
    site = ROOT / "build" / "site"
    if not (site / "index.html").is_file():
        site = tmp
        (site / "index.html").write_text("<html><body></body></html>", encoding="utf-8")
    return site


def run(submissions: int, out: Path | None, *, registry: int = 20_000) -> str:
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "task queue depth" notes
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's access log
    with tempfile.TemporaryDirectory() as tmp:
        stack = LocalStack(site_dir=site_or_blank(Path(tmp)), port=0,
                           config={"SUBMISSIONS_PER_CLIENT": "0"})
        stack.url = stack.start()  # type: ignore[attr-defined]
        stack.serve_in_background()
        try:
            post(stack.url + "api/dossiers",  # type: ignore[attr-defined]
                 dossier_for(10**6 - 1, "premier@exemple.fr"))  # warm-up, not counted
            empty, full = registry_growth(stack, submissions, registry)
            submit = measure_submissions(stack, submissions)
            record = stack.s3.get_object(
                Bucket=stack.bucket,
                Key=stack.s3.list_objects_v2(Bucket=stack.bucket,
                                             Prefix="dossiers/")["Contents"][0]["Key"])
            body = record["Body"].read()
            bare = measure_bare_puts(stack, submissions, body)
            paired_submission, paired_put = interleaved_per_call(stack, submissions, body)
            lambda_submission, lambda_put = lambda_per_call(stack, submissions, body)
        finally:
            stack.stop()
    validation = measure_validation()
    boto3_import = import_seconds("import boto3")
    libraries_import, entry_import, cold = import_ratio(
        "import flask, marshmallow, boto3, yaml", "import handler.lambda_function")
    weights = page_weight_lines(ROOT / "build" / "site")

    ms = 1000
    rows = [
        ("POST /api/dossiers with an Idempotency-Key (waitress + moto S3 server)",
         f"{submit['median'] * ms:.1f} ms", f"{submit['p99'] * ms:.1f} ms",
         f"{submit['throughput']:.0f} /s"),
        ("bare boto3 put_object, same JSON, same endpoint",
         f"{bare['median'] * ms:.1f} ms", f"{bare['p99'] * ms:.1f} ms",
         f"{bare['throughput']:.0f} /s"),
    ]
    ratio = submit["median"] / bare["median"]
    # With a key, the key's own record (issue 25) on top of issue 18's 4 calls.
    within = submit["round_trips"] <= 5 and submit["round_trips_without_key"] <= 4
    per_call = paired_submission / paired_put / submit["round_trips"]
    lambda_call = lambda_submission / lambda_put / submit["round_trips"]
    growth = full / empty
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Measured by `make bench` ({submissions} sequential submissions "
        f"for latency, {submissions} more from 8 threads for throughput).",
        "",
        "| measure | median | p99 | throughput |",
        "| --- | --- | --- | --- |",
        *[f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows],
        "",
        f"- A submission costs **{ratio:.1f}×** a bare S3 put (the table's medians, measured "
        f"one after the other); with an Idempotency-Key, as the form sends, it makes "
        f"**{submit['round_trips']}** S3 calls ({submit['methods']}; "
        f"{submit['round_trips_without_key']} without a key), so the ratio per S3 round trip "
        f"is **{ratio / submit['round_trips']:.2f}** there, **{per_call:.2f}** with both "
        f"measured in alternating rounds, and **{lambda_call:.2f}** through the Lambda entry "
        f"point (the target's figure: production has no local HTTP hop).",
        "",
        "Issue 18's back-end targets (ratios measured in this run):",
        "",
        "| target | measured | budget | met |",
        "| --- | --- | --- | --- |",
        f"| submission: S3 calls with an Idempotency-Key (without) | {submit['round_trips']} "
        f"({submit['round_trips_without_key']}) | ≤ 5 (≤ 4) | "
        f"{'yes' if within else 'no'}"
        " |",
        f"| submission median ÷ (calls × bare put median), through the Lambda entry point as in "
        f"production, in alternating rounds ({lambda_submission * ms:.1f} ms ÷ "
        f"({submit['round_trips']} × {lambda_put * ms:.1f} ms)) | {lambda_call:.2f} | ≤ 1.3 | "
        f"{'yes' if lambda_call <= 1.3 else 'no'} |",
        f"| the same through the local run's server (urllib and waitress in this process), in "
        f"alternating rounds ({paired_submission * ms:.1f} ms ÷ ({submit['round_trips']} × "
        f"{paired_put * ms:.1f} ms)) | {per_call:.2f} | ≤ 1.3 | "
        f"{'yes' if per_call <= 1.3 else 'no'} |",
        f"| submission median at {registry:,} dossiers ÷ at 0 "
        f"({full * ms:.1f} ms ÷ {empty * ms:.1f} ms) | {growth:.2f} | ≤ 1.1 | "
        f"{'yes' if growth <= 1.1 else 'no'} |",
        f"| `import handler.lambda_function` ÷ `import flask, marshmallow, boto3, yaml` "
        f"({entry_import * ms:.0f} ms ÷ {libraries_import * ms:.0f} ms; median of 7 pairs' "
        f"ratios) | "
        f"{cold:.2f} | ≤ 1.2 | {'yes' if cold <= 1.2 else 'no'} |",
        "",
        f"- Validation alone (`shared_rules.load`): **{validation * 1e6:.0f} µs** per dossier, "
        f"{validation / submit['median']:.1%} of a submission.",
        f"- Cold imports (median of 5 fresh interpreters, bytecode compiled as in the Lambda "
        f"package, the entry point's own figure from the pairs above): `import boto3` "
        f"**{boto3_import * ms:.0f} ms**; `import handler.lambda_function` (builds the app) "
        f"**{entry_import * ms:.0f} ms**, {entry_import / boto3_import:.1f}× boto3 alone.",
        *weights,
        "",
        "moto's server stands in for S3 on the same machine: absolute figures are this machine's,"
        " the ratios are what carries over.",
        "",
    ]
    text = "\n".join(lines)
    if out is not None:
        from tests.perf.bench_export import SECTION  # `make bench-export`'s part, kept

        previous = out.read_text(encoding="utf-8") if out.is_file() else ""
        kept = SECTION + previous.split(SECTION, 1)[1] if SECTION in previous else ""
        out.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench")
    parser.add_argument("--submissions", type=int, default=300)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    print(run(args.submissions, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
