"""The one small Streamlit helper module (the UI edge).

- the database engine (one per URL and process) and cached query calls;
- filters that live in the URL (st.query_params), so a view can be shared;
- showing report text literally: nothing from a document is ever interpreted
  as HTML or markdown;
- charts with their data table one click away, and drill-down to a report.

Only this module, dashboard.py and pages/ import Streamlit.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from nianbao import db
from nianbao.queries import common
from nianbao.queries.common import SCOPE_LABELS, Filters
from nianbao.ui_text import escape_literal

ROOT = Path(__file__).resolve().parent.parent
REPORT_PAGE = "pages/report.py"

# ---------------------------------------------------------------- database


def database_url() -> str:
    """The URL nianbao.db decides (DATABASE_URL, else the default SQLite file)."""
    return db.database_url()


def get_engine() -> Engine:
    """The process-wide engine for the URL (nianbao.db creates each one once)."""
    return db.get_engine(database_url())


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(fn_path: str, url: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    module, name = fn_path.rsplit(":", 1)
    fn = getattr(importlib.import_module(module), name)
    return fn(db.get_engine(url), *args, **kwargs)


def query(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(engine, *args, **kwargs)`` through st.cache_data, keyed by the URL and args."""
    return _cached(f"{fn.__module__}:{fn.__name__}", database_url(), args, kwargs)


def clear_cache() -> None:
    """After an import: every cached figure may have changed."""
    _cached.clear()


# ---------------------------------------------------------------- page frame


def _leave_pages_directory_mode() -> None:
    """Make a first request for /trends (say) go through dashboard.py's st.navigation.

    Streamlit decides once per process whether the app is a legacy "pages/
    directory" app: the pages/ folder exists, so it is until st.navigation
    first runs. If the first request after a start is a shared link to a page,
    Streamlit runs that page file alone, with a file-name sidebar, and keeps
    doing so for every session. Clearing the flag and rerunning sends the run
    through dashboard.py, which resolves the same URL to the same page.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # internals moved: the app still works, with that sidebar
        return
    ctx = get_script_run_ctx()
    if ctx is None or not PagesManager.uses_pages_directory:
        return
    main = Path(ctx.pages_manager.main_script_path)
    if main.name == "dashboard.py" and main.parent == ROOT:
        PagesManager.uses_pages_directory = False
        st.rerun()


# Streamlit has no locale setting, and a few of its widgets carry fixed
# English text that no argument changes. Each rule below replaces one such
# text by its Chinese meaning, found by a data-testid or ARIA attribute of
# the element (not by Streamlit's generated class names). The English is
# hidden (font-size 0) and the Chinese drawn in its place (::after).
# Checked in Chromium with Streamlit 1.67; if a selector stops matching after
# an upgrade, the English comes back and nothing else breaks.
_ZH_TEXT = {
    # The file uploader's button ("Upload") and its limit line ("50MB per
    # file"; the 导入 page says 单个不超过 50 MB itself).
    '[data-testid="stFileUploaderDropzone"] button p': "选择文件",
    # A select box or multiselect whose filter matches nothing ("No results").
    '[role="listbox"][data-empty="true"] > [role="option"] > span': "没有匹配的选项",
    # Under a text or number field while typing ("Press Enter to apply").
    '[data-testid="InputInstructions"] > span:first-child': "按回车键确认",
}
_ZH_CSS = (
    "\n".join(
        f"{sel} {{font-size: 0 !important;}}\n"
        f'{sel}::after {{content: "{text}"; font-size: 0.875rem;}}'
        for sel, text in _ZH_TEXT.items()
    )
    + '\n[data-testid="stFileUploaderDropzoneInstructions"] {display: none;}'
)


def chinese_widget_text() -> None:
    """Replace Streamlit's own English widget texts by Chinese (see _ZH_TEXT)."""
    st.html(f"<style>{_ZH_CSS}</style>")


def setup_page(title: str) -> None:
    _leave_pages_directory_mode()
    try:
        st.set_page_config(page_title=f"{title} · 政府信息公开年报", layout="wide")
    except st.errors.StreamlitAPIException:
        pass  # already set by dashboard.py in this run
    chinese_widget_text()
    st.title(title)


def error_box(exc: Exception) -> None:
    """One message that says what to do, never a traceback."""
    text = str(getattr(exc, "orig", None) or exc)
    if "no such table" in text or "does not exist" in text:
        st.info(
            "数据库里还没有报告。请运行 `nianbao ingest 文件或文件夹` 导入，"
            "或在「导入」页上传报告。"
        )
        return
    try:
        detail = db.explain(get_engine(), exc)
    except Exception:  # the engine itself cannot be made: say what we know
        detail = f"{type(exc).__name__}: {text.splitlines()[0] if text else ''}"
    # The detail comes from the driver and may quote SQL or data: shown literally.
    st.error(
        f"无法读取数据库：{escape_literal(detail)}\n\n"
        "请检查 DATABASE_URL，或运行 `nianbao ingest` 导入报告。"
    )


