import { apiRoutes } from './api-routes.ts';
import type { RestRoute } from './routes.ts';
import { restRoutes } from './routes.ts';

/** Every REST route the server answers: the Gateways API reference, then upstream APIs and execution. */
export const routeTable: RestRoute[] = [...restRoutes, ...apiRoutes];
