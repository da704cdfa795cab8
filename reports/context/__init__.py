"""The context of each document kind: declared values that the templates put into words.

Python computes and selects; the templates say. Each document kind has one context dataclass built in
one function (`consolidated.build`, `unit.build`); their fields are documented for template authors in
docs/mau-van-ban.md. Figures travel as the typed values of `reports.aggregate` (Total, Share, Change):
a template reads `f.tong.dv_cuoi_ky.value`, `f.ty_le.cu_nu` (part, whole, pct), `f.so_voi.dv_ket_nap`
and formats them with the filters of `reports.render.html`.

This package reads the aggregation and the settings; it never imports the render package.
"""
