/**
 * Loads a plugin's module.js as Grafana does: an AMD module (webpack `library: amd`) whose
 * dependencies are the externals Grafana shares with plugins (.config/bundler/externals.ts),
 * plus `module`, whose `uri` tells webpack where the plugin's chunks are. A dependency this
 * host does not provide fails the load, naming it.
 */
type Factory = (...deps: unknown[]) => unknown;

interface Pending {
  deps: string[];
  factory: Factory;
}

let pending: Pending | undefined;

function define(depsOrFactory: string[] | Factory, maybeFactory?: Factory) {
  pending = Array.isArray(depsOrFactory)
    ? { deps: depsOrFactory, factory: maybeFactory! }
    : { deps: [], factory: depsOrFactory };
}
define.amd = {};
(window as unknown as { define: typeof define }).define = define;

export async function loadAmdModule(url: string, externals: Record<string, unknown>): Promise<any> {
  await new Promise<void>((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
  const loaded = pending;
  pending = undefined;
  if (!loaded) {
    throw new Error(`${url} did not call define()`);
  }
  const missing = loaded.deps.filter((d) => d !== 'module' && d !== 'exports' && !(d in externals));
  if (missing.length > 0) {
    throw new Error(`${url} needs ${missing.join(', ')}, which this host does not provide`);
  }
  const exportsObject: Record<string, unknown> = {};
  const deps = loaded.deps.map((d) =>
    d === 'module' ? { uri: url, id: url } : d === 'exports' ? exportsObject : externals[d]
  );
  const result = loaded.factory(...deps);
  return result ?? exportsObject;
}
