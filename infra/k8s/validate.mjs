#!/usr/bin/env node
// Validates rendered manifests offline against the Kubernetes OpenAPI schemas shipped in the npm package
// `kubernetes-models` (JSON schemas generated from the Kubernetes API's OpenAPI spec, checked with ajv).
// Not a dependency of the hub: install it anywhere and point at it, e.g.
//   npm install --prefix /tmp/k8sval kubernetes-models@5.1.0
//   node infra/k8s/render.mjs --values my.yaml | KUBERNETES_MODELS=/tmp/k8sval/node_modules/kubernetes-models node infra/k8s/validate.mjs
// (or with no input: validates the render of infra/k8s/values.yaml). Exit 1 on the first invalid document.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { loadValues, render } from './render.mjs';

const base = process.env.KUBERNETES_MODELS
  ? pathToFileURL(path.resolve(process.env.KUBERNETES_MODELS)).href
  : 'kubernetes-models';

/** Validates each document; returns the problems ("Kind/name: message"). */
export async function validateDocs(docs) {
  const problems = [];
  for (const doc of docs) {
    const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : [null, doc.apiVersion];
    const mod = await import(`${base}/${group ? `${group}/` : ''}${version}/${doc.kind}.js`).catch(() => undefined);
    const Model = mod?.[doc.kind];
    if (!Model) {
      problems.push(`${doc.kind}/${doc.metadata?.name}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (err) {
      problems.push(`${doc.kind}/${doc.metadata?.name}: ${err.message}`);
    }
  }
  return problems;
}

async function main() {
  let docs;
  if (!process.stdin.isTTY) {
    let text = '';
    for await (const chunk of process.stdin) text += chunk;
    docs = text.trim() ? parseAllDocuments(text).map((d) => d.toJS()) : undefined;
  }
  docs ??= render(loadValues()).docs;
  const problems = await validateDocs(docs);
  for (const p of problems) console.error(`[k8s] INVALID ${p}`);
  console.error(`[k8s] ${docs.length - problems.length}/${docs.length} documents valid against kubernetes-models schemas`);
  if (problems.length) process.exit(1);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  main().catch((err) => {
    console.error(`[k8s] ${err.message}`);
    process.exit(1);
  });
}
