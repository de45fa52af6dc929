/**
 * A small seeded PRNG (mulberry32) for every peer's fault draws, so a test that sets errorRate 0.2 or
 * lostNotifications 0.5 with a given seed sees the same sequence every run. Not for anything secret:
 * session tokens and ids use node:crypto.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
