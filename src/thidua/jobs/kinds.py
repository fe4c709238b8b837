"""The built-in kind: a self-test that counts in steps (checks that workers run jobs; used by the tests and by
`thidua job_selftest` after a deployment)."""

import os
import time

from django.utils.translation import gettext_lazy as _

from thidua.jobs.registry import JobFailed, JobOutput, register


@register("jobs.selftest", _("Kiểm tra máy chủ xử lý"))
def selftest(ctx) -> JobOutput:
    steps = int(ctx.params.get("steps", 5))
    pause = float(ctx.params.get("step_seconds", 0.2))
    if ctx.params.get("fail"):
        raise JobFailed(str(ctx.params["fail"]))
    ctx.progress(0, steps, _("Đang chuẩn bị"))
    # Work that reports nothing for a while (one big query): a fixed time, or until a file appears (the tests).
    time.sleep(float(ctx.params.get("quiet_seconds", 0)))
    if ctx.params.get("quiet_until_file"):
        while not os.path.exists(ctx.params["quiet_until_file"]):
            time.sleep(0.2)
    for step in range(steps):
        ctx.progress(step, steps, _("Bước %(n)s") % {"n": step + 1})
        time.sleep(pause)
    ctx.progress(steps, steps)
    return JobOutput(content=f"ok {steps}\n".encode(), filename="kiem-tra.txt",
                     message=str(_("Máy chủ xử lý chạy được công việc (%(n)s bước).") % {"n": steps}))
