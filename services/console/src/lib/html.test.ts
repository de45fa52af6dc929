import { describe, expect, it } from 'vitest';
import { html, safeHref, qs } from './html.js';
import { maskId, maskName } from './mask.js';
import { parsePrometheus, sum } from './prometheus.js';

describe('html tag', () => {
  it('escapes every interpolated string, in text and in quoted attributes', () => {
    const evil = `"><script>alert('x')</script>\`&`;
    expect(html`<p title="${evil}">${evil}</p>`.value).toBe(
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#96;&amp;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#96;&amp;</p>',
    );
  });
  it('keeps markup built by the tag, and arrays of it, as markup; drops null, undefined and false', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}${null}${undefined}${false}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });
  it('lets only console paths and http(s) URLs into href', () => {
    expect(safeHref('javascript:alert(1)')).toBe('#');
    expect(safeHref('//evil.example')).toBe('#');
    expect(safeHref('/ho-so/x')).toBe('/ho-so/x');
    expect(qs({ a: 'x y', b: undefined, c: '' })).toBe('?a=x+y');
  });
});

describe('masking', () => {
  it('keeps the first letter of each word of a name and the last three characters of an id', () => {
    expect(maskName('Nguyễn Văn An')).toBe('N***** V** A*');
    expect(maskName(null)).toBe('—');
    expect(maskId('001099012345')).toBe('*********345');
  });
});

describe('Prometheus text', () => {
  it('parses samples with labels (escaped quotes too) and sums them by label', () => {
    const s = parsePrometheus(
      [
        '# HELP national_sync_outcomes_total outcomes',
        'national_sync_outcomes_total{outcome="synced",service="DongBoHoSoMC"} 7',
        'national_sync_outcomes_total{outcome="rejected",service="DongBoHoSoMC"} 2',
        'national_sync_outcomes_total{outcome="synced",service="CapNhatTienDoHoSoMC",note="a \\"q\\""} 3',
        'garbage line {',
        'national_sync_circuit_open 1',
      ].join('\n'),
    );
    expect(sum(s, 'national_sync_outcomes_total', { outcome: 'synced' })).toBe(10);
    expect(sum(s, 'national_sync_outcomes_total', { outcome: /^(rejected)$/ })).toBe(2);
    expect(s.find((x) => x.labels.note)?.labels.note).toBe('a "q"');
    expect(sum(s, 'national_sync_circuit_open')).toBe(1);
  });
});
