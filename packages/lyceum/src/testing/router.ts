import type { ApiReply, ApiRequest } from './http-io.ts';

/** How a route authenticates: the API proper always; the stream URL may be self-authorising. */
export type RouteAuth = 'bearer' | 'stream';

/** One endpoint of the fake. */
export interface Route {
  method: string;
  /** Pattern like `/vms/{vm_id}/status`; `{name:path}` also matches slashes, as in FastAPI. */
  pattern: string;
  auth: RouteAuth;
  handle: (request: ApiRequest) => ApiReply | Promise<ApiReply>;
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'not-found' }
  | { kind: 'method-not-allowed' };

interface CompiledRoute {
  route: Route;
  regex: RegExp;
  names: string[];
}

/** Matches paths against routes, telling 404 from 405 the way FastAPI does. */
export function createRouter(routes: readonly Route[]): (method: string, path: string) => RouteMatch {
  const compiled = routes.map(compile);
  return (method, path) => {
    let pathMatched = false;
    for (const { route, regex, names } of compiled) {
      const match = regex.exec(path);
      if (!match) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, index) => {
        params[name] = decodeURIComponent(match[index + 1] ?? '');
      });
      return { kind: 'found', route, params };
    }
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
  };
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)(:path)?\}/g, (_all, name: string, isPath: string | undefined) => {
    names.push(name);
    return isPath ? '(.+)' : '([^/]+)';
  });
  return { route, regex: new RegExp(`^${source}$`), names };
}
