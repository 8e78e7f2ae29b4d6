"""对比: several bodies in one year (bars, ranking, heatmap) and two reports side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nianbao import charts, ui
from nianbao.labels import FORMAT_LABELS, SCOPE_LABELS, SOURCE_LABELS, label
from nianbao.queries import common, compare

ui.setup_page("对比")

MAX_DRAWN = 40  # bars / heatmap rows drawn; the table always has every body
# Above this many bodies (a national scope: ~8k bodies a year at 100k reports)
# the ranking table holds the sort key and its denominator only, and the other
# figures are read for the bodies drawn: a table of every figure for thousands
# of bodies helps no reader and cost most of the page's second.
MAX_FULL = 300
HEATMAP_KEYS = [
    "requests_received",
    "requests_closed",
    "disclosed",
    "withheld",
    "unavailable",
    "reviews",
    "lawsuits",
    "disclosure_rate",
    "carry_over_share",
]
# Rates sit beside the counts they are made of, each followed by its denominator.
TABLE_ORDER = [
    "requests_received",
    "requests.carried_over",
    "requests_closed",
    "disclosed",
    "partially_disclosed",
    "disclosure_rate",
    "withheld",
    "unavailable",
    "requests.carried_forward",
    "carry_over_share",
    "reviews",
    "reviews_corrected",
    "review_correction_rate",
    "lawsuits",
    "lawsuits_corrected",
    "litigation_correction_rate",
]


def den_label(rate: str) -> str:
    return f"{compare.RATES[rate]}分母（{compare.DENOMINATOR_LABELS[rate]}）"


def notes(d: pd.DataFrame, key: str) -> list[str]:
    """Per row, what a reader must know about its rates: every rate over a small
    denominator, and 无法计算 for the ranking's rate (0 reviews is common; a
    note on every such row would drown the rest)."""
    per_rate = []
    for rate, name in compare.RATES.items():
        if rate not in d:
            continue
        # Plain lists: pandas string arithmetic cost 0.1 s over 8k bodies.
        states = d[f"{rate}__state"].tolist()
        ns = d[f"{rate}__n"].tolist()
        per_rate.append(
            [
                f"{name}样本小（分母 {n:.0f}）"
                if s == "small"
                else f"{name}无法计算（分母为0）"
                if s == "zero" and rate == key
                else ""
                for s, n in zip(states, ns, strict=True)
            ]
        )
    return ["；".join(x for x in row if x) for row in zip(*per_rate, strict=True)] or [""] * len(d)


def scope_name(scope: str | None) -> str:
    # The government's report sums its departments: say so wherever it is ranked.
    text = label(SCOPE_LABELS, scope)
    return f"{text}（汇总报告）" if scope == "government" else text


def ranking_table(d: pd.DataFrame, key: str) -> pd.DataFrame:
    """``d`` from compare.rank_bodies: rank, body, scope, counts, rates (%) with denominators."""
    out = pd.DataFrame({"排名": d["rank"], "主体": d["issuer_key"]})
    scopes = {s: scope_name(s) for s in d["scope"].dropna().unique()}
    out["范围"] = d["scope"].map(scopes)
    for k in TABLE_ORDER:
        if k not in d:
            continue  # not read for a large scope
        if k in compare.RATES:
            out[compare.RATES[k]] = d[k] * 100
            out[den_label(k)] = d[f"{k}__n"]
        else:
            out[compare.measure_label(k)] = d[k]
    out["报告数"] = d["n_reports"]
    out["空白值"] = d["n_missing"]
    out["说明"] = notes(d, key)
    return out


def _num(v: float) -> str:
    return "" if pd.isna(v) else f"{v:.10g}"


def styled(table: pd.DataFrame, d: pd.DataFrame):  # type: ignore[no-untyped-def]
    """Blank cells for missing values (never 0 or 'None'); rates as percentages,
    无法计算 where the denominator is 0, 样本小 beside a rate over a small one.

    Styling is per cell in Python: a very long table is passed through as is
    (missing values then read 'None', still never 0; the 说明 column stays).
    """
    if len(table) > 300:
        return table
    rates = [c for c in compare.RATES.values() if c in table]
    counts = [c for c in table.columns if c not in rates and table[c].dtype.kind in "fi"]
    st_ = table.style.format(_num, subset=counts).format(
        lambda v: "" if pd.isna(v) else f"{v:.1f}%", subset=rates
    )
    for rate, name in compare.RATES.items():
        if rate not in d:
            continue
        state = d[f"{rate}__state"].to_numpy()
        zero = table.index[state == "zero"]
        small = table.index[state == "small"]
        if len(zero):
            st_ = st_.format(lambda v: "无法计算", subset=pd.IndexSlice[zero, [name]])
        if len(small):
            st_ = st_.format(lambda v: f"{v:.1f}%（样本小）", subset=pd.IndexSlice[small, [name]])
    return st_


def cell_texts(d: pd.DataFrame, keys: list[str]) -> list[list[str]]:
    """Heatmap cell texts: 缺失 for a blank, 无法计算 for a rate over 0, n beside a small rate."""
    rows = []
    for _, r in d.iterrows():
        row = []
        for k in keys:
            v = r[k]
            if k in compare.RATES:
                state = r[f"{k}__state"]
                if state == "zero":
                    row.append("无法计算")
                elif pd.isna(v):
                    row.append("缺失")
                elif state == "small":
                    row.append(f"{v:.1%}（n={r[f'{k}__n']:.0f}）")
                else:
                    row.append(f"{v:.1%}")
            else:
                row.append("缺失" if pd.isna(v) else f"{v:,.0f}")
        rows.append(row)
    return rows


try:
    region_df = ui.query(common.regions, ui.include_synthetic())
except Exception as exc:
    ui.error_box(exc)
    st.stop()

metric_keys = [*compare.COMPARE_MEASURES, *compare.RATES]
with st.sidebar:
    base = ui.scope_filters(region_df)
    years = ui.query(common.years, base)
    if not years:
        st.info("所选范围内没有报告。")
        st.stop()
    year = ui.url_selectbox("年份", years[::-1], "year", default=max(years))
    with_report = ui.query(compare.bodies_with_reports, base.with_(year=year))
    # Only bodies with a report in the year are offered; a body already chosen
    # (in the URL, or before the year changed) stays, marked, so that it can be
    # named below instead of silently dropped.
    has_report = set(with_report)
    earlier = st.session_state.get("url_bodies") or (ui.get_param("bodies") or "").split(",")
    kept = [b for b in earlier if b and b not in has_report]
    chosen = ui.url_multiselect(
        "主体（不选 = 范围内全部）",
        [*with_report, *kept],
        "bodies",
        format_func=lambda b: b if b in has_report else f"{b}（{year}年无报告）",
    )
    st.caption(f"列表中是 {year} 年有报告的 {len(with_report)} 个主体。")
    key = ui.url_selectbox(
        "排序指标",
        metric_keys,
        "metric",
        default="requests_received",
        format_func=compare.measure_label,
    )
    small_ranked = False
    if key in compare.RATES:
        small_ranked = st.checkbox(
            f"分母小于 {compare.SMALL_N} 的比率也参与排名",
            value=ui.get_param("small") == "1",
            key="small_ranked",
        )
        ui.set_param("small", "1" if small_ranked else None)

f = base.with_(year=year, bodies=tuple(chosen))
full = len(chosen or with_report) <= MAX_FULL
data = ui.query(
    compare.compare_bodies, f, compare.COMPARE_MEASURES if full else compare.keys_for(key)
)
st.subheader(f"{year}年 · {compare.measure_label(key)}")
found = set(data["issuer_key"])
absent = [b for b in chosen if b not in found]
if absent:
    st.warning("；".join(f"{b}：{year}年无报告" for b in absent))
ranked = compare.rank_bodies(data, key, small_ranked) if not data.empty else data
if data.empty:
    st.info("所选主体在这一年没有报告。")
else:
    n_reports = int(data["n_reports"].sum())
    head = f"{len(chosen)} 个主体中 {len(data)} 个有报告" if chosen else f"{len(data)} 个主体有报告"
    st.caption(
        f"{head}，共 {n_reports} 份报告。比率只在分母已知且不为0时计算；"
        "分母为0时写“无法计算”，报告中为空白时写“缺失”，空白值不计为0。"
    )
    if key in compare.RATES:
        st.caption(
            f"排名规则：分母不少于 {compare.SMALL_N} 的比率先按高低排名；分母小于 "
            f"{compare.SMALL_N} 的标“样本小”，"
            + ("也参与排名。" if small_ranked else "排在其后、不排名次。")
            + "每个比率旁边列出分母。"
        )
    scopes = set(data["scope"].dropna())
    mixed = "government" in scopes and len(scopes) > 1
    if mixed:
        st.warning(
            "排名中既有政府的汇总报告（范围：政府），也有部门或乡镇街道的报告。"
            "政府汇总报告的数字通常已包含其所属部门，二者不宜直接比较高低。"
        )
    drawn = ranked[ranked["rank"].notna()].head(MAX_DRAWN)
    if len(ranked[ranked["rank"].notna()]) > MAX_DRAWN:
        st.caption(f"图中画出前 {MAX_DRAWN} 个主体；排名表包含全部。")
    unranked = ranked[ranked["rank"].isna()]
    if len(unranked):
        if key in compare.RATES:
            counts = unranked[f"{key}__state"].value_counts()
            why = "、".join(
                f"{compare.RATE_STATES[s]} {int(counts[s])} 个"
                for s in ("small", "zero", "missing")
                if counts.get(s, 0)
            )
        else:
            why = f"缺失 {len(unranked)} 个"
        st.caption(f"未参与排名、图中未画出的主体：{why}（见排名表末尾）。")
    if not full:
        st.caption(
            f"范围内主体较多（{len(data):,} 个），排名表只列排序指标及其分母；"
            "图和“主体 × 指标”是排名前列的主体。选择主体或缩小地区可看全部指标。"
        )
    unit = "%" if key in compare.RATES else ""
    table = ranking_table(ranked, key)
    shown_names = drawn.assign(
        issuer_key=[
            k
            + ("（政府汇总）" if mixed and s == "government" else "")
            + ("（样本小）" if key in compare.RATES and st_ == "small" else "")
            for k, s, st_ in zip(
                drawn["issuer_key"],
                drawn["scope"],
                drawn[f"{key}__state"] if key in compare.RATES else [""] * len(drawn),
                strict=True,
            )
        ]
    )
    picked = ui.chart(
        charts.ranking_bars(shown_names, key, compare.measure_label(key), unit),
        table,
        key="ranking",
    )
    if picked:
        ui.report_link(int(picked[0]), "打开所选报告")

    st.markdown("**排名表**")
    ui.show_table(styled(table, ranked))
    ui.reports_behind([i for t in data["report_ids"] for i in t], key="rank_pick")

    st.markdown("**主体 × 指标**")
    heat = ranked.head(MAX_DRAWN)
    if not full:  # every figure, for the bodies drawn only
        more = ui.query(compare.compare_bodies, f.with_(bodies=tuple(heat["issuer_key"])))
        heat = heat[["issuer_key", "rank"]].merge(more, on="issuer_key", how="left")
    norm = compare.normalise(heat, HEATMAP_KEYS)
    labels = {k: compare.measure_label(k) for k in HEATMAP_KEYS}
    ui.chart(
        charts.metrics_heatmap(heat, norm, HEATMAP_KEYS, labels, cell_texts(heat, HEATMAP_KEYS)),
        ranking_table(heat, key),
        key="heatmap",
    )

st.subheader("两份报告并排")
# Chosen bodies: their reports of every year (e.g. one body 2023 vs 2022);
# otherwise the reports of the chosen year (of the bodies drawn, in a large scope).
if chosen:
    pool = base.with_(bodies=tuple(chosen))
elif full or data.empty:
    pool = base.with_(year=year)
else:
    pool = base.with_(year=year, bodies=tuple(ranked["issuer_key"].head(MAX_DRAWN)))
reps = ui.query(common.reports, pool)
if len(reps) < 2:
    st.info("所选范围内不足两份报告。")
    st.stop()

fmt_names = reps["format"].map(FORMAT_LABELS).fillna(reps["format"]).fillna("")
texts = reps["issuer_key"] + " · " + reps["year"].astype("string") + " · " + fmt_names
names = dict(zip(reps["id"].astype(int).tolist(), texts.tolist(), strict=True))
formats = dict(zip(reps["id"].astype(int), reps["format"], strict=True))
ids = list(names)
ranked_ids = [int(t[0]) for t in ranked["report_ids"] if t] if not data.empty else []
default_a, default_b = compare.default_pair(reps, chosen, year, ranked_ids)
NO_B = 0  # the "pick one" entry of 报告 B when no report of A's era fits
# A link keeps its a= and b=; but when the year, the bodies or the scope change
# the old pair is stale (QA: B stayed 交通与建设局 · 2012 while other bodies were
# added), so both go back to the defaults for the new choice.
context = (year, tuple(chosen), base)
if st.session_state.get("pair_context", context) != context:
    for p in ("a", "b"):
        ui.set_param(p, None)
        st.session_state.pop(f"url_{p}", None)
st.session_state["pair_context"] = context

left, right = st.columns(2)
with left:
    a = ui.url_selectbox("报告 A", ids, "a", default=default_a, format_func=names.get)
    ui.report_link(a, names[a])
with right:
    b = ui.url_selectbox(
        "报告 B",
        [NO_B, *ids],
        "b",
        default=default_b if default_b is not None else NO_B,
        format_func=lambda i: "请选择报告…" if i == NO_B else names[i],
    )
    if b != NO_B:
        ui.report_link(b, names[b])

if b == NO_B:
    st.info(
        f"没有与报告 A 同属{compare.ERA_LABELS[compare.era_of(formats[a])]}的其他报告可作默认对比，"
        "请在“报告 B”中选择。"
    )
elif a == b:
    st.info("报告 A 和报告 B 是同一份报告。")
elif compare.era_of(formats[a]) != compare.era_of(formats[b]):
    st.warning(
        f"报告 A 是{compare.era_label(formats[a])}，报告 B 是{compare.era_label(formats[b])}："
        "两种表格的行不是同一个问题，不能逐行对比。"
        "下面只列出两个时期之间有对应关系的指标（见“指标说明”中的序列）。"
    )
    series = ui.query(compare.series_pair, a, b)
    if series.empty:
        st.info("这两份报告没有可跨时期对比的指标。")
    else:
        shown = pd.DataFrame(
            {
                "指标": series["name"],
                "单位": series["unit"],
                "可比性": series["comparable"],
                "报告 A": series["value_a"],
                "报告 B": series["value_b"],
                "差值（B−A）": series["diff"],
            }
        )
        ui.show_table(shown)
else:
    pair = ui.query(compare.report_pair, a, b)
    if pair.empty:
        st.info("这两份报告没有统计数据。")
    else:
        n_diff = int(pair["differs"].sum())
        st.caption(f"{len(pair)} 项，其中 {n_diff} 项不同（黄色）；空白 = 该报告此项为空或没有。")
        shown = pd.DataFrame(
            {
                "项目": pair["label"],
                "来源": [label(SOURCE_LABELS, s) for s in pair["source"]],
                "报告 A": pair["value_a"],
                "报告 B": pair["value_b"],
                "差值（B−A）": pair["diff"],
                "differs": pair["differs"],
            }
        )

        def _highlight(row: pd.Series) -> list[str]:
            style = "background-color: #fff3b0" if row["differs"] else ""
            return [style] * len(row)

        ui.show_table(
            shown.style.apply(_highlight, axis=1).format(
                _num, subset=["报告 A", "报告 B", "差值（B−A）"]
            ),
            column_order=["项目", "来源", "报告 A", "报告 B", "差值（B−A）"],
        )