# ---------------------------------------------------------------- URL filters


def get_param(name: str) -> str | None:
    v = st.query_params.get(name)
    return v if v not in (None, "") else None


def set_param(name: str, value: Any) -> None:
    if value is None or value == "" or (isinstance(value, list | tuple) and not value):
        if name in st.query_params:
            del st.query_params[name]
        return
    text = ",".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
    if st.query_params.get(name) != text:
        st.query_params[name] = text


def _url_changed(key: str, param: str) -> bool:
    """True on a widget's first run, or when the URL changed under it (a followed link)."""
    return key not in st.session_state or get_param(param) != st.session_state.get(f"{key}__url")


def url_selectbox(
    label: str,
    options: Sequence[Any],
    param: str,
    *,
    default: Any = None,
    format_func: Callable[[Any], str] = str,
    key: str | None = None,
    widget: Callable[..., Any] | None = None,
    **widget_kwargs: Any,
) -> Any:
    """A selectbox (or ``widget``, e.g. st.radio) whose value lives in ?param=…;
    the URL wins when it changes.

    The default is not written to the URL, so links stay short.
    """
    key = key or f"url_{param}"
    options = list(options)
    if default not in options:
        default = options[0] if options else None
    if _url_changed(key, param):
        raw = get_param(param)
        match = [o for o in options if str(o) == raw]
        st.session_state[key] = match[0] if match else default
    if st.session_state.get(key) not in options:
        st.session_state[key] = default
    widget = widget or st.selectbox
    value = widget(label, options, key=key, format_func=format_func, **widget_kwargs)
    set_param(param, None if value == default else value)
    st.session_state[f"{key}__url"] = get_param(param)
    return value


def url_multiselect(
    label: str,
    options: Sequence[Any],
    param: str,
    *,
    default: Sequence[Any] = (),
    format_func: Callable[[Any], str] = str,
    key: str | None = None,
    max_selections: int | None = None,
) -> list[Any]:
    """A multiselect whose values live in ?param=a,b,c."""
    key = key or f"url_{param}"
    options = list(options)
    default = [d for d in default if d in options]
    if _url_changed(key, param):
        raw = get_param(param)
        wanted = raw.split(",") if raw else None
        st.session_state[key] = (
            [o for o in options if str(o) in wanted] if wanted is not None else default
        )
    st.session_state[key] = [o for o in st.session_state.get(key, []) if o in options]
    value = list(
        st.multiselect(
            label,
            options,
            key=key,
            format_func=format_func,
            max_selections=max_selections,
            placeholder="选择…（不选 = 全部）",
            select_all=False,  # its "Select all" / "Select N matches" rows are English
        )
    )
    set_param(param, None if value == default else value)
    st.session_state[f"{key}__url"] = get_param(param)
    return value


def total_scope() -> str:
    """The 范围 of a region's total on 总览 and 趋势 (?scope=); default 政府, the
    region's own report: totals never add reports of different scopes."""
    return url_selectbox(
        "范围",
        list(common.SCOPE_CHOICES),
        "scope",
        default="government",
        format_func=lambda k: common.SCOPE_CHOICES.get(k, k),
        key="scope_total",
        help=common.NO_GRAND_TOTAL,
    )


def scope_filters(
    engine_regions: pd.DataFrame, *, key_prefix: str = "", with_scope: bool = True
) -> Filters:
    """The shared scope / region filters (in the sidebar), from and into the URL."""
    # Sentinels, not None: a selectbox shows None as an empty "choose an option".
    scopes = ["", *SCOPE_LABELS]
    scope = (
        url_selectbox(
            "范围",
            scopes,
            "scope",
            default="",
            format_func=lambda s: "全部" if not s else SCOPE_LABELS[s],
            key=f"{key_prefix}scope",
        )
        if with_scope
        else ""
    )
    region_ids = [0, *[int(i) for i in engine_regions["id"]]]
    paths = dict(zip(engine_regions["id"], engine_regions["path"], strict=True))
    region = url_selectbox(
        "地区（含下级）",
        region_ids,
        "region",
        default=0,
        format_func=lambda i: "全部地区" if not i else paths.get(i, str(i)),
        key=f"{key_prefix}region",
    )
    synthetic = include_synthetic()
    if synthetic:
        st.warning("包含合成（synthetic）数据：仅供性能测试，不是真实报告。")
    return Filters(scope=scope or None, region_id=region or None, include_synthetic=synthetic)


