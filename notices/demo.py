# ruff: noqa: E501  (prose in both languages reads better unbroken)
"""Demo notices in Chinese and English, written from the facts an insurer publishes (the 2023 disclosure's
figures, the fraud reporting channels, the guides for foreign nationals, the product query platform, typical
cases, the 5·15 campaign). Idempotent: each notice is keyed by category and slug, and a second run finds
nothing to change."""

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from .models import Category, Notice, Status
from .services import notice_attachment_add, notice_create, notice_publish, notice_update

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10):
    return datetime.datetime(year, month, day, hour, 0, tzinfo=SHANGHAI)


NOTICES = [
    {
        "category": Category.DISCLOSURES,
        "slug": "consumer-protection-disclosure-2023",
        "disclosure_year": 2023,
        "attachment": "2023-consumer-protection-disclosure-summary.pdf",
        "attachment_zh_hans": "2023年度消保信息披露主要数据.pdf",
        "pinned": True,
        "publish_at": at(2024, 1, 12),
        "rights": ["information", "redress"],
        "title_zh_hans": "2023年度消费者权益保护工作重大信息披露",
        "title_en": "Consumer protection disclosure for 2023",
        "summary_zh_hans": "全年开展消保审查235次，投诉15件全部按时办结。本文介绍我们2023年在制度、审查、培训、特殊群体服务和投诉处理方面的情况。",
        "summary_en": "235 consumer-protection reviews and 15 complaints, every one closed on time: what we did in 2023 on policies, reviews, training, care for vulnerable groups and complaints.",
        "body_zh_hans": """## 制度与机制

2023年，我们制定了2023—2025年消费者权益保护工作目标，并根据监管评价结果修订了销售行为可回溯、投诉处理、纠纷多元化解等内部制度。

## 消保审查

面向消费者的每一款产品、每一项服务在推出前都要经过消保审查，对照八项消费者权益逐项检查。

| 审查类别 | 次数 |
| --- | --- |
| 产品审查 | 41 |
| 服务审查 | 194 |
| 合计 | 235 |

## 个人信息保护与员工培训

我们印发了数据安全和敏感信息脱敏相关制度，全年未发生侵害消费者信息安全权的事件。全体员工参加了消保培训，累计约1486人次，覆盖率100%。

## 特殊群体服务

我们保留柜面服务和400热线人工服务，方便不使用智能设备的老年客户；柜面配备轮椅，为行动不便的客户提供帮助。

## 投诉处理

全年共处理投诉15件，全部在规定时限内办结：

- 监管转办3件，涉及北京、安徽；
- 自收12件，涉及北京、湖南、江苏；
- 业务渠道为经代和互联网；
- 投诉类别为销售，以及保全/退保。
""",
        "body_en": """## Policies and procedures

In 2023 we set our consumer-protection goals for 2023–2025 and, following the regulator's assessment, revised our internal rules on recording sales, handling complaints and resolving disputes by several routes.

## Consumer-protection reviews

Every product and service offered to consumers is reviewed against the eight consumer rights before it is launched.

| Review | Number |
| --- | --- |
| Products | 41 |
| Services | 194 |
| Total | 235 |

## Personal information and staff training

We issued rules on data security and on masking sensitive personal data. No breach of a consumer's right to information security occurred during the year. Every employee took part in consumer-protection training: about 1,486 attendances, a coverage rate of 100%.

## Care for vulnerable groups

We keep our service counters and a person answering the 400 hotline for older customers who do not use smartphones, and our counters have wheelchairs for customers with limited mobility.

## Complaints

We handled 15 complaints in 2023 and closed every one of them on time:

- 3 forwarded by the regulator, from Beijing and Anhui;
- 12 received directly, from Beijing, Hunan and Jiangsu;
- business channels: brokers and agents, and internet;
- categories: sales, and policy service and surrender.
""",
    },
    {
        "category": Category.DISCLOSURES,
        "slug": "complaints-in-figures-2023",
        "disclosure_year": 2023,
        "publish_at": at(2024, 1, 15),
        "rights": ["redress", "information"],
        "title_zh_hans": "2023年消费投诉情况一览",
        "title_en": "Complaints in 2023 at a glance",
        "summary_zh_hans": "2023年我们共处理消费投诉15件，其中监管转办3件、自收12件，全部按时办结。",
        "summary_en": "In 2023 we handled 15 complaints: 3 forwarded by the regulator and 12 received directly, all closed on time.",
        "body_zh_hans": """## 按来源

- 监管转办：3件
- 自收：12件

## 按业务渠道

投诉涉及经代渠道和互联网渠道。

## 按投诉类别

投诉集中在销售环节，以及保全/退保服务。

## 按地区

监管转办投诉来自北京、安徽；自收投诉来自北京、湖南、江苏。

## 办理时效

15件投诉全部在15日的处理时限内办结，没有一件需要延期。如果您对我们的处理结果有异议，可以在收到处理决定之日起30日内书面申请核查。
""",
        "body_en": """## By source

- Forwarded by the regulator: 3
- Received directly: 12

## By business channel

The complaints concerned the brokers and agents channel and the internet channel.

## By category

They were about sales, and about policy service and surrender.

## By region

Complaints forwarded by the regulator came from Beijing and Anhui; those received directly came from Beijing, Hunan and Jiangsu.

## Time taken

All 15 complaints were closed on time, and none needed an extension. If you disagree with our decision on your complaint, you may ask for a review in writing within 30 days of receiving it.
""",
    },
    {
        "category": Category.FRAUD_WARNINGS,
        "slug": "what-insurance-fraud-is",
        "pinned": True,
        "publish_at": at(2024, 7, 8),
        "rights": ["property-safety", "education"],
        "title_zh_hans": "反保险欺诈提示：什么是保险欺诈，会有什么后果",
        "title_en": "Insurance fraud: what it is and what it leads to",
        "summary_zh_hans": "编造保险事故、夸大损失、伪造证明材料骗取保险金，都是保险欺诈。保险欺诈可能承担刑事、行政和民事责任。",
        "summary_en": "Inventing an accident, inflating a loss or forging documents to obtain insurance money is fraud, and it can bring criminal, administrative and civil consequences.",
        "body_zh_hans": """## 常见的保险欺诈行为

- 虚构保险标的或隐瞒真实情况投保；
- 编造从未发生的保险事故，或者故意制造保险事故；
- 事故发生后夸大损失程度；
- 伪造、变造病历、发票、鉴定书等证明材料；
- 有人以“内部渠道”“包赔”为名，教唆您提供虚假材料。

## 保险欺诈的法律后果

**刑事责任**：情节严重、构成保险诈骗罪的，依照《刑法》追究刑事责任。

**行政责任**：尚不构成犯罪的，依照《保险法》等规定给予行政处罚。

**民事责任**：保险公司可以解除合同、不予赔付，已经骗取的保险金须退还，给他人造成损失的还要赔偿。

## 保护好自己

不要出借身份证件和银行账户，不在空白单据上签字，不轻信“花钱就能理赔”的说法。发现可疑情况，请通过下方渠道告诉我们。
""",
        "body_en": """## Common forms of insurance fraud

- Insuring something that does not exist, or hiding the true facts when buying cover;
- Inventing an accident that never happened, or causing one on purpose;
- Exaggerating a loss after an accident;
- Forging or altering medical records, invoices or assessment reports;
- Someone offering an "inside route" or a "guaranteed payout" and asking you to supply false papers.

## What fraud leads to

**Criminal**: serious cases are the crime of insurance fraud under the Criminal Law.

**Administrative**: cases that are not a crime are punished under the Insurance Law and related rules.

**Civil**: the insurer may end the contract and refuse to pay, money obtained by fraud must be repaid, and anyone harmed must be compensated.

## Protect yourself

Never lend your ID card or bank account, never sign blank forms, and do not believe anyone who says a claim can be paid for a fee. If something seems wrong, tell us through the channels below.
""",
    },
    {
        "category": Category.FRAUD_WARNINGS,
        "slug": "beware-of-surrender-agents",
        "publish_at": at(2024, 3, 15),
        "rights": ["property-safety", "information-security"],
        "audiences": ["elderly", "youth"],
        "title_zh_hans": "警惕“代理退保”骗局",
        "title_en": 'Beware of "surrender agents"',
        "summary_zh_hans": "有人声称能帮您“全额退保”，收取高额手续费，甚至骗取个人信息。退保请直接联系保险公司，不需要任何中介。",
        "summary_en": "People who promise to get all your premiums back charge high fees and may steal your personal data. To surrender a policy, contact the insurer directly; no middleman is needed.",
        "body_zh_hans": """## 骗局是怎样的

对方通过电话、短信或社交平台联系您，自称“维权专家”，说能帮您退回全部保费，要求您提供身份证、保单和银行卡信息，并先支付“服务费”。

## 可能的损失

- 被收取高额手续费，甚至被诱导把退回的钱转给对方；
- 退保后失去保障，重新投保可能更贵，或因健康原因无法投保；
- 个人信息被泄露、被冒用。

## 正确的做法

对保单有疑问或想退保，请直接拨打我们的客服热线，或到柜面办理。我们不会向您收取任何退保“服务费”。
""",
        "body_en": """## How the scam works

Someone calls, texts or messages you on social media, calls themselves a "consumer rights expert" and says they can get every premium you paid refunded. They ask for your ID card, policy and bank card details, and a "service fee" up front.

## What you can lose

- High fees, or the refunded money itself if you are persuaded to transfer it to them;
- Your cover: buying again later can cost more, or be refused because of your health;
- Your personal data, which can be leaked or misused.

## What to do instead

If you have questions about your policy or want to surrender it, call our hotline or visit a counter. We never charge a "service fee" for a surrender.
""",
    },
    {
        "category": Category.FOREIGNER_GUIDES,
        "slug": "buying-insurance-in-china",
        "publish_at": at(2024, 4, 10),
        "rights": ["information", "choice"],
        "audiences": ["foreigners"],
        "title_zh_hans": "外籍人士服务指南：在中国购买保险",
        "title_en": "Guide for foreign nationals: buying insurance in China",
        "summary_zh_hans": "在中国工作、学习和生活的外籍人士可以购买人身保险。本文说明投保前需要准备的证件和账户。",
        "summary_en": "Foreign nationals who work, study or live in China can buy life and health insurance. This guide lists the documents and accounts you need first.",
        "body_zh_hans": """## 为什么要考虑保险

在中国期间，您可能遇到意外受伤、生病住院或需要紧急救援等情况。合适的保险能帮您承担这些费用。

## 投保前请准备

- 有效护照；
- 有效的居留许可或签证；
- 以您本人名义开立的中国境内银行账户，用于缴纳保费和领取保险金；
- 在中国的联系电话和地址。

## 选择产品时

请仔细阅读保险条款，特别是保障范围、免责条款和等待期。看不懂的地方，可以要求销售人员解释，或致电客服热线。您有权自主选择是否购买、购买哪款产品。
""",
        "body_en": """## Why consider insurance

While in China you may be injured in an accident, fall ill and need hospital care, or need emergency help. The right insurance pays for these.

## Before you buy, have ready

- A valid passport;
- A valid residence permit or visa;
- A bank account in mainland China in your own name, for paying premiums and receiving benefits;
- A phone number and address in China.

## Choosing a product

Read the policy terms carefully, especially what is covered, what is excluded and any waiting period. Ask the salesperson or our hotline to explain anything unclear. It is your choice whether to buy and which product to buy.
""",
    },
    {
        "category": Category.FOREIGNER_GUIDES,
        "slug": "how-to-make-a-claim",
        "publish_at": at(2024, 4, 12),
        "rights": ["redress", "information"],
        "audiences": ["foreigners"],
        "title_zh_hans": "外籍人士服务指南：如何申请理赔",
        "title_en": "Guide for foreign nationals: how to make a claim",
        "summary_zh_hans": "发生保险事故后请在10日内通知保险公司，并由受益人提交理赔申请书和证明材料。",
        "summary_en": "Tell the insurer within 10 days of an insured event; the beneficiary then applies with the claim form and supporting documents.",
        "body_zh_hans": """## 第一步：10日内通知我们

保险事故发生后，请在10日内通知保险公司。如果故意或因重大过失没有及时通知，导致事故的性质、原因或损失程度无法确定，对无法确定的部分保险公司不承担保险责任。

## 第二步：提交申请

由保险金受益人作为申请人，填写保险金给付申请书，并提供以下材料。

### 非身故保险金

- 保险合同；
- 申请人和被保险人的有效身份证件；
- 我们认可医院的专科医生出具的疾病诊断证明，以及相关的病理、血液等检查报告；
- 能够证明事故性质、原因的其他材料。

### 身故保险金

- 保险合同；
- 申请人的有效身份证件；
- 医疗机构、公安部门或其他有关机构出具的被保险人死亡证明；
- 能够证明事故性质、原因的其他材料。

## 外籍人士需要特别准备的材料

- **身份证件**：有效护照原件及复印件（含照片页和最近一次入境签章页），以及有效的外国人居留许可；已换发的，请同时提供旧护照。
- **外文材料的翻译**：境外医院的病历、诊断证明、发票等外文材料，请附中文译本。译本由有资质的翻译机构出具并加盖翻译专用章；在境外形成的死亡证明等重要文件，还需经当地公证并办理领事认证（或附加证明书）。
- **授权他人代办**：本人在境外无法亲自办理的，可出具经公证的授权委托书，委托在中国的亲友代为申请。

## 保险金支付到境外账户

保险金原则上支付到受益人本人名下的中国境内银行账户。受益人已离开中国、没有境内账户的，可以申请支付到本人名下的境外银行账户，请提供开户行名称、SWIFT代码、账号和账户持有人姓名（与护照一致）。境外汇款按人民币金额结汇汇出，汇款银行和中转银行收取的手续费由收款人承担，到账时间一般为5至10个工作日。

## 身在境外也能申请理赔

- 请先拨打可从境外拨打的电话 +86 10 8592 1177 报案（工作日北京时间9:00-12:00、13:30-17:00有英语服务），或发送电子邮件至客服邮箱，写明保单号、被保险人姓名和事故经过。
- 材料可以先发送扫描件，我们审核后会告诉您哪些需要邮寄原件；邮寄地址为北京分公司柜面。
- 理赔进度可随时拨打客服热线查询；对理赔结果有异议，可以在线提交投诉，也可以向国家金融监督管理总局反映（消费者投诉热线12378）。

## 需要帮助？

材料不全或不清楚怎么填写，请拨打客服热线，我们会一步一步协助您。
""",
        "body_en": """## Step 1: tell us within 10 days

After an insured event, notify the insurer within 10 days. If you fail to do so on purpose or through gross negligence, and as a result the nature, cause or extent of the loss cannot be established, the insurer does not pay for the part that cannot be established.

## Step 2: apply

The beneficiary applies by filling in the claim form and providing the documents below.

### Benefits other than death benefits

- The insurance contract;
- Valid identity documents of the applicant and of the insured;
- A diagnosis from a specialist at a hospital we accept, with the pathology, blood and other test reports behind it;
- Any other documents that show the nature and cause of the event.

### Death benefits

- The insurance contract;
- A valid identity document of the applicant;
- The death certificate of the insured, issued by a medical institution, the police or another competent authority;
- Any other documents that show the nature and cause of the event.

## What foreign nationals need in addition

- **Identity**: your valid passport with a copy of the photo page and of the last entry stamp, and your valid residence permit for foreigners. If your passport has been renewed, bring the old one too.
- **Translated documents**: medical records, diagnoses and invoices from hospitals abroad must come with a Chinese translation made and stamped by a qualified translation company. Key documents issued abroad, such as a death certificate, must also be notarised there and legalised by the consulate (or carry an apostille).
- **Someone to act for you**: if you are abroad and cannot apply yourself, a relative or friend in China can apply with a notarised power of attorney from you.

## Payment to a foreign account

We normally pay benefits into a bank account in mainland China in the beneficiary's own name. If you have left China and no longer have one, you may ask us to pay into an account abroad in your own name: give the bank's name, its SWIFT code, the account number and the account holder's name as in your passport. The transfer is made from the amount in yuan; the fees of the sending and intermediary banks are borne by the payee, and the money usually arrives in 5 to 10 working days.

## Claiming from abroad

- Report the claim on +86 10 8592 1177, which can be dialled from abroad (English-speaking staff on working days 9:00–12:00 and 13:30–17:00 Beijing time, UTC+8), or by email to our customer service, with the policy number, the insured's name and what happened.
- Send scans of the documents first; we tell you which originals to post after checking them. The address is the Beijing branch's counter.
- If you disagree with the outcome, file a complaint online, or turn to the National Financial Regulatory Administration (consumer hotline 12378).

## Need help?

If a document is missing or you are unsure how to fill in the form, call our hotline and we will help you step by step.
""",
    },
    {
        "category": Category.CASES,
        "slug": "the-right-product-for-an-older-customer",
        "publish_at": at(2024, 5, 20),
        "rights": ["information", "choice", "fair-dealing"],
        "audiences": ["elderly"],
        "title_zh_hans": "典型案例：为七十岁客户推荐合适的产品",
        "title_en": "Typical case: the right product for a 70-year-old customer",
        "summary_zh_hans": "一位老年客户想把积蓄全部投入一款长期产品。销售人员了解她的需要后，建议了更合适的方案。",
        "summary_en": "An older customer wanted to put all her savings into a long-term product. After asking about her needs, the salesperson suggested something better suited.",
        "body_zh_hans": """## 案例

王阿姨今年70岁，听朋友介绍，想把全部积蓄用来购买一款缴费期十年的保险产品。销售人员在了解情况时得知，她每月需要从积蓄中支取生活费和医药费。

销售人员向她逐条讲解了产品的缴费期、现金价值和提前退保的损失，并建议她保留足够的备用金，只用一部分资金配置保障型产品。王阿姨的女儿也一起听取了说明。

## 分析

这体现了“三适当”原则：把合适的产品，通过合适的渠道，提供给合适的消费者。销售时应当了解消费者的年龄、收入、资金用途和风险承受能力，并如实说明产品的重要信息。

## 提示

购买保险前，请想清楚这笔钱多久以后会用到。老年朋友可以请家人陪同，一起听取说明。
""",
        "body_en": """## The case

Mrs Wang, 70, heard about a product from a friend and wanted to put all her savings into it, paying premiums for ten years. While asking about her situation, the salesperson learned that she draws on those savings every month for living costs and medicine.

The salesperson went through the payment period, the cash value and what she would lose by surrendering early, and suggested she keep enough money at hand and use only part of it for a protection product. Her daughter joined the conversation.

## Why it matters

This is the "three suitabilities" principle: the suitable product, through the suitable channel, for the suitable customer. A seller must find out a customer's age, income, what the money is for and how much risk they can bear, and must explain the key facts of a product truthfully.

## Tip

Before buying, think about when you will need the money. Older customers are welcome to bring a family member to hear the explanation.
""",
    },
    {
        "category": Category.CASES,
        "slug": "a-leaked-phone-number",
        "publish_at": at(2024, 6, 3),
        "rights": ["information-security", "property-safety"],
        "audiences": ["youth", "new-citizens"],
        "title_zh_hans": "典型案例：陌生来电知道我的保单号",
        "title_en": "Typical case: a stranger who knew my policy number",
        "summary_zh_hans": "一位年轻的外卖骑手接到自称“客服”的电话，对方说出了他的保单号，要求他下载软件“办理退费”。",
        "summary_en": 'A young delivery rider got a call from a supposed "customer service agent" who knew his policy number and asked him to install an app to "process a refund".',
        "body_zh_hans": """## 案例

小李是一名外卖骑手。一天他接到电话，对方准确说出了他的姓名和保单号，称他的保单“扣费异常”，要他下载一款会议软件并共享屏幕办理退费。小李想起公司宣传过类似骗局，挂断后拨打了官方客服热线核实，确认这是诈骗。

## 分析

消费者享有信息安全权，金融机构应当妥善保管客户信息。同时，骗子可能通过其他渠道获取个人信息，仅凭对方“知道您的信息”不能证明其身份。

## 提示

- 官方客服不会要求您下载会议软件或共享屏幕；
- 核实身份请挂断后自行拨打官方热线；
- 不要向任何人透露验证码。
""",
        "body_en": """## The case

Xiao Li, a food-delivery rider, got a call from someone who knew his name and his policy number. The caller said there was "a billing error" and asked him to install a video-meeting app and share his screen to get a refund. Remembering a warning about such scams, Xiao Li hung up and called the official hotline himself, which confirmed it was fraud.

## Why it matters

Consumers have a right to information security, and financial institutions must keep customer data safe. But fraudsters can obtain personal data in other ways: someone knowing your details proves nothing about who they are.

## Tips

- Our staff never ask you to install a meeting app or share your screen;
- To check a caller, hang up and call the official hotline yourself;
- Never tell anyone a verification code.
""",
    },
    {
        "category": Category.CASES,
        "slug": "counter-service-for-every-customer",
        "publish_at": at(2024, 8, 16),
        "rights": ["respect"],
        "audiences": ["disabilities", "pregnant"],
        "title_zh_hans": "典型案例：柜面上的一把轮椅",
        "title_en": "Typical case: a wheelchair at the counter",
        "summary_zh_hans": "一位孕晚期客户和一位行动不便的客户来柜面办理业务，工作人员提供了优先办理和上门取件服务。",
        "summary_en": "A customer late in pregnancy and a customer with limited mobility came to our counter; staff served them first and offered to collect documents at home.",
        "body_zh_hans": """## 案例

一位怀孕八个月的客户来办理保单变更，工作人员请她在休息区坐下，优先为她办理，并告诉她以后可以在线提交材料。同一天，一位腿部受伤的老客户由家人陪同前来，工作人员推来柜面配备的轮椅，并约定后续材料可以上门收取。

## 分析

受尊重权要求金融机构尊重消费者的人格尊严，为有需要的群体提供便利，保障他们公平获得金融服务。

## 提示

如果您行动不便或有特殊需要，来柜面前可以先拨打客服热线，我们会提前做好准备。
""",
        "body_en": """## The case

A customer eight months pregnant came to change her policy. Staff asked her to sit in the waiting area, served her first and showed her how to send documents online next time. The same day an older customer with an injured leg came with his family; staff brought the counter's wheelchair and arranged to collect his remaining documents at home.

## Why it matters

The right to respect requires financial institutions to respect every customer's dignity and to make access easy for those who need help, so that everyone is served on fair terms.

## Tip

If you have limited mobility or other needs, call our hotline before you come and we will be ready for you.
""",
    },
    {
        "category": Category.CAMPAIGNS,
        "slug": "investor-protection-day-2024",
        "publish_at": at(2024, 5, 14),
        "rights": ["education", "property-safety"],
        "audiences": ["elderly", "youth", "new-citizens"],
        "title_zh_hans": "“5·15全国投资者保护宣传日”活动",
        "title_en": "National Investor Protection Day (5·15) 2024",
        "summary_zh_hans": "2024年5月15日至21日，我们在各分支机构和线上开展投资者保护宣传，帮助大家识别非法金融活动。",
        "summary_en": "From 15 to 21 May 2024 our branches and online channels ran investor-protection events to help people recognise illegal financial activity.",
        "body_zh_hans": """## 活动时间

2024年5月15日至5月21日。

## 活动内容

- 柜面设置宣传资料，工作人员现场解答问题；
- 走进社区，为老年朋友讲解如何识别“高收益、保本”的非法集资；
- 通过公众号发布典型案例和风险提示；
- 面向新市民和青年群体，介绍“三适当”原则和理性投资知识。

## 记住三句话

高收益往往伴随高风险；承诺保本高息的要警惕；购买金融产品要通过正规渠道。
""",
        "body_en": """## When

15 to 21 May 2024.

## What we did

- Leaflets at every counter, with staff to answer questions;
- Talks in local communities showing older people how to spot illegal fund-raising that promises "high returns with no risk";
- Typical cases and risk warnings on our official account;
- Sessions for new citizens and young people on the "three suitabilities" and sensible investing.

## Three things to remember

High returns usually mean high risk; be wary of anyone promising guaranteed high interest; buy financial products only through licensed channels.
""",
    },
    {
        "category": Category.CAMPAIGNS,
        "slug": "insurance-publicity-day-2023",
        "publish_at": at(2023, 7, 7),
        "rights": ["education"],
        "audiences": ["elderly", "new-citizens"],
        "title_zh_hans": "“7·8全国保险公众宣传日”走进社区",
        "title_en": "National Insurance Publicity Day (7·8) in the community",
        "summary_zh_hans": "围绕“一老一少一新”，我们在“7·8”期间走进社区，讲解保险的作用和消费者的八项权益。",
        "summary_en": "For 7 July we visited local communities to explain what insurance is for and the eight consumer rights, with older people, young people and new citizens in mind.",
        "body_zh_hans": """## 我们做了什么

- 在社区活动中心讲解重疾险、医疗险和意外险的区别；
- 介绍消费者的八项基本权益，以及投诉和咨询的渠道；
- 为老年朋友演示如何使用热线人工服务；
- 为快递员、外卖骑手等新市民介绍适合他们的意外保障。

## 欢迎参加

后续的宣教活动会在本栏目发布，欢迎关注。
""",
        "body_en": """## What we did

- Explained the difference between critical-illness, medical and accident cover at community centres;
- Introduced the eight consumer rights and where to ask questions or complain;
- Showed older people how to reach a person on our hotline;
- Told couriers, delivery riders and other new citizens about accident cover that suits their work.

## Join us

Future events are announced in this section.
""",
    },
    {
        "category": Category.ANNOUNCEMENTS,
        "slug": "financial-product-query-platform",
        "pinned": True,
        "publish_at": at(2024, 11, 1),
        "rights": ["information"],
        "title_zh_hans": "金融产品查询平台正式上线",
        "title_en": "The financial product query platform is live",
        "summary_zh_hans": "在金融监管总局指导下建设的金融产品查询平台于10月31日面向消费者上线，可查询银行理财、保险、信托和保险资管产品。",
        "summary_en": "A national platform for looking up financial products, built under the guidance of the financial regulator, opened to consumers on 31 October. It covers bank wealth-management, insurance, trust and insurance asset-management products.",
        "body_zh_hans": """## 平台能做什么

金融产品查询平台汇集了多类合法金融产品的信息，消费者可以在购买前核实产品是否真实存在、由哪家机构发行。目前支持银行理财、保险、信托、保险资管四类产品，今后还会增加更多品类。

## 如何使用

- 网站：[www.jrcpcx.cn](https://www.jrcpcx.cn/)
- 微信小程序：搜索“金融产品查询平台”
- 手机应用：在应用商店搜索“金融产品查询平台”

## 提示

有人向您推荐金融产品时，先在平台上查一查，查不到的要格外小心。
""",
        "body_en": """## What it does

The platform brings together information on lawful financial products, so you can check before you buy that a product exists and who issues it. It covers bank wealth-management products, insurance, trusts and insurance asset-management products, with more kinds to come.

## How to use it

- Website: [www.jrcpcx.cn](https://www.jrcpcx.cn/) (in Chinese)
- WeChat mini program: search for 金融产品查询平台
- Mobile app: search for 金融产品查询平台 in your app store

## Tip

When someone offers you a financial product, look it up first. Be especially careful if you cannot find it.
""",
    },
    {
        "category": Category.ANNOUNCEMENTS,
        "slug": "meet-kang-xiaoxiao",
        "publish_at": at(2024, 1, 26),
        "rights": ["education"],
        "audiences": ["youth"],
        "title_zh_hans": "我们的形象大使“康小小”上线了",
        "title_en": "Meet Kang Xiaoxiao, our digital ambassador",
        "summary_zh_hans": "虚拟数字人“康小小”将用通俗的方式讲解保险知识和消费者权益。",
        "summary_en": "Kang Xiaoxiao, a virtual presenter, will explain insurance and consumer rights in plain words.",
        "body_zh_hans": """“康小小”是我们推出的第一个虚拟数字人形象大使。今后，“康小小”会出现在我们的宣教视频和文章中，用简单易懂的方式讲解理赔流程、风险提示和消费者权益，让金融知识触达更多人群。

欢迎在本栏目和我们的公众号关注“康小小”的更新。
""",
        "body_en": """Kang Xiaoxiao is our first virtual presenter. From now on Kang Xiaoxiao will appear in our education videos and articles, explaining claims, risk warnings and consumer rights in plain words, so that financial knowledge reaches more people.

Follow Kang Xiaoxiao's updates in this section and on our official account.
""",
    },
    {
        # Only in Chinese: English pages show it with the "only available in Chinese" note.
        "category": Category.ANNOUNCEMENTS,
        "slug": "spring-festival-service-hours-2025",
        "publish_at": at(2025, 1, 20),
        "title_zh_hans": "2025年春节期间服务安排",
        "title_en": "",
        "summary_zh_hans": "春节假期期间，客服热线照常提供服务，柜面暂停营业。",
        "summary_en": "",
        "body_zh_hans": """春节假期期间，400客服热线照常为您服务；各分支机构柜面暂停营业，节后第一个工作日恢复。

假期内如需报案，请拨打客服热线，我们会记录您的报案时间。
""",
        "body_en": "",
    },
]

