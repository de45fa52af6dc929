import { createHash } from 'node:crypto';
import { HubError } from '@lienthong/platform';
import type { PoolClient } from '@lienthong/platform';
import { InboundErrorCodes } from './errors.js';

/** What replaces an attachment in the published event: a reference, never the bytes. */
export interface AttachmentRef {
  attachment: { sha256: string; size: number; name: string; ref: string };
}

export interface ExtractedAttachment {
  sha256: string;
  name: string;
  bytes: Buffer;
  /** JSON path of the field it came from (for errors). */
  path: string;
}

const BASE64 = /^[A-Za-z0-9+/\r\n]*={0,2}[\r\n]*$/;

function tooLarge(path: string, maxBytes: number): HubError {
  return new HubError(InboundErrorCodes.ATTACHMENT_TOO_LARGE, `attachment at ${path} is larger than ${maxBytes} bytes`, {
    kind: 'too_large',
    messageVi: `Tệp đính kèm tại ${path} vượt quá ${maxBytes} byte`,
    details: [
      {
        path,
        code: InboundErrorCodes.ATTACHMENT_TOO_LARGE,
        message: `Tệp vượt quá ${maxBytes} byte`,
        message_en: `larger than ${maxBytes} bytes`,
      },
    ],
  });
}

function decode(text: string, path: string, maxBytes: number): Buffer {
  // The decoded size is known from the text length: refuse before allocating.
  if (Math.floor((text.length * 3) / 4) > maxBytes + 3) throw tooLarge(path, maxBytes);
  if (!BASE64.test(text)) {
    throw new HubError(InboundErrorCodes.ATTACHMENT_NOT_BASE64, `attachment at ${path} is not Base64`, {
      kind: 'invalid',
      messageVi: `Tệp đính kèm tại ${path} không phải Base64`,
      details: [{ path, code: InboundErrorCodes.ATTACHMENT_NOT_BASE64, message: 'Không phải Base64', message_en: 'not Base64' }],
    });
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > maxBytes) throw tooLarge(path, maxBytes);
  return bytes;
}

/**
 * Takes every attachment out of an inbound packet (reference §6): `TepDonDangKy` (named by
 * `TenTepDonDangKy`), each `TaiLieuNop[].Base64` (named by `TenTepDinhKem`), and the tax notice's XML
 * `FileThongBaoThue`. Each is replaced in the returned packet by `{attachment:{sha256, size, name, ref}}`:
 * Kafka records stay small, and no consumer ever handles the bytes unless it asks for them. The hub never
 * parses, executes or renders an attachment.
 */
export function extractAttachments(
  packet: Record<string, unknown>,
  maxBytes: number,
): { packet: Record<string, unknown>; files: ExtractedAttachment[] } {
  const out: Record<string, unknown> = { ...packet };
  const files: ExtractedAttachment[] = [];
  const take = (text: string, name: string, path: string, isText: boolean): AttachmentRef => {
    const bytes = isText ? Buffer.from(text, 'utf8') : decode(text, path, maxBytes);
    if (isText && bytes.length > maxBytes) throw tooLarge(path, maxBytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    files.push({ sha256, name, bytes, path });
    return { attachment: { sha256, size: bytes.length, name, ref: `lienthong:attachment:${sha256}` } };
  };
  if (typeof packet.TepDonDangKy === 'string' && packet.TepDonDangKy !== '') {
    out.TepDonDangKy = take(packet.TepDonDangKy, String(packet.TenTepDonDangKy ?? 'don-dang-ky'), '/TepDonDangKy', false);
  }
  if (Array.isArray(packet.TaiLieuNop)) {
    out.TaiLieuNop = packet.TaiLieuNop.map((t, i) => {
      const item = t as Record<string, unknown>;
      if (typeof item?.Base64 !== 'string') return item;
      const { Base64, ...rest } = item;
      return { ...rest, ...take(Base64, String(item.TenTepDinhKem ?? `tai-lieu-${i + 1}`), `/TaiLieuNop/${i}/Base64`, false) };
    });
  }
  if (typeof packet.FileThongBaoThue === 'string' && packet.FileThongBaoThue !== '') {
    out.FileThongBaoThue = take(packet.FileThongBaoThue, 'thong-bao-thue.xml', '/FileThongBaoThue', true);
  }
  return { packet: out, files };
}

/** Stores the files once each (content-addressed) and links them to the packet, in the caller's transaction. */
export async function storeAttachments(c: PoolClient, refKey: string, files: readonly ExtractedAttachment[]): Promise<void> {
  for (const f of files) {
    await c.query('INSERT INTO inbound_attachments (sha256, size, content) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [
      f.sha256,
      f.bytes.length,
      f.bytes,
    ]);
    await c.query('INSERT INTO inbound_packet_attachments (ref_key, sha256, name) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [
      refKey,
      f.sha256,
      f.name.slice(0, 1000),
    ]);
  }
}
