// Redfish message ids ("Base.1.4.Success", "iLO.2.14.SystemResetRequired") in an operator's words.
// The id stays available (a tooltip, the audit log) for whoever looks it up in HPE's registries.
// Pure and browser-safe.

const WORDS: Record<string, string> = {
  Success: 'Applied',
  SystemResetRequired: 'Waits for a server reset',
  PropertyValueNotInList: 'Value not allowed',
  PropertyUnknown: 'Unknown attribute',
  PropertyNotWritable: 'Read-only attribute',
  PropertyValueTypeError: 'Wrong kind of value',
  PropertyValueFormatError: 'Badly formed value',
  PropertyValueModified: 'Value changed by the BIOS',
  InternalError: 'The iLO failed internally',
};

/** The key of a message id: its last dot-separated part ("Base.1.4.Success" → "Success"). */
export function messageKey(messageId: string): string {
  return messageId.split('.').at(-1) ?? messageId;
}

/** "Applied", "Value not allowed"; an unknown key spelled out ("ResourceNotReadyRetry" → "Resource not ready retry"). */
export function iloMessageWords(messageId: string): string {
  const key = messageKey(messageId);
  const known = WORDS[key];
  if (known) return known;
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The message as one line: the words, and the iLO's own sentence when it says more than the words. */
export function iloMessageLine(m: { messageId: string; message: string }): string {
  const words = iloMessageWords(m.messageId);
  const said = m.message.trim();
  const adds = said !== '' && said.toLowerCase() !== messageKey(m.messageId).toLowerCase() && said.toLowerCase() !== words.toLowerCase();
  return adds ? `${words}: ${said}` : words;
}
