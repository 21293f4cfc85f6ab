"""Personal data in text meant for the case library (个人信息检测): names, phone numbers and
ID-card numbers, each found as a span (start, end, what it is). Pure.

Names are found two ways: the names the street knows to belong to the consultation (the
requester's, the residents', the parties' contacts), wherever they appear; and a common
surname followed by one or two characters and a form of address (王建国先生, 李阿姨).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from core.identity import is_valid_id_number

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-\d{7,8}(?!\d)")
_ID = re.compile(r"(?<![\dXx])\d{17}[\dXx](?![\dXx])")
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "覃武戴莫孔向汤"
)
_ADDRESSED = re.compile(
    rf"[{SURNAMES}][\u4e00-\u9fff]{{0,2}}?(?:先生|女士|小姐|阿姨|大爷|大妈|奶奶|爷爷|师傅|老伯)"
)
_LABELLED = re.compile(r"(?:姓名|联系人|申请人)[:：]\s*([\u4e00-\u9fff]{2,4})")


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # NAME, PHONE, ID_NUMBER
    text: str

    def __str__(self) -> str:
        return f"{self.text}({self.kind} {self.start}-{self.end})"


def find(text: str, known_names: Iterable[str] = ()) -> list[Span]:
    """Every span of personal data in ``text``, in order, overlaps merged to the first."""
    found: list[Span] = []
    for match in _ID.finditer(text):
        if is_valid_id_number(match.group().upper()):
            found.append(Span(match.start(), match.end(), "ID_NUMBER", match.group()))
    for pattern in (_MOBILE, _LANDLINE):
        for match in pattern.finditer(text):
            found.append(Span(match.start(), match.end(), "PHONE", match.group()))
    for match in _ADDRESSED.finditer(text):
        found.append(Span(match.start(), match.end(), "NAME", match.group()))
    for match in _LABELLED.finditer(text):
        found.append(Span(match.start(1), match.end(1), "NAME", match.group(1)))
    for name in {n.strip() for n in known_names if len(n.strip()) >= 2}:
        for match in re.finditer(re.escape(name), text):
            found.append(Span(match.start(), match.end(), "NAME", name))
    kept: list[Span] = []
    for span in sorted(found, key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept
