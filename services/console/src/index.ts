export { buildApp, type ConsoleDeps, SESSION_COOKIE } from './app.js';
export { consoleService, backendUrls } from './service.js';
export { consoleConfigSchema, loadConsoleConfig, type ConsoleConfig } from './config.js';
export { createSessionStore } from './lib/sessions.js';
export { createActionLog } from './lib/action-log.js';
export { createBackends } from './lib/backends.js';
export { createOverviewSampler } from './overview/sampler.js';
export { createLiveFeed } from './live/feed.js';
export { createEventIndex } from './index/event-index.js';
