import type { Reader } from "../queries/query";
import { akkomaAlerts } from "./akkoma";
import { federationSloAlerts } from "./slo";

/**
 * Every alert, the delivery objective's too, with what its condition reads: `check` names the alerts a
 * missing series would silence.
 */
export const alertReaders = (job?: string): Reader[] =>
  [...akkomaAlerts({ job }), ...federationSloAlerts({ job })].map((alert) => ({
    kind: "alert",
    name: alert.name,
    reads: alert.condition.reads,
  }));
