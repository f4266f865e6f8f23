// The dashboard over recorded series (`build --recorded`): each range target whose query recording rules
// can stand in for reads their series instead. Instant targets keep their raw query: one evaluation at the
// range's end reads little, and a recorded value is the last evaluation's, up to a minute old.
import type { Dashboard } from "@grafana/grafana-foundation-sdk/dashboard";
import { recordedFormOfTarget } from "../panels/common";
import type { RecordedForm, Recording } from "../queries/query";
import type { JobScope } from "../queries/selectors";
import { panelsOf } from "./reads";

interface BuiltTarget {
  expr?: string;
  instant?: boolean;
}

/** The range targets of a built dashboard that have a recorded form, with that form. */
function recordableTargets(built: Dashboard): { target: BuiltTarget; form: RecordedForm }[] {
  return panelsOf(built).flatMap((panel) =>
    ((panel.targets ?? []) as BuiltTarget[]).flatMap((target) => {
      const form = recordedFormOfTarget(target);
      return form && !target.instant ? [{ target, form }] : [];
    }),
  );
}

/** Points every recordable target at the series the rules for `scope` record. */
export function readRecordedSeries(built: Dashboard, scope: JobScope): Dashboard {
  for (const { target, form } of recordableTargets(built)) target.expr = form.expr(scope).toString();
  return built;
}

/** What the dashboard's recorded form reads: the recording rules to load with it, each once. */
export function dashboardRecordings(built: Dashboard): Recording[] {
  const unique = new Map<string, Recording>();
  for (const { form } of recordableTargets(built))
    for (const recording of form.recordings)
      unique.set([recording.metric, recording.operations, ...recording.by].join(" "), recording);
  return [...unique.values()];
}
