/** A small multipart/form-data parser (enough for k5uploader's Filename / Filedata / Upload form). */

export interface MultipartPart {
  name: string;
  /** set for file parts */
  filename: string | null;
  contentType: string | null;
  data: Buffer;
}

export class MultipartError extends Error {}

/** The boundary of a `multipart/form-data; boundary=…` content type, or null. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const [type, ...params] = contentType.split(';');
  if (type?.trim().toLowerCase() !== 'multipart/form-data') return null;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'boundary') continue;
    let value = p.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    return value.length > 0 && value.length <= 200 ? value : null;
  }
  return null;
}

function headerParams(value: string): Map<string, string> {
  // content-disposition: form-data; name="x"; filename="y" (quoted strings may contain ';')
  const out = new Map<string, string>();
  const re = /;\s*([^=;\s]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) {
    const name = (m[1] ?? '').toLowerCase();
    const raw = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim();
    out.set(name, raw);
  }
  return out;
}

function decodeExtValue(value: string): string | null {
  // RFC 5987: UTF-8''%E2%82%AC
  const m = /^([^']*)'[^']*'(.*)$/.exec(value);
  if (!m) return null;
  try {
    return decodeURIComponent(m[2] ?? '');
  } catch {
    return null;
  }
}

export function parseMultipart(body: Buffer, boundary: string): MultipartPart[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  if (pos < 0) throw new MultipartError('no boundary found');
  for (;;) {
    pos += delimiter.length;
    // "--" after a delimiter closes the body
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break;
    // skip transport padding and the CRLF after the delimiter
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    else if (body[pos] === 0x0a) pos += 1;
    else throw new MultipartError('malformed delimiter line');
    const headerEnd = body.indexOf('\r\n\r\n', pos);
    if (headerEnd < 0) throw new MultipartError('unterminated part headers');
    const headerText = body.subarray(pos, headerEnd).toString('utf8');
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) throw new MultipartError('unterminated part');
    const data = body.subarray(headerEnd + 4, next);
    let name: string | null = null;
    let filename: string | null = null;
    let contentType: string | null = null;
    for (const line of headerText.split(/\r\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const hname = line.slice(0, colon).trim().toLowerCase();
      const hvalue = line.slice(colon + 1).trim();
      if (hname === 'content-disposition') {
        const params = headerParams(hvalue);
        name = params.get('name') ?? null;
        const star = params.get('filename*');
        const ext = star !== undefined ? decodeExtValue(star) : null;
        const plain = params.get('filename');
        // browsers escape '"' as %22 (and CR/LF as %0D/%0A) inside the quoted filename
        filename =
          ext ?? (plain !== undefined ? plain.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n') : null);
      } else if (hname === 'content-type') {
        contentType = hvalue;
      }
    }
    if (name !== null) parts.push({ name, filename, contentType, data: Buffer.from(data) });
    pos = next + 2; // at the "--boundary" of the next delimiter
  }
  return parts;
}
