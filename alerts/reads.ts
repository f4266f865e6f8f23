import { type Reader, readerOf } from "../queries/query";
import { akkomaAlerts } from "./akkoma";
import { federationSloAlerts } from "./slo";

/**
 * Every alert, the delivery objective's too, with what its condition reads as the rule files deploy it
 * (over the recordings, which may group by labels the raw form only filters on): `check` names the
 * alerts a missing series or label would silence.
 */
export const alertReaders = (job?: string): Reader[] =>
  [...akkomaAlerts({ job }), ...federationSloAlerts({ job })].map((alert) =>
    readerOf("alert", alert.name, [alert.recordedCondition]),
  );
