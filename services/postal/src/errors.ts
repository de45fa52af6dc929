export { PostalError, PostalErrorCodes } from '@lienthong/vnpost';

/** Codes of the postal service itself (the adapter's are in @lienthong/vnpost). */
export const PostalServiceCodes = {
  NOT_FOUND: 'LT_POSTAL_ORDER_NOT_FOUND',
  NO_ROUTE: 'LT_POSTAL_NO_ROUTE',
  BAD_REQUEST: 'LT_POSTAL_BAD_REQUEST',
} as const;
