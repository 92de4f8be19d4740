"""Enforcement documents (执法文书) of the simple procedure, composed from a case's facts:
现场检查笔录 (inspection record), 责令改正通知书 (notice to rectify within a deadline) and
当场行政处罚决定书 (on-the-spot penalty decision, simple procedure).

Pure: `compose` turns facts into a `Document` (title, number, blocks of text, the evidence
picture, signature lines); rendering to PDF lives in `pdf.py`. No I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from gridwatch.enforcement.catalogue import DutyItem, EnforcementMatter
from gridwatch.enforcement.config import DocumentKind, Numbering

TITLES: dict[DocumentKind, str] = {
    "inspection_record": "现场检查笔录",
    "rectify_notice": "责令改正通知书",
    "penalty_decision": "当场行政处罚决定书（简易程序）",
}

# What "rectify" means for the event types a squad meets most; others get the general wording.
REQUIREMENTS = {
    "lane_occupation": "立即将车辆驶离占用的车道，停放至依法设置的停车泊位，恢复道路正常通行",
    "illegal_parking": "立即将车辆驶离禁停区域，停放至依法设置的停车泊位",
    "fire_lane_occupation": "立即清除占用、堵塞消防车通道的车辆和物品，保持消防车通道畅通",
    "street_vending": "立即停止占道经营，撤除占道摊点和物品，恢复公共场地原状",
    "non_motor_disorder": "立即将非机动车移至规定的停放区域，恢复人行道通行",
    "garbage_dumping": "立即清除倾倒的垃圾，恢复场地环境卫生",
    "illegal_construction": "停止建设，自行拆除违法建设部分，恢复原状",
    "noise": "立即停止产生噪声的行为，采取有效的降噪措施",
    "river_garbage": "立即清除河道管理范围内的垃圾和弃置物，恢复河道原状",
}
GENERAL_REQUIREMENT = "立即停止违法行为，消除违法状态，恢复原状"
UNKNOWN_PARTY = "（当事人身份待核实）"


class DocumentError(ValueError):
    """The case cannot have this document (no enforcement matter, wrong procedure, bad fine)."""


def document_number(numbering: Numbering, kind: DocumentKind, year: int, seq: int) -> str:
    """e.g. 中梁山综执责改〔2026〕第0001号"""
    return numbering.pattern.format(
        prefix=numbering.prefix, abbr=numbering.abbr[kind], year=year, seq=seq
    )


@dataclass(frozen=True)
class Officer:
    name: str
    certificate: str


@dataclass(frozen=True)
class CaseFacts:
    """Everything a document states, resolved by the caller from the case and the config.
    Times are local (the district's time zone)."""

    case_number: str
    event_type: str
    what: str  # 机动车占道
    place: str  # device / grid / community
    occurred_at: datetime
    issued_at: datetime
    issuer: str
    duty: DutyItem
    matter: EnforcementMatter | None
    officers: tuple[Officer, ...]
    party: str = UNKNOWN_PARTY
    found_by: str = ""  # AI algorithm and confidence, or the reporter
    description: str = ""
    evidence: str | None = None  # a picture file the renderer can open
    rectify_days: int = 7
    fine_yuan: int | None = None
    review_body: str = "上一级人民政府"
    court: str = "人民法院"

    @property
    def rectify_by(self) -> date:
        return self.issued_at.date() + timedelta(days=self.rectify_days)


@dataclass(frozen=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True)
class Text:
    text: str
    indent: bool = True


@dataclass(frozen=True)
class Picture:
    path: str
    caption: str


@dataclass(frozen=True)
class Signatures:
    lines: tuple[str, ...]


Block = Field | Text | Picture | Signatures


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    issuer: str
    title: str
    number: str
    blocks: tuple[Block, ...]
    footer: tuple[str, ...] = field(default=())

    def plain_text(self) -> str:
        """The document's words in reading order (for checks and for DOCX-less archives)."""
        out = [self.issuer, self.title, self.number]
        for b in self.blocks:
            if isinstance(b, Field):
                out.append(f"{b.label}：{b.value}")
            elif isinstance(b, Text):
                out.append(b.text)
            elif isinstance(b, Picture):
                out.append(b.caption)
            else:
                out.extend(b.lines)
        return "\n".join([*out, *self.footer])


def cn_datetime(t: datetime) -> str:
    return f"{t.year}年{t.month:02d}月{t.day:02d}日{t.hour:02d}时{t.minute:02d}分"


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def act_of(matter: EnforcementMatter) -> str:
    """对擅自占用城市道路行为的行政处罚 -> 擅自占用城市道路"""
    return matter.name.removeprefix("对").removesuffix("行为的行政处罚")


def _officers(f: CaseFacts) -> str:
    return "、".join(f"{o.name}（执法证号 {o.certificate}）" for o in f.officers)


def _evidence(f: CaseFacts) -> tuple[Block, ...]:
    if f.evidence is None:
        return ()
    caption = f"附图：现场取证照片（{cn_datetime(f.occurred_at)}，{f.place}）"
    return (Picture(f.evidence, caption),)


def _needs_matter(f: CaseFacts, kind: DocumentKind) -> EnforcementMatter:
    if f.matter is None:
        raise DocumentError(
            f"{TITLES[kind]} needs an enforcement matter; duty item {f.duty.code} "
            f"({f.duty.name}) names none for {f.event_type!r}"
        )
    return f.matter


def compose(kind: DocumentKind, f: CaseFacts, number: str) -> Document:
    if kind == "inspection_record":
        return _inspection_record(f, number)
    if kind == "rectify_notice":
        return _rectify_notice(f, number)
    return _penalty_decision(f, number)


def _inspection_record(f: CaseFacts, number: str) -> Document:
    found = f"该情况由{f.found_by}发现，" if f.found_by else ""
    blocks: list[Block] = [
        Field("案件编号", f.case_number),
        Field("检查时间", cn_datetime(f.issued_at)),
        Field("检查地点", f.place),
        Field("检查人员", _officers(f)),
        Field("当事人", f.party),
        Field("检查事由", f"{f.what}（履职事项 {f.duty.code}）"),
        Text(
            f"检查情况：{cn_datetime(f.occurred_at)}，在{f.place}发现{f.what}情况。"
            f"{found}执法人员到场检查，现场拍照取证（见附图）。"
            + (f"现场情况：{f.description}" if f.description else "")
        ),
        Text(f"检查依据：{f.duty.name}，{f.duty.legal_basis}。"),
        Text("执法人员已出示执法证件，告知当事人依法享有陈述、申辩的权利。"),
        *_evidence(f),
        Signatures(
            (
                "当事人签名：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日",
                "检查人员签名：＿＿＿＿＿＿＿＿　＿＿＿＿＿＿＿＿",
                "记录人：＿＿＿＿＿＿＿＿",
            )
        ),
    ]
    return Document(
        "inspection_record", f.issuer, TITLES["inspection_record"], number, tuple(blocks)
    )


def _rectify_notice(f: CaseFacts, number: str) -> Document:
    m = _needs_matter(f, "rectify_notice")
    requirement = REQUIREMENTS.get(f.event_type, GENERAL_REQUIREMENT)
    blocks: list[Block] = [
        Text(f"{f.party}：", indent=False),
        Text(
            f"经查，你（单位）于{cn_datetime(f.occurred_at)}在{f.place}存在{act_of(m)}的行为"
            f"（{f.what}，案件编号：{f.case_number}）。"
            f"上述行为违反了{m.violated}的规定。"
        ),
        Text(
            f"依据{m.penalty_basis}的规定，现责令你（单位）于{cn_date(f.rectify_by)}前"
            f"改正上述违法行为。改正要求：{requirement}。"
        ),
        Text(f"逾期不改正的，本机关将依据{m.penalty_basis}的规定依法处理（{m.penalty}）。"),
        Text(f"履职事项：{f.duty.code} {f.duty.name}（{f.duty.legal_basis}）。"),
        *_evidence(f),
        Text(f"执法人员：{_officers(f)}", indent=False),
    ]
    footer = (
        f"{f.issuer}（印章）",
        cn_date(f.issued_at.date()),
        "当事人签收：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日",
    )
    return Document(
        "rectify_notice", f.issuer, TITLES["rectify_notice"], number, tuple(blocks), footer
    )


def _penalty_decision(f: CaseFacts, number: str) -> Document:
    m = _needs_matter(f, "penalty_decision")
    if m.procedure != "simple":
        raise DocumentError(
            f"enforcement matter {m.code} ({m.name}) takes the general procedure: "
            "an on-the-spot decision cannot be issued"
        )
    if f.fine_yuan is not None and not 0 < f.fine_yuan <= m.fine_max_yuan:
        raise DocumentError(
            f"fine {f.fine_yuan} yuan is outside 1..{m.fine_max_yuan} yuan "
            f"for {m.code} ({m.penalty})"
        )
    penalty = "警告" if f.fine_yuan is None else f"罚款人民币{f.fine_yuan}元"
    blocks: list[Block] = [
        Field("当事人", f.party),
        Field("案件编号", f.case_number),
        Text(
            f"违法事实：{cn_datetime(f.occurred_at)}，当事人在{f.place}{act_of(m)}"
            f"（{f.what}）。有现场照片等证据证实（见附图）。"
        ),
        Text(
            f"上述行为违反了{m.violated}的规定。依据{m.penalty_basis}和"
            f"《中华人民共和国行政处罚法》第五十一条的规定，当场作出如下行政处罚决定：{penalty}。"
        ),
    ]
    if f.fine_yuan is not None:
        blocks.append(
            Text(
                "罚款缴纳方式：自收到本决定书之日起十五日内，到指定银行或者通过电子支付系统缴纳罚款。"
                "到期不缴纳罚款的，每日按罚款数额的百分之三加处罚款。"
            )
        )
    blocks += [
        Text(
            f"如不服本决定，可以自收到本决定书之日起六十日内向{f.review_body}申请行政复议，"
            f"或者在六个月内依法向{f.court}提起行政诉讼。"
        ),
        *_evidence(f),
        Text(f"执法人员：{_officers(f)}", indent=False),
    ]
    footer = (
        f"{f.issuer}（印章）",
        cn_date(f.issued_at.date()),
        "当事人签收：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日",
    )
    return Document(
        "penalty_decision", f.issuer, TITLES["penalty_decision"], number, tuple(blocks), footer
    )
