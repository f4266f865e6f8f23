import { type Reader, readerOf } from "../queries/query";
import { akkomaAlerts } from "./akkoma";
import { federationSloAlerts } from "./slo";

/**
 * Every alert, the delivery objective's too, with what its condition reads: `check` names the alerts a
 * missing series would silence.
 */
export const alertReaders = (job?: string): Reader[] =>
  [...akkomaAlerts({ job }), ...federationSloAlerts({ job })].map((alert) =>
    readerOf("alert", alert.name, [alert.condition]),
  );
