import QRCode from 'qrcode';

/**
 * The QR image of a payload as PNG bytes, rendered with the maintained `qrcode` package (error correction
 * M, as banking apps scan it reliably at phone sizes) [inf: our choice].
 */
export async function renderVietQrPng(payload: string, opts: { width?: number } = {}): Promise<Buffer> {
  return QRCode.toBuffer(payload, { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: opts.width ?? 360 });
}
