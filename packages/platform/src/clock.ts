/** Injected time source (conventions §2): time-based logic takes a clock, tests pass a fixed one. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = Object.freeze({ now: () => new Date() });
export function fixedClock(at: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(at).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}
