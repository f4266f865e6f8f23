// What tune replays follows the values as the rule files do: an alert's keep_firing_for holds it firing
// in the replay too, and an alert about our own recording rules has nothing to replay.
import { replayedRules } from "../../tune/rules";

it("replays an alert's keep_firing_for from the values file", () => {
  const rules = replayedRules({ alerts: { AkkomaDown: { keep_firing_for: "5m" } } });
  expect(rules.find((rule) => rule.alert === "AkkomaDown")?.keepFiringForMs).toBe(300_000);
  expect(rules.find((rule) => rule.alert === "AkkomaTargetMissing")?.keepFiringForMs).toBe(0);
});

it("leaves out AkkomaRecordingRulesMissing: the replay reads raw series, never recorded ones", () => {
  expect(replayedRules().map((rule) => rule.alert)).not.toContain("AkkomaRecordingRulesMissing");
});
