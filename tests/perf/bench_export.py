"""The staff export benchmark: time and peak memory of an export of N dossiers, against a bare
boto3 list-then-get loop over the same objects, measured in the same run.

    python -m tests.perf.bench_export [--counts 1000 10000] [--formats csv xlsx]
                                      [--zip-count 200] [--zip-parts 4]
                                      [--pdf-counts 1000 10000] [--pdf-part 500]
                                      [--dashboard 20000]

moto's S3 server runs in its own process (so its memory is not counted), filled with N stored
dossiers and their index. The selection (the index read, the job recorded: the API's part) is
done first; then each measure runs in a fresh child process and reports its wall time
and its peak RSS (VmHWM; not tracemalloc, which slows the PDFs' font subsetting tenfold): an
export that streams keeps it flat whatever N. The export is what a background job does (the
dossiers read 64 at a time, the file streamed to S3 as a multipart upload under exports/). The
first spreadsheet export of each count finds the row cache empty and makes every row from its
dossier (« csv, rows made »); the exports after it take their rows from the cache, checked
against the dossiers' ETags, as they do once the compaction's pass has made them. The
baseline lists dossiers/ and gets each object in turn, reading nothing else. A second reference,
the floor an export can reach with this client and this S3, lists dossiers/ and gets the objects
with the export's own number of threads, doing nothing with them. Each measure also reports the
CPU it took in its process (its own: boto3, JSON, rows, CSV) and the CPU moto's server took
meanwhile (read from /proc): on two shared cores, the sum of the two is what a parallel read
waits for. The ZIP (one PDF
per dossier, CPU-bound) is measured on a smaller count, in one go and in parts as a large ZIP
is made in AWS (each part in its own child process, two at a time here for two cores; the last
one assembles the file, and that assembly is timed on its own). The confirmations merged into
one PDF to print (issue 27) are measured as AWS makes them: parts of jobs.PDF_PART dossiers, each
in its own child, two at a time, the last merging them; its peak RSS is the largest part's (or
the merge's), which a part's fixed size keeps flat whatever N. The dashboard (issue 27) is
measured at 20,000 summaries in the index (those of tests/staff/test_list_scale.py), against a
bare read of the index's shards in the same child.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BUCKET = "bench-export"
REGION = "eu-west-3"
SESSION = "cap-limoges-2021-06"


def _client(endpoint: str, *, pool: int = 70) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("s3", region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="bench", aws_secret_access_key="bench",
                        config=Config(max_pool_connections=pool,
                                      retries={"mode": "standard", "max_attempts": 5}))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """moto's S3 server in its own process; its endpoint."""
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1",
                                "-p", str(port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            return process, endpoint
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("moto's server did not start")


def fill(endpoint: str, count: int) -> None:
    """`count` stored dossiers (as the handler writes them) and their index, from scratch."""
    import shared_rules
    from handler.candidats.registrations import new_record
    from handler.dossier.index import dossier_part, suivi_part, write_entries
    from handler.dossier.numero import new_numero
    from handler.platform.storage import DossierStore
    from tests.factories import make_dossier

    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"),
                           timeout=10).close()
    s3 = _client(endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    store = DossierStore(s3, BUCKET)
    session = shared_rules.get_session(SESSION)
    assert session is not None
    dossier = shared_rules.load(make_dossier())
    now = dt.datetime(2020, 11, 2, 10, tzinfo=dt.UTC)
    records = [new_record(new_numero(), dossier, session=session, now=now)
               for _ in range(count)]
    with ThreadPoolExecutor(max_workers=32) as pool:
        list(pool.map(store.create_dossier, records))
    write_entries(store, SESSION, ({**dossier_part(r), **suivi_part(None)} for r in records))


def prepare_export(endpoint: str, fmt: str, *, part_size: int | None = None) -> str:
    """The API's part, in the parent: select from the index and record the job; its id."""
    from handler.dossier.index import SummaryIndex
    from handler.platform.storage import DossierStore
    from handler.staff import jobs

    store = DossierStore(_client(endpoint), BUCKET)
    entries = sorted(SummaryIndex(store, SESSION).entries(), key=lambda e: e["numero"])
    return jobs.create(store, fmt=fmt, numeros=[e["numero"] for e in entries], auteur="bench",
                       followed=[e["numero"] for e in entries if e["revision"] > 0],
                       part_size=part_size)


def child_export(endpoint: str, job_id: str) -> dict[str, Any]:
    """What the export function does with a job, in this (fresh) process."""
    import shared_rules
    from handler.platform.storage import DossierStore
    from handler.staff import jobs

    session = shared_rules.get_session(SESSION)
    assert session is not None
    store = DossierStore(_client(endpoint), BUCKET)
    started, cpu = time.perf_counter(), time.process_time()
    jobs.run(store, session, job_id)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    state = store.read(jobs.state_key(job_id))
    assert state is not None and state.body["statut"] == jobs.PRET, state and state.body
    return {"seconds": elapsed, "rss_peak": _rss(), "bytes": state.body["taille"],
            "count": state.body["fait"], "cpu": cpu}


def child_part(endpoint: str, job_id: str, part: int) -> dict[str, Any]:
    """What the export function does with one part's event, in this (fresh) process; the
    assembly, if this part is the last to finish, timed on its own."""
    import shared_rules
    from handler.platform.storage import DossierStore
    from handler.staff import jobs

    session = shared_rules.get_session(SESSION)
    assert session is not None
    store = DossierStore(_client(endpoint), BUCKET)
    assembly: list[float] = []
    assemble = jobs.assemble

    def timed(*args: Any) -> None:
        started = time.perf_counter()
        assemble(*args)
        assembly.append(time.perf_counter() - started)

    jobs.assemble = timed  # run_part looks it up at call time
    started, cpu = time.perf_counter(), time.process_time()
    jobs.run_part(store, session, job_id, part)
    return {"seconds": time.perf_counter() - started, "rss_peak": _rss(),
            "assembly": assembly[0] if assembly else None, "cpu": time.process_time() - cpu}


def parts_export(endpoint: str, job_id: str) -> dict[str, Any]:
    """Every part of a fanned-out ZIP, each in a fresh child, two at a time (two cores)."""
    from handler.platform.storage import DossierStore
    from handler.staff import jobs

    store = DossierStore(_client(endpoint), BUCKET)
    stored = store.read(jobs.state_key(job_id))
    assert stored is not None
    parts = stored.body["parties"]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: measure(endpoint, f"part:{job_id}:{p}"),
                                range(parts)))
    elapsed = time.perf_counter() - started
    state = store.read(jobs.state_key(job_id))
    assert state is not None and state.body["statut"] == jobs.PRET, state and state.body
    (assembly,) = [r["assembly"] for r in results if r["assembly"] is not None]
    return {"seconds": elapsed, "rss_peak": max(r["rss_peak"] for r in results),
            "bytes": state.body["taille"], "count": state.body["fait"], "parts": parts,
            "assembly": assembly, "slowest_part": max(r["seconds"] for r in results),
            # Every part's own CPU (moto's left out): what the wall time is made of at rest.
            "cpu": sum(r["cpu"] for r in results), "load": os.getloadavg()[0]}


