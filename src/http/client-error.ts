/**
 * Requests Node's HTTP parser refuses before Fastify sees them (malformed request lines,
 * oversized headers, bad framing) get Canvas's error shape too, and the connection is closed.
 */
import type { Socket } from 'node:net';

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 413: 'Payload Too Large', 431: 'Request Header Fields Too Large' };

/** Status and message for a parser error code. */
export function clientErrorAnswer(code: string | undefined): { status: number; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, message: 'The request headers are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, message: 'The request took too long to arrive.' };
    default:
      return { status: 400, message: 'The request could not be parsed as HTTP.' };
  }
}

/** Fastify's `clientErrorHandler`: answers in Canvas's shape when the socket can still take it. */
export function handleClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, message } = clientErrorAnswer(err.code);
  const body = JSON.stringify({ errors: [{ message, error_code: status === 400 ? 'bad_request' : 'request_rejected' }] });
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}
