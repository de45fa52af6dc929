/**
 * @lienthong/dkkd — the national business registry (reference §10): the NGSP chiTietDoanhNghiep route,
 * TP.HCM's ESB route and Thanh Hóa's proxy, normalized to schemas/dkkd/doanh-nghiep.v1.json. Notes: docs/citizen-data.md.
 */
export {
  createDkkdClient,
  type DkkdClient,
  type DkkdClientOptions,
  type NgspRoute,
  type HcmEsbRoute,
  type ThanhHoaRoute,
} from './client.js';
export { DkkdError, DkkdErrorCodes, type DkkdErrorCode } from './errors.js';
export { fromNgsp, fromHcmEsb, fromThanhHoa, DoanhNghiepInvalid, type DoanhNghiep } from './normalize.js';
