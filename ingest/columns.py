"""The columns of a schedule table (配档表), told by the words of its header cells."""
from __future__ import annotations

import re

# The same columns however a notice words them (重点任务, 牵头处室, 完成期限), by shape.
HEAD_SHAPES = {
    "time": re.compile(r"(?:计划|预计)?(?:完成|推进|计划|实施|办结)?(?:时间|时限|月份|期限)(?:节点|安排|要求|进度)?|"
                       r"(?:时间|工作|时序)?进度(?:安排|要求)?"),
    "task": re.compile(r"(?:重点|主要|具体|工作|年度)?(?:工作|任务|内容|事项|举措|措施)(?:任务|内容|事项)?|"
                       r"(?:工作|目标)(?:目标|任务)"),
    "office": re.compile(r"(?:主要)?(?:责任|牵头|配合|协办|主责|承办|参与|协同)(?:单位|处室|科室|部门|股室|主体)|"
                         r"责任(?:处|科)[(（](?:处|科)[)）]室|责任分工"),
    "no": re.compile(r"序号"),
    # A coarser time (季度 | 序号 | 工作任务 | 完成时限): the time when no column says more.
    "period": re.compile(r"季度|月度"),
}


def head_kind(cell: str) -> str | None:
    """The column a schedule table's header cell names: time, task, office, no (序号) or period
    (季度); None for a cell that is no header."""
    return next((kind for kind, shape in HEAD_SHAPES.items() if shape.fullmatch(cell)), None)
