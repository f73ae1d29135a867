"""Build d05_anon_gas_plan.docx (a district gas-incident special plan with one real Word table).

Run with a python that has python-docx, e.g.
    /work/main/.venv/bin/python make_docx.py
The text is fixed here so the .docx can be rebuilt byte-for-byte in content (not in zip metadata).
"""
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

OUT = Path(__file__).with_name("d05_anon_gas_plan.docx")

TITLE = "某区燃气突发事件应急预案"
SUBTITLE = "（2022年版）"

# (style, text): style "h1"/"h2" headings, "p" body paragraph
BEFORE_TABLE = [
    ("h1", "1 总则"),
    ("h2", "1.1 编制目的"),
    ("p", "为及时、有效处置本区燃气突发事件，最大程度减少人员伤亡和财产损失，保障城市燃气安全稳定供应，维护社会稳定，制定本预案。"),
    ("h2", "1.2 编制依据"),
    ("p", "《中华人民共和国突发事件应对法》《城镇燃气管理条例》《北京市燃气管理条例》《北京市突发事件总体应急预案（2021年修订）》《北京市燃气突发事件应急预案》及本区突发事件总体应急预案。"),
    ("h2", "1.3 适用范围"),
    ("p", "本预案适用于本区行政区域内发生的燃气泄漏、火灾、爆炸等燃气事故，以及因气源不足、管网故障造成的燃气供应中断或供应紧张事件的应对工作。"),
    ("h2", "1.4 事件分级"),
    ("p", "燃气事故分为特别重大、重大、较大、一般四级，分级标准按照国家和本市有关规定执行。"),
    ("h1", "2 组织机构与职责"),
    ("h2", "2.1 区燃气事故应急指挥部"),
    ("p", "区燃气事故应急指挥部在区委、区政府领导下开展工作，总指挥由分管城市管理工作的副区长担任，办公室设在区城市管理委。"),
    ("h2", "2.2 成员单位职责"),
    ("p", "各成员单位职责分工见表1。"),
    ("caption", "表1 燃气突发事件应急处置职责分工"),
]

TABLE = [
    ("序号", "单位", "主要职责"),
    ("1", "区城市管理委", "燃气事故处置主责部门，负责组织协调燃气事故应急处置工作，牵头成立区级现场指挥部，督促燃气企业开展抢修和恢复供气。"),
    ("2", "区应急管理局", "负责组织燃气事故新闻发布，统一对外发布事故信息；协调调配应急救援物资。"),
    ("3", "区公安分局", "负责事故现场警戒、治安维护和交通管制，开辟应急救援绿色通道。"),
    ("4", "区消防救援支队", "负责燃气泄漏、火灾、爆炸现场的灭火救援和被困人员搜救。"),
    ("5", "区卫生健康委", "负责组织医疗救护队伍开展伤员现场救治和转运救治工作。"),
    ("6", "区市场监管局", "负责燃气气瓶、压力管道等特种设备的安全监察，参与相关事故调查。"),
    ("7", "区民政局", "会同区城市管理委建立应急捐赠工作机制，对生活暂时出现严重困难的家庭和人员给予临时救助。"),
    ("8", "区红十字会", "统一接收和分配燃气事故社会捐赠款物。"),
    ("9", "区住房城乡建设委", "负责受损居民住房修缮、重建的组织实施。"),
    ("10", "区财政局", "负责燃气突发事件应急处置资金保障。"),
    ("11", "各街道办事处、乡镇政府", "第一时间组织群众疏散转移，做好受影响居民临时安置，及时向区委、区政府报告情况。"),
    ("12", "燃气供应企业", "设立24小时抢修热线，接报后30分钟内到达现场，负责管网抢修和恢复供气。"),
]

AFTER_TABLE = [
    ("h1", "3 预警"),
    ("p", "燃气供应紧张预警分为橙色、黄色两级。供应缺口可能超过日供应量10%时发布橙色预警，可能超过5%时发布黄色预警。预警信息由区城市管理委提出，按程序审批后通过区突发事件预警信息发布中心向社会发布。"),
    ("h1", "4 信息报告"),
    ("p", "燃气企业发现或接报燃气事故后，应在15分钟内报告区城市管理委和事发地街道（乡镇）。"),
    ("p", "对于较大及以上燃气事故，区城市管理委立即报告区委、区政府总值班室和区应急办，同时报告市城市管理委；区应急办立即报告市委总值班室和市应急办，详细信息最迟不得晚于事件发生后2小时报送。"),
    ("p", "对于仍在处置过程中的重大、特别重大燃气事故，区城市管理委每小时续报一次处置进展。"),
    ("p", "事故处置结束后7个工作日内，区城市管理委向区政府报送书面总结报告。"),
    ("h1", "5 应急响应"),
    ("p", "本预案应急响应由高到低分为一级、二级、三级、四级。"),
    ("p", "初判为一般燃气事故的，由区委、区政府启动四级响应，区城市管理委牵头成立区级现场指挥部。"),
    ("p", "初判为较大燃气事故的，由区城市管理委启动三级响应，并报区应急办备案。"),
    ("p", "初判可能达到重大、特别重大级别的，区燃气事故应急指挥部在市级领导指挥机构统一指挥下做好先期处置和协助保障工作。"),
    ("p", "燃气爆炸事故造成严重社会危害的，必要时由区政府宣布事发区域进入紧急状态。"),
    ("p", "燃气事故处置工作基本完成、危害基本消除后，由区应急管理局宣布应急结束。"),
    ("h1", "6 预案管理"),
    ("p", "本预案报区政府批准后实施，并抄送市城市管理委备案。"),
    ("p", "区城市管理委每三年组织一次燃气事故综合应急演练；燃气企业每半年至少开展一次应急演练。"),
    ("h1", "7 附则"),
    ("p", "本预案由区城市管理委负责解释，自印发之日起施行。"),
]


def add_block(doc, items):
    for style, text in items:
        if style == "h1":
            doc.add_heading(text, level=1)
        elif style == "h2":
            doc.add_heading(text, level=2)
        elif style == "caption":
            para = doc.add_paragraph(text)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            doc.add_paragraph(text)


def main():
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(12)
    title = doc.add_heading(TITLE, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub = doc.add_paragraph(SUBTITLE)
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_block(doc, BEFORE_TABLE)
    table = doc.add_table(rows=0, cols=3)
    table.style = "Table Grid"
    for row in TABLE:
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    add_block(doc, AFTER_TABLE)
    doc.save(OUT)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
