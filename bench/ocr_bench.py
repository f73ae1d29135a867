"""OCR speed and memory on rendered master-plan pages (issue 13).

Builds the same fixture as tests/test_loaders_ocr.py (section 2.3.6 as a
text PDF, rendered at 200 dpi, wrapped as an image-only PDF), then reports
seconds per page for OCR on 2 threads and, as the baseline measured in the
same run, for parsing the text-layer PDF of the same pages; and the peak
RSS of the process.  Run: .venv/bin/python bench/ocr_bench.py
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from fixtures_formats import make_image_pdf, master_section_blocks, render_pages  # noqa: E402

from fixtures_make import make_pdf  # noqa: E402
from plankb.extract.loaders import load_path  # noqa: E402
from plankb.extract.loaders_ocr import _engine  # noqa: E402


def main() -> None:
    d = Path(tempfile.mkdtemp(prefix="ocr-bench-"))
    blocks = master_section_blocks("### 2.3.6 突发事件处置分工", "#### 2.4 区、重点地区应急机构")
    text_pdf = make_pdf(d / "t.pdf", blocks)
    scan = make_image_pdf(d / "s.pdf", render_pages(text_pdf))
    t0 = time.perf_counter()
    _engine()  # model load, reported apart
    load = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    base = load_path(text_pdf)
    base_s = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    src = load_path(scan)
    ocr_s, ocr_cpu = time.perf_counter() - t0, time.process_time() - c0
    pages = src.pages
    out = {
        "pages": pages,
        "model_load_s": round(load, 2),
        "ocr_s_per_page": round(ocr_s / pages, 2),
        "ocr_cpu_s_per_page": round(ocr_cpu / pages, 2),
        "text_layer_s_per_page": round(base_s / base.pages, 3),
        "ratio_ocr_vs_text_layer": round((ocr_s / pages) / max(base_s / base.pages, 1e-6), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
