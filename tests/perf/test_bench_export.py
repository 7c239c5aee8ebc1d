"""The export benchmark keeps working (a tiny run in the default suite;
`python -m tests.perf.bench_export` for the real sizes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.perf import bench_export


def test_a_tiny_export_benchmark_prints_every_figure(capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# Benchmark results\n\nkept\n", encoding="utf-8")
    assert bench_export.main(["--out", str(results),
                              "--counts", "12", "24", "--formats", "csv", "--zip-count", "4",
                              "--zip-parts", "2", "--pdf-counts", "6", "12", "--pdf-part", "6",
                              "--dashboard", "40"]) == 0
    out = capsys.readouterr().out
    for figure in ("bare list+get loop", "bare parallel get", "csv, rows made", "export csv",
                   "export zip",
                   "zip in 2 parts", "× loop", "RSS peak", "CPU/dossier: own", "moto",
                   "assembly", "MB/s", "the CSV costs"):
        assert figure in out
    assert out.count("     12  ") == 5 and out.count("      4  ") == 4
    assert out.count("      6  ") == 3  # the loops, and the PDF in one go (one part)
    assert "merged pdf, 2 parts" in out  # 12 in parts of 6
    assert "Issue 27: the confirmations merged into one PDF" in out
    assert "Peak RSS at 12 ÷ at 6" in out and "The parts' own CPU" in out
    assert "Issue 27: the dashboard at 40 dossiers" in out
    assert "Issue 18: CSV of 24 dossiers" in out and "peak RSS at 24 ÷ at 12" in out
    assert "The first CSV, every row made from its dossier" in out
    written = results.read_text(encoding="utf-8")
    assert written.startswith("# Benchmark results\n\nkept\n\n" + bench_export.SECTION)
    assert "Issue 18: CSV of 24 dossiers" in written and "Issue 27: the dashboard" in written
