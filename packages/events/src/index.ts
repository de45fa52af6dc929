export * from './envelope.js';
export * from './topics.js';
export * from './kafka.js';
export * from './producer.js';
export * from './consumer.js';
export * from './failure-class.js';
export * from './headers.js';
export * from './signature.js';