def pdf_export(endpoint: str, part_size: int | None = None) -> dict[str, Any]:
    """The confirmations of every dossier in one PDF, as the API starts it: in parts of
    `part_size` (jobs.PDF_PART by default) side by side, then merged (one part only: a single
    job)."""
    job_id = prepare_export(endpoint, "pdf", part_size=part_size)
    from handler.platform.storage import DossierStore
    from handler.staff import jobs

    stored = DossierStore(_client(endpoint), BUCKET).read(jobs.state_key(job_id))
    assert stored is not None
    if not stored.body["parties"]:
        return measure(endpoint, "job:" + job_id)
    return parts_export(endpoint, job_id)


def fill_index(endpoint: str, count: int) -> None:
    """`count` summaries in the index alone (the dashboard reads nothing else), from scratch."""
    from handler.dossier.index import write_entries
    from handler.platform.storage import DossierStore
    from tests.staff.test_list_scale import summaries

    urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"),
                           timeout=10).close()
    s3 = _client(endpoint)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    write_entries(DossierStore(s3, BUCKET), SESSION, summaries(count))


def child_dashboard(endpoint: str) -> dict[str, Any]:
    """The dashboard's work (GET /api/staff/tableau: the index read, then counted), once warm
    (the first read compacts the index), against a bare read of the shards; both timed here."""
    import shared_rules
    from handler.dossier.index import SummaryIndex
    from handler.platform.storage import DossierStore
    from handler.staff import tableau

    session = shared_rules.get_session(SESSION)
    assert session is not None
    store = DossierStore(_client(endpoint), BUCKET)
    tableau.count(SummaryIndex(store, SESSION).entries(), session)  # warm
    started = time.perf_counter()
    entries = SummaryIndex(store, SESSION).entries()
    bare = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    figures = tableau.count(SummaryIndex(store, SESSION).entries(), session)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": elapsed, "rss_peak": _rss(), "bytes": len(json.dumps(figures)),
            "count": figures["total"], "cpu": cpu, "bare": bare, "entries": len(entries)}


