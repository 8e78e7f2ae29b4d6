"""Synthetic annual reports for load tests: real documents, made-up figures.

    nianbao synth OUTDIR --bodies N --years 2014-2025 --seed S
                  [--broken-share 0.05] [--formats txt,html,docx]

For a tree of regions (province → city → county, real names and codes from
cpca's division table) and bodies (each county's government, departments and
townships) this writes one report per body and year, in the era's layout:

- 2014–2018 ``legacy``: the national 统计表 (统计指标 / 单位 / 统计数), P rules hold;
- 2019–2020 ``gov2019`` and 2021+ ``gov2021``: Tables A, B (seven applicant
  columns, merged label cells) and C (15 cells), B1/B3/B4/C1 hold;
- a few reports in every era are narrative only (figures in sentences).

A share (``--broken-share``) of the table reports breaks one rule on
purpose (one cell off by a few). Everything follows from the seed: the same
arguments give byte-identical files.

Every file says it is synthetic, visibly: the title ends in （合成测试数据）,
HTML pages carry ``<meta name="nianbao-synthetic" content="1">`` and text
files a ``合成: 1`` header line. Ingest marks such reports ``synthetic``
(nianbao.store.is_synthetic). The generator refuses to write into the bundled
reports (data/reports) or next to the default database (data/).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import random
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from loaders.catalog import APPLICANT_COLUMNS
from nianbao.db import REPO
from nianbao.official_layout import _A_2019, _A_2021, C_COLUMNS, table_b_rows
from nianbao.store import SYNTHETIC_MARK

FORMATS = ("txt", "html", "docx")
FORBIDDEN = (REPO / "data",)  # the bundled reports and the default database live here

DEPARTMENTS = (
    "发展和改革局",
    "教育局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "城市管理局",
)
TOWN_SYLLABLES = "东西南北中新安平和兴富康宁永福清源泉山河湖桥港石林花马龙凤"

NARRATIVE_SHARE = 0.04  # reports without tables


class RefusedPath(ValueError):
    """The output folder is inside the bundled data."""


# --- the tree of regions and bodies --------------------------------------------


@dataclass(frozen=True)
class Body:
    issuer: str
    scope: str  # government / department / township
    province: str
    city: str | None
    county: str
    code: str


@cache
def _divisions() -> tuple[dict[str, str], ...]:
    """(provinces, cities, counties): 6-digit code -> name, from cpca's table."""
    import cpca

    path = Path(cpca.__file__).parent / "resources" / "adcodes.csv"
    provinces: dict[str, str] = {}
    cities: dict[str, str] = {}
    counties: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, name = row["adcode"][:6], row["name"]
            if not code.isdigit() or name in ("市辖区", "县", "省直辖县级行政区划"):
                continue
            if code.endswith("0000"):
                provinces[code] = name
            elif code.endswith("00"):
                cities[code] = name
            else:
                counties[code] = name
    return provinces, cities, counties


def body_tree(n_bodies: int, rng: random.Random) -> list[Body]:
    """``n_bodies`` bodies: counties (in a random but seeded order) each with
    its government, then departments and townships, ~10 bodies per county."""
    provinces, cities, counties = _divisions()
    codes = sorted(c for c in counties if c[:2] + "0000" in provinces)
    rng.shuffle(codes)
    bodies: list[Body] = []
    for code in codes:
        county = counties[code]
        city = cities.get(code[:4] + "00")
        province = provinces[code[:2] + "0000"]
        place = f"{province}{city or ''}{county}"
        bodies.append(Body(f"{place}人民政府", "government", province, city, county, code))
        for dept in rng.sample(DEPARTMENTS, 6):
            bodies.append(Body(f"{place}{dept}", "department", province, city, county, code))
        for _ in range(3):
            town = "".join(rng.sample(TOWN_SYLLABLES, 2)) + rng.choice("镇乡")
            bodies.append(Body(f"{place}{town}人民政府", "township", province, city, county, code))
        if len(bodies) >= n_bodies:
            break
    return bodies[:n_bodies]


# --- figures ------------------------------------------------------------------------


@dataclass
class Figures:
    """One report's table cells: (metric, applicant or None) -> value."""

    fmt: str  # gov2021 / gov2019 / legacy / narrative
    cells: dict[tuple[str, str | None], float] = field(default_factory=dict)
    broken: str | None = None  # the rule broken on purpose, if any