# Notices that carry no year in their text are dated relative to the day the demo is loaded, so that the newest
# notice is never years old: days before today, newest first.
RECENT = {
    "what-insurance-fraud-is": 9,
    "financial-product-query-platform": 24,
    "beware-of-surrender-agents": 41,
    "a-leaked-phone-number": 67,
    "how-to-make-a-claim": 96,
    "buying-insurance-in-china": 128,
    "the-right-product-for-an-older-customer": 170,
    "counter-service-for-every-customer": 214,
    "meet-kang-xiaoxiao": 262,
}


def recent(days_ago: int) -> datetime.datetime:
    today = datetime.datetime.now(SHANGHAI).date()
    day = today - datetime.timedelta(days=days_ago)
    return datetime.datetime(day.year, day.month, day.day, 10, 0, tzinfo=SHANGHAI)


CONTENT_FIELDS = (
    "title_zh_hans", "title_en", "summary_zh_hans", "summary_en", "body_zh_hans", "body_en",
    "pinned", "rights", "audiences", "disclosure_year", "publish_at",
)  # fmt: skip


def _pdf_line(line: str, chinese: bool) -> bytes:
    if chinese:
        # Two bytes per character in the UniGB-UCS2-H encoding of Adobe's standard Chinese font.
        return b"<" + line.encode("utf-16-be").hex().upper().encode() + b"> '"
    return b"(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1") + b") '"


