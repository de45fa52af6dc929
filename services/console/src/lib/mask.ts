/**
 * Personal data is masked by default (console-anchors.md §f.6–7): a name keeps each word's first letter
 * ("Nguyễn Văn An" → "N***** V** A*"), an identifier its last three characters. Revealing the real value
 * is an audited action (pages/dossiers.ts).
 */
export function maskName(name: string | null | undefined): string {
  if (!name) return '—';
  return [...name.trim()]
    .reduce<{ out: string; start: boolean }>(
      (acc, ch) => {
        if (/\s/u.test(ch)) return { out: acc.out + ch, start: true };
        return { out: acc.out + (acc.start ? ch : '*'), start: false };
      },
      { out: '', start: true },
    )
    .out.slice(0, 120);
}

export function maskId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length <= 3 ? '***' : `${'*'.repeat(Math.min(id.length - 3, 12))}${id.slice(-3)}`;
}