def child_baseline(endpoint: str) -> dict[str, Any]:
    """A bare boto3 loop: list dossiers/, then get each object in turn."""
    s3 = _client(endpoint)
    started, cpu = time.perf_counter(), time.process_time()
    count = 0
    total = 0
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix="dossiers/"):
        for obj in page.get("Contents", []):
            total += len(s3.get_object(Bucket=BUCKET, Key=obj["Key"])["Body"].read())
            count += 1
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": elapsed, "rss_peak": _rss(), "bytes": total,
            "count": count, "cpu": cpu}


def child_parallel(endpoint: str) -> dict[str, Any]:
    """The floor: list dossiers/, then get every object with the export's number of threads
    (fetch_ordered, EXPORT_WORKERS), doing nothing with them."""
    from handler.platform.fetch import EXPORT_WORKERS, fetch_ordered

    s3 = _client(endpoint)
    started, cpu = time.perf_counter(), time.process_time()
    keys = (obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(
        Bucket=BUCKET, Prefix="dossiers/") for obj in page.get("Contents", []))
    sizes = list(fetch_ordered(
        lambda key: len(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()), keys,
        workers=EXPORT_WORKERS))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": elapsed, "rss_peak": _rss(), "bytes": sum(sizes),
            "count": len(sizes), "cpu": cpu}


def _rss() -> int:
    """This process's peak resident memory, in bytes. VmHWM, not ru_maxrss: a child keeps its
    parent's high-water mark across fork and exec in ru_maxrss, and the parent here holds the
    stored dossiers it wrote."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def cpu_seconds(pid: int | None) -> float | None:
    """The CPU time a process has used so far (user + system), from /proc; None elsewhere."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(endpoint: str, what: str, *, server: int | None = None) -> dict[str, Any]:
    """One measure in a fresh child process; with `server` (moto's pid), the CPU it took
    meanwhile, as "server_cpu"."""
    before = cpu_seconds(server)
    result = subprocess.run([sys.executable, "-m", "tests.perf.bench_export", "--child", what,
                             "--endpoint", endpoint], capture_output=True, text=True,
                            check=False, env={**os.environ, "PYTHONWARNINGS": "ignore"})
    after = cpu_seconds(server)
    if result.returncode != 0:
        raise SystemExit(f"{what}: {result.stderr[-2000:]}")
    answer = dict(json.loads(result.stdout.strip().splitlines()[-1]))
    if before is not None and after is not None:
        answer["server_cpu"] = after - before
    return answer


#: The section of tests/perf/RESULTS.md this benchmark writes (`make bench` keeps it).
SECTION = "## Staff export (`make bench-export`)"


