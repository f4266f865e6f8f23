// What the dashboard over recorded series (`build --recorded`) needs loaded: the recording rules its
// targets read. Which targets read recorded series, and the PromQL they render then, `panel()` decides
// as it declares them (panels/panel.ts `recordedForm`, `declaredOver`).
import { type DeclaredPanel, recordedForm } from "../panels/panel";
import type { Recording } from "../queries/query";

/** What the panels' recorded form reads: the recording rules to load with it, each once. */
export function dashboardRecordings(panels: readonly DeclaredPanel[]): Recording[] {
  const unique = new Map<string, Recording>();
  for (const form of panels.flatMap((panel) =>
    panel.targets.map((target) => recordedForm(target.query, target.instant)),
  ))
    for (const recording of form?.recordings ?? [])
      unique.set([recording.metric, recording.operations, ...recording.by].join(" "), recording);
  return [...unique.values()];
}
