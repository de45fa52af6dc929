#!/usr/bin/env node
// Renders infra/k8s/values.yaml (+ optional overrides) into plain Kubernetes manifests, like `helm template`
// would (helm is not installable on the project's machines; this keeps the values/templates split with
// nothing but loops). Plain ESM JavaScript: runs without a build.
//
//   node infra/k8s/render.mjs [--values override.yaml]... [--strict] > hub.yaml
//
// Per service: ConfigMap (non-secret env), Deployment (probes on /health/live and /health/ready, resources,
// secrets only through secretKeyRef and Secret volumes, rolling update with maxUnavailable 0), Service,
// PodDisruptionBudget. Refuses values that point at the sandbox or carry a demo secret. A service with `tls`
// (gateway, payments, console: the services whose config has the TLS_* settings) serves HTTPS itself from a
// mounted Secret, with its probes and scrape annotation on HTTPS.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultValuesFile = path.join(here, 'values.yaml');

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge (objects merge, everything else replaces), as helm merges -f files. */
export function mergeValues(base, over) {
  if (!isObject(base) || !isObject(over)) return over === undefined ? base : over;
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeValues(base[k], v) : v;
  return out;
}

export function loadValues(files = []) {
  let v = parse(readFileSync(defaultValuesFile, 'utf8'));
  for (const f of files) v = mergeValues(v, parse(readFileSync(f, 'utf8')) ?? {});
  return v;
}

// Markers of the sandbox and its public demo credentials (services/sandbox, infra/sandbox.env).
const SANDBOX = /sandbox|lienthong-sandbox|LTDEMO|DEMOSECRET|lt-demo-|:8090\b|127\.0\.0\.1|localhost/i;

const labels = (name) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'lienthong-hub' });

/**
 * @returns {{ docs: object[], unset: string[] }} the manifests, and the settings left empty ('' = the
 * province must set it).
 */
