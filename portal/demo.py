"""Demo content for the shell: the insurer's profile and its branches, from the published facts
(hotline, reporting email, the Beijing branch's counter and reception details). Idempotent."""

from .models import Branch, SiteProfile

PROFILE = {
    "name_zh_hans": "小康人寿保险有限责任公司",
    "name_en": "Xiaokang Life Insurance Co., Ltd.",
    "short_name_zh_hans": "小康人寿",
    "short_name_en": "Xiaokang Life",
    "hotline": "400-815-6688",
    "email": "cs@livit-life.com",
    "address_zh_hans": "北京市朝阳区东三环中路5号财富金融中心49层（电梯楼层60层）05单元",
    "address_en": "Unit 05, 49th floor (lift button 60), Fortune Financial Center, 5 East Third Ring Middle Road, Chaoyang District, Beijing",  # noqa: E501
    "postcode": "100020",
    "office_hours_zh_hans": "工作日 上午9:00-12:00，下午13:30-18:00",
    "office_hours_en": "Working days 9:00–12:00 and 13:30–18:00",
    "complaint_channels_zh_hans": (
        "我们通过信、访、网、电、微、邮六种渠道接收消费投诉，每一件投诉都会登记并生成查询编号。\n\n"
        "一般投诉自收到之日起15日内作出处理决定并告知您；情况复杂的可延长至30日，特别复杂的经审批最长不超过60日，"
        "每次延期我们都会告诉您原因。"
    ),
    "complaint_channels_en": (
        "We accept complaints by letter, in person, on the web, by phone, on WeChat and by email. Every complaint "
        "is registered and gets a tracking number.\n\n"
        "We decide and tell you the outcome within 15 days of receiving it. Complex cases may take up to 30 days, "
        "and especially complex ones up to 60 days with a senior manager's approval; we tell you each time and why."
    ),
    "wechat_account": "小康人寿",
    # The Beijing branch's landline: unlike the 400 hotline it can be dialled from abroad.
    "international_hotline": "+86 10 8592 1177",
    "english_service_hours_zh_hans": "工作日 上午9:00-12:00，下午13:30-17:00（北京时间）",
    "english_service_hours_en": (
        "Working days 9:00–12:00 and 13:30–17:00 Beijing time (UTC+8); ask for English-speaking staff"
    ),
}

# The head office, above the branches: a review of a branch's decision goes to it.
HEAD_OFFICE = {
    "slug": "head-office",
    "province": "北京",
    "name_zh_hans": "总公司",
    "name_en": "Head Office",
    "address_zh_hans": PROFILE["address_zh_hans"],
    "address_en": PROFILE["address_en"],
    "phone": "400-815-6688",
    "counter_hours_zh_hans": PROFILE["office_hours_zh_hans"],
    "counter_hours_en": PROFILE["office_hours_en"],
    "sort_order": 5,
}

BRANCHES = [
    {
        "slug": "beijing",
        "province": "北京",
        "name_zh_hans": "北京分公司",
        "name_en": "Beijing Branch",
        "address_zh_hans": "北京市朝阳区东三环中路5号财富金融中心49层（电梯楼层60层）05单元",
        "address_en": "Unit 05, 49th floor (lift button 60), Fortune Financial Center, 5 East Third Ring Middle Road, Chaoyang District, Beijing",  # noqa: E501
        "phone": "010-85921177",
        "counter_hours_zh_hans": "上午9:00-12:00；下午13:30-18:00",
        "counter_hours_en": "9:00–12:00 and 13:30–18:00",
        "transit_zh_hans": (
            "地铁10号线金台夕照站A口，向北约100米即到财富金融中心。\n"
            "公交9路、98路、113路、140路、368路、405路呼家楼南站下车，向西约50米。"
        ),
        "transit_en": (
            "Metro line 10 to Jintaixizhao, exit A, then about 100 m north to the Fortune Financial Center.\n"
            "Bus 9, 98, 113, 140, 368 or 405 to Hujialou South, then about 50 m west."
        ),
        "sort_order": 10,
    },
    {
        "slug": "jiangsu",
        "province": "江苏",
        "name_zh_hans": "江苏分公司",
        "name_en": "Jiangsu Branch",
        "address_zh_hans": "江苏省南京市鼓楼区中山北路105号中环国际广场18层1801室",
        "address_en": (
            "Room 1801, 18th floor, Zhonghuan International Plaza, 105 Zhongshan North Road, Gulou District, "
            "Nanjing, Jiangsu"
        ),
        "phone": "025-83456789",
        "counter_hours_zh_hans": "工作日 9:00-17:00",
        "counter_hours_en": "Working days 9:00–17:00",
        "transit_zh_hans": "地铁1号线鼓楼站，步行约10分钟。",
        "transit_en": "Metro line 1 to Gulou, then about ten minutes on foot.",
        "sort_order": 20,
    },
    {
        "slug": "hunan",
        "province": "湖南",
        "name_zh_hans": "湖南分公司",
        "name_en": "Hunan Branch",
        "address_zh_hans": "湖南省长沙市芙蓉区五一大道389号华美欧国际大厦21层",
        "address_en": "21st floor, Huameiou International Building, 389 Wuyi Avenue, Furong District, Changsha, Hunan",
        "phone": "0731-84567890",
        "counter_hours_zh_hans": "工作日 9:00-17:00",
        "counter_hours_en": "Working days 9:00–17:00",
        "transit_zh_hans": "地铁2号线五一广场站，步行约5分钟。",
        "transit_en": "Metro line 2 to Wuyi Square, then about five minutes on foot.",
        "sort_order": 30,
    },
]


def load(stdout=None) -> None:
    profile = SiteProfile.objects.filter(pk=1).first() or SiteProfile(pk=1)
    changed = False
    for field, value in PROFILE.items():
        if getattr(profile, field) != value:
            setattr(profile, field, value)
            changed = True
    if changed or profile._state.adding:
        profile.save()
    head_office = _branch(HEAD_OFFICE)
    for data in BRANCHES:
        _branch({**data, "parent": head_office})
    if stdout:
        stdout.write(f"portal: site profile, the head office and {len(BRANCHES)} branches under it\n")


def _branch(data: dict) -> Branch:
    values = {key: value for key, value in data.items() if key != "slug"}
    branch = Branch.objects.filter(slug=data["slug"]).first()
    if branch is None:
        return Branch.objects.create(slug=data["slug"], name=values["name_zh_hans"], **values)
    if any(getattr(branch, key) != value for key, value in values.items()):
        for key, value in values.items():
            setattr(branch, key, value)
        branch.save()
    return branch
