"""Command line: arguments, printing and exit codes. No logic: the jobs live in reports.pipeline.

    python build_reports.py                       build the bundled sample (data/mau) into output/
    python build_reports.py check FOLDER [--out DIR] [--chi-tiet]
    python build_reports.py build FOLDER [--out DIR] [--draft] [--strict] [--jobs N] [--formats docx,pdf]
                                  [--full] [--scheduler ADDRESS]
    python build_reports.py watch FOLDER [--out DIR] [--draft] [--strict] [--jobs N] [--formats docx,pdf]
    python build_reports.py templates FOLDER      copy the bundled templates into FOLDER/templates/
    python build_reports.py bieu-mau FOLDER       write the blank unit form for FOLDER's year and committee
    python build_reports.py stop-daemon           stop the background process builds are handed to

`build` and `check` take --no-daemon: run in this process only (reports/daemon.py, build_reports.py).

Exit codes: 0 success; 1 the data has errors (or warnings with --strict); 2 bad usage, a missing or
broken data folder or settings file; 3 a bug in the tool (its traceback goes to a log file, never to
the clerk's screen).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import logging
import os
import signal
import stat
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from reports import __version__
from reports.daemon import NO_DAEMON_FLAG, STOP_COMMAND
from reports.errors import (
    EXIT_BUG,
    EXIT_DATA,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    INTERRUPTED,
    DataFolderError,
    UserError,
    file_system_error,
)
from reports.output import TOOL_NAME, check_out_folder
from reports.problems import Problem, Severity, sort_key

if TYPE_CHECKING:  # pandas and the pipeline are imported only when a command runs
    import pandas as pd

    from reports.intake import Intake
    from reports.output import Diverted
    from reports.pipeline import BuildResult
    from reports.render.batch import KeptPool

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_FOLDER = ROOT / "data" / "mau"
DEFAULT_OUT = Path("output")
DASK_CONNECT_SECONDS = 30
TOOL_FOLDER = TOOL_NAME  # the per-user folder of the bug logs

SEVERITY_TAGS = {Severity.ERROR: "LỖI", Severity.WARNING: "CẢNH BÁO", Severity.NOTE: "ghi chú"}


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors in Vietnamese and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"Lỗi cách dùng: {_translate(message)}\nXem hướng dẫn: python build_reports.py -h\n")


def _translate(message: str) -> str:
    for english, vietnamese in (
        ("the following arguments are required", "thiếu tham số"),
        ("unrecognized arguments", "tham số không hợp lệ"),
        ("invalid choice", "lựa chọn không hợp lệ"),
        ("expected one argument", "cần một giá trị"),
        ("invalid int value", "không phải số nguyên"),
    ):
        message = message.replace(english, vietnamese)
    return message


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="build_reports.py",
        description="Lập báo cáo tổng kết công tác xây dựng Đảng (DOCX và PDF) từ số liệu các đơn vị nộp. "
        "Chạy không có tham số: lập báo cáo từ bộ dữ liệu mẫu data/mau vào thư mục output/.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _daemon_option(parser)
    commands = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)
    check = commands.add_parser("check", help="kiểm tra số liệu, ghi báo cáo kiểm tra (.xlsx)")
    _common(check)
    _daemon_option(check)
    check.add_argument("--chi-tiet", action="store_true", help="in cả các chỉ tiêu không bắt buộc để trống")
    build = commands.add_parser("build", help="kiểm tra rồi lập báo cáo tổng hợp và báo cáo từng đơn vị")
    _common(build)
    _build_options(build)
    _daemon_option(build)
    build.add_argument(
        "--full", action="store_true", help="dựng lại mọi văn bản (mặc định: chỉ dựng văn bản có đầu vào thay đổi)"
    )
    build.add_argument(
        "--scheduler",
        metavar="DIA_CHI",
        default=None,
        help="dựng văn bản trên cụm Dask đang chạy (ví dụ tcp://127.0.0.1:8786; cần pip install -e '.[dask]')",
    )
    watch = commands.add_parser(
        "watch", help="lập báo cáo rồi theo dõi thư mục dữ liệu: có tệp thay đổi thì tự lập lại (Ctrl+C để dừng)"
    )
    _common(watch)
    _build_options(watch)
    templates = commands.add_parser(
        "templates", help="chép các mẫu văn bản vào THU_MUC/templates/ để đơn vị tự sửa câu chữ, bố cục"
    )
    templates.add_argument("folder", metavar="THU_MUC", type=Path, help="thư mục bộ dữ liệu")
    form = commands.add_parser("bieu-mau", help="ghi biểu số liệu trắng (.xlsx) để gửi các đơn vị điền")
    form.add_argument("folder", metavar="THU_MUC", type=Path, help="thư mục bộ dữ liệu (lấy năm, tên cơ quan)")
    form.add_argument("--out", type=Path, default=None, help="tệp ghi ra (mặc định: THU_MUC/bieu-so-lieu-don-vi.xlsx)")
    commands.add_parser(STOP_COMMAND, help="dừng tiến trình nền giữ sẵn công cụ cho các lần lập sau")
    return parser


def _daemon_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        NO_DAEMON_FLAG,
        action="store_true",
        help="chạy hẳn trong lệnh này, không dùng và không khởi động tiến trình nền (xem README)",
    )


def _build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--draft", action="store_true", help="lập bản DỰ THẢO, bỏ qua các đơn vị có lỗi (ghi rõ trong báo cáo)"
    )
    parser.add_argument("--strict", action="store_true", help="coi cảnh báo như lỗi")
    parser.add_argument("--jobs", type=int, default=None, help="số tiến trình dựng báo cáo (mặc định: số lõi CPU)")
    parser.add_argument(
        "--formats", default="docx,pdf", help="định dạng cần lập, cách nhau bởi dấu phẩy (mặc định: docx,pdf)"
    )
    parser.add_argument("--chi-tiet", action="store_true", help="in cả các chỉ tiêu không bắt buộc để trống")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="THU_MUC", type=Path, help="thư mục bộ dữ liệu (có bao-cao.toml)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="thư mục kết quả (mặc định: output)")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_console()
    _quiet_worker_logging()
    args = make_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        _check_temp_folder()
        if args.command is None:
            print(f"Lập báo cáo từ bộ dữ liệu mẫu {_show(SAMPLE_FOLDER)} vào thư mục {DEFAULT_OUT}/")
            return run_build(SAMPLE_FOLDER, DEFAULT_OUT, BuildOptions())
        if args.command == "check":
            return run_check(args.folder, args.out, details=args.chi_tiet)
        if args.command == "templates":
            return run_templates(args.folder)
        if args.command == "bieu-mau":
            return run_blank_form(args.folder, args.out)
        if args.command == STOP_COMMAND:
            return run_stop_daemon()
        options = BuildOptions(args.draft, args.strict, args.jobs, args.formats, args.chi_tiet)
        if args.command == "watch":
            return run_watch(args.folder, args.out, options)
        return run_build(args.folder, args.out, options, full=args.full, scheduler=args.scheduler)
    except KeyboardInterrupt:
        print(f"\n{INTERRUPTED}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        return _report_failure(exc)


def exit_now(code: int) -> NoReturn:
    """End the command with `code` without Python's interpreter teardown.

    Freeing pandas, NumPy, WeasyPrint and the rest one object at a time takes 0,3–0,5 s after the
    work is done (measured on a rebuild that takes 3,5 s). Everything that matters at exit still runs,
    in the order Python runs it: the `atexit` handlers (multiprocessing's finalisers, which delete the
    stylesheet's temporary font folder; logging; temporary folders), then the output streams are
    flushed. Python's own exit is kept when a thread other than the main one is still running (never
    after a command: pools are shut down by then), which it would wait for, and under a profiler or a
    tracer (cProfile, coverage, a debugger), which write their results after the script returns.
    """
    import threading

    others = any(t is not threading.main_thread() and not t.daemon for t in threading.enumerate())
    if others or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    run_exit_handlers()
    os._exit(code)


def run_exit_handlers() -> None:
    """What a process must do before `os._exit`: the `atexit` handlers, in Python's order, then the
    output streams flushed (`exit_now`; the daemon's child for one command, reports/daemon_server.py)."""
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def run_stop_daemon() -> int:
    from reports.daemon import stop_all

    stopped = stop_all()
    print(f"Đã dừng {stopped} tiến trình nền." if stopped else "Không có tiến trình nền nào đang chạy.")
    return EXIT_OK


def run_templates(folder: Path) -> int:
    from reports.template_copy import copy_templates

    result = copy_templates(folder)
    for path in result.copied:
        print(f"Đã chép: {_show(path)}")
    for path in result.skipped:
        print(f"Bỏ qua (đã có, giữ nguyên): {_show(path)}")
    print(
        f"Đã chép {len(result.copied)} tệp mẫu vào {_show(result.target)}, bỏ qua {len(result.skipped)} tệp đã có. "
        "Sửa câu chữ trong các tệp chu-de/*.html.j2; hướng dẫn: docs/mau-van-ban.md."
    )
    return EXIT_OK


def run_blank_form(folder: Path, out: Path | None) -> int:
    from reports.forms import write_blank_form
    from reports.settings import load_settings

    settings = load_settings(folder)
    target = out or folder / "bieu-so-lieu-don-vi.xlsx"
    if target.exists():
        raise UserError(f"Tệp {_show(target)} đã có; không ghi đè. Xóa hoặc đổi tên tệp đó, hoặc chọn --out khác.")
    try:
        write_blank_form(target, settings.nam, settings.co_quan.ten)
    except OSError as exc:
        raise UserError(f"Không ghi được {_show(target)}: {exc.strerror or exc}.") from exc
    print(f"Đã ghi biểu số liệu trắng năm {settings.nam}: {_show(target)}")
    return EXIT_OK


def run_check(folder: Path, out: Path, *, details: bool = False) -> int:
    from reports.pipeline import check

    check_out_folder(out, folder)
    result = check(folder, out)
    print_problems(result.intake.problems, result.intake.units, sys.stdout, details=details)
    print_summary(result.intake, sys.stdout)
    print(f"Báo cáo kiểm tra: {_show(result.check_report)}")
    _print_diverted(result.output.diverted)
    return EXIT_DATA if result.has_errors else EXIT_OK


@dataclass(frozen=True)
class BuildOptions:
    """What `build` and `watch` share of the command line."""

    draft: bool = False
    strict: bool = False
    jobs: int | None = None
    formats: str = "docx,pdf"
    details: bool = False  # --chi-tiet


def run_build(
    folder: Path, out: Path, options: BuildOptions, *, full: bool = False, scheduler: str | None = None
) -> int:
    from reports.render.batch import default_jobs, warm_server

    chosen = _chosen_formats(options)
    check_out_folder(out, folder)
    if not scheduler and (options.jobs or default_jobs()) > 1:
        warm_server()  # the workers' warm-up, on another core while this process reads the folder
    from reports.pipeline import build

    with contextlib.ExitStack() as stack:
        executor = stack.enter_context(_dask_executor(scheduler)) if scheduler else None
        bar = _ProgressBar()
        stack.callback(bar.close)
        result = build(
            folder,
            out,
            draft=options.draft,
            strict=options.strict,
            jobs=options.jobs or default_jobs(),
            formats=chosen,
            progress=bar.update,
            full=full,
            executor=executor,
        )
    return _print_built(result, chosen, options, full=full)


def _chosen_formats(options: BuildOptions) -> list[str]:
    """The --formats asked for, after checking them and --jobs."""
    from reports.render.batch import FORMATS

    chosen = [f.strip().lower() for f in options.formats.split(",") if f.strip()]
    wrong = [f for f in chosen if f not in FORMATS]
    if not chosen or wrong:
        raise UserError(f"--formats chỉ nhận docx, pdf hoặc docx,pdf (nhận được: '{options.formats}').")
    if options.jobs is not None and options.jobs < 1:
        raise UserError("--jobs phải là số nguyên từ 1 trở lên.")
    return chosen


def _print_built(
    result: BuildResult, chosen: Sequence[str], options: BuildOptions, *, full: bool, watching: bool = False
) -> int:
    """What a build did, as `build` prints it; its exit code."""
    intake, draft = result.check.intake, options.draft
    print_problems(intake.problems, intake.units, sys.stdout, details=options.details)
    print_summary(intake, sys.stdout)
    print(f"Báo cáo kiểm tra: {_show(result.check.check_report)}")
    if not result.built:
        print(f"KHÔNG LẬP BÁO CÁO: {result.refused_reason}", file=sys.stderr)
        if not draft:
            then = "lưu tệp là công cụ tự lập lại" if watching else "chạy lại"
            print(f"Sửa các lỗi nêu trên rồi {then}, hoặc thêm --draft để lập bản dự thảo.", file=sys.stderr)
        return EXIT_DATA
    root = result.check.output.root
    seconds = result.seconds.get("tong", 0.0)
    mark = " (DỰ THẢO)" if draft else ""
    print(
        f"Đã lập{mark}: báo cáo tổng hợp và {result.units_rendered} báo cáo đơn vị, {len(result.documents)} tệp "
        f"({', '.join(chosen)}) trong {_show(root)}, mất {_seconds(seconds)} giây."
    )
    print(_rendered_kept(len(result.rendered), len(result.kept), full=full))
    if result.parts_reused:
        total = result.parts_reused + result.parts_laid_out
        print(
            f"PDF báo cáo tổng hợp: dùng lại {result.parts_reused}/{total} phần (thân, phụ lục) đã dàn trang ở lần "
            "dựng trước vì nội dung không đổi."
        )
    _print_diverted(result.diverted)
    if draft and intake.validation.has_errors:
        print("Lưu ý: đây là bản DỰ THẢO; số liệu vẫn còn lỗi (xem báo cáo kiểm tra).")
    return EXIT_OK


def run_watch(folder: Path, out: Path, options: BuildOptions) -> int:
    """Build, then build again each time a file of the data folder changes, until Ctrl+C (reports/watch.py)."""
    from reports.render.batch import KeptPool, default_jobs, warm_server

    chosen = _chosen_formats(options)
    if not folder.is_dir():  # a mistyped name: nothing to watch (a broken folder is watched until mended)
        raise DataFolderError(f"Không tìm thấy thư mục dữ liệu {folder}.")
    check_out_folder(out, folder)
    pool = KeptPool(options.jobs or default_jobs())
    if pool.workers > 1:
        warm_server()  # as for build: the workers' warm-up while the first build reads the folder
    try:
        with _sigterm_as_ctrl_c():
            _watch(folder, out, options, chosen, pool)
    except KeyboardInterrupt:
        print("\nĐã dừng theo dõi; không có tệp kết quả nào bị ghi dở.", file=sys.stderr)
    finally:
        pool.discard()
    return EXIT_OK


@contextlib.contextmanager
def _sigterm_as_ctrl_c() -> Iterator[None]:
    """`kill` stops the watcher as Ctrl+C does (the handler it had is put back afterwards)."""
    try:
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    except (ValueError, AttributeError):  # not the main thread; no SIGTERM
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _watch(folder: Path, out: Path, options: BuildOptions, chosen: Sequence[str], pool: KeptPool) -> None:
    from reports.render.html import USER_TEMPLATES
    from reports.watch import next_change, snapshot

    ignore = (out,)
    seen = snapshot(folder, ignore)
    fresh = False
    print(f"Theo dõi thư mục {_show(folder)}: lập báo cáo lần đầu.", flush=True)
    while True:
        _watched_build(folder, out, options, chosen, pool, fresh_templates=fresh)
        print(
            f"[{_clock()}] Đang theo dõi {_show(folder)}: khi có tệp được sửa, thêm hoặc xóa sẽ tự lập lại. "
            "Nhấn Ctrl+C để dừng.",
            flush=True,
        )
        change = next_change(folder, seen, ignore)
        seen, fresh = change.now, any(Path(p).parts[0] == USER_TEMPLATES for p in change.paths)
        print(f"\n[{_clock()}] Có thay đổi: {_listed(change.paths)}. Lập lại báo cáo.", flush=True)


def _watched_build(
    folder: Path, out: Path, options: BuildOptions, chosen: Sequence[str], pool: KeptPool, *, fresh_templates: bool
) -> None:
    """One build of the watch; a failure is printed and the watch goes on (its pool started again)."""
    from reports.pipeline import build

    bar = _ProgressBar()
    try:
        result = build(
            folder,
            out,
            draft=options.draft,
            strict=options.strict,
            jobs=pool.workers,
            formats=chosen,
            progress=bar.update,
            pool=pool,
            fresh_templates=fresh_templates,
        )
    except Exception as exc:
        bar.close()
        pool.discard()
        _report_failure(exc)
        return
    bar.close()
    _print_built(result, chosen, options, full=False, watching=True)


def _report_failure(exc: Exception) -> int:
    """Say why a command (or one build of `watch`) failed, from inside its `except`; its exit code."""
    if isinstance(exc, UserError):
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return exc.exit_code
    if isinstance(exc, OSError):  # an unreadable file, a full or read-only disk: the user's to fix, not a bug
        print(f"Lỗi: {file_system_error(exc).message}", file=sys.stderr)
        return EXIT_USAGE
    return _report_bug()


def _clock() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def _listed(paths: Sequence[str], shown: int = 3) -> str:
    names = ", ".join(Path(p).as_posix() for p in paths[:shown])
    more = len(paths) - shown
    return f"{names} và {more} tệp khác" if more > 0 else names


@contextlib.contextmanager
def _dask_executor(address: str) -> Iterator[Executor]:
    """An executor on the Dask cluster at `address`; a Vietnamese message when it cannot be used."""
    try:
        from distributed import Client
    except ImportError:
        raise UserError(
            "--scheduler cần thư viện Dask distributed: cài bằng pip install -e '.[dask]' rồi chạy lại."
        ) from None
    try:
        client = Client(address, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UserError(f"Không kết nối được bộ điều phối Dask '{address}': {exc}") from exc
    with client:
        yield client.get_executor()


def _rendered_kept(rendered: int, kept: int, *, full: bool) -> str:
    """The incremental build's line: how many documents were rendered and how many kept as they were."""
    if full:
        return f"Dựng lại toàn bộ {rendered} văn bản (--full)."
    if not kept:
        return f"Dựng {rendered} văn bản (chưa có bản nào dựng trước dùng lại được)."
    if not rendered:
        return f"Không văn bản nào có đầu vào thay đổi: giữ nguyên cả {kept} văn bản. Dùng --full để dựng lại tất cả."
    return (
        f"Dựng lại {rendered} văn bản có đầu vào thay đổi; giữ nguyên {kept} văn bản "
        "(số liệu, mẫu và phiên bản công cụ không đổi). Dùng --full để dựng lại tất cả."
    )


# --- printing ---------------------------------------------------------------------------------------


def print_problems(problems: Sequence[Problem], units: pd.DataFrame, stream: TextIO, *, details: bool = False) -> None:
    """Problems grouped by unit: problems about whole files first, then units with errors, then the rest.

    Optional indicators left blank are only counted, unless `details`.
    """
    shown = [p for p in problems if details or p.severity is not Severity.NOTE]
    groups: dict[str, list[Problem]] = {}
    for problem in sorted(shown, key=sort_key):
        groups.setdefault(problem.unit, []).append(problem)
    order = sorted(groups, key=lambda u: (u != "", not any(p.is_error for p in groups[u]), u))
    for unit in order:
        items = groups[unit]
        title = f"{unit} – {items[0].unit_name}" if unit and items[0].unit_name else unit or "Các tệp"
        print(f"\n== {title} ==", file=stream)
        for p in items:
            print(f"  [{SEVERITY_TAGS[p.severity]}] {_describe(p)}", file=stream)
    blanks = {p.unit for p in problems if p.severity is Severity.NOTE}
    if blanks and not details:
        print(
            f"\n{len(blanks)} đơn vị để trống một số chỉ tiêu không bắt buộc (coi là chưa báo cáo, không tính là 0); "
            "xem trang 'Chỉ tiêu để trống' của báo cáo kiểm tra, hoặc chạy lại với --chi-tiet.",
            file=stream,
        )


def _describe(p: Problem) -> str:
    parts = []
    if p.place:
        parts.append(p.place.describe())
    if p.indicator and p.severity is not Severity.NOTE:
        parts.append(f"{p.indicator} = '{p.value}'" if p.value else p.indicator)
    where = " · ".join(parts)
    return f"{where}: {p.message}" if where else p.message


def print_summary(intake: Intake, stream: TextIO) -> None:
    status = intake.status()
    expected = len(status)
    submitted = sum(1 for s in status.values() if s != "chua_nop")
    with_errors = sum(1 for s in status.values() if s == "co_loi")
    missing = expected - submitted
    errors = sum(1 for p in intake.problems if p.is_error)
    warnings = sum(1 for p in intake.problems if p.is_warning)
    print(
        f"\nTóm tắt năm {intake.settings.nam}: {expected} đơn vị phải nộp; {submitted} đã nộp; "
        f"{with_errors} có lỗi; {missing} chưa nộp. Tổng cộng {errors} lỗi, {warnings} cảnh báo.",
        file=stream,
    )


def _print_diverted(diverted: Sequence[Diverted]) -> None:
    for item in diverted:
        print(f"CẢNH BÁO: {_show(item.wanted)}: {item.reason}; bản mới ghi vào {_show(item.written)}.", file=sys.stderr)


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _show(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class _ProgressBar:
    """A tqdm bar on stderr for the per-unit batch, shown only on a terminal."""

    def __init__(self) -> None:
        self._bar: object | None = None

    def update(self, done: int, total: int) -> None:
        if self._bar is None:
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc="Báo cáo đơn vị", unit=" đv", file=sys.stderr, disable=None)
        bar = self._bar
        bar.n = done  # type: ignore[attr-defined]
        bar.refresh()  # type: ignore[attr-defined]

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()  # type: ignore[attr-defined]


def _utf8_console() -> None:
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower()
        if encoding.replace("-", "") != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")


def _check_temp_folder() -> None:
    """Stop with a message, before any work, when no temporary folder can be written.

    openpyxl writes the check report's sheets through temporary files; with every candidate folder
    (TMPDIR, /tmp, /var/tmp, the current folder) full or read-only that would fail deep inside.
    """
    try:
        tempfile.gettempdir()
    except OSError:
        raise UserError(
            "Không có thư mục tạm nào ghi được (biến TMPDIR, /tmp, /var/tmp và thư mục hiện tại đều đầy hoặc "
            "chỉ cho đọc). Giải phóng chỗ trống trên ổ đĩa hoặc đặt TMPDIR sang thư mục khác rồi chạy lại."
        ) from None


def _quiet_worker_logging() -> None:
    """The process pool logs a worker's failure with its traceback to stderr; the main process reports it."""
    logger = logging.getLogger("concurrent.futures")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False


def _report_bug() -> int:
    """An unexpected exception is a bug: its traceback goes to a private log file, the clerk gets a short note.

    The log can hold names and figures from the data, so it is written where only the user can read it
    (mode 0600, in a per-user folder of mode 0700), never to the shared temporary folder.
    """
    log = _write_bug_log(traceback.format_exc())
    where = f" Chi tiết kỹ thuật đã ghi vào {log}; xin gửi tệp này cho người phụ trách công cụ." if log else ""
    print(f"Lỗi nội bộ của công cụ (không phải lỗi số liệu).{where}", file=sys.stderr)
    return EXIT_BUG


def _write_bug_log(text: str) -> Path | None:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for folder in _bug_log_folders():
        try:
            if not _private_folder(folder):
                continue
            path = folder / f"loi-{stamp}-{os.getpid()}.log"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return path
        except OSError:
            continue
    return None


def _bug_log_folders() -> list[Path]:
    """Per-user places for the bug log: the user's state (or local app data) folder, then a private temp one."""
    folders = []
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        folders.append(Path(os.environ["LOCALAPPDATA"]) / TOOL_FOLDER / "nhat-ky-loi")
    try:
        state = os.environ.get("XDG_STATE_HOME") or (Path.home() / ".local" / "state")
        folders.append(Path(state) / TOOL_FOLDER / "nhat-ky-loi")
    except RuntimeError:  # no home folder known
        pass
    try:
        user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "nguoi-dung")
        folders.append(Path(tempfile.gettempdir()) / f"{TOOL_FOLDER}-{user}")
    except OSError:
        pass
    return folders


def _private_folder(folder: Path) -> bool:
    """Create `folder` (mode 0700); True only when it is a real folder of ours that others cannot enter."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode):
        return False
    if os.name != "nt":
        if info.st_uid != os.getuid():
            return False
        if info.st_mode & 0o077:
            os.chmod(folder, 0o700)
    return True
