// Loaded with --import (see kafkajs-original.mjs): resolves the bare specifier `kafkajs` to the unpatched copy.
import { register } from 'node:module';

register(
  `data:text/javascript,${encodeURIComponent(`
    const entry = ${JSON.stringify(new URL(`file://${process.env.LT_BENCH_KAFKAJS_DIR}/index.js`).href)};
    export async function resolve(specifier, context, next) {
      return specifier === 'kafkajs' ? { url: entry, format: 'commonjs', shortCircuit: true } : next(specifier, context);
    }`)}`,
);
