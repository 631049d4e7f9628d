"""Publishing: plan (pure, with reasons), apply (the one write loop), record, and the run
that orchestrates them.

The names below are the room's public face: other rooms (maintain/, watch, the
command line) import them from here, never from a module inside.

    plan.py      what to write for a school or the page's shared objects, and why
    apply.py     apply_writes, the one loop that writes to a store; apply_school
    results.py   what applying did (SchoolResult), and recording it and the run per target
    run.py       a publish run: claims, batches, upload threads
    summary.py   RunSummary: what a run did, as one line and a --json document
    inputs.py    which schools to build: the digest of what their files are built from
    planner.py   planning in a process of its own
    alerts.py    putting schools' alert objects in a target at once (`publisher alert`)
"""

from publisher.publish.alerts import AlertWrites, publish_alerts
from publisher.publish.apply import Applied, apply_school, apply_writes
from publisher.publish.inputs import Due, due_schools
from publisher.publish.plan import (
    JSON_TYPE,
    UNSETTLED,
    PlannedWrite,
    Reason,
    SchoolPlan,
    plan_alert,
    plan_logo,
    plan_school,
    plan_school_window,
    plan_shared_objects,
)
from publisher.publish.planner import PlanningProcess, can_plan_elsewhere
from publisher.publish.results import SchoolResult, record_results, record_run, record_shared
from publisher.publish.run import (
    plan_schools_in_batches,
    plan_shared_objects_for_target,
    publish,
)
from publisher.publish.summary import RunSummary

__all__ = [
    "JSON_TYPE",
    "AlertWrites",
    "UNSETTLED",
    "Applied",
    "Due",
    "PlannedWrite",
    "PlanningProcess",
    "Reason",
    "RunSummary",
    "SchoolPlan",
    "SchoolResult",
    "apply_school",
    "apply_writes",
    "can_plan_elsewhere",
    "due_schools",
    "plan_alert",
    "plan_logo",
    "plan_school",
    "plan_school_window",
    "plan_schools_in_batches",
    "plan_shared_objects",
    "plan_shared_objects_for_target",
    "publish",
    "publish_alerts",
    "record_results",
    "record_run",
    "record_shared",
]
