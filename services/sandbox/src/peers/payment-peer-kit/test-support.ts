import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyPluginOptions } from 'fastify';

/**
 * Tests only (not exported by the kit's index): the apps a payment peer's test file builds, closed together
 * from `afterEach(apps.closeAll)` so a peer's scheduled notification retries never leak into the next test.
 */
export interface TestApps {
  /** A bare fastify app with just this peer under `opts.prefix` (how the sandbox app registers it), ready. */
  peer<O extends FastifyPluginOptions>(plugin: FastifyPluginAsync<O>, opts: O & { prefix: string }): Promise<FastifyInstance>;
  /** Closes `app` with the others (e.g. a listening receiver playing the hub). */
  add(app: FastifyInstance): FastifyInstance;
  closeAll(): Promise<void>;
}

export function createTestApps(): TestApps {
  let apps: FastifyInstance[] = [];
  const add = (app: FastifyInstance) => {
    apps.push(app);
    return app;
  };
  return {
    async peer(plugin, opts) {
      const app = Fastify();
      await app.register(plugin, opts);
      await app.ready();
      return add(app);
    },
    add,
    async closeAll() {
      await Promise.all(apps.map((a) => a.close()));
      apps = [];
    },
  };
}

/** Polls `cond` every 10 ms until it holds; throws after `ms` (notifications are delivered in the background). */
export async function until(cond: () => boolean | Promise<boolean>, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
