"""Write a synthetic catalogue for benchmarks: valid for `catalog-tui validate`, deterministic by seed.

    python benchmarks/generate.py --works 100000 --seed 1 -o /tmp/cat-100k.yaml
    python benchmarks/generate.py --works 100000 --long-texts -o /tmp/cat-100k-long.yaml

`--long-texts` gives every work richer text, as a real registry has (issue 13): a summary of about
40 characters, a source passage of about 50 and a curator's note of about 50.

Titles are built from real Chinese words (with their real pinyin, polyphonic characters included:
重 长 乐 行 还 传 藏 朝), so pinyin, initials and hanzi queries behave as on real data. Campaigns,
channels, themes and types follow the vocabularies of `catalog_tui.core.model`. The YAML text is
written directly (no dumper) so that 100,000 works take a few seconds; it uses plain scalars where
they are safe and JSON-style double quotes (valid YAML) elsewhere.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from a source checkout
    sys.path.insert(0, str(ROOT))

from catalog_tui.core.model import (  # noqa: E402
    CAMPAIGN_KINDS,
    CHANNEL_KINDS,
    EVENT_KINDS,
    POLICY_KINDS,
    WORK_TYPES,
)

# Common words: hanzi and an English gloss. Polyphonic ones on purpose: 重逢 重庆 重生 长安 成长 长大
# 快乐 音乐 乐队 行走 银行 行者 还乡 传奇 自传 宝藏 西藏 朝阳 朝代 调皮 曲折 歌曲 都市.
WORDS: tuple[tuple[str, str], ...] = (
    ("你好", "Hello"), ("苏东坡", "Su Dongpo"), ("故乡", "Hometown"), ("山河", "Mountains and Rivers"),
    ("青春", "Youth"), ("重逢", "Reunion"), ("重庆", "Chongqing"), ("长安", "Chang'an"),
    ("成长", "Growing Up"), ("快乐", "Joy"), ("音乐", "Music"), ("行走", "Walking"), ("银行", "The Bank"),
    ("还乡", "Homecoming"), ("传奇", "Legend"), ("自传", "Memoir"), ("宝藏", "Treasure"),
    ("西藏", "Tibet"), ("朝阳", "Morning Sun"), ("朝代", "Dynasty"), ("觉醒", "Awakening"),
    ("调皮", "Mischief"), ("曲折", "Twists"), ("歌曲", "Songs"), ("都市", "The City"),
    ("大唐", "Great Tang"), ("唐诗", "Tang Poetry"), ("宋词", "Song Lyrics"), ("永乐", "Yongle"),
    ("大典", "Encyclopedia"), ("星河", "Milky Way"), ("醒狮", "Lion Dance"), ("清明", "Qingming"),
    ("上河图", "Riverside Scroll"), ("三千年", "Three Thousand Years"), ("乡村", "Countryside"),
    ("田园", "Fields"), ("种田", "Farming"), ("家里", "At Home"), ("家外", "Away from Home"),
    ("父亲", "Father"), ("母亲", "Mother"), ("女儿", "Daughter"), ("少年", "Youngster"),
    ("姐姐", "Sister"), ("外婆", "Grandma"), ("老师", "Teacher"), ("医生", "Doctor"),
    ("警察", "Police"), ("厨师", "Chef"), ("画家", "Painter"), ("匠人", "Craftsman"),
    ("守护", "Guardian"), ("追光", "Chasing Light"), ("逐梦", "Chasing Dreams"), ("远方", "Far Away"),
    ("归来", "Return"), ("出发", "Setting Out"), ("相遇", "Encounter"), ("遇见", "Meeting"),
    ("告别", "Farewell"), ("约定", "Promise"), ("时光", "Time"), ("岁月", "Years"),
    ("春天", "Spring"), ("夏日", "Summer Days"), ("秋风", "Autumn Wind"), ("冬雪", "Winter Snow"),
    ("月光", "Moonlight"), ("星空", "Starry Sky"), ("大海", "The Sea"), ("长江", "Yangtze"),
    ("黄河", "Yellow River"), ("长城", "Great Wall"), ("故宫", "Forbidden City"), ("敦煌", "Dunhuang"),
    ("江南", "Jiangnan"), ("草原", "Grassland"), ("雪山", "Snow Mountain"), ("古镇", "Old Town"),
    ("小城", "Small Town"), ("胡同", "Hutong"), ("茶馆", "Teahouse"), ("面馆", "Noodle Shop"),
    ("美食", "Food"), ("火锅", "Hotpot"), ("饺子", "Dumplings"), ("月饼", "Mooncakes"),
    ("年味", "New Year Flavour"), ("团圆", "Reunion Dinner"), ("灯火", "Lights"), ("烟火", "Fireworks"),
    ("人间", "The World"), ("江湖", "Jianghu"), ("侠客", "Swordsman"), ("剑心", "Sword Heart"),
    ("山海", "Mountains and Seas"), ("神话", "Myth"), ("仙侠", "Xianxia"), ("龙门", "Dragon Gate"),
    ("凤凰", "Phoenix"), ("麒麟", "Qilin"), ("熊猫", "Panda"), ("小鹿", "Fawn"),
    ("科学", "Science"), ("航天", "Spaceflight"), ("星辰", "Stars"), ("未来", "Future"),
    ("机器人", "Robot"), ("算法", "Algorithm"), ("数字", "Digital"), ("代码", "Code"),
    ("法官", "Judge"), ("律师", "Lawyer"), ("正义", "Justice"), ("真相", "Truth"),
    ("秘密", "Secret"), ("谜案", "Mystery"), ("追踪", "Pursuit"), ("风暴", "Storm"),
    ("英雄", "Hero"), ("战士", "Soldier"), ("边关", "Frontier"), ("烽火", "Beacon Fire"),
    ("家国", "Home and Country"), ("山村", "Mountain Village"), ("振兴", "Revival"), ("扶贫", "Poverty Relief"),
    ("绿水", "Green Waters"), ("青山", "Green Hills"), ("候鸟", "Migrant Birds"), ("森林", "Forest"),
    ("非遗", "Intangible Heritage"), ("剪纸", "Paper Cutting"), ("刺绣", "Embroidery"), ("瓷器", "Porcelain"),
    ("丝绸", "Silk"), ("茶香", "Tea Fragrance"), ("书法", "Calligraphy"), ("戏曲", "Opera"),
    ("京剧", "Peking Opera"), ("昆曲", "Kunqu"), ("皮影", "Shadow Play"), ("舞龙", "Dragon Dance"),
    ("足球", "Football"), ("篮球", "Basketball"), ("冠军", "Champion"), ("奔跑", "Running"),
    ("电竞", "Esports"), ("直播", "Livestream"), ("网红", "Influencer"), ("外卖", "Delivery"),
    ("快递", "Courier"), ("创业", "Startup"), ("职场", "Workplace"), ("新人", "Newcomer"),
    ("恋爱", "Romance"), ("婚礼", "Wedding"), ("闺蜜", "Best Friends"), ("兄弟", "Brothers"),
    ("同学", "Classmates"), ("校园", "Campus"), ("高考", "Gaokao"), ("毕业", "Graduation"),
    ("梦想", "Dreams"), ("奇迹", "Miracle"), ("温暖", "Warmth"), ("光芒", "Radiance"),
    ("花开", "Blossoms"), ("桃花", "Peach Blossom"), ("梅花", "Plum Blossom"), ("荷塘", "Lotus Pond"),
    ("锦绣", "Splendour"), ("繁花", "Blossoms Shanghai"), ("风华", "Elegance"), ("芳华", "Youthful Years"),
    ("长歌", "Long Song"), ("行者", "Wayfarer"), ("乐园", "Paradise"), ("乐队", "The Band"),
    ("重生", "Rebirth"), ("重启", "Restart"), ("长夜", "Long Night"), ("长大", "Growing Older"),
    ("中国", "China"), ("华夏", "Huaxia"), ("丝路", "Silk Road"), ("海上", "At Sea"),
    ("三国", "Three Kingdoms"), ("水浒", "Water Margin"), ("西游", "Journey West"), ("红楼", "Red Chamber"),
    ("李白", "Li Bai"), ("杜甫", "Du Fu"), ("王维", "Wang Wei"), ("李清照", "Li Qingzhao"),
    ("孔子", "Confucius"), ("木兰", "Mulan"), ("哪吒", "Nezha"), ("悟空", "Wukong"),
)  # fmt: skip

# Title patterns: (hanzi with {a} {b} {c}, English with the same slots).
PATTERNS: tuple[tuple[str, str, int], ...] = (
    ("{a}{b}", "{a} {b}", 30),
    ("{a}的{b}", "The {b} of {a}", 14),
    ("你好，{a}", "Hello, {a}", 4),
    ("我和{a}", "{a} and Me", 4),
    ("遇见{a}", "Encountering {a}", 5),
    ("重回{a}", "Back to {a}", 4),
    ("{a}{b}{c}", "{a} {b} {c}", 10),
    ("{a}之{b}", "{b} of {a}", 6),
    ("{a}，{b}", "{a}, {b}", 5),
    ("我在{a}当{b}", "Being a {b} in {a}", 3),
    ("跟着{a}去{b}", "Follow {a} to {b}", 3),
    ("{a}{b}第{n}季", "{a} {b} Season {n}", 4),
    ("{a}与{b}", "{a} and {b}", 8),
)

THEMES: tuple[str, ...] = (
    "文化遗产", "文旅融合", "非遗", "乡村振兴", "生态文明", "美食文化", "城市文明", "科普",
    "普法", "青春成长", "家庭伦理", "历史", "科幻", "AI创作", "出海", "现实题材", "革命历史",
    "体育", "职场", "爱情", "悬疑", "古装", "军旅", "民族团结", "传统文化", "国潮", "亲子",
    "养老", "医疗", "教育",
)  # fmt: skip

# Work types with weights (micro-dramas dominate, as in the seed articles).
TYPE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("micro-drama", 45), ("web-drama", 15), ("series", 8), ("documentary", 10),
    ("variety", 8), ("animation", 6), ("short-video", 5), ("gala", 3),
)  # fmt: skip

# Campaigns: (name, English name, kind).
CAMPAIGNS: tuple[tuple[str, str, str], ...] = (
    ("跟着微短剧去旅行", "Travel with Micro-dramas", "creation-plan"),
    ("跟着微短剧来学法", "Learn the Law with Micro-dramas", "creation-plan"),
    ("跟着微短剧来科普", "Learn Science with Micro-dramas", "creation-plan"),
    ("跟着微短剧学经典", "Learn the Classics with Micro-dramas", "creation-plan"),
    ("跟着微短剧看乡村", "See the Countryside with Micro-dramas", "creation-plan"),
    ("跟着微短剧品美食", "Taste Food with Micro-dramas", "creation-plan"),
    ("跟着微短剧游长城", "Visit the Great Wall with Micro-dramas", "creation-plan"),
    ("跟着微短剧读历史", "Read History with Micro-dramas", "creation-plan"),
    ("跟着微短剧逛古镇", "Stroll Old Towns with Micro-dramas", "creation-plan"),
    ("跟着微短剧话家风", "Family Values with Micro-dramas", "creation-plan"),
    ("微短剧里看品牌", "Brands in Micro-dramas", "creation-plan"),
    ("微短剧里看非遗", "Intangible Heritage in Micro-dramas", "creation-plan"),
    ("微短剧里看中国", "China in Micro-dramas", "creation-plan"),
    ("微短剧里看家乡", "Hometowns in Micro-dramas", "creation-plan"),
    ("微短剧里看科技", "Technology in Micro-dramas", "creation-plan"),
    ("“微短剧+”行动计划", '"Micro-drama+" Action Plan', "action-plan"),
    ("网络视听精品创作行动计划", "Online Audiovisual Quality Creation Action Plan", "action-plan"),
    ("乡村旅行短视频行动计划", "Rural Travel Short-video Action Plan", "action-plan"),
    ("新时代精品网络剧展播", "New Era Web Drama Showcase", "showcase"),
    ("优秀网络纪录片展播", "Outstanding Web Documentary Showcase", "showcase"),
    ("网络视听节目创作展播活动", "Online Audiovisual Programme Showcase", "showcase"),
    ("中华优秀传统文化传承发展工程", "Chinese Traditional Culture Project", "project"),
    ("网络视听精品创作传播工程", "Online Audiovisual Quality Works Project", "project"),
    ("少儿动画精品工程", "Children's Animation Quality Project", "project"),
    ("年度优秀网络视听作品推选", "Annual Outstanding Online Audiovisual Works", "appraisal"),
    ("优秀微短剧评优活动", "Outstanding Micro-drama Appraisal", "appraisal"),
    ("网络视听精品评选", "Online Audiovisual Quality Appraisal", "appraisal"),
    ("儿童类微短剧倡议", "Children's Micro-drama Initiative", "initiative"),
    ("AI共创倡议", "AI Co-creation Initiative", "initiative"),
    ("文明上网倡议", "Civilised Internet Initiative", "initiative"),
)

PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "东方", "江苏", "浙江",
    "安徽", "东南", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川",
    "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆",
)  # fmt: skip

# Channels other than the 31 provincial satellite channels: (name, English name, kind).
OTHER_CHANNELS: tuple[tuple[str, str, str], ...] = (
    ("中央广播电视总台", "China Media Group", "broadcaster"),
    ("上海广播电视台", "Shanghai Media Group", "broadcaster"),
    ("中央广播电视总台综合频道", "CMG General Channel", "tv-channel"),
    ("中央广播电视总台电视剧频道", "CMG TV Series Channel", "tv-channel"),
    ("中央广播电视总台纪录频道", "CMG Documentary Channel", "tv-channel"),
    ("爱奇艺", "iQIYI", "streaming"), ("腾讯视频", "Tencent Video", "streaming"),
    ("优酷", "Youku", "streaming"), ("芒果TV", "Mango TV", "streaming"),
    ("哔哩哔哩", "Bilibili", "streaming"), ("咪咕视频", "Migu Video", "streaming"),
    ("央视频", "CCTV Video", "streaming"), ("搜狐视频", "Sohu Video", "streaming"),
    ("抖音", "Douyin", "short-video"), ("快手", "Kuaishou", "short-video"),
    ("微信视频号", "WeChat Channels", "short-video"), ("小红书", "Xiaohongshu", "short-video"),
    ("红果短剧", "Hongguo", "micro-drama-app"), ("河马剧场", "Hema Theatre", "micro-drama-app"),
    ("点众短剧", "Dianzhong", "micro-drama-app"), ("九州短剧", "Jiuzhou", "micro-drama-app"),
    ("番茄短剧", "Fanqie", "micro-drama-app"),
    ("ReelShort", "ReelShort", "overseas"), ("DramaBox", "DramaBox", "overseas"),
    ("ShortMax", "ShortMax", "overseas"), ("GoodShort", "GoodShort", "overseas"),
    ("即梦AI", "Jimeng AI", "ai-tool"), ("可灵AI", "Kling AI", "ai-tool"), ("海螺AI", "Hailuo AI", "ai-tool"),
)  # fmt: skip

# Summary pieces: 以{how}，讲述{what}，{shows}。 (30-50 characters together).
SUMMARY_HOW: tuple[str, ...] = (
    "以新技术激活文化遗产", "以独特叙事连接传统与现代", "以小人物的视角", "以轻快的喜剧风格",
    "以纪实镜头", "以悬疑为线索", "以穿越为设定", "以AI辅助创作", "以真实案例改编", "以家庭为切口",
    "以方言演绎", "以竖屏短剧形式",
)  # fmt: skip
SUMMARY_WHAT: tuple[str, ...] = (
    "一座小城的烟火日常", "年轻人返乡创业的故事", "非遗传承人的坚守", "普通家庭的悲欢离合",
    "边关战士的青春", "古镇里的美食记忆", "科学家追逐星辰的历程", "法官办案的一天",
    "城市里的外卖骑手", "三代人的团圆年", "少年追逐梦想的旅程", "一段跨越千年的相遇",
)  # fmt: skip
SUMMARY_SHOWS: tuple[str, ...] = (
    "展现文脉传承的当代活力", "带动当地文旅消费", "传递温暖向上的力量", "呈现新时代的山乡巨变",
    "让传统文化走进年轻观众", "引发观众广泛共鸣", "讲好中国故事", "助力乡村振兴",
)  # fmt: skip
QUOTE_TAILS: tuple[str, ...] = (
    "等作品", "等微短剧在卫视播出", "热度持续攀升", "让非遗活起来", "带火取景地", "登上海外榜单",
)  # fmt: skip
NOTES: tuple[str, ...] = (
    "文中未给年份。", "列于作品清单之中，据此归入该计划。", "频道为集合表述，记为集合条目。",
    "原文只称“等作品”，类型按上下文判断。",
)  # fmt: skip

DOCUMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("doc_000.txt", "网络视听精品目录（合成样本一）", "Synthetic sample one", "基准测试"),
    ("doc_001.txt", "网络视听精品目录（合成样本二）", "Synthetic sample two", "基准测试"),
    ("doc_002.txt", "网络视听精品目录（合成样本三）", "Synthetic sample three", "基准测试"),
)

POLICIES: tuple[tuple[str, str, str, str], ...] = (
    ("关于实施“微短剧+”行动计划 赋能千行百业的通知", "Notice on the Micro-drama+ Action Plan", "notice", "2025-01"),
    ("网络微短剧内容审核细则", "Rules for Reviewing Online Micro-drama Content", "rules", "2024"),
    ("关于进一步加强网络微短剧管理的意见", "Opinion on Managing Online Micro-dramas", "opinion", "2024-06"),
    ("中国网络视听发展研究报告", "China Online Audiovisual Development Report", "report", "2025-03"),
    ("儿童类微短剧倡议书", "Children's Micro-drama Proposal", "proposal", "2026-04"),
)  # fmt: skip
EVENTS: tuple[tuple[str, str, str, str], ...] = (
    ("第十二届中国网络视听大会", "12th China Online Audiovisual Conference", "conference", "2025-03-27/2025-03-29"),
    ("第十三届中国网络视听大会", "13th China Online Audiovisual Conference", "conference", "2026-04-14/2026-04-16"),
    ("全国广播电视工作会议", "National Radio and Television Work Meeting", "meeting", "2025-01"),
    ("微短剧创作大赛", "Micro-drama Creation Contest", "contest", "2024-09"),
)  # fmt: skip
FIGURES: tuple[tuple[str, str, float | int, str, str], ...] = (
    ("网络视听市场整体规模", "Online audiovisual market size", 1.15, "万亿元", "2023"),
    ("中国微短剧市场规模", "China micro-drama market size", 500, "亿元", "2024"),
    ("网络视听用户规模", "Online audiovisual users", 10.91, "亿", "2024"),
    ("微短剧用户规模", "Micro-drama users", 5.76, "亿", "2024"),
    ("短视频人均单日使用时长", "Daily short-video time per user", 156, "分钟", "2024"),
)


def _check_vocabularies() -> None:
    """Fail early if model.py's vocabularies moved away from the generator's choices."""
    pairs: list[tuple[Iterable[str], dict[str, Any]]] = [
        ((t for t, _ in TYPE_WEIGHTS), WORK_TYPES),
        ((k for *_, k in CAMPAIGNS), CAMPAIGN_KINDS),
    ]
    pairs += [((k for *_, k in OTHER_CHANNELS), CHANNEL_KINDS), ((p[2] for p in POLICIES), POLICY_KINDS)]
    pairs += [((e[2] for e in EVENTS), EVENT_KINDS)]
    for values, vocabulary in pairs:
        unknown = set(values) - set(vocabulary)
        if unknown:
            raise SystemExit(f"generate.py: {sorted(unknown)} not in catalog_tui.core.model vocabularies")


# Where two names read the same (山西 and 陕西 are both shanxi), the usual romanisation tells them apart.
SLUG_OVERRIDES = {"陕西": "shaan-xi"}


def slug(text: str) -> str:
    """An id from Chinese text: its pinyin syllables joined by '-' (ASCII letters and digits kept)."""
    for name, replacement in SLUG_OVERRIDES.items():
        if text.startswith(name):
            return f"{replacement}-{slug(text[len(name) :])}"
    parts = [re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in lazy_pinyin(text)]
    return "-".join(p for p in parts if p) or "x"


# --- YAML text -------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[\w\u3000-\u303f\uff01-\uffef“”‘’《》…—·][^:#\n\"'\\{}\[\],&*!|>%@`]*")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_NUMBERISH = re.compile(r"[-+.\d][\d._:eE+-]*|\.(?:inf|nan)", re.I)


def scalar(text: str) -> str:
    """A YAML scalar for `text`: plain when unambiguous, else a (JSON-compatible) double-quoted one."""
    if (
        _PLAIN.fullmatch(text)
        and text == text.strip()
        and text.lower() not in _YAML_WORDS
        and not _NUMBERISH.fullmatch(text)
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _emit_record(record: dict[str, Any], out: list[str]) -> None:
    first = True
    for key, value in record.items():
        lead = "  - " if first else "    "
        first = False
        if isinstance(value, list):
            out.append(f"{lead}{key}:\n")
            for item in value:
                if isinstance(item, dict):  # sources
                    out.append(
                        f"      - doc: {scalar(item['doc'])}\n        quote: {scalar(item['quote'])}\n"
                    )
                else:
                    out.append(f"      - {scalar(item)}\n")
        elif isinstance(value, bool):
            raise TypeError(f"no booleans in a catalogue: {key}")
        elif isinstance(value, int | float):
            out.append(f"{lead}{key}: {value!r}\n")
        else:
            out.append(f"{lead}{key}: {scalar(value)}\n")


def yaml_text(sections: dict[str, list[dict[str, Any]]]) -> Iterator[str]:
    yield "# Synthetic catalogue for catalog-tui benchmarks (benchmarks/generate.py); not real data.\n"
    for section, records in sections.items():
        yield f"{section}:\n"
        chunk: list[str] = []
        for record in records:
            _emit_record(record, chunk)
            if len(chunk) > 4096:
                yield "".join(chunk)
                chunk.clear()
        yield "".join(chunk)


# --- the catalogue ---------------------------------------------------------------------------------


class Weighted:
    """Draws an index with the given relative weights (cumulative weights computed once)."""

    def __init__(self, weights: Sequence[int]) -> None:
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> int:
        return bisect.bisect_right(self.cumulative, rng.random() * self.total)


CAMPAIGN_COUNT = Weighted((60, 28, 10, 2))  # 0..3 campaigns per work
CHANNEL_COUNT = Weighted((45, 38, 13, 4))  # 0..3 channels
THEME_COUNT = Weighted((60, 30, 10))  # 1..3 themes, less one


# Lengths, in characters, of the long texts (--long-texts).
LONG_SUMMARY, LONG_QUOTE, LONG_NOTE = 40, 50, 50
_CLAUSES = (*SUMMARY_HOW, *SUMMARY_WHAT, *SUMMARY_SHOWS, *QUOTE_TAILS)


class Generator:
    def __init__(self, seed: int, *, long_texts: bool = False) -> None:
        _check_vocabularies()
        self.rng = random.Random(seed)
        self.long_texts = long_texts
        self.word_slugs = [slug(word) for word, _ in WORDS]
        self.pattern = Weighted([weight for *_, weight in PATTERNS])
        self.type_slugs = [name for name, _ in TYPE_WEIGHTS]
        self.type_index = Weighted([weight for _, weight in TYPE_WEIGHTS])
        self.documents = [{"file": f, "title": t, "title_en": en, "byline": by} for f, t, en, by in DOCUMENTS]
        self.campaigns = [self._campaign(name, en, kind) for name, en, kind in CAMPAIGNS]
        channels = [(f"{p}卫视", f"{slug(p).replace('-', ' ').title()} Satellite TV", "satellite-tv")
                    for p in PROVINCES]  # fmt: skip
        self.channels = [self._channel(n, en, k) for n, en, k in (*channels, *OTHER_CHANNELS)]
        self.campaign_ids = [c["id"] for c in self.campaigns]
        self.channel_ids = [c["id"] for c in self.channels]

    def _longer(self, text: str, length: int) -> str:
        """`text` followed by clauses of the vocabulary until it has about `length` characters."""
        clauses = [text.rstrip("。")]
        while sum(map(len, clauses)) + len(clauses) < length:
            clauses.append(self.rng.choice(_CLAUSES))
        return "，".join(clauses) + "。"

    def _source(self, quote: str) -> dict[str, str]:
        return {"doc": self.rng.choice(DOCUMENTS)[0], "quote": quote}

    def _campaign(self, name: str, name_en: str, kind: str) -> dict[str, Any]:
        return {
            "id": slug(name), "name": name, "name_en": name_en, "kind": kind,
            "issuer": "国家广播电视总局", "date": str(self.rng.randint(2019, 2026)),
            "summary": f"{name}：推动网络视听精品创作的{CAMPAIGN_KINDS[kind][0]}。",
            "sources": [self._source(f"总局推出“{name}”")],
        }  # fmt: skip

    def _channel(self, name: str, name_en: str, kind: str) -> dict[str, Any]:
        return {"id": slug(name), "name": name, "name_en": name_en, "kind": kind,
                "sources": [self._source(f"在{name}等平台播出")]}  # fmt: skip

    def work(self, number: int) -> dict[str, Any]:
        rng = self.rng
        zh, en, _ = PATTERNS[self.pattern(rng)]
        picks = rng.sample(range(len(WORDS)), 3)
        season = rng.randint(2, 5)
        title = zh.format(n=season, a=WORDS[picks[0]][0], b=WORDS[picks[1]][0], c=WORDS[picks[2]][0])
        title_en = en.format(n=season, a=WORDS[picks[0]][1], b=WORDS[picks[1]][1], c=WORDS[picks[2]][1])
        used = [self.word_slugs[p] for p, slot in zip(picks, "abc", strict=True) if "{" + slot + "}" in zh]
        record: dict[str, Any] = {
            "id": f"{'-'.join(used)}-{number}",
            "title": title,
            "title_en": title_en,
            "type": self.type_slugs[self.type_index(rng)],
        }
        if rng.random() < 0.9:
            record["year"] = 2015 + min(int(rng.triangular(0, 12, 10)), 11)
        campaigns = rng.sample(self.campaign_ids, CAMPAIGN_COUNT(rng))
        if campaigns:
            record["campaigns"] = campaigns
        channels = rng.sample(self.channel_ids, CHANNEL_COUNT(rng))
        if channels:
            record["channels"] = channels
        record["themes"] = rng.sample(THEMES, 1 + THEME_COUNT(rng))
        if rng.random() < 0.15:
            record["facts"] = [
                rng.choice(
                    (
                        f"播放量超{rng.randint(1, 50)}亿次",
                        f"共{rng.randint(12, 100)}集",
                        f"开播{rng.randint(1, 7)}天热度破{rng.randint(100, 9000)}万",
                    )
                )
            ]
        record["summary"] = (
            f"{rng.choice(SUMMARY_HOW)}，讲述{rng.choice(SUMMARY_WHAT)}，{rng.choice(SUMMARY_SHOWS)}。"
        )
        tail = rng.choice(QUOTE_TAILS) if rng.random() < 0.2 else ""
        sources = [self._source(f"《{title}》{tail}")]
        if rng.random() < 0.03:
            sources.append(self._source(f"《{title}》《{WORDS[picks[2]][0]}》等作品"))
        record["sources"] = sources
        if rng.random() < 0.05:
            record["note"] = rng.choice(NOTES)
        if self.long_texts:  # drawn after the default fields, so those stay as without the option
            record["summary"] = self._longer(record["summary"], LONG_SUMMARY)
            for source in sources:
                source["quote"] = self._longer(source["quote"], LONG_QUOTE)
            record["note"] = self._longer(record.get("note") or rng.choice(NOTES), LONG_NOTE)
        return record

    def sections(self, works: int) -> dict[str, list[dict[str, Any]]]:
        policies = [
            {"id": slug(name)[:60].strip("-"), "name": name, "name_en": en, "kind": kind,
             "issuer": "国家广播电视总局", "date": date, "summary": f"{name}的要点。",
             "sources": [self._source(f"发布《{name}》")]}
            for name, en, kind, date in POLICIES
        ]  # fmt: skip
        events = [
            {"id": slug(name), "name": name, "name_en": en, "kind": kind, "date": date,
             "place": "四川成都", "summary": f"{name}在四川成都举行。", "sources": [self._source(name)]}
            for name, en, kind, date in EVENTS
        ]  # fmt: skip
        figures = [
            {"id": f"{slug(label)}-{period}", "label": label, "label_en": en, "value": value,
             "unit": unit, "period": period, "sources": [self._source(f"{label}约为{value}{unit}")]}
            for label, en, value, unit, period in FIGURES
        ]  # fmt: skip
        return {
            "documents": self.documents,
            "works": [self.work(n) for n in range(1, works + 1)],
            "campaigns": self.campaigns,
            "channels": self.channels,
            "policies": policies,
            "events": events,
            "figures": figures,
        }


def generate(works: int, seed: int, *, long_texts: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The catalogue as plain data (what the YAML file loads back to)."""
    return Generator(seed, long_texts=long_texts).sections(works)


def write_catalog(path: str | Path, works: int, seed: int = 1, *, long_texts: bool = False) -> int:
    """Write a synthetic catalogue of `works` works to `path`; returns its size in bytes."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    with open(target, "w", encoding="utf-8", newline="\n") as stream:
        for piece in yaml_text(generate(works, seed, long_texts=long_texts)):
            stream.write(piece)
            size += len(piece.encode("utf-8"))
    return size


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--works", type=int, default=100_000, help="number of works (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="catalogue YAML to write")
    parser.add_argument(
        "--long-texts",
        action="store_true",
        help=f"summaries of ~{LONG_SUMMARY} characters, passages and notes of ~{LONG_QUOTE} (richer data)",
    )
    args = parser.parse_args(argv)
    if args.works < 0:
        parser.error("--works must be 0 or more")
    start = time.perf_counter()
    size = write_catalog(args.output, args.works, args.seed, long_texts=args.long_texts)
    elapsed = time.perf_counter() - start
    print(
        f"wrote {args.output}: {args.works:,} works, {size / 2**20:.1f} MiB in {elapsed:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
