/**
 * The production deployment description (issue 11 §4, §6), checked against the services' own code: the
 * Kubernetes manifests rendered from infra/k8s/values.yaml give every service what its config schema
 * requires, secrets only from Kubernetes Secrets, probes on /health/live and /health/ready, resources and a
 * PodDisruptionBudget; the sandbox is refused. The alert rules and dashboards use only metrics the code
 * exports, and promtool accepts the rules (when promtool is installed: `apt-get install prometheus`).
 * Runs in the default suite (no cluster needed; a few seconds).
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { ConfigSchema } from '@lienthong/platform';
// @ts-expect-error plain ESM script without types
import { loadValues, mergeValues, render } from '../../infra/k8s/render.mjs';
import { citizenDataConfigSchema } from '../../services/citizen-data/src/config.js';
import { consoleConfigSchema } from '../../services/console/src/config.js';
import { gatewayConfigSchema } from '../../services/gateway/src/config.js';
import { inboundConfigSchema } from '../../services/inbound/src/config.js';
import { syncConfigSchema } from '../../services/national-sync/src/config.js';
import { notificationsConfigSchema } from '../../services/notifications/src/config.js';
import { operationsConfigSchema } from '../../services/operations/src/config.js';
import { paymentsConfigSchema } from '../../services/payments/src/config.js';
import { postalConfigSchema } from '../../services/postal/src/config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const schemas: Record<string, ConfigSchema> = {
  gateway: gatewayConfigSchema,
  'national-sync': syncConfigSchema,
  payments: paymentsConfigSchema,
  'citizen-data': citizenDataConfigSchema,
  console: consoleConfigSchema,
  operations: operationsConfigSchema,
  notifications: notificationsConfigSchema,
  postal: postalConfigSchema,
  inbound: inboundConfigSchema,
};

type Doc = { apiVersion: string; kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: any };

/** What a province fills in (the settings values.yaml leaves empty), plausible production values. */
const provinceOverlay = {
  services: {
    'national-sync': { env: { DVCQG_BASE_URL: 'https://api.dichvucong.gov.vn/dvcqg', DVCQG_MADONVI: '000.00.00.H22' } },
    operations: { env: { DVCQG_BASE_URL: 'https://api.dichvucong.gov.vn/dvcqg', DVCQG_MADONVI: '000.00.00.H22' } },
    inbound: { env: { DVCQG_BASE_URL: 'https://api.dichvucong.gov.vn/dvcqg', DVCQG_MADONVI: '000.00.00.H22' } },
    payments: {
      env: {
        PAYMENTS_PUBLIC_URL: 'https://thanhtoan.hagiang.gov.vn',
        PAYMENTS_SERVER_IP: '203.0.113.10',
        VNPAY_PAYMENT_URL: 'https://pay.vnpay.example/vpcpay.html',
        VNPAY_API_URL: 'https://pay.vnpay.example/api/transaction',
        MOMO_API_URL: 'https://payment.momo.example',
        PAYGOV_INIT_URL: 'https://paygov.example/init',
        PAYGOV_QUERY_URL: 'https://paygov.example/query',
        VNPTPAY_INIT_URL: 'https://vnptpay.example/init',
        VNPTPAY_QUERY_URL: 'https://vnptpay.example/query',
      },
    },
    notifications: {
      env: {
        NOTIFICATIONS_ZALO_API_URL: 'https://openapi.zalo.example/v3.0/oa',
        NOTIFICATIONS_ZALO_OAUTH_URL: 'https://oauth.zaloapp.example/v4/oa',
      },
    },
    'citizen-data': {
      env: {
        CSDL_TOKEN_URL: 'https://csdl.example.gov.vn/token',
        CSDL_SERVICE_URL: 'https://csdl.example.gov.vn/api',
        CSDL_PARTNER_CODE: 'H22',
      },
    },
  },
};

function rendered(overlay: unknown = provinceOverlay): { docs: Doc[]; unset: string[] } {
  return render(mergeValues(loadValues(), overlay));
}