def include_synthetic() -> bool:
    """?synthetic=1 shows generated benchmark data (never on by default)."""
    return get_param("synthetic") == "1"


# ---------------------------------------------------------------- safe text

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def escape_md(text: str) -> str:
    """Backslash-escape markdown and HTML so st.markdown shows ``text`` literally."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def show_text(text: str) -> None:
    """Report text, shown literally (no markdown, no HTML)."""
    st.text(text)


# ---------------------------------------------------------------- numbers


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA


def fmt_value(v: Any, unit: str = "") -> str:
    """A figure for display; a missing one says so instead of pretending 0."""
    if is_missing(v):
        return "缺失"
    if unit == "%":
        return f"{v * 100:.1f}%"
    if float(v).is_integer():
        return f"{int(v):,}{unit}"
    return f"{v:,.2f}{unit}"


def fmt_change(v: Any, unit: str = "") -> str | None:
    if is_missing(v):
        return None
    if unit == "%":
        return f"{v * 100:+.1f} 个百分点"
    return f"{v:+,.0f}" if float(v).is_integer() else f"{v:+,.2f}"


def blank_missing(table: pd.DataFrame, max_rows: int = 1000) -> Any:
    """The table with missing numbers shown as blank cells (not 0, not 'None').

    Very large tables are passed through unstyled (styling costs time per cell).
    """
    if len(table) > max_rows:
        return table
    numeric = [c for c in table.columns if table[c].dtype.kind in "fi"]
    return table.style.format(lambda v: "" if is_missing(v) else f"{v:.10g}", subset=numeric)


def show_table(table: Any, **kwargs: Any) -> None:
    """st.dataframe with a missing value shown as a blank cell (not 'None', never 0).

    ``table`` is a DataFrame (numbers get plain formatting) or a ready Styler.
    """
    kwargs.setdefault("hide_index", True)
    kwargs.setdefault("width", "stretch")
    data = blank_missing(table) if isinstance(table, pd.DataFrame) else table
    st.dataframe(data, placeholder="", **kwargs)


# ---------------------------------------------------------------- drill-down


def report_link(report_id: int, label: str) -> None:
    """A link to the report page (报告详情, ?id=N); ``label`` is shown literally."""
    safe = escape_md(label)
    try:
        st.page_link(
            REPORT_PAGE,
            label=safe,
            query_params={"id": str(int(report_id))},
            icon=":material/description:",
        )
    except Exception:  # page not registered (standalone page run, or not built yet)
        st.markdown(f":material/description: [{safe}](/report?id={int(report_id)})")


def report_picker(reports: pd.DataFrame, key: str, label: str = "打开报告") -> int | None:
    """A selectbox under a chart listing the reports behind it, and a link to the chosen one.

    ``reports`` has columns id, issuer_key, year (and optionally format).
    """
    if reports.empty:
        return None
    reports = reports.drop_duplicates("id")
    names = {
        int(r.id): f"{r.issuer_key} · {int(r.year) if not is_missing(r.year) else '年份不明'}"
        for r in reports.itertuples()
    }
    choice = st.selectbox(
        label, [None, *names], format_func=lambda i: "选择报告…" if i is None else names[i], key=key
    )
    if choice is not None:
        report_link(choice, names[choice])
    return choice


MAX_PICKER = 300  # a longer list is no help to a reader and slow to send


def reports_behind(ids: Sequence[int], key: str, label: str = "打开报告") -> int | None:
    """The picker for the reports behind a figure, or a note when there are too many."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return None
    if len(ids) > MAX_PICKER:
        st.caption(f"这一图表背后有 {len(ids)} 份报告；选择主体或地区后可在此打开单份报告。")
        return None
    return report_picker(query(common.reports_by_id, tuple(ids)), key=key, label=label)


def chart(
    fig: Any,
    table: pd.DataFrame,
    key: str,
    *,
    column_config: dict[str, Any] | None = None,
) -> list[Any]:
    """A plotly chart with selection events, and its data table one click away.

    Returns the ``customdata`` of the selected points (charts put report ids there).
    """
    event = st.plotly_chart(
        fig,
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode=("points",),
        config={"displaylogo": False},
    )
    with st.expander("数据表"):
        show_table(table, column_config=column_config)
    points: list[Any] = []
    try:
        for p in event.selection.points:
            if p.get("customdata") is not None:
                points.append(p["customdata"])
    except AttributeError:
        pass
    return points
