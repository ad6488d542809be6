/** Every API route of the emulator, in one table. */
import { Router } from "../router";
import { assetRoutes } from "./assets";
import { domainRoutes } from "./domains";
import { namespaceRoutes } from "./namespaces";
import { queueRoutes } from "./queues";
import { scheduleRoutes } from "./schedules";
import { scriptRoutes } from "./scripts";
import { secretRoutes } from "./secrets";
import { settingsRoutes } from "./settings";
import { subdomainRoutes } from "./subdomain";
import { tagRoutes } from "./tags";
import { versionRoutes } from "./versions";
import { workflowRoutes } from "./workflows";
import { wranglerRoutes } from "./wrangler";
import { zoneRoutes } from "./zones";

export function buildRouter(): Router {
  const router = new Router();
  router.add(
    ...scriptRoutes,
    ...settingsRoutes,
    ...secretRoutes,
    ...subdomainRoutes,
    ...versionRoutes,
    ...namespaceRoutes,
    ...assetRoutes,
    ...wranglerRoutes,
    ...tagRoutes,
  );
  router.add(...scheduleRoutes, ...zoneRoutes, ...domainRoutes);
  router.add(...queueRoutes, ...workflowRoutes);
  return router;
}
