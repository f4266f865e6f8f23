import { benchCliSpeed } from "./cli-speed";

benchCliSpeed();
