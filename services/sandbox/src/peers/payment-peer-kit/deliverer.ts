import type { FastifyBaseLogger } from 'fastify';
import type { FaultSwitches } from './faults.js';
import type { Journal, NotificationRecord } from './journal.js';
import type { NotificationAnswer, Notifier, OutboundNotification } from './notifier.js';

/** How one notification is delivered. `build` is called per attempt so each attempt is freshly signed. */
export interface DeliveryPlan {
  key: string;
  build(): OutboundNotification;
  /** The forged variant used when `tamperNotifications` is on: same shape, signature no longer valid. */
  tamper(n: OutboundNotification): OutboundNotification;
  /** True when the merchant's answer ends the delivery (VNPAY: RspCode 00/02; MoMo: any answer). */
  isFinal(answer: NotificationAnswer): boolean;
  maxAttempts: number;
  intervalMs: number;
}

export interface Deliverer {
  /** Starts delivering in the background; faults are drawn now. */
  deliver(plan: DeliveryPlan): void;
  /** Resolves when nothing is scheduled or in flight (tests). */
  idle(): Promise<void>;
  /** Cancels everything scheduled; called from the plugin's onClose. */
  close(): void;
}

/**
 * The notification engine of every payment peer: lost (never sent), delayed, duplicated (copies sent
 * concurrently with each attempt) and tampered notifications, and retries on the peer's schedule until an
 * answer is final or attempts run out. Every call and non-call is journaled.
 */
export function createDeliverer(deps: {
  notifier: Notifier;
  faults: FaultSwitches;
  journal: Journal<NotificationRecord>;
  logger: FastifyBaseLogger;
}): Deliverer {
  const timers = new Set<NodeJS.Timeout>();
  const inflight = new Set<Promise<unknown>>();
  let nextId = 1;
  let closed = false;

  const later = (ms: number, fn: () => void) => {
    if (closed) return;
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const sendCopy = async (plan: DeliveryPlan, attempt: number, copy: number, tamper: boolean): Promise<boolean> => {
    const base = plan.build();
    const n = tamper ? plan.tamper(base) : base;
    const started = Date.now();
    const rec: NotificationRecord = {
      id: nextId++,
      at: new Date().toISOString(),
      key: plan.key,
      attempt,
      copy,
      method: n.method,
      url: n.url,
      tampered: tamper,
      outcome: 'sent',
      ...(n.body === undefined ? {} : { body: n.body }),
    };
    try {
      const answer = await deps.notifier(n);
      deps.journal.add({ ...rec, status: answer.status, response: answer.body, durationMs: Date.now() - started });
      return plan.isFinal(answer);
    } catch (err) {
      const code = (err as { code?: string }).code;
      deps.journal.add({ ...rec, outcome: 'failed', error: code ?? (err as Error).message, durationMs: Date.now() - started });
      deps.logger.info({ key: plan.key, attempt, code }, 'sandbox notification failed');
      return false;
    }
  };

  const attempt = (plan: DeliveryPlan, n: number) => {
    if (closed) return;
    const f = deps.faults.get();
    const copies = Array.from({ length: 1 + f.duplicateNotifications }, (_, copy) =>
      sendCopy(plan, n, copy, f.tamperNotifications),
    );
    const all = Promise.all(copies).then((finals) => {
      if (!finals.some(Boolean) && n < plan.maxAttempts) later(plan.intervalMs, () => attempt(plan, n + 1));
    });
    inflight.add(all);
    void all.finally(() => inflight.delete(all));
  };

  return {
    deliver(plan) {
      if (closed) return;
      if (deps.faults.drawLost()) {
        const n = plan.build();
        deps.journal.add({
          id: nextId++,
          at: new Date().toISOString(),
          key: plan.key,
          attempt: 0,
          copy: 0,
          method: n.method,
          url: n.url,
          tampered: false,
          outcome: 'lost',
        });
        return;
      }
      later(deps.faults.get().delayMs, () => attempt(plan, 1));
    },
    async idle() {
      while (timers.size > 0 || inflight.size > 0) {
        await Promise.all([...inflight]);
        if (inflight.size === 0 && timers.size > 0) await new Promise((r) => setTimeout(r, 5));
      }
    },
    close() {
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
