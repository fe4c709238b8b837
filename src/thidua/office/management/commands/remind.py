"""`thidua remind`: send today's reminders (deadlines 3 working days away or passed, cluster-year steps due) —
for cron, where no `thidua worker` runs. Idempotent: the day is claimed once (a second run the same day, or a
worker that already enqueued it, does nothing), and each reminder exists once per user anyway.

    thidua remind              claim today and send now (in this process)
    thidua remind --enqueue    claim today and put the job on the background queue
    thidua remind --again      send again even if today was claimed (creates only what is missing)
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from thidua.office import reminders


class Command(BaseCommand):
    help = "Send today's reminders (deadlines, cluster-year steps); once a day."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day (YYYY-MM-DD; default: today)")
        parser.add_argument("--enqueue", action="store_true", help="run it on the background-job engine")
        parser.add_argument("--again", action="store_true", help="run even if the day was already claimed")

    def handle(self, *args, date=None, enqueue=False, again=False, **options):
        try:
            day = _parse(date) if date else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date {date!r}: cần ngày dạng YYYY-MM-DD.") from None
        if enqueue:
            done = reminders.enqueue_daily(day)
            self.stdout.write(f"{day}: {'đã đưa vào hàng đợi' if done else 'đã có lượt nhắc việc của ngày này'}")
            return
        if not reminders.claim_day(day) and not again:
            self.stdout.write(f"{day}: đã có lượt nhắc việc của ngày này (dùng --again để chạy lại).")
            return
        created = reminders.run_reminders(day)
        self.stdout.write(f"{day}: {created} thông báo nhắc việc mới.")


def _parse(value: str) -> date:
    return date.fromisoformat(value)
