"""Which notebook's driver runs when (pipeline/schedule.run_waves), with stand-in drivers.

A stand-in records when it was started (gated or not), released and polled; it "runs" for a
number of polls once it may run. The expected orders are worked out by hand from the rules in
schedule.py's docstring: the first wave longest first, at most ``jobs`` at once, the last
notebook gated until the first wave has succeeded.
"""
from __future__ import annotations

import pytest

from cohortstats.pipeline import schedule
from cohortstats.pipeline.schedule import Outcome, run_waves


class Stand:
    def __init__(self, log, name, gated, polls, code):
        self.log, self.name, self.gated, self.polls, self.code = log, name, gated, polls, code
        self.go = not gated
        self.told = False
        log.append(("start", name, gated))

    def release(self, go):
        if not self.told:
            self.told, self.go = True, go
            self.log.append(("go" if go else "stop", self.name))

    def done(self):
        if self.gated and not self.told:
            return False
        if not self.go:
            return True
        self.polls -= 1
        return self.polls <= 0

    def outcome(self):
        self.log.append(("end", self.name))
        return Outcome(self.name, self.code if self.go else 0, "")

    def stop(self):
        self.log.append(("killed", self.name))


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr(schedule, "_POLL", 0)


def _run(jobs, polls, codes=None, last_early=False, fail_ready=False, log=None,
         first=("01-cohort", "02-outcomes", "03-sensitivity"), settled=None):
    log = [] if log is None else log
    codes = codes or {}

    def start(name, gated):
        return Stand(log, name, gated, polls[name], codes.get(name, 0))

    def ready():
        log.append(("ready",))
        if fail_ready:
            raise RuntimeError("bad input")

    result = run_waves(list(first), "04-claims", jobs, start,
                       when_idle=lambda: log.append(("idle",)), ready=ready, last_early=last_early,
                       settled=settled)
    return log, result


POLLS = {"01-cohort": 2, "02-outcomes": 6, "03-sensitivity": 2, "04-claims": 1}


def test_two_jobs_longest_first_then_the_last_warmed_when_a_slot_frees():
    log, (first, last) = _run(2, POLLS)
    # 02 (longest) and 03 start gated before the input checks; 01 when 03 ends; 04 gated when
    # 01 ends and nothing waits (the idle slot), released once 02 has ended.
    assert log[:4] == [("start", "02-outcomes", True), ("start", "03-sensitivity", True),
                       ("ready",), ("go", "02-outcomes")]
    starts = [e for e in log if e[0] == "start"]
    assert starts == [("start", "02-outcomes", True), ("start", "03-sensitivity", True),
                      ("start", "01-cohort", False), ("start", "04-claims", True)]
    assert log.index(("idle",)) == log.index(("start", "04-claims", True)) + 1
    assert log.index(("go", "04-claims")) > log.index(("end", "02-outcomes"))
    assert [o.name for o in first] == ["01-cohort", "02-outcomes", "03-sensitivity"]
    assert last.name == "04-claims" and last.code == 0
    assert log.count(("idle",)) == 1


def test_last_early_starts_with_the_first_wave_and_idle_still_waits_for_a_slot():
    log, (first, last) = _run(2, POLLS, last_early=True)
    starts = [e for e in log if e[0] == "start"]
    # the last notebook's driver starts gated beside the two jobs, before the input checks
    assert starts[:3] == [("start", "02-outcomes", True), ("start", "03-sensitivity", True),
                          ("start", "04-claims", True)]
    assert log.index(("start", "04-claims", True)) < log.index(("ready",))
    # ...it takes no job: 01 still starts when 03 ends; publishing's idle call comes after 01
    assert log.index(("start", "01-cohort", False)) > log.index(("end", "03-sensitivity"))
    assert log.index(("idle",)) > log.index(("start", "01-cohort", False))
    assert log.count(("idle",)) == 1 and last.code == 0


@pytest.mark.parametrize("last_early", [False, True])
def test_a_failing_first_wave_notebook_stops_the_last_unrun(last_early):
    log, (first, last) = _run(2, POLLS, codes={"03-sensitivity": 1}, last_early=last_early)
    assert last is None
    assert {o.name: o.code for o in first}["03-sensitivity"] == 1
    assert ("go", "04-claims") not in log
    if ("start", "04-claims", True) in log:
        assert ("stop", "04-claims") in log


@pytest.mark.parametrize("last_early", [False, True])
def test_failed_input_checks_stop_every_started_driver(last_early):
    log = []
    with pytest.raises(RuntimeError, match="bad input"):
        _run(2, POLLS, last_early=last_early, fail_ready=True, log=log)
    started = {e[1] for e in log if e[0] == "start"}
    assert started == {"02-outcomes", "03-sensitivity"} | ({"04-claims"} if last_early else set())
    assert {e[1] for e in log if e[0] == "killed"} == started
    assert not any(e[0] == "go" for e in log)


def test_one_job_runs_one_at_a_time():
    log, (first, last) = _run(1, POLLS)
    running, most = 0, 0
    for e in log:
        if e[0] == "start" and not e[2] or e[0] == "go":
            running += 1
            most = max(most, running)
        elif e[0] == "end":
            running -= 1
    assert most == 1 and last.code == 0


def _settles_after(log, calls):
    """A stand-in for the zygote's imports: done from the ``calls``-th question on (logged then)."""
    asked = [0]

    def settled():
        asked[0] += 1
        if asked[0] == calls:
            log.append(("settled",))
        return asked[0] >= calls
    return settled


def test_one_notebook_changed_idle_comes_once_the_imports_are_done():
    """Only 03 runs again (then 04): a slot is free from the start, but the kernels' zygote is
    still importing; publishing's processes start when it is done, while 03 still runs."""
    log = []
    log, (first, last) = _run(2, {**POLLS, "03-sensitivity": 20}, last_early=True,
                              first=("03-sensitivity",), settled=_settles_after(log, 5), log=log)
    assert log.index(("settled",)) < log.index(("idle",)) < log.index(("end", "03-sensitivity"))
    assert log.count(("idle",)) == 1 and last.code == 0


def test_imports_that_never_settle_still_leave_one_idle_call_before_the_last_notebook():
    log, (first, last) = _run(2, POLLS, last_early=True, first=("03-sensitivity",),
                              settled=lambda: False)
    assert log.count(("idle",)) == 1
    assert log.index(("end", "03-sensitivity")) < log.index(("idle",)) < log.index(("go", "04-claims"))
