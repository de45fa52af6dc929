/** What the hub sends to VNPost for one result returned by post, whichever route carries it. */
export interface PostalOrderInput {
  /** Our idempotency key: `saleOrderCode` (MyVNPost) / `OrderNumber` (HCC) = the dossier code (vnpost.md §0, §6). */
  orderCode: string;
  sender: { name: string; phone: string; address: string; provinceCode: string; communeCode: string };
  receiver: { name: string; phone: string; email?: string; address: string; provinceCode: string; communeCode: string };
  /** What is inside: the result documents of the dossier. */
  content: string;
  weightGrams: number;
  serviceCode: string;
  /** Cash on delivery in VND, when the citizen pays the postage on delivery; 0 otherwise. */
  codAmount: number;
}

/** What VNPost says about an order, in the hub's words. */
export interface PostalOrderRecord {
  orderCode: string;
  /** The waybill number (`EM…VN`), when VNPost has issued it. */
  itemCode: string | null;
  /** MyVNPost `originalID`, needed to cancel or correct. */
  originalId: string | null;
  /** VNPost's own status code, as a string (MyVNPost integer, HCC StatusCode). */
  status: string | null;
  totalFee: number | null;
}

/** One status step as VNPost reports it. */
export interface PostalStatusStep {
  statusCode: string;
  statusName: string;
  /** ISO 8601 in Asia/Ho_Chi_Minh (+07:00), or null when VNPost gave no usable time. */
  at: string | null;
}
