import type { Pool } from '@lienthong/platform';

/** One state-changing action of an operator (who, when, what, target, the reason typed, outcome). */
export interface ActionEntry {
  clientId: string;
  action: string;
  target: string;
  reason: string;
  outcome: 'ok' | 'failed' | 'refused' | 'partial';
  detail?: Record<string, unknown>;
}

export interface ActionRow extends Omit<ActionEntry, 'detail'> {
  id: string;
  at: Date;
  detail: Record<string, unknown>;
}

/**
 * The console's action log (append-only in the schema). Every state-changing route writes here whatever
 * its outcome, including refusals by a backing service, so the log answers "who tried what, and why".
 */
export function createActionLog(pool: Pool) {
  return {
    async record(e: ActionEntry): Promise<string> {
      const r = await pool.query<{ id: string }>(
        `INSERT INTO console_action (client_id, action, target, reason, outcome, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [e.clientId, e.action, e.target.slice(0, 500), e.reason, e.outcome, JSON.stringify(e.detail ?? {})],
      );
      return r.rows[0]!.id;
    },
    async list(filter: { clientId?: string; action?: string; target?: string; limit: number }): Promise<ActionRow[]> {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.clientId) where.push(`client_id = $${args.push(filter.clientId)}`);
      if (filter.action) where.push(`action = $${args.push(filter.action)}`);
      if (filter.target) where.push(`target = $${args.push(filter.target)}`);
      const r = await pool.query<{
        id: string;
        at: Date;
        client_id: string;
        action: string;
        target: string;
        reason: string;
        outcome: ActionEntry['outcome'];
        detail: Record<string, unknown>;
      }>(
        `SELECT id, at, client_id, action, target, reason, outcome, detail FROM console_action
          ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${args.push(filter.limit)}`,
        args,
      );
      return r.rows.map((x) => ({
        id: x.id,
        at: x.at,
        clientId: x.client_id,
        action: x.action,
        target: x.target,
        reason: x.reason,
        outcome: x.outcome,
        detail: x.detail,
      }));
    },
  };
}

export type ActionLog = ReturnType<typeof createActionLog>;
