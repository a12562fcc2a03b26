from django.core.management.base import BaseCommand

from zerocrop.demo.campaign import DEMO_PASSWORD, demo_load, demo_logins


class Command(BaseCommand):
    help = "载入示例行动（无定河镇“利剑-22”）及各角色演示账号；已载入则保留现有数据"

    def handle(self, *args: object, **options: object) -> None:
        campaign, created = demo_load()
        if created:
            self.stdout.write(f"已载入示例行动：{campaign.unit.name}「{campaign.name}」")
        else:
            self.stdout.write(f"示例行动「{campaign.name}」已存在，保留现有数据。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in demo_logins():
            self.stdout.write(f"  {login.username:<8} {login.role}（{login.unit}）")
