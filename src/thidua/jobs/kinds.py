"""The built-in kind: a self-test that counts in steps (checks that workers run jobs; used by the tests and by
`thidua job_selftest` after a deployment)."""

import time

from django.utils.translation import gettext_lazy as _

from thidua.jobs.registry import JobFailed, JobOutput, register


@register("jobs.selftest", _("Kiểm tra máy chủ xử lý"))
def selftest(ctx) -> JobOutput:
    steps = int(ctx.params.get("steps", 5))
    pause = float(ctx.params.get("step_seconds", 0.2))
    if ctx.params.get("fail"):
        raise JobFailed(str(ctx.params["fail"]))
    time.sleep(float(ctx.params.get("quiet_seconds", 0)))  # work that reports nothing for a while (one big query)
    for step in range(steps):
        ctx.progress(step, steps, _("Bước %(n)s") % {"n": step + 1})
        time.sleep(pause)
    ctx.progress(steps, steps)
    return JobOutput(content=f"ok {steps}\n".encode(), filename="kiem-tra.txt",
                     message=str(_("Máy chủ xử lý chạy được công việc (%(n)s bước).") % {"n": steps}))
