"""The Chinese names a user sees for the codes the data model stores.

One place, so every page, export and warning says the same thing: a format is
"旧统计表" on 总览 and in the Excel file alike, and a rule code such as B1 is
never shown without what it checks.
"""

from __future__ import annotations

from typing import Any

FORMAT_LABELS = {
    "legacy": "旧统计表",
    "gov2019": "2019格式",
    "gov2021": "2021格式",
    "narrative": "仅正文",
}

# Where a fact was read: a table cell or a sentence of the narrative.
SOURCE_LABELS = {"table": "统计表", "text": "正文"}

MEDIA_TYPE_LABELS = {
    "text": "文本",
    "txt": "文本",
    "md": "文本",
    "html": "网页",
    "docx": "Word 文档",
    "pdf": "PDF",
}

SCOPE_LABELS = {
    "government": "政府",
    "department": "部门",
    "township": "乡镇街道",
    "other": "其他",
}

# A check that cannot decide is 无法判断; 存疑 is kept for a table cell whose
# digits the parser could not split, so one page never uses one word for both.
STATUS_LABELS = {"pass": "通过", "fail": "不通过", "uncertain": "无法判断", "n/a": "不适用"}

# The applicant columns of the 2019/2021 Table B (../shared/spec/applicants.csv).
APPLICANT_LABELS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_services": "法律服务机构",
    "other_org": "其他法人或组织",
    "total": "总计",
}

# What each consistency rule checks (FORMAT.md §4), and the evaluation rules
# of the workbench (nianbao/evaluate).
RULE_LABELS = {
    "B1": "申请表：上年结转＋本年新收＝办理结果总计＋结转下年",
    "B3": "申请表：办理结果总计＝各项办理结果之和",
    "B4": "申请表：总计列＝各申请人列之和",
    "C1": "复议诉讼表：总计＝维持＋纠正＋其他＋尚未审结",
    "P1": "旧统计表：收到申请数＝各渠道申请数之和",
    "P2": "旧统计表：申请办结数＝按时办结＋延期办结",
    "P3": "旧统计表：申请答复数＝各类答复数之和",
    "P4": "旧统计表：不同意公开答复数＝各项理由之和",
    "P5": "旧统计表：行政复议数＝维持＋纠错＋其他",
    "P6": "旧统计表：行政诉讼数＝维持或驳回＋纠错＋其他",
    "P7": "旧统计表：工作人员数＝专职＋兼职",
    "P8": "旧统计表：主动公开规范性文件数不超过制发数",
    "P9": "主动公开信息数介于各渠道最大值与合计之间",
    "P11": "旧统计表：主要负责同志参加次数不超过总次数",
    "P13": "地方统计表：各分项之和等于合计",
    "D1": "按时发布",
    "D2": "年度连续，无缺报",
    "F1": "采用规定的格式",
    "F2": "表格完整",
    "S1": "正文章节齐全",
    "T1": "正文数字与统计表一致",
    "X1": "上年结转与上年报告的结转下年一致",
    "A1": "规章、规范性文件现行有效件数前后年度衔接",
    "A4": "上一年项目数量前后年度衔接（2019格式）",
    "O1": "正文与上年报告雷同",
    "O2": "正文与其他机关报告雷同",
    "V1": "数值较上年骤增或骤减（5倍以上）",
    "V2": "申请与复议诉讼表全为零",
    "V3": "政府汇总数与所属机关报告之和一致",
}


def rule_label(code: str) -> str:
    """'B1 · 申请表：…' — the code stays visible (evaluators cite it) but never alone."""
    meaning = RULE_LABELS.get(code)
    return f"{code} · {meaning}" if meaning else code


def label(mapping: dict[str, str], value: Any) -> str:
    """The Chinese name of a code; an unknown code is shown as it is, never dropped."""
    if value is None:
        return ""
    return mapping.get(str(value), str(value))
