"""Files for the compliance tests: CSV and XLSX tables of complaints, and the year that mirrors the seed
disclosure (3 regulator-forwarded, 12 received directly, all closed within 15 days)."""

import csv
import io

from openpyxl import Workbook

HEADER = [
    "received_at", "source", "regulator_ref", "channel", "business_channel", "category", "province", "name",
    "phone", "description", "closed_at", "outcome",
]  # fmt: skip
CHINESE_HEADER = [
    "接收日期", "来源", "监管编号", "渠道", "业务渠道", "投诉类别", "省份", "姓名", "联系电话", "投诉内容", "办结日期",
    "处理结果",
]  # fmt: skip


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(received="2023-03-01", source="self", ref="", channel="phone", business="broker", category="sales",
        province="北京", name="王芳", phone="13900001111", description="销售时未说明犹豫期。", closed="", outcome=""):  # fmt: skip
    return [received, source, ref, channel, business, category, province, name, phone, description, closed, outcome]


def seed_year_rows(year=2023) -> list[list]:
    """The seed disclosure's year: 3 forwarded by the regulator (brokers and internet; sales and policy service;
    Beijing and Anhui), 12 received directly (Beijing, Hunan, Jiangsu first), all closed within 15 days."""
    regulator = [
        row(f"{year}-02-10", "监管转办", "JG-2023-001", "信", "经代", "销售", "北京", "李明", "13800000001",
            "代理人夸大收益。", f"{year}-02-20", "部分支持"),
        row(f"{year}-05-08", "regulator", "JG-2023-002", "web", "internet", "policy_service", "安徽", "赵雷",
            "13800000002", "退保金额有异议。", f"{year}-05-15", "not_upheld"),
        row(f"{year}-08-21 16:45", "regulator", "JG-2023-003", "phone", "broker", "sales", "北京", "孙丽",
            "13800000003", "保单条款解释不清。", f"{year}-09-01", "upheld"),
    ]  # fmt: skip
    provinces = ["北京", "北京", "北京", "北京", "湖南", "湖南", "湖南", "江苏", "江苏", "上海", "广东", "四川"]
    categories = ["sales"] * 5 + ["policy_service"] * 4 + ["claims", "service", "other"]
    channels = ["broker"] * 5 + ["internet"] * 4 + ["agency", "bancassurance", "group"]
    direct = []
    for index in range(12):
        month = index + 1
        direct.append(
            row(
                f"{year}-{month:02d}-03 09:{index:02d}",
                "自收",
                "",
                ["电", "访", "网", "微", "邮", "信"][index % 6],
                channels[index],
                categories[index],
                provinces[index],
                f"客户{index + 1}",
                f"139{index:08d}",
                f"第{index + 1}件自收投诉。",
                f"{year}-{month:02d}-{3 + (index % 12):02d}",
                "upheld",
            )
        )
    return regulator + direct