def print_budget(rows: list[tuple[int, str, dict[str, Any], float]],
                 results: Path | None = None) -> None:
    """Issue 18's export budget: a CSV of the largest count at most 0.25× the bare loop, its
    peak memory within 1.2× the smallest count's; issue 27's: a merged PDF of 1,000 dossiers
    within 60 s, its memory flat from 1,000 to 10,000, the dashboard at 20,000 within 1 s.
    Written to `results` too, in its section."""
    lines = [line for line in (_csv_budget(rows), _pdf_budget(rows), _dashboard_budget(rows))
             if line]
    if not lines:
        return
    print("\n" + "\n".join(lines))
    if results is None:
        return
    table = ["| N | what | time | × loop | peak RSS | CPU per dossier: own | moto's |",
             "| --- | --- | --- | --- | --- | --- | --- |",
             *[f"| {count:,} | {what} | {result['seconds']:.2f} s | {ratio_:.2f}× | "
               f"{result['rss_peak'] / 1e6:.1f} MB | {_per_dossier(result.get('cpu'), count)} | "
               f"{_per_dossier(result.get('server_cpu'), count)} |"
               for count, what, result, ratio_ in rows]]
    section = "\n".join([SECTION, "", *table, "", *("- " + line for line in lines), ""])
    text = results.read_text(encoding="utf-8") if results.is_file() else ""
    kept = text.split(SECTION)[0].rstrip("\n")
    results.write_text((kept + "\n\n" if kept else "") + section, encoding="utf-8")


def _csv_budget(rows: list[tuple[int, str, dict[str, Any], float]]) -> str | None:
    csv = {count: (result, ratio) for count, what, result, ratio in rows if what == "export csv"}
    if len(csv) < 2:
        return None
    small, large = min(csv), max(csv)
    ratio = csv[large][1]
    memory = csv[large][0]["rss_peak"] / csv[small][0]["rss_peak"]
    line = (f"Issue 18: CSV of {large:,} dossiers {ratio:.2f}× the bare loop (budget 0.25×: "
            f"{'met' if ratio <= 0.25 else 'not met'}); peak RSS at {large:,} ÷ at {small:,} "
            f"{memory:.2f} (budget 1.2: {'met' if memory <= 1.2 else 'not met'}).")
    floors = {count: result for count, what, result, _ in rows if what == "bare parallel get"}
    if large in floors:
        floor = floors[large]
        line += (f" The same reads with nothing done with them (bare parallel get) took "
                 f"{floor['seconds']:.2f} s: the CSV costs "
                 f"{csv[large][0]['seconds'] / floor['seconds']:.2f}× that floor.")
    cold = {count: (result, ratio_) for count, what, result, ratio_ in rows
            if what == "csv, rows made"}
    if large in cold:
        line += (f" The first CSV, every row made from its dossier (the row cache empty, as "
                 f"before the compaction's first pass), took {cold[large][0]['seconds']:.2f} s, "
                 f"{cold[large][1]:.2f}× the loop.")
    own = csv[large][0].get("cpu")
    baseline = next((r for c, w, r, _ in rows if c == large and w == "bare list+get loop"), None)
    if own is not None and baseline is not None:
        line += (f" The export's own CPU (boto3, JSON, rows, CSV; moto's left out) is "
                 f"{own / baseline['seconds']:.2f}× the bare loop's time.")
    return line


#: Issue 27's budgets.
PDF_SECONDS_AT_1000, PDF_MEMORY_RATIO, DASHBOARD_SECONDS = 60.0, 1.2, 1.0


