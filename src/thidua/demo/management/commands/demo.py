from django.core.management import BaseCommand, call_command

from thidua.demo.scenario import load_reference_scenario, scenario_loaded


class Command(BaseCommand):
    help = "Migrate, load the reference scenario (2018 review of the northern border cluster) and print the demo accounts."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        already = scenario_loaded()
        accounts = load_reference_scenario()
        self.stdout.write("Kịch bản mẫu " + ("đã có sẵn." if already else "đã được nạp."))
        self.stdout.write("Tài khoản demo / demo accounts (tên đăng nhập / mật khẩu — vai trò):")
        for username, password, label in accounts:
            self.stdout.write(f"  {username:<10} / {password} — {label}")
