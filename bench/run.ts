import { benchCliSpeed } from "./cli-speed";
import { benchEngines } from "./engines";
import { benchPackage } from "./package";

benchCliSpeed();
benchPackage();
benchEngines().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