describe('infra/k8s: manifests rendered from values.yaml', () => {
  const { docs, unset } = rendered();
  const byKind = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const common = byKind('ConfigMap', 'lienthong-common')!;

  it('renders with nothing left for the province to set once its settings are given; values.yaml alone lists what is missing', () => {
    expect(unset).toEqual([]);
    const bare = render(loadValues()).unset as string[];
    expect(bare).toContain('services.national-sync.env.DVCQG_BASE_URL');
    expect(bare).toContain('services.payments.env.PAYMENTS_PUBLIC_URL');
  });

  it.each(Object.keys(schemas))(
    '%s: Deployment with probes, resources, rolling update without downtime, Service and PDB on the same pods',
    (svc) => {
      const name = `lienthong-${svc}`;
      const dep = byKind('Deployment', name)!;
      expect(dep, name).toBeDefined();
      const prefix = svc.toUpperCase().replace(/-/g, '_');
      const port = Number(schemas[svc]!.properties[`${prefix}_PORT`]!.default);
      const c = dep.spec.template.spec.containers[0];
      expect(c.command).toEqual(['node', `services/${svc}/dist/main.js`]);
      expect(c.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      expect(c.resources.requests.cpu).toBeTruthy();
      expect(c.resources.limits.memory).toBeTruthy();
      expect(dep.spec.replicas).toBeGreaterThanOrEqual(2);
      expect(dep.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
      const labels = dep.spec.template.metadata.labels;
      expect(dep.spec.selector.matchLabels).toEqual(labels);
      expect(byKind('Service', name)!.spec.selector).toEqual(labels);
      const pdb = byKind('PodDisruptionBudget', name)!;
      expect(pdb.spec.selector.matchLabels).toEqual(labels);
      expect(pdb.spec.minAvailable).toBeLessThan(dep.spec.replicas);
    },
  );

  it.each(Object.keys(schemas))(
    '%s: every required setting is given, secrets only from Kubernetes Secrets, no unknown setting',
    (svc) => {
      const schema = schemas[svc]!;
      const name = `lienthong-${svc}`;
      const c = byKind('Deployment', name)!.spec.template.spec.containers[0];
      const own = byKind('ConfigMap', name)!.data!;
      const plain = { ...common.data, ...own };
      const env = c.env as { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }[];
      const given = new Set([...Object.keys(plain), ...env.map((e) => e.name)]);
      for (const r of schema.required ?? []) expect(given.has(r), `${svc} needs ${r}`).toBe(true);
      for (const k of given)
        if (k !== 'NODE_ENV') expect(schema.properties[k], `${svc}: ${k} is not a setting of the service`).toBeDefined();
      for (const [k, p] of Object.entries(schema.properties)) {
        if (!p.secret) continue;
        expect(plain[k], `${svc}: secret ${k} in a ConfigMap`).toBeUndefined();
        const e = env.find((x) => x.name === k);
        if (e) {
          expect(e.value, `${svc}: secret ${k} as a literal`).toBeUndefined();
          expect(e.valueFrom?.secretKeyRef.name).toMatch(/^lienthong-/);
        }
      }
      // Files (API clients, merchants, …) come from Secret volumes, read-only.
      for (const m of c.volumeMounts as { name: string; readOnly?: boolean; mountPath: string }[]) {
        const v = byKind('Deployment', name)!.spec.template.spec.volumes.find((x: { name: string }) => x.name === m.name);
        if (m.mountPath === '/tmp') expect(v.emptyDir).toBeDefined();
        else expect([m.readOnly, typeof v.secret?.secretName]).toEqual([true, 'string']);
      }
      expect(plain.NODE_ENV).toBe('production');
      // A default that points at this machine (the sandbox on 127.0.0.1:8090, a local URL) must be overridden.
      for (const [k, p] of Object.entries(schema.properties)) {
        if (k.endsWith('_HOST') || typeof p.default !== 'string' || !/127\.0\.0\.1|localhost|:8090\b/.test(p.default)) continue;
        expect(given.has(k), `${svc}: ${k} defaults to ${p.default} and is not set`).toBe(true);
      }
    },
  );

  it('refuses values pointing at the sandbox or carrying a demo secret', () => {
    expect(() =>
      rendered(
        mergeValues(provinceOverlay, { services: { 'national-sync': { env: { DVCQG_BASE_URL: 'http://sandbox:8090/dvcqg' } } } }),
      ),
    ).toThrow(/sandbox or a demo value/);
    expect(() => rendered(mergeValues(provinceOverlay, { common: { env: { KAFKA_BROKERS: '127.0.0.1:9092' } } }))).toThrow(
      /sandbox or a demo value/,
    );
    expect(() =>
      rendered(mergeValues(provinceOverlay, { services: { operations: { env: { DVCQG_PASSWORD: 'lienthong-sandbox' } } } })),
    ).toThrow(/sandbox or a demo value/);
  });

  it('the CLI renders, and --strict refuses while a setting is left empty', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'k8s-values-'));
    const overlay = path.join(dir, 'province.yaml');
    writeFileSync(overlay, JSON.stringify(provinceOverlay));
    const ok = spawnSync(process.execPath, ['infra/k8s/render.mjs', '--values', overlay, '--strict'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout.split(/^---$/m)).toHaveLength(docs.length);
    const strict = spawnSync(process.execPath, ['infra/k8s/render.mjs', '--strict'], { cwd: root, encoding: 'utf8' });
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('not set (the province must set it): services.payments.env.PAYMENTS_PUBLIC_URL');
  });

  it('tls: a service serves HTTPS from mounted Secrets, with settings its schema knows, probes and scraping on HTTPS', () => {
    const tlsOverlay = mergeValues(provinceOverlay, {
      services: {
        gateway: { tls: { secret: 'lienthong-gateway-tls', clientCA: { secret: 'lienthong-province-ca' } } },
        payments: { tls: { secret: 'lienthong-payments-tls' } },
        console: {
          tls: {
            secret: 'lienthong-console-tls',
            clientCA: { secret: 'lienthong-operators-ca', key: 'ca.pem' },
            requireClientCert: true,
          },
        },
      },
    });
    const withTls = rendered(tlsOverlay).docs;
    const dep = (svc: string) => withTls.find((d) => d.kind === 'Deployment' && d.metadata.name === `lienthong-${svc}`)!;
    const tlsEnv = (svc: string) =>
      Object.fromEntries(
        (dep(svc).spec.template.spec.containers[0].env as { name: string; value?: string }[])
          .filter((e) => e.name.startsWith('TLS_'))
          .map((e) => [e.name, e.value]),
      );
    expect(tlsEnv('gateway')).toEqual({
      TLS_CERT_FILE: '/run/tls/server/tls.crt',
      TLS_KEY_FILE: '/run/tls/server/tls.key',
      TLS_CLIENT_CA_FILE: '/run/tls/client-ca/ca.crt',
    });
    expect(tlsEnv('payments')).toEqual({ TLS_CERT_FILE: '/run/tls/server/tls.crt', TLS_KEY_FILE: '/run/tls/server/tls.key' });
    expect(tlsEnv('console')).toMatchObject({ TLS_CLIENT_CA_FILE: '/run/tls/client-ca/ca.crt', TLS_REQUIRE_CLIENT_CERT: 'true' });
    for (const svc of ['gateway', 'payments', 'console']) {
      for (const k of Object.keys(tlsEnv(svc))) expect(schemas[svc]!.properties[k], `${svc}: ${k}`).toBeDefined();
      const spec = dep(svc).spec.template.spec;
      const mounts = spec.containers[0].volumeMounts as { name: string; mountPath: string; readOnly?: boolean }[];
      expect(mounts).toContainEqual({ name: 'tls', mountPath: '/run/tls/server', readOnly: true });
      expect(spec.volumes.find((v: { name: string }) => v.name === 'tls').secret.secretName).toBe(`lienthong-${svc}-tls`);
      expect(dep(svc).spec.template.metadata.annotations['prometheus.io/scheme']).toBe('https');
    }
    expect(dep('console').spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tls-client-ca').secret).toEqual({
      secretName: 'lienthong-operators-ca',
      items: [{ key: 'ca.pem', path: 'ca.crt' }],
    });
    const c = (svc: string) => dep(svc).spec.template.spec.containers[0];
    expect(c('gateway').readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http', scheme: 'HTTPS' });
    // The kubelet has no client certificate: a service that requires one is probed on its port only.
    expect([c('console').livenessProbe.tcpSocket, c('console').readinessProbe.httpGet]).toEqual([{ port: 'http' }, undefined]);
    // Services without `tls` are unchanged.
    expect(c('operations').readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });

    expect(() =>
      rendered(mergeValues(provinceOverlay, { services: { gateway: { tls: { clientCA: { secret: 'x' } } } } })),
    ).toThrow(/services\.gateway\.tls\.secret: the Secret with tls\.crt and tls\.key is required/);
    expect(() =>
      rendered(mergeValues(provinceOverlay, { services: { gateway: { tls: { secret: 's', requireClientCert: true } } } })),
    ).toThrow(/requireClientCert needs tls\.clientCA/);
  });

  // Schema validation needs the npm package kubernetes-models (not a hub dependency): KUBERNETES_MODELS
  // points at an installed copy (see infra/k8s/validate.mjs).
  it.skipIf(!process.env.KUBERNETES_MODELS)(
    'every document validates against the Kubernetes API schemas (kubernetes-models)',
    async () => {
      // @ts-expect-error plain ESM script without types
      const { validateDocs } = await import('../../infra/k8s/validate.mjs');
      expect(await validateDocs(docs)).toEqual([]);
      const broken = structuredClone(docs.find((d) => d.kind === 'Deployment')!);
      broken.spec.template.spec.containers[0].ports[0].containerPort = 'eighty';
      expect((await validateDocs([broken]))[0]).toMatch(/containerPort must be integer/);
    },
  );
});

