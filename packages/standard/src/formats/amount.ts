/**
 * Amounts in whole VND written as digits ("150000"): DanhSachLePhi.Gia and PayGov SoTien are strings of an integer
 * [code T2, T6]; "0" means no fee [doc X1]. Separators ("150.000"), decimals and signs are refused: "150.000" is
 * 150 thousand to a Vietnamese reader and 150 to a parser, so accepting it would be a guess.
 */

/** True for a non-negative integer amount without leading zeros, separators or sign (at most 18 digits). */
export function isAmount(value: string): boolean {
  return /^(?:0|[1-9]\d{0,17})$/.test(value);
}