def _pdf_budget(rows: list[tuple[int, str, dict[str, Any], float]]) -> str | None:
    pdf = {count: (result, ratio) for count, what, result, ratio in rows
           if what.startswith("merged pdf")}
    if not pdf:
        return None
    parts = ", ".join(
        f"{count:,} dossiers {result['seconds']:.1f} s ({ratio:.2f}× the bare loop; "
        f"{result['bytes'] / 1e6:.1f} MB, slowest part {result.get('slowest_part', 0):.1f} s, "
        f"merge {result.get('assembly', 0):.1f} s)" for count, (result, ratio) in sorted(
            pdf.items()))
    line = f"Issue 27: the confirmations merged into one PDF, parts two at a time: {parts}."
    cpu = {count: result["cpu"] / count for count, (result, _) in pdf.items() if "cpu" in result}
    if cpu:
        load = max(result.get("load", 0.0) for result, _ in pdf.values())
        line += (" The parts' own CPU: " + ", ".join(
            f"{value * 1000:.0f} ms a dossier at {count:,}" for count, value in sorted(
                cpu.items()))
            + f" (load average {load:.1f} on two cores as the largest ended: the wall time is "
              "what the other processes left).")
    if 1000 in pdf:
        seconds = pdf[1000][0]["seconds"]
        line += (f" 1,000 dossiers in {seconds:.1f} s (budget {PDF_SECONDS_AT_1000:.0f} s: "
                 f"{'met' if seconds <= PDF_SECONDS_AT_1000 else 'not met'}).")
    if len(pdf) > 1:
        small, large = min(pdf), max(pdf)
        memory = pdf[large][0]["rss_peak"] / pdf[small][0]["rss_peak"]
        line += (f" Peak RSS at {large:,} ÷ at {small:,} {memory:.2f} (flat: budget "
                 f"{PDF_MEMORY_RATIO}: {'met' if memory <= PDF_MEMORY_RATIO else 'not met'}).")
    return line


def _dashboard_budget(rows: list[tuple[int, str, dict[str, Any], float]]) -> str | None:
    found = [(count, result, ratio) for count, what, result, ratio in rows
             if what == "dashboard"]
    if not found:
        return None
    count, result, ratio = found[0]
    return (f"Issue 27: the dashboard at {count:,} dossiers {result['seconds'] * 1000:.0f} ms "
            f"(budget {DASHBOARD_SECONDS * 1000:.0f} ms: "
            f"{'met' if result['seconds'] <= DASHBOARD_SECONDS else 'not met'}), "
            f"{ratio:.2f}× a bare read of the index's shards ({result['bare'] * 1000:.0f} ms).")


def _mb(value: float) -> str:
    return f"{value / 1e6:7.1f} MB"


