"""The export benchmark keeps working (a tiny run in the default suite;
`python -m tests.perf.bench_export` for the real sizes)."""

from __future__ import annotations

import pytest

from tests.perf import bench_export


def test_a_tiny_export_benchmark_prints_every_figure(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_export.main(["--counts", "12", "--formats", "csv", "--zip-count", "4",
                              "--zip-parts", "2"]) == 0
    out = capsys.readouterr().out
    for figure in ("bare list+get loop", "export csv", "export zip", "zip in 2 parts",
                   "× loop", "RSS peak", "assembly", "MB/s"):
        assert figure in out
    assert out.count("     12  ") == 2 and out.count("      4  ") == 3
