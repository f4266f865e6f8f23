// The status row as Grafana's display code draws it: Uptime says 100 % only when no scrape failed.
import { thresholds } from "../../config";
import { builtPanel, displayWith } from "../support/display";

const uptimeTitle = "Uptime (7 days)";
const shownUptime = async (share: number) =>
  displayWith(await builtPanel(uptimeTitle), [{ points: [[3_600_000, share]] }]).values[0];

describe("Uptime", () => {
  it.each([
    [1, "100.00%"],
    [0.9995, "99.95%"],
    // One failed scrape of a week's 10,080, and less: never rounded up to 100 %.
    [1 - 1 / 10_080, "99.99%"],
    [0.99996, "99.99%"],
    [1 - 1e-12, "99.99%"],
    [0.98765, "98.77%"],
  ])("an uptime of %d reads %s", async (share, text) => {
    expect((await shownUptime(share))?.text).toBe(text);
  });

  it("keeps its threshold colour where the text is mapped", async () => {
    expect((await shownUptime(0.99996))?.colour).toBe("green");
    expect((await shownUptime(thresholds.uptime.orange))?.colour).toBe("orange");
  });
});