def _split(rng: random.Random, total: int, n: int, weights: Sequence[float]) -> list[int]:
    """``total`` items spread over ``n`` parts, mostly into the heavier ones."""
    parts = [0] * n
    for _ in range(total):
        parts[rng.choices(range(n), weights)[0]] += 1
    return parts


def _count(rng: random.Random, scale: float) -> int:
    """Skewed like real counts: most small, a few large."""
    if rng.random() < 0.35:
        return 0
    return int(rng.expovariate(1 / scale))


def gov_figures(rng: random.Random, fmt: str, scale: float) -> Figures:
    fig = Figures(fmt)
    rows = [m for _a, _b, _c, m in table_b_rows(fmt)]
    outcomes = [m for m in rows if m.startswith(("requests.disclosed", "requests.partially",
                                                   "requests.withheld", "requests.unavailable",
                                                   "requests.not_processed",
                                                   "requests.other_handling"))]  # fmt: skip
    weights = [30 if m == "requests.disclosed" else 8 if "not_held" in m else 1 for m in outcomes]
    columns = APPLICANT_COLUMNS[:-1]
    col_scale = (1.0, 0.3, 0.02, 0.02, 0.05, 0.05)
    for col, share in zip(columns, col_scale, strict=True):
        received = _count(rng, scale * share)
        carried = _count(rng, scale * share * 0.1)
        forward = rng.randint(0, (received + carried) // 5) if received + carried else 0
        closed = received + carried - forward
        fig.cells[("requests.received", col)] = received
        fig.cells[("requests.carried_over", col)] = carried
        fig.cells[("requests.carried_forward", col)] = forward
        fig.cells[("requests.closed", col)] = closed
        for metric, n in zip(outcomes, _split(rng, closed, len(outcomes), weights), strict=True):
            fig.cells[(metric, col)] = n
    for metric in rows:  # B4: the 总计 column is the sum of the others
        fig.cells[(metric, "total")] = sum(fig.cells[(metric, c)] for c in columns)
    for prefix in ("review", "litigation.direct", "litigation.after_review"):
        parts = [_count(rng, scale * 0.02) for _ in range(4)]
        for name, n in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            fig.cells[(f"{prefix}.{name}", None)] = n
        fig.cells[(f"{prefix}.total", None)] = sum(parts)
    for _caption, _columns, a_rows in _A_2019 if fmt == "gov2019" else _A_2021:
        for _label, codes in a_rows:
            for code in codes:
                if code is None:
                    continue
                if code.endswith("amount"):
                    fig.cells[(code, None)] = round(rng.uniform(0, 500), 2) * (rng.random() < 0.5)
                elif code.endswith("items_change"):
                    fig.cells[(code, None)] = rng.randint(-3, 3)
                else:
                    fig.cells[(code, None)] = _count(rng, scale)
    return fig


# (label, unit, metric); metric None: a heading row without figures.
LEGACY_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("一、主动公开情况", "", None),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "legacy.proactive.total"),
    ("其中：主动公开规范性文件数", "条", "legacy.proactive.normative_docs"),
    ("制发规范性文件总数", "件", "legacy.proactive.normative_docs_issued"),
    ("（二）通过不同渠道和方式公开政府信息的情况", "", None),
    ("1.政府公报公开政府信息数", "条", "legacy.proactive.via_gazette"),
    ("2.政府网站公开政府信息数", "条", "legacy.proactive.via_website"),
    ("3.政务微博公开政府信息数", "条", "legacy.proactive.via_weibo"),
    ("4.政务微信公开政府信息数", "条", "legacy.proactive.via_wechat"),
    ("5.其他方式公开政府信息数", "条", "legacy.proactive.via_other"),
    ("二、回应解读情况", "", None),
    (
        "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）",
        "次",
        "legacy.response.hotspots",
    ),
    ("（二）通过不同渠道和方式回应解读的情况", "", None),
    ("1.参加或举办新闻发布会总次数", "次", "legacy.response.press_conferences"),
    ("其中：主要负责同志参加新闻发布会次数", "次", "legacy.response.press_conferences_by_leaders"),
    ("2.政府网站在线访谈次数", "次", "legacy.response.online_interviews"),
    (
        "其中：主要负责同志参加政府网站在线访谈次数",
        "次",
        "legacy.response.online_interviews_by_leaders",
    ),
    ("3.政策解读稿件发布数", "篇", "legacy.response.interpretations"),
    ("4.微博微信回应事件数", "次", "legacy.response.via_social_media"),
    ("5.其他方式回应事件数", "次", "legacy.response.via_other"),
    ("三、依申请公开情况", "", None),
    ("（一）收到申请数", "件", "legacy.requests.received"),
    ("1.当面申请数", "件", "legacy.requests.in_person"),
    ("2.传真申请数", "件", "legacy.requests.by_fax"),
    ("3.网络申请数", "件", "legacy.requests.online"),
    ("4.信函申请数", "件", "legacy.requests.by_letter"),
    ("（二）申请办结数", "件", "legacy.requests.completed"),
    ("1.按时办结数", "件", "legacy.requests.on_time"),
    ("2.延期办结数", "件", "legacy.requests.extended"),
    ("（三）申请答复数", "件", "legacy.requests.answered"),
    ("1.属于已主动公开范围数", "件", "legacy.answers.already_public"),
    ("2.同意公开答复数", "件", "legacy.answers.disclosed"),
    ("3.同意部分公开答复数", "件", "legacy.answers.partially_disclosed"),
    ("4.不同意公开答复数", "件", "legacy.answers.withheld"),
    ("其中：涉及国家秘密", "件", "legacy.answers.withheld.state_secret"),
    ("涉及商业秘密", "件", "legacy.answers.withheld.commercial_secret"),
    ("涉及个人隐私", "件", "legacy.answers.withheld.privacy"),
    (
        "危及国家安全、公共安全、经济安全和社会稳定",
        "件",
        "legacy.answers.withheld.security_stability",
    ),
    ("不是《条例》所指政府信息", "件", "legacy.answers.withheld.not_government_info"),
    ("法律法规规定的其他情形", "件", "legacy.answers.withheld.other_law"),
    ("5.不属于本行政机关公开数", "件", "legacy.answers.not_this_agency"),
    ("6.申请信息不存在数", "件", "legacy.answers.not_exist"),
    ("7.告知作出更改补充数", "件", "legacy.answers.correction_requested"),
    ("8.告知通过其他途径办理数", "件", "legacy.answers.other_channel"),
    ("四、行政复议数量", "件", "legacy.review.total"),
    ("（一）维持具体行政行为数", "件", "legacy.review.upheld"),
    ("（二）被依法纠错数", "件", "legacy.review.corrected"),
    ("（三）其他情形数", "件", "legacy.review.other"),
    ("五、行政诉讼数量", "件", "legacy.litigation.total"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "legacy.litigation.upheld"),
    ("（二）被依法纠错数", "件", "legacy.litigation.corrected"),
    ("（三）其他情形数", "件", "legacy.litigation.other"),
    ("六、举报投诉数量", "件", "legacy.complaints"),
    ("七、依申请公开信息收取的费用", "万元", "legacy.fees"),
    ("八、机构建设和保障经费情况", "", None),
    ("（一）政府信息公开工作专门机构数", "个", "legacy.org.dedicated_units"),
    ("（二）设置政府信息公开查阅点数", "个", "legacy.org.reading_points"),
    ("（三）从事政府信息公开工作人员数", "人", "legacy.staff.total"),
    ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "legacy.staff.full_time"),
    ("2.兼职人员数", "人", "legacy.staff.part_time"),
    (
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
        "万元",
        "legacy.funding",
    ),
    ("九、政府信息公开会议和培训情况", "", None),
    ("（一）召开政府信息公开工作会议或专题会议数", "次", "legacy.meetings"),
    ("（二）举办各类培训班数", "次", "legacy.trainings"),
    ("（三）接受培训人员数", "人次", "legacy.trainees"),
)

