/**
 * Reading query strings and form bodies. Everything arrives as untrusted text (or arrays of it, or
 * nothing): a value is kept only if it is a single string within its length and pattern, otherwise it
 * is dropped and named in `errors`, so a page renders with its filter ignored and says why, never a 500.
 */
export type Fields = Record<string, unknown>;

export interface FieldRule {
  max: number;
  pattern?: RegExp;
  required?: boolean;
}

export class InputReader {
  readonly errors: string[] = [];
  constructor(private readonly src: unknown) {}

  private raw(name: string): unknown {
    if (!this.src || typeof this.src !== 'object') return undefined;
    return Object.prototype.hasOwnProperty.call(this.src, name) ? (this.src as Fields)[name] : undefined;
  }

  str(name: string, rule: FieldRule): string | undefined {
    const v = this.raw(name);
    if (v === undefined || v === '') {
      if (rule.required) this.errors.push(name);
      return undefined;
    }
    if (typeof v !== 'string' || v.length > rule.max || v.includes('\0') || (rule.pattern && !rule.pattern.test(v))) {
      this.errors.push(name);
      return undefined;
    }
    return v.trim();
  }

  /** Several values of one field (checkboxes): each checked like `str`, at most `maxItems`. */
  list(name: string, rule: FieldRule & { maxItems: number }): string[] {
    const v = this.raw(name);
    const arr = v === undefined ? [] : Array.isArray(v) ? v : [v];
    if (arr.length > rule.maxItems) {
      this.errors.push(name);
      return [];
    }
    const out: string[] = [];
    for (const x of arr) {
      if (typeof x !== 'string' || x.length > rule.max || (rule.pattern && !rule.pattern.test(x))) {
        this.errors.push(name);
        return [];
      }
      out.push(x);
    }
    return out;
  }

  int(name: string, min: number, max: number): number | undefined {
    const s = this.str(name, { max: 12, pattern: /^-?\d+$/ });
    if (s === undefined) return undefined;
    const n = Number(s);
    if (n < min || n > max) {
      this.errors.push(name);
      return undefined;
    }
    return n;
  }

  /** A yyyy-mm-dd date (the <input type="date"> value). */
  date(name: string): string | undefined {
    const s = this.str(name, { max: 10, pattern: /^\d{4}-\d{2}-\d{2}$/ });
    if (s && Number.isNaN(Date.parse(`${s}T00:00:00+07:00`))) {
      this.errors.push(name);
      return undefined;
    }
    return s;
  }

  /** The reason of a state-changing action: 5–500 characters of printable text. */
  reason(): string | undefined {
    const s = this.str('reason', { max: 500, required: true });
    if (s !== undefined && (s.length < 5 || /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s))) {
      this.errors.push('reason');
      return undefined;
    }
    return s;
  }
}

/** MaHoSo as the national standard writes it (agency code, '-', date and sequence), loosely: no spaces or markup. */
export const MA_HO_SO = /^[A-Za-z0-9.]{1,40}-[A-Za-z0-9.-]{1,60}$/;
export const AGENCY = /^[A-Za-z0-9.]{1,40}$/;
export const PROCEDURE = /^[A-Za-z0-9._-]{1,40}$/;
export const STATUS = /^[A-Za-z0-9_-]{1,20}$/;
export const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
