export { buildApp, type OperationsAppDeps } from './app.js';
export { createOperationsCore, type OperationsCore, type OperationsCoreDeps } from './core.js';
export { operationsConfigSchema, type OperationsConfig } from './config.js';
export { operationsService } from './service.js';
export { loadCalendar, createCalendar, type WorkingCalendar } from './calendar/calendar.js';
export { checkAgainstCatalogue, catalogueWarnings, type CatalogueWarning } from './catalogue/catalogue-check.js';
export { ensureReadModel } from './read-model/schema.js';
