import { HubError, type HubErrorOptions } from '@lienthong/platform';

/** Stable codes of the VNPost adapter (conventions §4). */
export const PostalErrorCodes = {
  /** The receiver's address has no VNPost code in the mapping table: the order cannot be created. */
  ADDRESS_UNMAPPED: 'LT_POSTAL_ADDRESS_UNMAPPED',
  /** VNPost refused the order or the call (its own error envelope or status). */
  REFUSED: 'LT_POSTAL_REFUSED',
  /** VNPost answered something that is not the documented shape. */
  BAD_REPLY: 'LT_POSTAL_BAD_REPLY',
  /** The token call failed (wrong credentials, or the account is not authorised). */
  AUTH_FAILED: 'LT_POSTAL_AUTH_FAILED',
  /** A status webhook whose signature does not verify. */
  BAD_SIGNATURE: 'LT_POSTAL_BAD_SIGNATURE',
} as const;

export class PostalError extends HubError {
  constructor(code: string, message: string, opts: HubErrorOptions = {}) {
    super(code, message, opts);
    this.name = 'PostalError';
  }
}
