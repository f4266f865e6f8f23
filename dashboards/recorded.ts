// The dashboard over recorded series (`build --recorded`): each range target whose query recording rules
// can stand in for reads their series instead. Instant targets keep their raw query (one evaluation at the
// range's end reads little) unless their window is long enough that even one reads much (the objective's
// 30-day budget).
import { type DeclaredPanel, type Target, showing } from "../panels/panel";
import type { RecordedForm, Recording } from "../queries/query";
import type { JobScope } from "../queries/selectors";

const recordedForm = (target: Target): RecordedForm | undefined =>
  !target.instant || target.query.recorded?.instant ? target.query.recorded : undefined;

/** Points the panel's recordable targets at the series the rules for `scope` record. */
export function readRecordedSeries(panel: DeclaredPanel, scope: JobScope): void {
  if (!panel.targets.some(recordedForm)) return;
  showing(panel, (target) => (recordedForm(target)?.expr(scope) ?? target.query.expr).toString());
}

/** What the panels' recorded form reads: the recording rules to load with it, each once. */
export function dashboardRecordings(panels: readonly DeclaredPanel[]): Recording[] {
  const unique = new Map<string, Recording>();
  for (const form of panels.flatMap((panel) => panel.targets.map(recordedForm)))
    for (const recording of form?.recordings ?? [])
      unique.set([recording.metric, recording.operations, ...recording.by].join(" "), recording);
  return [...unique.values()];
}
