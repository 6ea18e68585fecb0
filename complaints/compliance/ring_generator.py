"""A generated year of complaints with planted surrender-agent rings, to measure the ring signals
(complaints.compliance.rings): how many planted rings are found (hit rate) and how many warnings match no planted
ring (false-positive rate). docs/compliance.md gives the measured figures; a test holds them to thresholds.

The noise is what a desk sees every day: most people complain once, alone; some twice (a repeat); families share
a home phone and an address (two or three members, each their own policyholder); relatives and lawyers act as
proxies (a law firm for two or three clients); descriptions are written freely from many phrases. A planted ring
is four to twelve complaints within six weeks from one province and branch, demanding a full refund: its agent
files as a proxy (a company or "someone else") with one of two phones, or has the policyholders file themselves
with the agent's phone, e-mail, address or bank account; most texts are the agent's template with the details
changed, and a few members share nothing but the template."""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from portal.beijing import BEIJING

from ..identity import account_digest
from ..models import Capacity, Category, Complaint, DesiredRemedy, Relationship

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬燕彬斌宇浩凯鹏辉建国建华志强海燕春梅"
PROVINCES = ["北京", "上海", "广东", "江苏", "浙江", "四川", "山东", "河南", "湖北", "湖南"]
STREETS = ["幸福路", "人民路", "解放路", "建设路", "中山路", "和平路", "长江路", "黄河路", "新华街", "文化路"]
OPENINGS = [
    "我于{year}年在贵公司{place}购买了{product}，",
    "{year}年业务员上门向我推荐{product}，",
    "我母亲{year}年通过{place}投保了{product}，",
    "去年{month}月我在{place}咨询{product}时，",
    "本人是{product}的投保人，保单号尾号{digits}，",
]
MIDDLES = [
    "当时业务员只说是存款，没有讲清楚是保险产品，",
    "保单到期后领取的金额和当初说的差距很大，",
    "我在{month}月提交了理赔材料，至今已经{days}天没有结果，",
    "客服电话一直打不通，柜面让我回去等通知，",
    "扣款日期被改了却没有任何通知，导致保单差点失效，",
    "犹豫期内我就提出退保，但被告知超过期限，",
    "体检报告已经交了两次，还是说材料不全，",
    "保全变更申请交了{days}天还没有办理，",
    "续期保费多扣了{amount}元，退款一直没有到账，",
    "业务员离职后就再也没有人回访过我，",
    "合同里的免责条款当时根本没有人解释，",
    "住院{days}天的费用只报销了一小部分，",
    "电话销售一天打来好几次，我明确拒绝了还在打，",
    "现金价值和保单年报上写的不一样，",
    "地址变更后通知书一直寄到老地址，",
    "银行卡换了以后生存金没有发下来，",
]
DETAILS = [
    "经办人姓{surname}，",
    "工号是{digits}，",
    "{month}月{day}日去柜面问过一次，",
    "前后打了{times}次客服电话，",
    "",
    "",
]
ENDINGS = [
    "希望贵公司尽快给出明确答复。",
    "请核实情况并给我一个合理的解释。",
    "要求按合同约定尽快赔付。",
    "希望能够协商解决，谢谢。",
    "如果得不到处理我会向监管部门反映。",
    "请安排专人联系我，电话白天都能接。",
]
PRODUCTS = ["分红型年金险", "重大疾病保险", "两全保险", "万能险", "医疗险", "意外险", "终身寿险"]
PLACES = ["银行网点", "营业部", "柜面", "网上商城", "代理人处"]
RING_TEMPLATES = [
    "本人{name}于{year}年在银行办理业务时被误导购买了{product}，销售人员承诺是理财产品、保本保息、随时可取，"
    "未告知这是保险，也未说明退保损失和犹豫期，存在欺诈销售。现要求贵公司全额退还已交保费{amount}元，"
    "否则将向监管部门投诉。",
    "投保人{name}，保单号{policy}。{year}年投保时业务员未如实告知产品条款，代签名，未进行回访，"
    "属于违规销售，依据保险法相关规定，要求全额退保并退还全部已交保费共计{amount}元，限期答复。",
    "我是{name}，{year}年购买的{product}是在不知情的情况下签的字，合同上的签名不是本人所签，回访电话也不是本人"
    "接听。贵公司存在代签名、虚假回访等严重违规行为，本人要求全额退还保费{amount}元并赔偿利息损失。",
    "关于{name}的保单（{policy}）：销售时夸大收益、隐瞒费用，承诺年化收益百分之六，实际远远达不到，属于销售误导。"
    "请贵公司在七日内全额退还保费{amount}元，逾期我方将向金融监管部门及消费者协会投诉并提起诉讼。",
    "{name}于{year}年在业务员的诱导下将存款转为{product}，业务员未提示风险、未做风险测评，投保人年龄已超过六十岁，"
    "不适合购买该产品。依据适当性管理规定，要求撤销合同、全额退还保费{amount}元。",
]