# total -> parts, filled so that P1–P7 hold.
_LEGACY_SUMS = (
    (
        "legacy.requests.received",
        (
            "legacy.requests.in_person",
            "legacy.requests.by_fax",
            "legacy.requests.online",
            "legacy.requests.by_letter",
        ),
        (3, 0.3, 5, 1),
    ),
    ("legacy.requests.completed", ("legacy.requests.on_time", "legacy.requests.extended"), (9, 1)),
    (
        "legacy.requests.answered",
        (
            "legacy.answers.already_public",
            "legacy.answers.disclosed",
            "legacy.answers.partially_disclosed",
            "legacy.answers.withheld",
            "legacy.answers.not_this_agency",
            "legacy.answers.not_exist",
            "legacy.answers.correction_requested",
            "legacy.answers.other_channel",
        ),
        (3, 10, 1, 1, 1, 2, 0.5, 0.5),
    ),
    (
        "legacy.answers.withheld",
        (
            "legacy.answers.withheld.state_secret",
            "legacy.answers.withheld.commercial_secret",
            "legacy.answers.withheld.privacy",
            "legacy.answers.withheld.security_stability",
            "legacy.answers.withheld.not_government_info",
            "legacy.answers.withheld.other_law",
        ),
        (1, 1, 1, 0.5, 2, 1),
    ),
    (
        "legacy.review.total",
        ("legacy.review.upheld", "legacy.review.corrected", "legacy.review.other"),
        (3, 1, 1),
    ),
    (
        "legacy.litigation.total",
        ("legacy.litigation.upheld", "legacy.litigation.corrected", "legacy.litigation.other"),
        (3, 1, 1),
    ),
    ("legacy.staff.total", ("legacy.staff.full_time", "legacy.staff.part_time"), (1, 3)),
)


