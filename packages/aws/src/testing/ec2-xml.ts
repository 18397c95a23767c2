/**
 * Tiny XML writer for EC2 responses. EC2 wraps every list member in <item>,
 * and timestamps are ISO 8601.
 */
export type XmlValue = string | number | boolean | Date | XmlNode | XmlValue[] | undefined;
export interface XmlNode {
  [tag: string]: XmlValue;
}

export const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function xmlElement(tag: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) {
    if (value.length === 0) return `<${tag}/>`;
    return `<${tag}>${value.map((item) => xmlElement('item', item)).join('')}</${tag}>`;
  }
  if (value instanceof Date) return `<${tag}>${value.toISOString()}</${tag}>`;
  if (typeof value === 'object') return `<${tag}>${xmlChildren(value)}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

export function xmlChildren(node: XmlNode): string {
  return Object.entries(node)
    .map(([tag, value]) => xmlElement(tag, value))
    .join('');
}

export function ec2ResponseXml(action: string, requestId: string, body: XmlNode): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${action}Response xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId>` +
    `${xmlChildren(body)}</${action}Response>`
  );
}

/** The EC2 error envelope (note: RequestID, unlike requestId on success). */
export function ec2ErrorXml(code: string, message: string, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
    `</Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}
