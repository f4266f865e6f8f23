// Marks drawn across every time series: where Akkoma restarted.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import { steps, windows } from "../config";
import { datasource } from "../panels/common";
import { beamPollSeconds, vmMemory } from "../queries/catalogue";
import { restartsOf } from "../queries/promql";
import { type Reader, readerOf } from "../queries/query";

/**
 * Akkoma's poll count restarts from 0 with the BEAM and exists from boot on (not lazily): read against
 * the poll period, it is the BEAM's uptime.
 */
const restartQuery = () => restartsOf(vmMemory, "pcount", (minutes(windows.restartUptime) * 60) / beamPollSeconds);

const minutes = (duration: `${number}m`) => Number(duration.slice(0, -1));

export const restartAnnotationName = "Akkoma restarts";

/** Grafana's Prometheus annotation: each step with a positive value becomes a mark (neighbours merge). */
export const restartAnnotation = () =>
  new dashboard.AnnotationQueryBuilder()
    .name(restartAnnotationName)
    .datasource(datasource)
    .enable(true)
    .hide(false)
    .iconColor("orange")
    .target(new prometheus.DataqueryBuilder().expr(restartQuery().toString()).interval(steps.restarts).refId("Anno"))
    .titleFormat("Akkoma restarted")
    .textFormat("{{instance}}: the BEAM's poll count started again from 0")
    .tagKeys("instance")
    .useValueForTime(false);

/** For `check`: a renamed poll count silences the marks. */
export const annotationReaders = (): Reader[] => [readerOf("annotation", restartAnnotationName, [restartQuery()])];
