import { HubError } from './errors.js';

/**
 * The one safety refusal of the hub (conventions §3, issue 17 §2): demo or sandbox secrets (the sandbox
 * merchants file, the demo DVCQG password…) never serve a production start, nor a start whose peers are
 * not the sandbox. A service calls this once at start with what it knows; the error names each setting,
 * and runService turns it into an exit with that message.
 */
export interface DemoSecretsCheck {
  /** `process.env.NODE_ENV`: `production` refuses any demo secret. */
  nodeEnv: string | undefined;
  /** Settings whose value is a demo secret right now (the caller decides, e.g. by comparing with the demo file). */
  demoSecrets: readonly { setting: string; what: string }[];
  /** Every peer URL the service talks to: a demo secret is refused unless all of them are the sandbox's. */
  peerUrls: readonly { setting: string; url: string }[];
  /** Whether a URL is the sandbox's; default: a loopback host or the compose service named `sandbox`. */
  isSandboxUrl?: (url: string) => boolean;
}

const SANDBOX_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1', 'sandbox']);

/** A loopback host, or the host `sandbox` of the compose file: where the simulated peers live. */
export function isSandboxUrl(url: string): boolean {
  try {
    return SANDBOX_HOSTS.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Throws `LT_CONFIG_DEMO_SECRETS` (kind internal) naming every reason, or returns when nothing is demo. */
export function refuseDemoSecrets(check: DemoSecretsCheck): void {
  if (check.demoSecrets.length === 0) return;
  const sandbox = check.isSandboxUrl ?? isSandboxUrl;
  const reasons: string[] = [];
  if (check.nodeEnv === 'production') reasons.push('NODE_ENV is production');
  for (const p of check.peerUrls) if (!sandbox(p.url)) reasons.push(`${p.setting} is not the sandbox's (${safeOrigin(p.url)})`);
  if (reasons.length === 0) return;
  const demo = check.demoSecrets.map((d) => `${d.setting} (${d.what})`).join(', ');
  throw new HubError('LT_CONFIG_DEMO_SECRETS', `demo secrets refused: ${demo} while ${reasons.join('; ')}`, {
    kind: 'internal',
    messageVi: `Từ chối khởi động với khóa demo: ${demo}; lý do: ${reasons.join('; ')}`,
  });
}

/** Scheme and host only: a URL in an error must not carry credentials or query strings. */
function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'not a URL';
  }
}

/** Settings meant for development and tests that are switched on right now (the caller decides which are). */
export interface DevelopmentSettingsCheck {
  /** `process.env.NODE_ENV`: `production` refuses any of them. */
  nodeEnv: string | undefined;
  settings: readonly { setting: string; what: string }[];
}

/**
 * The same safety refusal for a development switch left on (e.g. WEBHOOKS_ALLOW_HTTP: subscription URLs over plain
 * http): throws `LT_CONFIG_DEVELOPMENT_SETTING` (kind internal) naming each setting when NODE_ENV is production,
 * returns otherwise. Like refuseDemoSecrets, one of the NODE_ENV switches conventions §3 allows.
 */
export function refuseDevelopmentSettings(check: DevelopmentSettingsCheck): void {
  if (check.nodeEnv !== 'production' || check.settings.length === 0) return;
  const named = check.settings.map((s) => `${s.setting} (${s.what})`).join(', ');
  throw new HubError('LT_CONFIG_DEVELOPMENT_SETTING', `development settings refused while NODE_ENV is production: ${named}`, {
    kind: 'internal',
    messageVi: `Từ chối khởi động: cấu hình chỉ dành cho phát triển khi NODE_ENV là production: ${named}`,
  });
}