describe('infra/docker-compose.cluster.yml: three brokers for the compose deployment', () => {
  it('three KRaft nodes with distinct ids, one quorum, RF 3 and min ISR 2; the hub bootstraps from HUB_KAFKA_BROKERS; no port published', () => {
    const c = parse(readFileSync(`${root}infra/docker-compose.cluster.yml`, 'utf8'), { merge: true }) as {
      services: Record<string, { environment?: Record<string, unknown>; ports?: string[] }>;
    };
    const nodes = ['kafka', 'kafka-2', 'kafka-3'].map((n) => c.services[n]!.environment!);
    expect(nodes.map((e) => e.KAFKA_NODE_ID)).toEqual([1, 2, 3]);
    expect(new Set(nodes.map((e) => e.KAFKA_CONTROLLER_QUORUM_VOTERS))).toEqual(
      new Set(['1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093']),
    );
    for (const e of nodes)
      expect([e.KAFKA_DEFAULT_REPLICATION_FACTOR, e.KAFKA_MIN_INSYNC_REPLICAS, e.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR]).toEqual([
        3, 2, 2,
      ]);
    // The hub services take KAFKA_BROKERS from HUB_KAFKA_BROKERS (default: the single broker).
    expect(readFileSync(`${root}infra/docker-compose.yml`, 'utf8')).toMatch(
      /^\s+KAFKA_BROKERS: \$\{HUB_KAFKA_BROKERS:-kafka:9092\}/m,
    );
    expect(readFileSync(`${root}infra/docker-compose.cluster.yml`, 'utf8')).toContain(
      'HUB_KAFKA_BROKERS=kafka:9092,kafka-2:9092,kafka-3:9092',
    );
    for (const s of Object.values(c.services)) expect(s.ports ?? []).toEqual([]);
  });
});