@dataclass
class Year:
    complaints: list[Complaint] = field(default_factory=list)
    rings: list[set[str]] = field(default_factory=list)  # the tracking numbers of each planted ring


class _Maker:
    def __init__(self, seed: int, start: date, prefix: str):
        self.rng = random.Random(seed)
        self.start = start
        self.prefix = prefix
        self.count = 0
        self.used_phones: set[str] = set()

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    def phone(self) -> str:
        while True:
            phone = f"+861{self.rng.choice('358')}{self.rng.randrange(10**9):09d}"
            if phone not in self.used_phones:
                self.used_phones.add(phone)
                return phone

    def address(self, province: str) -> str:
        street, number = self.rng.choice(STREETS), self.rng.randrange(1, 300)
        return f"{province}市{street}{number}号{self.rng.randrange(1, 30)}-{self.rng.randrange(101, 2801)}"

    def text(self) -> str:
        values = {
            "year": self.rng.randrange(2012, 2025),
            "month": self.rng.randrange(1, 13),
            "days": self.rng.randrange(20, 120),
            "digits": f"{self.rng.randrange(10000):04d}",
            "product": self.rng.choice(PRODUCTS),
            "place": self.rng.choice(PLACES),
            "amount": self.rng.randrange(100, 20000),
            "surname": self.rng.choice(SURNAMES),
            "day": self.rng.randrange(1, 29),
            "times": self.rng.randrange(2, 12),
        }
        middles = self.rng.sample(MIDDLES, self.rng.choice((1, 2, 2, 3)))
        parts = [self.rng.choice(OPENINGS), *middles, self.rng.choice(DETAILS), self.rng.choice(ENDINGS)]
        return "".join(part.format(**values) for part in parts)

    def moment(self, day: int) -> datetime:
        minutes = self.rng.randrange(8 * 60, 20 * 60)
        return datetime.combine(self.start + timedelta(days=day), time(minutes // 60, minutes % 60), tzinfo=BEIJING)

    def complaint(self, day: int, **values) -> Complaint:
        self.count += 1
        received = self.moment(day)
        values.setdefault("name", self.name())
        values.setdefault("phone", self.phone())
        values.setdefault("description", self.text())
        values.setdefault("category", self.rng.choice(Category.values))
        values.setdefault("province", self.rng.choice(PROVINCES))
        values.setdefault("policy_number", f"P{self.rng.randrange(10**11):011d}")
        return Complaint(
            tracking_number=f"{self.prefix}-{self.count:06d}",
            received_at=received,
            channel="phone",
            due_date=received.date() + timedelta(days=15),
            **values,
        )


def ring_members(maker: "_Maker", number: int, *, span: int, size: int | None = None) -> list[tuple[int, dict]]:
    """One planted ring: (day within `span`, the complaint's values) for each of its four to twelve complaints.
    An account is given in plain ("bank_account"), as a registration receives it."""
    rng = maker.rng
    size = size or rng.randrange(4, 13)
    province = PROVINCES[number % len(PROVINCES)]
    agent_phones = [maker.phone(), maker.phone()]
    agent = {
        "representative_name": maker.name(),
        "representative_org": rng.choice(["", "维权咨询服务有限公司", "安心法律咨询中心"]),
        "email": f"helper{number}@example.net",
        "address": maker.address(province),
        "account": f"6222{rng.randrange(10**15):015d}",
    }
    template = RING_TEMPLATES[number % len(RING_TEMPLATES)]
    members = []
    for index in range(size):
        holder = maker.name()
        policy = f"P{rng.randrange(10**11):011d}"
        text = template.format(
            name=holder,
            year=rng.randrange(2015, 2024),
            product=rng.choice(PRODUCTS),
            amount=rng.randrange(20, 300) * 1000,
            policy=policy,
        )
        values = {
            "description": text,
            "category": Category.POLICY_SERVICE,
            "province": province,
            "policy_number": policy,
            "desired_remedy": DesiredRemedy.FULL_REFUND,
            "name": holder,
            "phone": maker.phone(),
        }
        link = "text" if index >= 3 and rng.random() < 0.2 else rng.choice(["proxy", "proxy", "self"])
        if link == "proxy":
            values |= {
                "capacity": Capacity.PROXY,
                "principal_name": holder,
                "name": agent["representative_name"],
                "phone": rng.choice(agent_phones),
                "representative_name": agent["representative_name"],
                "representative_phone": rng.choice(agent_phones),
                "representative_org": agent["representative_org"],
                "representative_relationship": rng.choice([Relationship.COMPANY, Relationship.OTHER]),
            }
        elif link == "self":
            shared = rng.choice(["phone", "email", "address", "bank_account"])
            values[shared] = rng.choice(agent_phones) if shared == "phone" else agent[shared.removeprefix("bank_")]
        members.append((rng.randrange(0, span), values))
    return members


def planted_year(
    *, total: int = 2000, rings: int = 5, seed: int = 29, start: date = date(2025, 1, 1), prefix: str = "TS-R"
) -> Year:
    """About `total` complaints over the 365 days from `start`, `rings` of them planted rings (see the module)."""
    maker = _Maker(seed, start, prefix)
    rng = maker.rng
    year = Year()
    planted = []
    for number in range(rings):
        first_day = rng.randrange(0, 365 - 45)
        members = []
        for day, values in ring_members(maker, number, span=42):
            account = values.pop("bank_account", "")
            if account:
                values["bank_account_digest"] = account_digest(account)
            members.append(maker.complaint(first_day + day, **values))
        planted.append(members)
        year.complaints += members
    noise = total - len(year.complaints)
    while noise > 0:
        day = rng.randrange(0, 365)
        roll = rng.random()
        if roll < 0.08:  # a family: a home phone and an address, two or three policyholders
            phone, province = maker.phone(), rng.choice(PROVINCES)
            address = maker.address(province)
            surname = rng.choice(SURNAMES)
            for _member in range(rng.choice((2, 2, 3))):
                name = surname + rng.choice(GIVEN) + rng.choice(GIVEN)
                when = min(364, day + rng.randrange(0, 60))
                year.complaints.append(
                    maker.complaint(when, name=name, phone=phone, address=address, province=province)
                )
                noise -= 1
        elif roll < 0.13:  # a repeat: the same person again within weeks
            name, phone, policy = maker.name(), maker.phone(), f"P{rng.randrange(10**11):011d}"
            for _again in range(2):
                when = min(364, day + rng.randrange(0, 40))
                year.complaints.append(maker.complaint(when, name=name, phone=phone, policy_number=policy))
                noise -= 1
        elif roll < 0.16:  # a law firm for two or three clients
            lawyer, firm, phone = maker.name(), f"{rng.choice(SURNAMES)}律师事务所", maker.phone()
            for _client in range(rng.choice((2, 3))):
                when = min(364, day + rng.randrange(0, 80))
                holder = maker.name()
                year.complaints.append(
                    maker.complaint(
                        when,
                        name=lawyer,
                        phone=phone,
                        capacity=Capacity.PROXY,
                        principal_name=holder,
                        representative_name=lawyer,
                        representative_phone=phone,
                        representative_org=firm,
                        representative_relationship=Relationship.LAWYER,
                    )
                )
                noise -= 1
        elif roll < 0.24:  # a relative as proxy
            holder, relative = maker.name(), maker.name()
            year.complaints.append(
                maker.complaint(
                    day,
                    name=relative,
                    capacity=Capacity.PROXY,
                    principal_name=holder,
                    representative_name=relative,
                    representative_phone=maker.phone(),
                    representative_relationship=rng.choice([Relationship.SPOUSE, Relationship.RELATIVE]),
                )
            )
            noise -= 1
        else:
            remedy = rng.choice(["", "", DesiredRemedy.FULL_REFUND, DesiredRemedy.CLAIM_PAYMENT, DesiredRemedy.OTHER])
            year.complaints.append(maker.complaint(day, desired_remedy=remedy))
            noise -= 1
    year.rings = [{member.tracking_number for member in members} for members in planted]
    return year


def measure(year: Year, found_by_day: dict) -> dict:
    """Hit and false-positive rates of ring warnings (`found_by_day`: {day: [rings.Ring]}, from the daily runs)
        against the planted rings. A planted ring is found when one warning holds at least half of its complaints
        (and three at least); a warning is false when less than half of it is planted (a warning that joins two planted
    rings written from one template is no false one). A ring found on
        several days counts once (by its key)."""
    warnings: dict[str, set[str]] = {}
    for found in found_by_day.values():
        for ring in found:
            warnings.setdefault(ring.key, set()).update(member["tracking_number"] for member in ring.members)
    hits = sum(
        any(len(members & planted) >= max(3, (len(planted) + 1) // 2) for members in warnings.values())
        for planted in year.rings
    )
    planted_numbers = set().union(*year.rings) if year.rings else set()
    false = sum(len(members & planted_numbers) * 2 < len(members) for members in warnings.values())
    return {
        "planted": len(year.rings),
        "found": hits,
        "hit_rate": hits / len(year.rings) if year.rings else 1.0,
        "warnings": len(warnings),
        "false_warnings": false,
        "false_positive_rate": false / len(warnings) if warnings else 0.0,
    }
