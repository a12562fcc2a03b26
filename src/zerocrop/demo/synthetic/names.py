"""Personal names for the town's people: mostly Han, some Mongolian (乌审旗/陕北).

Pure module (no Django).
"""

from __future__ import annotations

import numpy as np

_HAN_SURNAMES = (
    "王张李刘杨高马白贺郝乔呼折拓艾惠霍赵郭苏薛石冯潘谷尚边樊韩孙周吴徐陈胡朱何雷任"
    "曹田武崔姚康牛宋贾党付訾"
)
# Rough local frequency: the first surnames are far more common in 乌审旗/陕北.
_HAN_SURNAME_WEIGHTS = np.array(
    [12, 10, 9, 9, 7, 7, 6, 5, 4, 3, 3, 3] + [1.5] * (len(_HAN_SURNAMES) - 12), dtype=float
)
_HAN_GIVEN = (
    "建军国华明海平林文永志春秀英兰芳霞红梅玲东生福贵宝成忠强伟刚峰鹏亮涛飞云娟丽燕凤"
    "琴莲荣山喜旺娥花彪金银玉德富有仁义利清新学治俊兴雪慧艳"
)
_MONGOL_PARTS = (
    "巴图",
    "斯琴",
    "乌云",
    "其其格",
    "额尔敦",
    "孟和",
    "宝音",
    "那顺",
    "阿拉坦",
    "苏和",
    "朝鲁",
    "图雅",
    "萨仁",
    "格日勒",
    "高娃",
    "吉雅",
    "乌力吉",
    "达来",
    "布和",
    "德力格尔",
    "其木格",
    "敖其尔",
)


def _one_name(rng: np.random.Generator) -> str:
    if rng.random() < 0.12:  # Mongolian names carry no surname: 斯琴高娃, 巴图孟和, 吉雅
        first, second = (_MONGOL_PARTS[i] for i in rng.choice(len(_MONGOL_PARTS), 2, replace=False))
        compound = rng.random() < 0.6 and len(first + second) <= 5
        return first + second if compound else first
    weights = _HAN_SURNAME_WEIGHTS / _HAN_SURNAME_WEIGHTS.sum()
    surname = _HAN_SURNAMES[rng.choice(len(_HAN_SURNAMES), p=weights)]
    size = 2 if rng.random() < 0.65 else 1
    given = "".join(_HAN_GIVEN[i] for i in rng.integers(0, len(_HAN_GIVEN), size))
    return surname + given


def person_names(count: int, *, seed: int = 22) -> tuple[str, ...]:
    """`count` distinct plausible personal names (mostly Han, some Mongolian), deterministic."""
    rng = np.random.default_rng(np.random.SeedSequence([seed, 7]))
    names: dict[str, None] = {}
    while len(names) < count:
        names.setdefault(_one_name(rng))
    return tuple(names)


def surname(name: str) -> str:
    return name[0] if name[0] in _HAN_SURNAMES and not name.startswith(_MONGOL_PARTS) else name
