// Recording rules of the federation delivery objective: the failed share of deliveries to live servers
// over each window its burn-rate alerts read, named `level:metric:operations` like rules/akkoma.ts's.
import type { Builder, Expr } from "@grafana/promql-builder";
import { Query } from "../queries/query";
import { type JobScope, recordedSeries } from "../queries/selectors";
import { failedDeliveryShare, shareRecording } from "../queries/slo";
import { recordName } from "../queries/query";
import type { RecordingRule } from "./akkoma";

/** The failed share over a window, raw or recorded. */
export type DeliveryShare = (window: string) => Query;

export const rawDeliveryShare =
  (scope: JobScope, deadReasons: readonly string[]): DeliveryShare =>
  (window) =>
    failedDeliveryShare(window, scope, deadReasons);

/** The share over recorded series, and the recording rules it needs (filled as the alerts ask for windows). */
export function recordedDeliveryShare(
  scope: JobScope,
  deadReasons: readonly string[],
): { share: DeliveryShare; rules: () => RecordingRule[] } {
  const raw = rawDeliveryShare(scope, deadReasons);
  const rules = new Map<string, RecordingRule>();
  return {
    share: (window) => {
      const record = recordName(shareRecording(window, deadReasons), scope);
      const query = raw(window);
      if (!rules.has(record)) rules.set(record, { record, query });
      return new Query(recordedSeries(record, scope) as Builder<Expr>, query.reads, query.unit);
    },
    rules: () => [...rules.values()],
  };
}