def legacy_figures(rng: random.Random, scale: float) -> Figures:
    fig = Figures("legacy")
    for _label, _unit, metric in LEGACY_ROWS:
        if metric is not None:
            fig.cells[(metric, None)] = _count(rng, scale)
    received = fig.cells[("legacy.requests.received", None)]
    fig.cells[("legacy.requests.completed", None)] = received
    fig.cells[("legacy.requests.answered", None)] = received
    fig.cells[("legacy.review.total", None)] = _count(rng, scale * 0.02)
    fig.cells[("legacy.litigation.total", None)] = _count(rng, scale * 0.02)
    fig.cells[("legacy.staff.total", None)] = rng.randint(1, 12)
    for total, parts, weights in _LEGACY_SUMS:
        n = int(fig.cells[(total, None)])
        for part, v in zip(parts, _split(rng, n, len(parts), weights), strict=True):
            fig.cells[(part, None)] = v
    for by_leaders, total in (
        ("legacy.response.press_conferences_by_leaders", "legacy.response.press_conferences"),
        ("legacy.response.online_interviews_by_leaders", "legacy.response.online_interviews"),
    ):
        fig.cells[(by_leaders, None)] = rng.randint(0, int(fig.cells[(total, None)]))
    fig.cells[("legacy.proactive.normative_docs", None)] = rng.randint(
        0, int(fig.cells[("legacy.proactive.total", None)])
    )
    for money in ("legacy.fees", "legacy.funding"):
        fig.cells[(money, None)] = round(rng.uniform(0, 30), 1) * (rng.random() < 0.4)
    return fig


# The rule each broken report breaks: one cell off by a few.
_BREAKS = {
    "gov": (("requests.closed", "total"), "B3"),
    "legacy": (("legacy.requests.received", None), "P1"),
}


def _break(rng: random.Random, fig: Figures) -> None:
    key, rule = _BREAKS["legacy" if fig.fmt == "legacy" else "gov"]
    fig.cells[key] += rng.randint(1, 5)
    fig.broken = rule


def era(year: int) -> str:
    return "legacy" if year <= 2018 else "gov2019" if year <= 2020 else "gov2021"


# --- documents --------------------------------------------------------------------

# A block of a document: ("p", text) or ("table", rows of cells); a cell is
# (text, rowspan, colspan), the cells a span covers are left out of later rows.
Cell = tuple[str, int, int]
Block = tuple[str, object]


