import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const fixtures = fileURLToPath(new URL('../../../../tests/fixtures/standard/', import.meta.url));
const bin = fileURLToPath(new URL('../../bin/lienthong-validate.mjs', import.meta.url));

async function run(argv: string[], stdin = '') {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t), readStdin: async () => stdin });
  return { code, out, err };
}

function tempPacket(packet: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lt-validate-'));
  const file = join(dir, 'packet.json');
  writeFileSync(file, JSON.stringify(packet));
  return file;
}

describe('lienthong-validate', () => {
  it('passes a folder of valid packets with exit code 0', async () => {
    const r = await run([join(fixtures, 'valid')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/file\(s\) checked: (\d+) passed, 0 failed/);
  });

  it('reports every error with path, code and both messages, exit code 1', async () => {
    const file = tempPacket([{ MaHoSo: '000.00.01.H22-250115-0001', TrangThaiHoSo: '11' }]);
    const r = await run(['--json', file]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report.ok).toBe(false);
    expect(report.files[0].kind).toBe('dossier');
    expect(report.files[0].errors).toContainEqual(
      expect.objectContaining({ path: '/0/TrangThaiHoSo', code: 'LT_STD_CODE_UNKNOWN' }),
    );
    // MaTTHC's requiredness is inferred: a warning in the same report, not an error (issue 17 §4).
    expect(report.files[0].warnings).toContainEqual(expect.objectContaining({ path: '/0/MaTTHC', code: 'LT_STD_REQUIRED' }));
    expect(report.files[0].errors).not.toContainEqual(expect.objectContaining({ path: '/0/MaTTHC' }));
  });

  it('passes a dossier that only trips inferred rules, showing the warnings (exit code 0)', async () => {
    const vector = JSON.parse(
      readFileSync(join(fixtures, 'warning', 'dossier.company-formation-founder-personal-id.json'), 'utf8'),
    ) as { packet: unknown };
    const file = tempPacket(vector.packet);
    const text = await run([file]);
    expect(text.code).toBe(0);
    expect(text.out).toContain('WARN');
    expect(text.out).toMatch(/warning {2}\/SoGiayToChuHoSo {2}LT_STD_TAX_CODE_INVALID/);
    const json = await run(['--json', file]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.out);
    expect(report.ok).toBe(true);
    expect(report.summary.warnings).toBe(1);
    expect(report.files[0]).toMatchObject({
      valid: true,
      errors: [],
      warnings: [{ path: '/SoGiayToChuHoSo', code: 'LT_STD_TAX_CODE_INVALID' }],
    });
  });

  it('prints WARN with every warning, both messages and exit code 0 for a dossier with inferred findings only', async () => {
    const vector = JSON.parse(readFileSync(join(fixtures, 'warning', 'dossier.delivery-2.json'), 'utf8')) as {
      packet: Record<string, unknown>;
    };
    const file = tempPacket({ ...vector.packet, NoiNopHoSo: '3', TruongMoi: 'x' });
    const text = await run([file]);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`WARN  ${file}  (dossier)`);
    for (const [path, code] of [
      ['/TruongMoi', 'LT_STD_FIELD_UNKNOWN'],
      ['/HinhThuc', 'LT_STD_CODE_UNKNOWN'],
      ['/NoiNopHoSo', 'LT_STD_CODE_UNKNOWN'],
    ])
      expect(text.out).toContain(`warning  ${path}  ${code}`);
    expect(text.out).toMatch(/vi: Trường TruongMoi .*cảnh báo/);
    expect(text.out).toMatch(/en: Field TruongMoi .*warning: the field list is known only from two implementations/);
    expect(text.out).toContain('1 file(s) checked: 1 passed, 0 failed, 0 error(s), 3 warning(s).');
    const json = JSON.parse((await run(['--json', file])).out);
    expect(json).toMatchObject({ ok: true, summary: { checked: 1, passed: 1, failed: 0, warnings: 3 } });
  });

  it('prints every rule with its level (--rules), the table docs/standard.md carries', async () => {
    const r = await run(['--rules']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\| # \| Rule \| Level \|/);
    expect(r.out).toMatch(/\| `unknown-field` \| warns \| `LT_STD_FIELD_UNKNOWN` \|/);
    expect(r.out).toMatch(/\| `dossier-key` \| refuses \|/);
  });

  it('reads stdin, forces a kind, and says when JSON is broken or the kind unknown', async () => {
    expect((await run(['--kind', 'progress', '-'], '{"MaHoSo":"x"}')).out).toContain('(progress)');
    expect((await run(['-'], '{"MaHoSo":')).out).toContain('LT_STD_JSON_INVALID');
    expect((await run(['-'], '{"x":1}')).out).toContain('LT_STD_UNKNOWN_PACKET');
    expect((await run(['--kind', 'nope', '-'], '{}')).out).toContain('LT_STD_UNKNOWN_PACKET');
  });

  it('exits 2 on usage errors', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--bogus', 'x'])).code).toBe(2);
    expect((await run(['/no/such/file.json'])).code).toBe(2);
    expect((await run(['--list-kinds'])).out).toContain('paygov-init');
  });

  it('runs as a program from the built package (building it when needed)', async () => {
    const file = tempPacket({ MaHoSo: 'bad' });
    const r = await promisify(execFile)(process.execPath, [bin, '--json', file]).catch(
      (e: { code: number; stdout: string }) => e,
    );
    expect(r).toMatchObject({ code: 1 });
    expect(JSON.parse((r as { stdout: string }).stdout).files[0].errors).toContainEqual(
      expect.objectContaining({ path: '/MaHoSo', code: 'LT_STD_MAHOSO_INVALID' }),
    );
  }, 120_000);
});