def _per_dossier(seconds: float | None, count: int) -> str:
    """CPU seconds spread over the dossiers, in milliseconds; « – » when not measured."""
    return "–" if seconds is None else f"{seconds * 1000 / max(count, 1):.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.perf.bench_export")
    parser.add_argument("--counts", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--formats", nargs="+", default=["csv", "xlsx"],
                        choices=["csv", "xlsx", "zip"])
    parser.add_argument("--zip-count", type=int, default=200,
                        help="dossiers in the ZIP measure (0: none)")
    parser.add_argument("--zip-parts", type=int, default=4,
                        help="the ZIP measured again in this many parts (0 or 1: not)")
    parser.add_argument("--pdf-counts", type=int, nargs="*", default=[1000, 10000],
                        help="dossiers in the merged PDF measures (none: not measured)")
    parser.add_argument("--pdf-part", type=int, default=None,
                        help="dossiers per part of the merged PDF (default: jobs.PDF_PART)")
    parser.add_argument("--dashboard", type=int, default=20_000,
                        help="summaries in the dashboard's measure (0: none)")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md",
                        help="where the export's section is written")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.child == "baseline":
            result = child_baseline(args.endpoint)
        elif args.child == "parallel":
            result = child_parallel(args.endpoint)
        elif args.child == "dashboard":
            result = child_dashboard(args.endpoint)
        elif args.child.startswith("part:"):
            _, job_id, part = args.child.split(":")
            result = child_part(args.endpoint, job_id, int(part))
        else:
            result = child_export(args.endpoint, args.child.removeprefix("job:"))
        print(json.dumps(result))
        return 0

    process, endpoint = start_moto()
    rows = []
    assemblies = []
    try:
        plan = [(n, [*(args.formats if n in args.counts else []),
                     *(["pdf"] if n in args.pdf_counts else [])])
                for n in sorted(set(args.counts) | set(args.pdf_counts))]
        if args.zip_count:
            plan.append((args.zip_count, ["zip"]))
        for count, formats in plan:
            started = time.perf_counter()
            fill(endpoint, count)
            print(f"{count:,} dossiers stored in moto's server in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            baseline = measure(endpoint, "baseline", server=process.pid)
            rows.append((count, "bare list+get loop", baseline, 1.0))
            parallel = measure(endpoint, "parallel", server=process.pid)
            rows.append((count, "bare parallel get", parallel,
                         parallel["seconds"] / baseline["seconds"]))
            tables = [f for f in formats if f not in ("zip", "pdf")]
            if tables:
                # The first spreadsheet export of the filled registry makes every row from the
                # dossiers (the row cache is empty, as before the scheduled pass has run) and
                # writes the rows back; the ones after take them from the cache, checked.
                job_id = prepare_export(endpoint, tables[0], part_size=max(count, 1))
                result = measure(endpoint, "job:" + job_id, server=process.pid)
                assert result["count"] == count
                rows.append((count, f"{tables[0]}, rows made", result,
                             result["seconds"] / baseline["seconds"]))
            if "pdf" in formats:
                result = pdf_export(endpoint, args.pdf_part)
                assert result["count"] == count
                what = f"merged pdf, {result['parts']} parts" if "parts" in result else "merged pdf"
                rows.append((count, what, result, result["seconds"] / baseline["seconds"]))
            for fmt in [f for f in formats if f != "pdf"]:
                # In one go, as a job of one part (a ZIP, in AWS, has parts beyond 500).
                job_id = prepare_export(endpoint, fmt, part_size=max(count, 1))
                result = measure(endpoint, "job:" + job_id, server=process.pid)
                assert result["count"] == count
                rows.append((count, f"export {fmt}", result,
                             result["seconds"] / baseline["seconds"]))
            if formats == ["zip"] and args.zip_parts > 1:
                size = -(-count // args.zip_parts)
                result = parts_export(endpoint, prepare_export(endpoint, "zip", part_size=size))
                assert result["count"] == count
                rows.append((count, f"zip in {result['parts']} parts", result,
                             result["seconds"] / baseline["seconds"]))
                assemblies.append(result)
        if args.dashboard:
            started = time.perf_counter()
            fill_index(endpoint, args.dashboard)
            print(f"{args.dashboard:,} summaries written in the index in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
            result = measure(endpoint, "dashboard", server=process.pid)
            assert result["count"] == result["entries"] == args.dashboard
            bare = {"seconds": result["bare"], "rss_peak": result["rss_peak"], "bytes": 0,
                    "count": args.dashboard}
            rows.append((args.dashboard, "bare read of the index", bare, 1.0))
            rows.append((args.dashboard, "dashboard", result, result["seconds"] / result["bare"]))
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"\n{'N':>7}  {'what':<20} {'time':>9} {'× loop':>7} {'RSS peak':>10} "
          f"{'output':>10} {'CPU/dossier: own':>17} {'moto':>7}")
    for count, what, result, ratio in rows:
        print(f"{count:>7,}  {what:<20} {result['seconds']:8.2f}s {ratio:6.2f}× "
              f"{_mb(result['rss_peak'])} {_mb(result['bytes'])} "
              f"{_per_dossier(result.get('cpu'), count):>17} "
              f"{_per_dossier(result.get('server_cpu'), count):>7}")
    for result in assemblies:
        print(f"\nZIP in {result['parts']} parts: slowest part {result['slowest_part']:.2f} s "
              f"(what one export function waits); assembly {result['assembly']:.2f} s for "
              f"{_mb(result['bytes']).strip()}, "
              f"{result['bytes'] / 1e6 / max(result['assembly'], 1e-9):.0f} MB/s.")
    print(f"\nPython {sys.version.split()[0]}, {os.cpu_count()} CPU; moto S3 server on "
          "loopback in its own process; exports read 64 dossiers at a time.")
    print_budget(rows, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