@dataclass(frozen=True)
class Report:
    body: Body
    year: int
    fmt: str
    title: str
    published: dt.date
    blocks: tuple[Block, ...]
    broken: str | None
    cells: dict[tuple[str, str | None], float]  # the figures in its tables


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def _table_b(fig: Figures) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [("申请人情况", 2, 3), ("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
        [(x, 1, 1) for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")],
    ]
    layout = table_b_rows(fig.fmt)
    spans: dict[str, int] = {}
    for first, second, _third, _m in layout:  # rows each label spans
        spans[first] = spans.get(first, 0) + 1
        if second:
            spans[first + second] = spans.get(first + second, 0) + 1
    seen: set[str] = set()
    for first, second, third, metric in layout:
        row: list[Cell] = []
        if not second:
            row.append((first, 1, 3))
        else:
            if first not in seen:
                row.append((first, spans[first], 1))
                seen.add(first)
            if not third:
                row.append((second, 1, 2))
            else:
                if first + second not in seen:
                    row.append((second, spans[first + second], 1))
                    seen.add(first + second)
                row.append((third, 1, 1))
        row += [(_num(fig.cells[(metric, col)]), 1, 1) for col in APPLICANT_COLUMNS]
        rows.append(row)
    return rows


def _table_c(fig: Figures) -> list[list[Cell]]:
    outcomes = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
    return [
        [("行政复议", 2, 5), ("行政诉讼", 1, 10)],
        [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
        [(x, 1, 1) for x in outcomes * 3],
        [(_num(fig.cells[(metric, None)]), 1, 1) for metric, _label in C_COLUMNS],
    ]


def _tables_a(fig: Figures) -> list[list[list[Cell]]]:
    out = []
    for caption, columns, a_rows in _A_2019 if fig.fmt == "gov2019" else _A_2021:
        rows: list[list[Cell]] = [[(caption, 1, len(columns) + 1)]]
        rows.append([("信息内容", 1, 1), *((c, 1, 1) for c in columns)])
        for label, metrics in a_rows:
            rows.append(
                [(label, 1, 1)] + [(_num(fig.cells[(m, None)]) if m else "", 1, 1) for m in metrics]
            )
        out.append(rows)
    return out


def _legacy_table(fig: Figures) -> list[list[Cell]]:
    rows: list[list[Cell]] = [[("统计指标", 1, 1), ("单位", 1, 1), ("统计数", 1, 1)]]
    for label, unit, metric in LEGACY_ROWS:
        value = _num(fig.cells[(metric, None)]) if metric else ""
        rows.append([(label, 1, 1), (unit, 1, 1), (value, 1, 1)])
    return rows


def build_report(body: Body, year: int, rng: random.Random, broken_share: float) -> Report:
    scale = {"government": 40.0, "department": 8.0, "township": 3.0}[body.scope]
    fmt = era(year)
    narrative = rng.random() < NARRATIVE_SHARE
    fig = legacy_figures(rng, scale) if fmt == "legacy" else gov_figures(rng, fmt, scale)
    if not narrative and rng.random() < broken_share:
        _break(rng, fig)
    title = f"{body.issuer}{year}年政府信息公开工作年度报告{SYNTHETIC_MARK}"
    published = dt.date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
    received = fig.cells.get(("requests.received", "total")) or fig.cells.get(
        ("legacy.requests.received", None), 0
    )
    blocks: list[Block] = [
        ("p", title),
        (
            "p",
            f"本报告由{body.issuer}根据《中华人民共和国政府信息公开条例》编制，"
            f"统计期限自{year}年1月1日至{year}年12月31日。本报告为合成测试数据，"
            "用于负载测试，不是真实的政府信息公开工作年度报告。",
        ),
    ]
    if fmt == "legacy":
        blocks += [
            ("p", "一、概述"),
            ("p", f"{year}年，我单位认真贯彻落实《条例》，扎实推进政府信息公开工作。"),
            ("p", "二、主动公开政府信息情况"),
            ("p", f"本年度共收到政府信息公开申请{_num(received)}件。"),
            ("p", "三、存在的主要问题及改进措施"),
            ("p", "公开内容的深度和广度仍需加强。"),
        ]
        if not narrative:
            blocks += [
                ("p", "四、附表"),
                ("p", "政府信息公开情况统计表"),
                ("p", f"（{year}年度）"),
                ("table", _legacy_table(fig)),
            ]
    else:
        blocks += [
            ("p", "一、总体情况"),
            ("p", f"{year}年，我单位坚持以公开为常态、不公开为例外，推进政务公开。"),
            ("p", "二、主动公开政府信息情况"),
        ]
        if not narrative:
            blocks += [("table", t) for t in _tables_a(fig)]
        blocks.append(("p", "三、收到和处理政府信息公开申请情况"))
        if narrative:
            blocks.append(("p", f"本年度共收到政府信息公开申请{_num(received)}件。"))
        else:
            blocks.append(("table", _table_b(fig)))
        blocks.append(("p", "四、政府信息公开行政复议、行政诉讼情况"))
        if not narrative:
            blocks.append(("table", _table_c(fig)))
        blocks += [
            ("p", "五、政府信息公开工作存在的主要问题及改进情况"),
            ("p", "政策解读的形式还不够丰富，下一步将加强培训。"),
            ("p", "六、其他需要报告的事项"),
            ("p", "本年度未收取信息处理费。"),
        ]
    blocks += [("p", body.issuer), ("p", f"{published.year}年{published.month}月{published.day}日")]
    return Report(
        body,
        year,
        "narrative" if narrative else fmt,
        title,
        published,
        tuple(blocks),
        None if narrative else fig.broken,
        {} if narrative else fig.cells,
    )


# --- writers ----------------------------------------------------------------------


def _grid(rows: list[list[Cell]]) -> list[list[str]]:
    """The table as a full grid (a merged cell repeated), for the text format."""
    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, rowspan, colspan in row:
            while (r, c) in grid:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid[(r + dr, c + dc)] = text
            c += colspan
    width = max(c for _r, c in grid) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def to_text(rep: Report) -> bytes:
    """A crawler-dump text file: header lines, then the body; a table row is
    one line, its label cells then its figures separated by spaces."""
    lines = [
        f"标题: {rep.title}",
        f"发布时间: {rep.published.isoformat()} 09:00",
        f"发布机构: {rep.body.issuer}",
        "合成: 1",
        "==================== 正文 ====================",
    ]
    for kind, content in rep.blocks:
        if kind == "p":
            lines.append(str(content))
            continue
        # Each row's own cells: a merged label appears once, on its first row,
        # as in the flattened tables of crawler dumps.
        for row in content:  # type: ignore[attr-defined]
            lines.append(" ".join(text for text, _rs, _cs in row if text))
    return ("\n".join(lines) + "\n").encode("utf-8")


def to_html(rep: Report) -> bytes:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8">',
        '<meta name="nianbao-synthetic" content="1">',
        f'<meta name="ArticleTitle" content="{e(rep.title)}">',
        f'<meta name="PubDate" content="{rep.published.isoformat()}">',
        f"<title>{e(rep.title)}</title></head><body>",
        '<div class="nav"><a href="/">首页</a> <a href="/zwgk">政务公开</a></div>',
        '<div class="article">',
        f"<h1>{e(rep.title)}</h1>",
        f"<p>发布日期：{rep.published.isoformat()}</p>",
    ]
    for kind, content in rep.blocks[1:]:
        if kind == "p":
            out.append(f"<p>{e(str(content))}</p>")
            continue
        out.append('<table border="1">')
        for row in content:  # type: ignore[attr-defined]
            cells = "".join(
                "<td"
                + (f' rowspan="{rs}"' if rs > 1 else "")
                + (f' colspan="{cs}"' if cs > 1 else "")
                + f">{e(text)}</td>"
                for text, rs, cs in row
            )
            out.append(f"<tr>{cells}</tr>")
        out.append("</table>")
    out += ["</div>", '<div class="footer">合成测试数据，非真实网站</div>', "</body></html>"]
    return "\n".join(out).encode("utf-8")


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
    'relationships/metadata/core-properties" Target="docProps/core.xml"/>'
    "</Relationships>"
)


def _docx_p(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{html.escape(text, quote=False)}</w:t></w:r></w:p>'


def _docx_table(rows: list[list[Cell]]) -> str:
    """A Word table: gridSpan for colspan, vMerge restart/continue for rowspan."""
    grid = _grid(rows)
    width = len(grid[0])
    owner: dict[tuple[int, int], tuple[int, int, int, int]] = {}  # pos -> (r, c, rs, cs)
    for r, row in enumerate(rows):
        c = 0
        for _text, rs, cs in row:
            while (r, c) in owner:
                c += 1
            for dr in range(rs):
                for dc in range(cs):
                    owner[(r + dr, c + dc)] = (r, c, rs, cs)
            c += cs
    out = ["<w:tbl><w:tblPr><w:tblBorders/></w:tblPr><w:tblGrid>"]
    out += ["<w:gridCol/>"] * width
    out.append("</w:tblGrid>")
    for r in range(len(rows)):
        out.append("<w:tr>")
        c = 0
        while c < width:
            r0, c0, rs, cs = owner.get((r, c), (r, c, 1, 1))
            props = f'<w:gridSpan w:val="{cs}"/>' if cs > 1 else ""
            if rs > 1:
                props += '<w:vMerge w:val="restart"/>' if r == r0 else "<w:vMerge/>"
            text = grid[r][c] if r == r0 else ""
            out.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{_docx_p(text)}</w:tc>")
            c = c0 + cs
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def to_docx(rep: Report) -> bytes:
    # Word files have no page metadata: the title is the first line, written
    # as reports write it, and the synthetic mark a line of its own under it.
    body = [_docx_p(rep.title.removesuffix(SYNTHETIC_MARK)), _docx_p(SYNTHETIC_MARK)]
    for kind, content in rep.blocks[1:]:
        body.append(_docx_p(str(content)) if kind == "p" else _docx_table(content))  # type: ignore[arg-type]
    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'
        + "".join(body)
        + "<w:sectPr/></w:body></w:document>"
    )
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{html.escape(rep.title)}</dc:title><dc:description>nianbao-synthetic"
        "</dc:description></cp:coreProperties>"
    )
    buf = io.BytesIO()
    # A fixed timestamp: the same seed gives the same bytes.
    stamp = (2026, 1, 1, 0, 0, 0)
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("docProps/core.xml", core),
            ("word/document.xml", document),
        ):
            z.writestr(zipfile.ZipInfo(name, stamp), text.encode("utf-8"), zipfile.ZIP_DEFLATED)
    return buf.getvalue()


