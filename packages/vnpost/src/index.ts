export * from './errors.js';
export * from './status.js';
export * from './order.js';
export * from './address-map.js';
export * from './webhook-signature.js';
export * from './myvnpost-client.js';
export * from './hcc-client.js';
