from casebank import services
from casebank.demo_drills import _c, _s


def branching_steps():
    """S1 → (A: 10 → S2) | (B: 0 → S3); S2 → (end 5) | (back to S1, 0); S3 → response (10) → end."""
    return [
        _s("S1", "居民投诉楼道堆物。", [_c("先了解情况", "S2", 10, "好"), _c("直接清走", "S3", 0, "欠妥")]),
        _s("S2", "堆物的是一位独居老人。", [_c("协助清理", "", 5, "很好"), _c("回到起点重新考虑", "S1", 0, "再想想")]),
        _s("S3", "老人很生气。", response_prompt="写出补救办法", rubric="道歉、解释、协助", max_points=10, next_key=""),
    ]


def make_drill(steps=None, indicators=("2.3", "3.2"), judges=None, slug="test-drill"):
    library = services.drill_library_ensure()
    return services.drill_publish(
        parent=library,
        title="楼道堆物演练",
        slug=slug,
        summary="测试用演练",
        steps=steps or branching_steps(),
        indicator_codes=list(indicators),
        judges=judges,
    )
