/** Every API route of the emulator, in one table. */
import { Router } from "../router";
import { scriptRoutes } from "./scripts";
import { secretRoutes } from "./secrets";
import { settingsRoutes } from "./settings";
import { subdomainRoutes } from "./subdomain";
import { versionRoutes } from "./versions";

export function buildRouter(): Router {
  const router = new Router();
  router.add(...scriptRoutes, ...settingsRoutes, ...secretRoutes, ...subdomainRoutes, ...versionRoutes);
  return router;
}