/** Metric names the code registers (prom-client `name: '…'` in packages and services). */
function exportedMetrics(): Set<string> {
  const out = execFileSync(
    'grep',
    [
      '-rhoE',
      "name: '[a-z][a-z0-9_]+'",
      'packages',
      'services',
      '--include=*.ts',
      '--exclude=*.test.ts',
      '--exclude-dir=node_modules',
      '--exclude-dir=dist',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  const names = new Set(
    out
      .split('\n')
      .map((l) => /'([^']+)'/.exec(l)?.[1])
      .filter((x): x is string => !!x),
  );
  // prom-client's default process metrics (collectDefaultMetrics) and Prometheus' own `up`.
  for (const d of [
    'up',
    'process_cpu_seconds_total',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
    'nodejs_heap_size_used_bytes',
  ])
    names.add(d);
  return names;
}
const base = (m: string) => m.replace(/_(bucket|count|sum)$/, '');
const IDENT =
  /\b([a-z][a-z0-9_]*_(?:total|seconds|bytes|messages|partitions|backlog|open|percent|numerator|denominator|count|bucket|sum)|up)\b/g;

describe('infra/prometheus and infra/grafana use the metrics the services export', () => {
  const exported = exportedMetrics();

  it('every metric in the alert rules is exported by some service', () => {
    const rules = parse(readFileSync(`${root}infra/prometheus/alerts.yml`, 'utf8')) as {
      groups: { rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[];
    };
    const all = rules.groups.flatMap((g) => g.rules);
    expect(all.length).toBeGreaterThan(10);
    for (const r of all) {
      const used = [...r.expr.matchAll(IDENT)].map((m) => base(m[1]!));
      expect(used.length, r.alert).toBeGreaterThan(0);
      for (const m of used) expect(exported.has(m), `${r.alert}: ${m} is not exported`).toBe(true);
    }
  });

  it('every alert links a section of docs/operations-runbook.md that exists', () => {
    const runbook = readFileSync(`${root}docs/operations-runbook.md`, 'utf8');
    const anchors = new Set(
      [...runbook.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
        m[1]!
          .trim()
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, '')
          .replace(/ /g, '-'),
      ),
    );
    const rules = parse(readFileSync(`${root}infra/prometheus/alerts.yml`, 'utf8')) as {
      groups: { rules: { alert: string; annotations: { runbook: string } }[] }[];
    };
    for (const r of rules.groups.flatMap((g) => g.rules)) {
      const anchor = r.annotations.runbook.split('#')[1]!;
      expect(anchors.has(anchor), `${r.alert} → #${anchor}`).toBe(true);
    }
  });

  it('one Grafana dashboard per service, each querying only exported metrics of that service', () => {
    const dir = `${root}infra/grafana`;
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    for (const svc of Object.keys(schemas)) expect(files, svc).toContain(`${svc}.json`);
    for (const f of files) {
      const d = JSON.parse(readFileSync(`${dir}/${f}`, 'utf8')) as {
        uid: string;
        panels: { title: string; targets?: { expr: string }[] }[];
      };
      expect(d.panels.length, f).toBeGreaterThan(3);
      for (const p of d.panels) {
        for (const t of p.targets ?? []) {
          for (const m of [...t.expr.matchAll(IDENT)].map((x) => base(x[1]!)))
            expect(exported.has(m), `${f} "${p.title}": ${m}`).toBe(true);
        }
      }
    }
  });

  const promtool = spawnSync('promtool', ['--version']).status === 0;
  it.skipIf(!promtool)('promtool accepts the rules and their unit tests pass', () => {
    const check = spawnSync('promtool', ['check', 'rules', 'infra/prometheus/alerts.yml'], { cwd: root, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const test = spawnSync('promtool', ['test', 'rules', 'infra/prometheus/alerts.test.yml'], { cwd: root, encoding: 'utf8' });
    expect(test.status, test.stdout + test.stderr).toBe(0);
  });
});