export function render(values) {
  const ns = values.namespace;
  const docs = [];
  const unset = [];
  const refuse = (where, v) => {
    if (typeof v === 'string' && SANDBOX.test(v))
      throw new Error(`${where} = ${JSON.stringify(v)} points at the sandbox or a demo value: not for production`);
  };
  const common = values.common ?? {};
  for (const [k, v] of Object.entries(common.env ?? {})) refuse(`common.env.${k}`, v);

  docs.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'lienthong-common', namespace: ns, labels: labels('lienthong-common') },
    data: Object.fromEntries(Object.entries(common.env ?? {}).map(([k, v]) => [k, String(v)])),
  });

  for (const [name, svc] of Object.entries(values.services ?? {})) {
    if (svc.enabled === false) continue;
    const full = `lienthong-${name}`;
    const envPrefix = name.toUpperCase().replace(/-/g, '_');
    const plain = {};
    for (const [k, v] of Object.entries(svc.env ?? {})) {
      refuse(`services.${name}.env.${k}`, v);
      if (v === '' || v === null) unset.push(`services.${name}.env.${k}`);
      else plain[k] = String(v);
    }
    // Inside the pod the service listens on every interface of the pod network, on its port.
    plain[`${envPrefix}_HOST`] = '0.0.0.0';
    plain[`${envPrefix}_PORT`] = String(svc.port);
    docs.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: full, namespace: ns, labels: labels(full) },
      data: plain,
    });

    const secretEnv = { ...(common.secretEnv ?? {}), ...(svc.secretEnv ?? {}) };
    const files = { ...(common.files ?? {}), ...(svc.files ?? {}) };
    // The root filesystem is read-only; /tmp is the one writable place (an emptyDir).
    const volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
    const mounts = [{ name: 'tmp', mountPath: '/tmp' }];
    const fileEnv = [];
    for (const [envName, f] of Object.entries(files)) {
      const vol = envName.toLowerCase().replace(/_/g, '-');
      volumes.push({ name: vol, secret: { secretName: f.secret, items: [{ key: f.key, path: path.posix.basename(f.path) }] } });
      mounts.push({ name: vol, mountPath: path.posix.dirname(f.path), readOnly: true });
      fileEnv.push({ name: envName, value: f.path });
    }
    // HTTPS served by the service itself (issue 11 §5; docs/operations-runbook.md §HTTPS): the server
    // certificate from a kubernetes.io/tls Secret (tls.crt, tls.key: what cert-manager writes), optionally
    // the CA of the provincial systems' client certificates from another Secret.
    const tls = svc.tls;
    if (tls) {
      if (typeof tls.secret !== 'string' || !tls.secret)
        throw new Error(`services.${name}.tls.secret: the Secret with tls.crt and tls.key is required`);
      if (tls.requireClientCert && !tls.clientCA?.secret)
        throw new Error(
          `services.${name}.tls.requireClientCert needs tls.clientCA (the CA client certificates are checked against)`,
        );
      volumes.push({
        name: 'tls',
        secret: {
          secretName: tls.secret,
          items: [
            { key: 'tls.crt', path: 'tls.crt' },
            { key: 'tls.key', path: 'tls.key' },
          ],
        },
      });
      mounts.push({ name: 'tls', mountPath: '/run/tls/server', readOnly: true });
      fileEnv.push({ name: 'TLS_CERT_FILE', value: '/run/tls/server/tls.crt' });
      fileEnv.push({ name: 'TLS_KEY_FILE', value: '/run/tls/server/tls.key' });
      if (tls.clientCA?.secret) {
        volumes.push({
          name: 'tls-client-ca',
          secret: { secretName: tls.clientCA.secret, items: [{ key: tls.clientCA.key ?? 'ca.crt', path: 'ca.crt' }] },
        });
        mounts.push({ name: 'tls-client-ca', mountPath: '/run/tls/client-ca', readOnly: true });
        fileEnv.push({ name: 'TLS_CLIENT_CA_FILE', value: '/run/tls/client-ca/ca.crt' });
      }
      if (tls.requireClientCert) fileEnv.push({ name: 'TLS_REQUIRE_CLIENT_CERT', value: 'true' });
    }
    // The kubelet probes HTTPS without checking the certificate, and presents none: with client
    // certificates required the handshake would fail, so those probes only check that the port accepts
    // connections (readiness then does not see Postgres or Kafka: prefer per-client binding, runbook).
    const probe = (p, extra) =>
      tls?.requireClientCert
        ? { tcpSocket: { port: 'http' }, timeoutSeconds: 3, ...extra }
        : { httpGet: { path: p, port: 'http', ...(tls ? { scheme: 'HTTPS' } : {}) }, timeoutSeconds: 3, ...extra };
    docs.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: full, namespace: ns, labels: labels(full) },
      spec: {
        replicas: svc.replicas ?? 2,
        selector: { matchLabels: labels(full) },
        // Zero downtime: a new pod must be ready before an old one stops (docs/operations-runbook.md).
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: {
            labels: labels(full),
            annotations: {
              'prometheus.io/scrape': 'true',
              'prometheus.io/port': String(svc.port),
              'prometheus.io/path': '/metrics',
              ...(tls ? { 'prometheus.io/scheme': 'https' } : {}),
            },
          },
          spec: {
            terminationGracePeriodSeconds: values.pod?.terminationGracePeriodSeconds ?? 40,
            securityContext: values.pod?.securityContext,
            // Spread the replicas over nodes so one node's loss leaves the service up.
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: 'kubernetes.io/hostname',
                whenUnsatisfiable: 'ScheduleAnyway',
                labelSelector: { matchLabels: labels(full) },
              },
            ],
            containers: [
              {
                name: name,
                image: `${values.image.repository}:${values.image.tag}`,
                imagePullPolicy: values.image.pullPolicy ?? 'IfNotPresent',
                command: ['node', `services/${name}/dist/main.js`],
                ports: [{ name: 'http', containerPort: svc.port, protocol: 'TCP' }],
                envFrom: [{ configMapRef: { name: 'lienthong-common' } }, { configMapRef: { name: full } }],
                env: [
                  ...Object.entries(secretEnv).map(([k, s]) => ({
                    name: k,
                    valueFrom: { secretKeyRef: { name: s.secret, key: s.key } },
                  })),
                  ...fileEnv,
                ],
                volumeMounts: mounts,
                resources: svc.resources,
                livenessProbe: probe('/health/live', { periodSeconds: 10, failureThreshold: 3 }),
                readinessProbe: probe('/health/ready', { periodSeconds: 5, failureThreshold: 2 }),
                startupProbe: probe('/health/live', { periodSeconds: 2, failureThreshold: 60 }),
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
            volumes,
          },
        },
      },
    });
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: full, namespace: ns, labels: labels(full) },
      spec: { selector: labels(full), ports: [{ name: 'http', port: svc.port, targetPort: 'http', protocol: 'TCP' }] },
    });
    docs.push({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: full, namespace: ns, labels: labels(full) },
      spec: { minAvailable: svc.pdb?.minAvailable ?? 1, selector: { matchLabels: labels(full) } },
    });
  }
  return { docs, unset };
}

export function toYaml(docs) {
  return docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}

function main() {
  const args = process.argv.slice(2);
  const files = [];
  let strict = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--values' || args[i] === '-f') files.push(args[++i]);
    else if (args[i] === '--strict') strict = true;
    else {
      console.error('usage: render.mjs [--values file.yaml]... [--strict]');
      process.exit(2);
    }
  }
  const { docs, unset } = render(loadValues(files));
  for (const u of unset) process.stderr.write(`[k8s] not set (the province must set it): ${u}\n`);
  if (strict && unset.length) {
    process.stderr.write(`[k8s] --strict: ${unset.length} settings left empty\n`);
    process.exit(1);
  }
  process.stdout.write(toYaml(docs));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`[k8s] ${err.message}\n`);
    process.exit(1);
  }
}
