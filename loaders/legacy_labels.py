"""Row labels of the pre-2019 statistical tables, mapped to legacy.* metric codes.

Three families of tables are printed in the reports we have seen:

* the national 附表 “政府信息公开情况统计表” of 2014–2018 (FORMAT.md §2.3, the seed);
* the Fujian local tables of 2008–2018 (“指标名称 计量单位 2011年度 历年累计”), in
  an older 6-channel layout (主动公开信息数, 受理依申请公开信息总数, 否决公开…)
  and a newer one (主动公开文件数, 受理政府信息公开申请总数, 信函、传真申请数,
  不予公开, 其他类型答复数, 收费减免金额 in 元, 接受行政申诉、举报数);
* an even older Fujian form (正式受理政府信息公开申请数 / 在办 / 办结 / 同意提供 /
  拒绝提供 …, 政府信息咨询数).

Each label is the wording one of these layouts prints; matching it is exact (spaces,
width and 其它/其他 are normalised away, see loaders.labels). A label marked
``variant`` is a typo or an unusual wording seen in a real report: matching it is
fuzzy and the parser reports it as a warning.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowLabel:
    text: str  # the label core as printed, without its numbering (其中：1. / （一） / 四、)
    metric: str  # a legacy.* code, or a context key starting with "@" (see CONTEXTUAL)
    variant: bool = False  # a typo / unusual wording: reported as a fuzzy match
    # Short labels (在办, 其他 …) are rows only when they carry a numbering prefix
    # (“1．在办”); bare, they are ordinary words of the narrative.
    needs_prefix: bool = False
    # A row that opens a block whose short sub-rows depend on it (被依法纠错数 under
    # 行政复议 or 行政诉讼; 其他 under 拒绝提供 or 政府信息咨询数).
    opens: str | None = None


# Sub-rows whose metric depends on the block they are printed in.
CONTEXTUAL: dict[str, dict[str, str]] = {
    "@corrected": {
        "review": "legacy.review.corrected",
        "litigation": "legacy.litigation.corrected",
    },
    "@other_outcome": {
        "review": "legacy.review.other",
        "litigation": "legacy.litigation.other",
    },
    "@other": {
        "refused": "legacy.refused.other",
        "inquiries": "legacy.inquiries.other",
    },
}

L = RowLabel

LABELS: tuple[RowLabel, ...] = (
    # --- 主动公开 -------------------------------------------------------------
    L("主动公开政府信息数", "legacy.proactive.total"),
    L("主动公开信息数", "legacy.proactive.total"),
    L("主动公开文件数", "legacy.proactive.total"),
    L("主动公开规范性文件数", "legacy.proactive.normative_docs"),
    L("制发规范性文件总数", "legacy.proactive.normative_docs_issued"),
    L("政府公报公开政府信息数", "legacy.proactive.via_gazette"),
    L("政府公报公开数", "legacy.proactive.via_gazette"),
    L("政府公报公开", "legacy.proactive.via_gazette"),
    L("政府网站公开政府信息数", "legacy.proactive.via_website"),
    L("政府网站公开数", "legacy.proactive.via_website"),
    L("网站公开", "legacy.proactive.via_website", needs_prefix=True),
    L("政务微博公开政府信息数", "legacy.proactive.via_weibo"),
    L("政务微信公开政府信息数", "legacy.proactive.via_wechat"),
    L("其他方式公开政府信息数", "legacy.proactive.via_other"),
    # --- 回应解读 -------------------------------------------------------------
    L("回应公众关注热点或重大舆情数", "legacy.response.hotspots"),
    L("参加或举办新闻发布会总次数", "legacy.response.press_conferences"),
    L("主要负责同志参加新闻发布会次数", "legacy.response.press_conferences_by_leaders"),
    L("政府网站在线访谈次数", "legacy.response.online_interviews"),
    L("主要负责同志参加政府网站在线访谈次数", "legacy.response.online_interviews_by_leaders"),
    L("政策解读稿件发布数", "legacy.response.interpretations"),
    L("微博微信回应事件数", "legacy.response.via_social_media"),
    L("其他方式回应事件数", "legacy.response.via_other"),
    # --- 依申请公开: received and channels ---------------------------------------
    L("收到申请数", "legacy.requests.received"),
    L("受理依申请公开信息总数", "legacy.requests.received"),
    L("受理政府信息公开申请总数", "legacy.requests.received"),
    L("受理政府信息依申请公开总数", "legacy.requests.received", variant=True),
    L("正式受理政府信息公开申请数", "legacy.requests.received"),
    L("申请总数", "legacy.requests.received"),
    L("当面申请数", "legacy.requests.in_person"),
    L("当面申请书", "legacy.requests.in_person", variant=True),
    L("传真申请数", "legacy.requests.by_fax"),
    L("网络申请数", "legacy.requests.online"),
    L("网上申请数", "legacy.requests.online"),
    L("信函申请数", "legacy.requests.by_letter"),
    L("电子邮件申请数", "legacy.requests.by_email"),
    L("其他形式申请数", "legacy.requests.other_channel"),
    L("信函、传真申请数", "legacy.requests.by_letter_or_fax"),
    # --- 办结 / 答复 ------------------------------------------------------------------
    L("申请办结数", "legacy.requests.completed"),
    L("按时办结数", "legacy.requests.on_time"),
    L("延期办结数", "legacy.requests.extended"),
    L("在办", "legacy.requests.pending", needs_prefix=True),
    L("办结", "legacy.requests.completed", needs_prefix=True),
    L("申请答复数", "legacy.requests.answered"),
    L("对申请的答复总数", "legacy.requests.answered"),
    L("对申请的答复数", "legacy.requests.answered"),
    L("属于已主动公开范围数", "legacy.answers.already_public"),
    L("同意公开答复数", "legacy.answers.disclosed"),
    L("同意部分公开答复数", "legacy.answers.partially_disclosed"),
    L("不同意公开答复数", "legacy.answers.withheld"),
    L("否决公开答复总数", "legacy.answers.withheld"),
    L("否决公开答复数", "legacy.answers.withheld"),
    L("不予公开答复数", "legacy.answers.withheld"),
    L("其他类型答复数", "legacy.answers.other"),
    L("同意提供", "legacy.answers.disclosed", variant=True, needs_prefix=True),
    L("拒绝提供", "legacy.answers.withheld", variant=True, needs_prefix=True, opens="refused"),
    L("涉及国家秘密", "legacy.answers.withheld.state_secret"),
    L("涉及商业秘密", "legacy.answers.withheld.commercial_secret"),
    L("涉及个人隐私", "legacy.answers.withheld.privacy"),
    L(
        "危及国家安全、公共安全、经济安全和社会稳定",
        "legacy.answers.withheld.security_stability",
    ),
    L("不是《条例》所指政府信息", "legacy.answers.withheld.not_government_info"),
    L("法律法规规定的其他情形", "legacy.answers.withheld.other_law"),
    L("不属于本行政机关公开数", "legacy.answers.not_this_agency"),
    L("申请信息不存在数", "legacy.answers.not_exist"),
    L("告知作出更改补充数", "legacy.answers.correction_requested"),
    L("告知通过其他途径办理数", "legacy.answers.other_channel"),
    # The older Fujian form: reasons under 拒绝提供.
    L("信息不存在", "legacy.refused.not_exist", needs_prefix=True),
    L("信息涉密", "legacy.refused.secret", needs_prefix=True),
    L("信息描述不清", "legacy.refused.unclear", needs_prefix=True),
    L("超出合理需要", "legacy.refused.excessive", needs_prefix=True),
    L("第三方不同意", "legacy.refused.third_party", needs_prefix=True),
    L("其他", "@other", needs_prefix=True),
    L("政府信息公开查询点受理查询数", "legacy.reading_points.queries"),
    L("政府信息公开查询点数", "legacy.org.reading_points", variant=True),
    L("政府信息咨询数", "legacy.inquiries", opens="inquiries"),
    L("公开电话", "legacy.inquiries.phone", needs_prefix=True),
    L("服务窗口", "legacy.inquiries.window", needs_prefix=True),
    L("网络信箱（论坛）", "legacy.inquiries.online", needs_prefix=True),
    # --- 复议 / 诉讼 / 申诉 -------------------------------------------------------------
    L("行政复议数量", "legacy.review.total", opens="review"),
    L("行政复议数", "legacy.review.total", opens="review"),
    L("行政复试数", "legacy.review.total", variant=True, opens="review"),
    L("受理政府信息公开工作行政复议数", "legacy.review.total", opens="review"),
    L("维持具体行政行为数", "legacy.review.upheld", opens="review"),
    L("被依法纠错数", "@corrected"),
    L("被依法纠错九", "@corrected", variant=True),
    L("其他情形数", "@other_outcome"),
    L("行政诉讼数量", "legacy.litigation.total", opens="litigation"),
    L("行政诉讼数", "legacy.litigation.total", opens="litigation"),
    L("收到政府信息公开工作行政诉讼数", "legacy.litigation.total", opens="litigation"),
    L(
        "维持具体行政行为或者驳回原告诉讼请求数",
        "legacy.litigation.upheld",
        opens="litigation",
    ),
    L("行政申诉数", "legacy.appeals"),
    L("行政申诉、举报数", "legacy.appeals_and_complaints"),
    L("接受行政申诉、举报数", "legacy.appeals_and_complaints"),
    L("接收行政申诉、举报数", "legacy.appeals_and_complaints", variant=True),
    L("接受行政申述、举报数", "legacy.appeals_and_complaints", variant=True),
    L("接受行政诉讼、举报数", "legacy.litigation_and_complaints"),
    L("举报投诉数量", "legacy.complaints"),
    # --- 收费 / 机构 / 培训 ---------------------------------------------------------------
    L("依申请公开信息收取的费用", "legacy.fees"),
    L("政府信息公开收费减免金额", "legacy.fees_waived"),
    L("政府信息公开工作专门机构数", "legacy.org.dedicated_units"),
    L("设置政府信息公开查阅点数", "legacy.org.reading_points"),
    L("从事政府信息公开工作人员数", "legacy.staff.total"),
    L("专职人员数", "legacy.staff.full_time"),
    L("兼职人员数", "legacy.staff.part_time"),
    L("政府信息公开专项经费", "legacy.funding"),
    L("召开政府信息公开工作会议或专题会议数", "legacy.meetings"),
    L("举办各类培训班数", "legacy.trainings"),
    L("接受培训人员数", "legacy.trainees"),
)


# Codes this module emits that are not (yet) in loaders/metrics.csv: code ->
# (label, unit, parent). Reported to the owner of metrics.csv; the parser falls back
# on the unit given here while they are missing.
NEW_METRICS: dict[str, tuple[str, str, str]] = {
    "legacy.appeals": ("行政申诉数", "件", ""),
    "legacy.appeals_and_complaints": ("接受行政申诉、举报数", "件", ""),
    "legacy.requests.pending": ("在办（正式受理申请中尚在办理）", "件", "legacy.requests.received"),
    "legacy.refused.not_exist": ("信息不存在（拒绝提供）", "件", "legacy.answers.withheld"),
    "legacy.refused.secret": ("信息涉密（拒绝提供）", "件", "legacy.answers.withheld"),
    "legacy.refused.unclear": ("信息描述不清（拒绝提供）", "件", "legacy.answers.withheld"),
    "legacy.refused.excessive": ("超出合理需要（拒绝提供）", "件", "legacy.answers.withheld"),
    "legacy.refused.third_party": ("第三方不同意（拒绝提供）", "件", "legacy.answers.withheld"),
    "legacy.refused.other": ("其他（拒绝提供）", "件", "legacy.answers.withheld"),
    "legacy.reading_points.queries": ("政府信息公开查询点受理查询数", "件", ""),
    "legacy.inquiries": ("政府信息咨询数", "件", ""),
    "legacy.inquiries.phone": ("公开电话", "件", "legacy.inquiries"),
    "legacy.inquiries.window": ("服务窗口", "件", "legacy.inquiries"),
    "legacy.inquiries.online": ("网络信箱（论坛）", "件", "legacy.inquiries"),
    "legacy.inquiries.other": ("其他", "件", "legacy.inquiries"),
}

# Money rows: the unit the template prints when the cell does not say.
MONEY_DEFAULT_UNIT: dict[str, str] = {
    "legacy.fees": "万元",
    "legacy.funding": "万元",
    "legacy.fees_waived": "元",
}
