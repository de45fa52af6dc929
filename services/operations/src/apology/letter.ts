import type { ApologyWarning } from './apology-warnings.js';

/**
 * The "Phiếu xin lỗi và hẹn lại ngày trả kết quả" (apology and new return date) an agency owes a citizen
 * whose dossier is late. Its fields follow the form a provincial one-stop system renders (a 2026 public
 * implementation: governing body and issuing unit, number …/PXL, place and date, "Kính gửi", the dossier's
 * receipt date, field and number, the promised date, the reason, the apology, the new date, "Nơi nhận",
 * the signer) [code: one public provincial implementation]; the legal model is the form annexed to the
 * one-stop regulation (Thông tư 01/2018/TT-VPCP mẫu 05, now under Nghị định 118/2025/NĐ-CP) [inf: the
 * primary text was not checked here]. Every value is HTML-escaped when rendered.
 */
export interface ApologyLetter {
  number: string;
  place: string;
  issuedDate: string;
  governingBody: string;
  agencyCode: string;
  agencyName: string;
  recipient: string;
  recipientAddress: string;
  maHoSo: string;
  procedureName: string;
  receivedDate: string | null;
  promisedDate: string | null;
  reason: string;
  newDueDate: string;
  signerTitle: string;
  signerName: string;
  recipientsCopy: string[];
  /** Fields the hub filled itself rather than the officer, for the reader of the stored letter. */
  inferredFields: string[];
  /**
   * What the hub saw that it would not have raised the letter for (not overdue by its reckoning, finished, a
   * new date off the calendar): kept with the letter, never printed on it. Absent on letters stored before.
   */
  warnings?: ApologyWarning[];
}

const esc = (v: string) =>
  v.replace(
    /[&<>"'`=\/]/g,
    (c) =>
      ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;', '=': '&#61;', '/': '&#47;' })[c]!,
  );

/** dd/mm/yyyy from yyyy-mm-dd. */
const vnDate = (d: string | null) =>
  d ? `ngày ${d.slice(8, 10)} tháng ${d.slice(5, 7)} năm ${d.slice(0, 4)}` : 'ngày …… tháng …… năm ……';

/** A printable A4 page, Vietnamese, no script, no external resource. */
export function renderApologyHtml(l: ApologyLetter): string {
  const e = (v: string) => esc(v);
  return `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Phiếu xin lỗi và hẹn lại ngày trả kết quả – ${e(l.maHoSo)}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
@page { size: A4; margin: 20mm 20mm 20mm 30mm; }
body { font-family: "Times New Roman", Times, serif; font-size: 14pt; line-height: 1.5; max-width: 170mm; margin: 0 auto; color: #000; }
.head { display: flex; justify-content: space-between; text-align: center; }
.head div { width: 48%; } .b { font-weight: bold; } .u { text-decoration: underline; } .i { font-style: italic; }
h1 { text-align: center; font-size: 15pt; margin: 24px 0 12px; } p { text-indent: 1cm; margin: 6px 0; text-align: justify; }
.sign { display: flex; justify-content: space-between; margin-top: 24px; } .sign div { width: 48%; } .c { text-align: center; }
.small { font-size: 11pt; }
</style></head><body>
<div class="head">
  <div><div>${e(l.governingBody.toUpperCase())}</div><div class="b u">${e(l.agencyName.toUpperCase())}</div><div>Số: ${e(l.number)}/PXL</div></div>
  <div><div class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="b u">Độc lập - Tự do - Hạnh phúc</div><div class="i">${e(l.place)}, ${e(vnDate(l.issuedDate))}</div></div>
</div>
<h1>PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ</h1>
<div class="c b">Kính gửi: ${e(l.recipient)}</div>
${l.recipientAddress ? `<div class="c">(Địa chỉ: ${e(l.recipientAddress)})</div>` : ''}
<p>${e(l.receivedDate ? `Ngày ${l.receivedDate.slice(8, 10)}/${l.receivedDate.slice(5, 7)}/${l.receivedDate.slice(0, 4)}` : 'Ngày ……')}, ${e(l.agencyName)} tiếp nhận hồ sơ đề nghị giải quyết thủ tục hành chính ${e(l.procedureName)} của ${e(l.recipient)}.</p>
<p>Mã hồ sơ: ${e(l.maHoSo)}.</p>
<p>Thời hạn giải quyết hồ sơ theo quy định: hẹn trả kết quả ${e(vnDate(l.promisedDate))}.</p>
<p>Tuy nhiên đến nay, ${e(l.agencyName)} chưa trả kết quả giải quyết hồ sơ đúng thời hạn đã hẹn.</p>
<p>Lý do: ${e(l.reason)}</p>
<p>${e(l.agencyName)} xin lỗi ${e(l.recipient)} vì sự chậm trễ này và hẹn lại thời gian trả kết quả vào <b>${e(vnDate(l.newDueDate))}</b>.</p>
<p>Rất mong nhận được sự thông cảm của ${e(l.recipient)}.</p>
<div class="sign">
  <div class="small"><div class="b i">Nơi nhận:</div>${l.recipientsCopy.map((r) => `<div>- ${e(r)}</div>`).join('')}</div>
  <div class="c"><div class="b">${e(l.signerTitle.toUpperCase())}</div><div class="i small">(Ký, ghi rõ họ tên và đóng dấu)</div><div style="height:80px"></div><div class="b">${e(l.signerName)}</div></div>
</div>
</body></html>
`;
}
