import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PageKit } from '../app.js';

const require = createRequire(import.meta.url);
const own = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets');

/**
 * Every asset is served by the console itself (no CDN: a provincial data centre may have no Internet):
 * htmx and uPlot from their npm packages, the console's own CSS and script from services/console/assets.
 * Read once at start.
 */
const ASSETS: Record<string, { file: string; type: string }> = {
  'htmx.min.js': { file: require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'uPlot.iife.min.js': {
    file: path.join(path.dirname(require.resolve('uplot')), 'uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'uPlot.min.css': { file: path.join(path.dirname(require.resolve('uplot')), 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
  'console.css': { file: path.join(own, 'console.css'), type: 'text/css; charset=utf-8' },
  'console.js': { file: path.join(own, 'console.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { file: path.join(own, 'charts.js'), type: 'text/javascript; charset=utf-8' },
};

export function assetRoutes(kit: PageKit): void {
  const loaded = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.file), type: a.type }]));
  kit.route('GET', '/assets/:name', { anonymous: 'static assets (no data)' }, async (req, reply) => {
    const a = loaded.get((req.params as { name: string }).name);
    if (!a) return kit.notFound(req, reply);
    return reply.type(a.type).header('cache-control', 'public, max-age=3600').send(a.body);
  });
}
