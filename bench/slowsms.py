"""An SMS backend that takes as long as a slow gateway (BENCH_SMS_LATENCY seconds, default 0.2) and sends
nothing: bench/submit.py puts it where a web request would wait for it."""

import os
import time


class SlowSMSBackend:
    delivers = False

    def send(self, *args, **kwargs):
        time.sleep(float(os.environ.get("BENCH_SMS_LATENCY", "0.2")))
        return "slow"
