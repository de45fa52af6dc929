/** What the outbox keeps sealed until a message is final: the recipient and the rendered content. */
export interface MessagePayload {
  /** 84-form mobile number. */
  phone: string;
  zalo?: { templateId: string; data: Record<string, string> };
  /** The SMS text: the message itself on the SMS channel, or the fallback of a Zalo message. */
  smsText?: string;
}
