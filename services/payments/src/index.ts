export { buildApp, type PaymentsAppDeps } from './app.js';
export { createPaymentsCore, type PaymentsCore, type PaymentsCoreDeps } from './core.js';
export { paymentsConfigSchema, loadPaymentsConfig, type PaymentsConfig } from './config.js';
export {
  createMerchantRegistry,
  loadMerchants,
  describeMerchants,
  type MerchantRegistry,
  type MerchantAccount,
} from './merchants.js';
export { scheduleReconciliation } from './reconcile-schedule.js';
export * from './events/payment-events.js';
export type { FeeLine } from './fees.js';
export type { PaymentStatus } from './ledger/payment-status.js';
