"""Writes d5_gas_department.docx, the Word draft of the evaluation set.

The draft is a district department's plan as such offices circulate it:
Word heading styles, body paragraphs and two tables.  Run it again after
editing the text below; the labels in d5_gas_department.labels.json quote
the text as ``extract.loaders`` reads it back.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document

HERE = Path(__file__).resolve().parent

# (style, text): "h1"/"h2" headings, "p" paragraphs, "table:<name>" tables.
CONTENT: list[tuple[str, object]] = [
    ("title", "北京市延庆区城市管理委员会燃气突发事件应急预案（内部征求意见稿）"),
    ("h1", "1 总则"),
    ("h2", "1.1 编制目的"),
    ("p", "为及时、有效处置本区燃气突发事件，保障人民群众生命财产安全和城市运行安全，制定本预案。"),
    ("h2", "1.2 适用范围"),
    ("p", "本预案适用于本区行政区域内城镇燃气输配、储存、供应和使用过程中发生的泄漏、爆炸、火灾及大面积停气等燃气突发事件的应对工作。"),
    ("h2", "1.3 事件分级"),
    ("p", "燃气突发事件按照影响范围和严重程度分为重大、较大和一般三级。"),
    ("h2", "1.4 基本情况"),
    ("p", "全区现有管道燃气用户约3.2万户，液化石油气供应站5座，燃气调压站（箱）386座。"),
    ("h1", "2 组织机构与职责"),
    ("p", "区城市管理委成立燃气突发事件应急领导小组，组长由区城市管理委主任担任，领导小组办公室设在区城市管理委燃气管理科。"),
    ("p", "重大、特别重大燃气突发事件由区城市管理委统一指挥处置，区相关部门和燃气企业予以配合。"),
    ("p", "相关单位职责如下："),
    ("table:duties", [
        ("单位", "主要职责"),
        ("区应急管理局", "指导协调燃气突发事件应急救援工作"),
        ("区公安分局", "负责现场警戒、交通管制和治安维护"),
        ("区消防救援支队", "负责火灾扑救和人员搜救"),
        ("燃气企业", "负责管网抢修、停气降压和恢复供气"),
    ]),
    ("h1", "3 信息报告"),
    ("p", "3.1 燃气企业接到事故报告后，应在30分钟内报告区城市管理委。"),
    ("p", "3.2 区城市管理委接报后，应在1小时内向区应急办报告。"),
    ("p", "3.3 对于较大及以上燃气突发事件，区城市管理委应在事件发生后2小时内报送详细信息。"),
    ("p", "3.4 事故处置过程中，区城市管理委应及时续报事故处置进展情况。"),
    ("h1", "4 应急响应"),
    ("p", "本预案应急响应分级及启动主体见下表："),
    ("table:response", [
        ("响应级别", "启动条件", "启动主体"),
        ("四级响应", "发生一般燃气突发事件", "区城市管理委"),
        ("三级响应", "发生较大燃气突发事件", "区燃气突发事件应急领导小组"),
        ("二级响应", "发生重大燃气突发事件", "区城市管理委"),
        ("一级响应", "发生特别重大燃气突发事件", "报请市城市管理委启动"),
    ]),
    ("h1", "5 信息发布"),
    ("p", "燃气突发事件发生后，区城市管理委会同区委宣传部做好信息发布工作，首次信息发布应在事件发生后8小时内完成。"),
    ("h1", "6 保障措施与预案管理"),
    ("p", "6.1 区城市管理委每年至少组织一次燃气事故应急演练，督促燃气企业每半年开展一次抢修演练。"),
    ("p", "6.2 本预案报区应急管理局备案，自印发之日起施行。"),
]


def build(path: Path) -> None:
    doc = Document()
    for style, body in CONTENT:
        if style == "title":
            doc.add_heading(str(body), level=0)
        elif style in ("h1", "h2"):
            doc.add_heading(str(body), level=int(style[1]))
        elif style == "p":
            doc.add_paragraph(str(body))
        else:
            rows = list(body)  # type: ignore[arg-type]
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
    doc.core_properties.author = "evaluation set"
    doc.save(str(path))


if __name__ == "__main__":
    build(HERE / "d5_gas_department.docx")