WRITERS = {"txt": to_text, "html": to_html, "docx": to_docx}


# --- the corpus ----------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    path: Path
    report: Report


def check_outdir(outdir: Path) -> Path:
    """Refuse the bundled data folder (data/reports, data/nianbao.db's folder)."""
    resolved = outdir.resolve()
    for forbidden in FORBIDDEN:
        if resolved == forbidden.resolve() or forbidden.resolve() in resolved.parents:
            raise RefusedPath(
                f"{outdir}: synthetic reports never go into {forbidden} (the bundled data); "
                "choose another folder, e.g. bench-out/synthetic"
            )
    return resolved


def plan(
    n_bodies: int,
    years: Sequence[int],
    seed: int,
    broken_share: float = 0.05,
    formats: Sequence[str] = FORMATS,
) -> Iterator[tuple[str, Report]]:
    """(relative path, report) for every body and year, in a fixed order."""
    rng = random.Random(seed)
    bodies = body_tree(n_bodies, rng)
    for i, body in enumerate(bodies):
        for year in years:
            # One generator per report: a report's content does not depend on
            # how many came before it (changing --bodies keeps the others).
            r = random.Random(f"{seed}/{body.issuer}/{year}")
            rep = build_report(body, year, r, broken_share)
            ext = formats[(i + year) % len(formats)]
            folder = f"{body.code[:2]}/{body.code}"
            yield f"{folder}/{year}-{i:06d}.{ext}", rep


def write_corpus(
    outdir: Path,
    n_bodies: int,
    years: Sequence[int],
    seed: int,
    broken_share: float = 0.05,
    formats: Sequence[str] = FORMATS,
) -> dict[str, int]:
    """Write the corpus; returns counts (files, per format, broken, narrative)."""
    root = check_outdir(outdir)
    unknown = set(formats) - set(WRITERS)
    if unknown:
        raise ValueError(f"unknown formats: {', '.join(sorted(unknown))} (use txt, html, docx)")
    counts: dict[str, int] = {"files": 0, "broken": 0, "narrative": 0}
    for rel, rep in plan(n_bodies, years, seed, broken_share, formats):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        ext = path.suffix[1:]
        path.write_bytes(WRITERS[ext](rep))
        counts["files"] += 1
        counts[ext] = counts.get(ext, 0) + 1
        counts["broken"] += rep.broken is not None
        counts["narrative"] += rep.fmt == "narrative"
    return counts


def parse_years(text: str) -> list[int]:
    """ "2014-2025" or "2019,2021" -> years."""
    years: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.strip().partition("-")
        years += range(int(lo), int(hi or lo) + 1)
    return years