def summary_pdf(lines: list[str], *, chinese: bool = False) -> bytes:
    """A one-page PDF of plain lines (the disclosure's key figures), built by hand: no PDF library needed.
    Chinese lines use STSong-Light, one of the standard Chinese fonts every PDF reader provides."""
    text = b"BT /F1 12 Tf 72 760 Td 18 TL " + b" ".join(_pdf_line(line, chinese) for line in lines) + b" ET"
    if chinese:
        fonts = [
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [6 0 R] >>",
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 "
            b"/W [1 95 500] >>",
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        ]
    else:
        fonts = [b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        *fonts,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


DISCLOSURE_SUMMARY = [
    "Consumer protection disclosure 2023 - key figures",
    "",
    "Consumer-protection reviews: 235 (products 41, services 194)",
    "Staff training: about 1,486 attendances, coverage 100%",
    "Complaints: 15, all closed on time",
    "  forwarded by the regulator: 3 (Beijing, Anhui)",
    "  received directly: 12 (Beijing, Hunan, Jiangsu)",
    "  channels: brokers and agents, internet",
    "  categories: sales; policy service and surrender",
]
DISCLOSURE_SUMMARY_ZH = [
    "2023年度消费者权益保护工作重大信息披露——主要数据",
    "",
    "消保审查：235件（产品41件，服务194件）",
    "员工培训：约1,486人次，覆盖率100%",
    "消费投诉：15件，全部按时办结",
    "  监管转办：3件（北京、安徽）",
    "  自收投诉：12件（北京、湖南、江苏）",
    "  渠道：经纪代理、互联网",
    "  类别：销售；保全及退保",
]


def load(stdout=None) -> None:
    created = changed = 0
    for data in NOTICES:
        values = {name: data.get(name, [] if name in ("rights", "audiences") else None) for name in CONTENT_FIELDS}
        if data["slug"] in RECENT:
            values["publish_at"] = recent(RECENT[data["slug"]])
        values["pinned"] = bool(values["pinned"])
        notice = Notice.objects.filter(category=data["category"], slug=data["slug"]).first()
        if notice is None:
            notice = notice_create(actor=None, category=data["category"], slug=data["slug"], **values)
            created += 1
        elif any(getattr(notice, name) != value for name, value in values.items()):
            notice = notice_update(notice=notice, actor=None, **values)
            changed += 1
        if notice.status != Status.PUBLISHED:
            notice_publish(notice=notice, actor=None)
        if data.get("attachment") and not notice.attachments.exists():
            # The key figures in each language, each offered on its own language's page.
            for language, name, lines in (
                ("zh-hans", data["attachment_zh_hans"], DISCLOSURE_SUMMARY_ZH),
                ("en", data["attachment"], DISCLOSURE_SUMMARY),
            ):
                upload = SimpleUploadedFile(name, summary_pdf(lines, chinese=language == "zh-hans"))
                notice_attachment_add(notice=notice, actor=None, upload=upload, language=language)
    if stdout:
        stdout.write(f"notices: {len(NOTICES)} demo notices ({created} new, {changed} updated)\n")
