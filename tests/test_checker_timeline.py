"""Time limits scoped by event grade (checker/rules_timeline.py): master 4.1.5 times 续报 for 重大、特别重大 events only."""

from __future__ import annotations

from plankb.checker import MasterPlan, check_text

DISTRICT = "北京市××区突发事件信息报告办法\n第一章 总则\n本区突发事件信息报告工作在区委、区政府领导下开展。\n第二章 信息报告\n"


def test_follow_up_interval_for_grades_the_master_does_not_time(master):
    mplan = MasterPlan.from_parsed(master)
    r = check_text(DISTRICT + "第五条 对于较大突发事件，每2小时续报一次，直至应急处置结束。\n"
                   "第六条 对于重大、特别重大突发事件，每1小时续报一次，直至应急处置结束。\n", "rules.txt", mplan)
    got = {"".join(f.sub_quote.split()): str(f.verdict) for f in r.findings if f.rule_id == "timeline.interval"}
    assert not [q for q in got if "每2小时" in q]
    assert [v for q, v in got.items() if "每1小时" in q] == ["conflict"]
