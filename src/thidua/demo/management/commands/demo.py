from django.core.management import BaseCommand, call_command
from django.test.utils import override_settings

from thidua.demo.scenario import load_reference_scenario, scenario_loaded


class Command(BaseCommand):
    help = "Migrate, load the reference scenario (2018 review of the northern border cluster) and print the demo accounts."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        already = scenario_loaded()
        # The scenario's events notify its demo users; no e-mail leaves (nor fills the console) while loading.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            accounts = load_reference_scenario()
        self.stdout.write("Kịch bản mẫu " + ("đã có sẵn." if already else "đã được nạp."))
        self.stdout.write("Tài khoản demo / demo accounts (tên đăng nhập / mật khẩu — vai trò):")
        for username, password, label in accounts:
            self.stdout.write(f"  {username:<10} / {password} — {label}")
