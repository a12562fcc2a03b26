"""The one-page summary of a batch's verification (核查情况汇总), as a Word document.

Pure module (no Django): facts and `kpis.Kpis` in, .docx bytes out (python-docx). Labels of
results and reasons are passed in as plain dicts so this module needs no model choices.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from zerocrop.monitoring.kpis import Kpis

FONT = "宋体"
# The summary stays one page: more overdue targets than this are counted, not listed.
MAX_OVERDUE_ROWS = 15
TITLE_FONT = "黑体"


@dataclass(frozen=True)
class OverdueItem:
    code: str
    unit: str
    due_on: date
    state: str  # 待核查 / 已退回


@dataclass(frozen=True)
class SummaryFacts:
    batch_name: str
    issuer: str
    doc_number: str
    issued_on: date
    due_on: date
    town: str
    today: date
    result_labels: Mapping[str, str]
    reason_labels: Mapping[str, str]
    overdue: Sequence[OverdueItem] = ()
    photos_note: str = ""  # originals or previews
    filled_by: str = ""
    merged: int = 0  # codes merged into other targets (their own rows in the file)
    extra_lines: Sequence[str] = field(default_factory=tuple)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} 天"


def _date(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def title_of(batch_name: str) -> str:
    return f"{batch_name} 核查情况汇总"


def _main_reasons(facts: SummaryFacts, k: Kpis) -> str:
    """The most frequent reason(s) of 不属实; a tie names every tied reason, coded ones first."""
    most = max(k.by_reason.values())
    order = list(facts.reason_labels)
    tied = sorted(
        (reason for reason, count in k.by_reason.items() if count == most),
        key=lambda r: (r == "other", order.index(r) if r in order else len(order), r),
    )
    names = "、".join(facts.reason_labels.get(r, r) for r in tied)
    count = f"{most} 个" if len(tied) == 1 else f"各 {most} 个"
    return f"不属实的主要原因是{names}（{count}）。"


def situation_text(facts: SummaryFacts, k: Kpis) -> str:
    """The 情况说明 paragraph, every number from `k`."""
    true_count = k.by_result.get("true", 0)
    removed = k.by_result.get("self_removed", 0)
    false_count = k.by_result.get("false", 0)
    parts = [
        f"{facts.issuer}于{_date(facts.issued_on)}下发监测靶点 {k.issued} 个，"
        f"要求{_date(facts.due_on)}前反馈。截至{_date(facts.today)}，"
        f"已核查 {k.verified} 个（核查率 {pct(k.verify_rate)}），"
        f"其中按时核查 {k.verified_on_time} 个（按时核查率 {pct(k.on_time_rate)}）。",
        f"经实地核查，属实 {true_count} 个、已自行铲除 {removed} 个，不属实 {false_count} 个，"
        f"属实率 {pct(k.true_rate)}；属实的靶点中，下发前本地已掌握 {k.locally_known} 个，"
        f"本地已掌握率 {pct(k.known_rate)}。",
    ]
    if false_count and k.by_reason:
        parts.append(_main_reasons(facts, k))
    if k.overdue:
        parts.append(f"尚有 {k.overdue} 个靶点超过核查时限未核查，列于下表，须尽快核查。")
    else:
        parts.append("无超期未核查的靶点。")
    if k.verified:
        parts.append(f"从下发到核查平均用时 {days(k.mean_days)}。")
    return "".join(parts)


def _set_font(run, name: str = FONT, size: float = 10.5, bold: bool = False) -> None:  # noqa: ANN001
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, *, size: float = 10.5, bold: bool = False):  # noqa: ANN001, ANN202
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    _set_font(paragraph.add_run(text), size=size, bold=bold)
    return paragraph


def _table(document, rows: Sequence[Sequence[str]]) -> None:  # noqa: ANN001
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            cell = table.cell(r, c)
            cell.text = ""
            _set_font(cell.paragraphs[0].add_run(str(value)), size=9.5, bold=r == 0)


def summary_docx(facts: SummaryFacts, k: Kpis) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    for side in ("top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2.0))

    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(heading.add_run(title_of(facts.batch_name)), name=TITLE_FONT, size=16, bold=True)

    _paragraph(
        document,
        f"下发单位：{facts.issuer}　　文号：{facts.doc_number or '无'}　　"
        f"下发日期：{_date(facts.issued_on)}　　截止日期：{_date(facts.due_on)}",
    )
    _paragraph(document, f"核查单位：{facts.town}　　统计日期：{_date(facts.today)}")

    _paragraph(document, "一、核查指标", bold=True)
    _table(
        document,
        [
            [
                "下发靶点",
                "已核查",
                "核查率",
                "按时核查率",
                "属实率",
                "本地已掌握率",
                "平均核查用时",
            ],
            [
                str(k.issued),
                str(k.verified),
                pct(k.verify_rate),
                pct(k.on_time_rate),
                pct(k.true_rate),
                pct(k.known_rate),
                days(k.mean_days),
            ],
        ],
    )

    _paragraph(document, "二、核查结论", bold=True)
    result_rows = [["核查结论", "个数"]]
    result_rows += [
        [label, str(k.by_result.get(key, 0))] for key, label in facts.result_labels.items()
    ]
    result_rows.append(["未核查", str(k.issued - k.verified)])
    _table(document, result_rows)

    _paragraph(document, "三、不属实原因", bold=True)
    if k.by_reason:
        reason_rows = [["原因", "个数"]]
        reason_rows += [
            [label, str(k.by_reason[key])]
            for key, label in facts.reason_labels.items()
            if k.by_reason.get(key)
        ]
        _table(document, reason_rows)
    else:
        _paragraph(document, "无。")

    _paragraph(document, f"四、超期未核查靶点（{k.overdue} 个）", bold=True)
    if facts.overdue:
        overdue_rows = [["靶点编号", "所在村（社区）", "核查时限", "状态"]]
        shown = facts.overdue[:MAX_OVERDUE_ROWS]
        overdue_rows += [[o.code, o.unit, _date(o.due_on), o.state] for o in shown]
        _table(document, overdue_rows)
        if len(facts.overdue) > len(shown):
            rest = len(facts.overdue) - len(shown)
            _paragraph(document, f"另有 {rest} 个超期靶点未列出，见反馈文件“审核状态”列。", size=9)
    else:
        _paragraph(document, "无。")

    _paragraph(document, "五、情况说明", bold=True)
    _paragraph(document, situation_text(facts, k))

    notes = [
        "口径：已核查指核查结果已提交（待审核或已审核通过）的靶点；核查率 = 已核查 ÷ 下发靶点；"
        "按时核查率 = 在核查时限当天或之前核查的 ÷ 下发靶点；属实包括已自行铲除，"
        "属实率 = 属实 ÷（已核查 − 无法到达 − 重复）；"
        "本地已掌握率 = 下发前本地台账已有记录的属实靶点 ÷ 属实靶点。"
    ]
    if facts.merged:
        notes.append(
            f"同批次近似重复、已合并的靶点编号 {facts.merged} 个，在反馈文件中各占一行、结论相同。"
        )
    if facts.photos_note:
        notes.append(facts.photos_note)
    notes.extend(facts.extra_lines)
    for line in notes:
        _paragraph(document, line, size=9)
    if facts.filled_by:
        _paragraph(document, f"填报人：{facts.filled_by}　　填报日期：{_date(facts.today)}", size=9)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
