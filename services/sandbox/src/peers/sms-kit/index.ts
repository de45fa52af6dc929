import type { FastifyInstance } from 'fastify';

/** One SMS a simulated brandname gateway queued (what the handset would show). */
export interface SimSms {
  vendor: 'viettel' | 'vnpt';
  requestId: string;
  phone: string;
  brandname: string;
  content: string;
  at: number;
}

export interface SmsFaults {
  /** Every call answers HTTP 503. */
  outage: boolean;
  /** The next N calls are refused with the vendor's authentication error. */
  authFailNext: number;
}

/** What both SMS peers share: the journal of queued messages, fault switches and the `_admin` routes. */
export function createSmsJournal(app: FastifyInstance) {
  const state = { messages: [] as SimSms[], faults: { outage: false, authFailNext: 0 } as SmsFaults, calls: 0 };
  app.addHook('onRequest', async (req, reply) => {
    if (req.url.includes('/_admin')) return;
    state.calls++;
    if (state.faults.outage) return reply.status(503).send('Service Unavailable');
  });
  app.get('/_admin/messages', async (req) => {
    const q = req.query as { phone?: string };
    return { calls: state.calls, messages: state.messages.filter((m) => !q.phone || m.phone === q.phone) };
  });
  app.post('/_admin/faults', async (req) => {
    const b = (req.body ?? {}) as Partial<SmsFaults>;
    if (typeof b.outage === 'boolean') state.faults.outage = b.outage;
    if (typeof b.authFailNext === 'number') state.faults.authFailNext = b.authFailNext;
    return { faults: state.faults };
  });
  app.post('/_admin/reset', async () => {
    state.messages = [];
    state.faults = { outage: false, authFailNext: 0 };
    state.calls = 0;
    return { ok: true };
  });
  return {
    state,
    /** Consumes one forced authentication failure, if any is pending. */
    authFault(): boolean {
      if (state.faults.authFailNext <= 0) return false;
      state.faults.authFailNext--;
      return true;
    },
  };
}
