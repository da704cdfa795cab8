"""Example charts with made-up figures: the sample page in docs/, the benchmark, a template author's start."""

from __future__ import annotations

from reports.charts.spec import ChartSpec, Series

SOURCE = "Nguồn: tổng hợp từ báo cáo của 40/40 tổ chức cơ sở đảng"


def example_specs() -> list[ChartSpec]:
    """Members over the years (2022 missing: a gap), admissions against target, ratings, a comparison by group."""
    return [
        ChartSpec(
            "line",
            "Số đảng viên qua các năm",
            ("2020", "2021", "2022", "2023", "2024"),
            (Series("Đảng viên", (3412, 3498, None, 3655, 3721)),),
            category_axis_title="Năm",
            value_axis_title="Đảng viên",
            source=SOURCE,
        ),
        ChartSpec(
            "column",
            "Kết nạp đảng viên so với chỉ tiêu",
            ("2022", "2023", "2024"),
            (Series("Chỉ tiêu", (150, 160, 170)), Series("Thực hiện", (143, 171, 182))),
            value_axis_title="Đảng viên",
            source=SOURCE,
        ),
        ChartSpec(
            "stacked_column",
            "Xếp loại chất lượng tổ chức cơ sở đảng",
            ("Năm 2023", "Năm 2024"),
            (
                Series("Hoàn thành xuất sắc nhiệm vụ", (7, 8)),
                Series("Hoàn thành tốt nhiệm vụ", (24, 25)),
                Series("Hoàn thành nhiệm vụ", (8, 6)),
                Series("Không hoàn thành nhiệm vụ", (1, 1)),
            ),
            value_axis_title="Tổ chức",
            source=SOURCE,
        ),
        ChartSpec(
            "bar",
            "Tỷ lệ đảng viên hoàn thành tốt nhiệm vụ trở lên theo khối",
            ("Khối cơ quan", "Khối doanh nghiệp", "Khối xã, phường, thị trấn", "Khối lực lượng vũ trang"),
            (Series("Năm 2023", (88.5, 82.25, 79.1, 95)), Series("Năm 2024", (92.11, 85, 81.4, 96.4))),
            value_format="pct",
            source=SOURCE,
        ),
    ]
