"""Time render_docx on a report whose landscape appendix has a 620-row, 10-column table.

Run: python bench/bench_docx.py [--rows N] [--repeats N]. Prints each run and the median (target <= 1 s).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports.render.docx import render_docx

HEADERS = [
    "TT",
    "Tổ chức cơ sở đảng",
    "Đầu năm",
    "Kết nạp",
    "Chuyển đến",
    "Từ trần",
    "Chuyển đi",
    "Cuối năm",
    "HTXSNV",
    "Tỷ lệ",
]
WIDTHS = [5, 25, 9, 9, 9, 9, 9, 9, 8, 8]


def appendix_html(rows: int) -> str:
    """A full document: header block, a few body paragraphs, then the landscape appendix."""
    cols = "".join(f'<col style="width: {w}%">' for w in WIDTHS)
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    body = []
    for i in range(1, rows + 1):
        cells = [f'<td class="center">{i}</td>', f"<td>Chi bộ Phòng nghiệp vụ số {i}</td>"]
        cells += [f'<td class="num">{(i * k) % 997:,}</td>'.replace(",", ".") for k in range(3, 10)]
        cells.append(f'<td class="num">{i % 100},{i % 10}%</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    body.append(
        '<tr class="total"><td colspan="2" class="center">Tổng cộng</td>' + '<td class="num">9</td>' * 8 + "</tr>"
    )
    paragraphs = "".join(
        f"<p>Đoạn văn số {i}: công tác xây dựng Đảng được triển khai <b>đồng bộ</b>, hiệu quả.</p>" for i in range(40)
    )
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Bench</title>
<meta name="author" content="Đảng ủy"><meta name="date" content="2024-12-20"></head><body>
<section class="portrait">
<table class="header-block"><colgroup><col style="width: 45%"><col style="width: 55%"></colgroup>
<tr><td><p class="hb-cap-tren">ĐẢNG BỘ TỈNH</p><p class="hb-co-quan">ĐẢNG ỦY</p><p class="hb-sao">*</p>
<p class="hb-so">Số 01-BC/ĐU</p></td><td><p class="hb-dang">ĐẢNG CỘNG SẢN VIỆT NAM</p>
<p class="hb-ngay">Hà Nội, ngày 20 tháng 12 năm 2024</p></td></tr></table>
<p class="doc-type">BÁO CÁO</p>{paragraphs}</section>
<section class="landscape"><p class="appendix-title">Phụ lục 1</p>
<table class="data"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>
<tbody>{"".join(body)}</tbody></table></section></body></html>"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=620)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    html = appendix_html(args.rows)
    render_docx(html)  # warm-up: imports, template load
    times = []
    size = 0
    for _ in range(args.repeats):
        start = time.perf_counter()
        size = len(render_docx(html))
        times.append(time.perf_counter() - start)
    print(f"render_docx, {args.rows} rows x {len(HEADERS)} columns: " + ", ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s (target <= 1 s), DOCX {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
