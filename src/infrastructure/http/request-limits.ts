import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../../config';

/** Nesting deeper than this is no request of this API; validating it would overflow the stack. */
export const MAX_JSON_DEPTH = 64;

/**
 * Multipart limits for every upload endpoint (one file and a few short text fields): busboy stops at
 * the first part past a limit, so nothing beyond them is ever buffered, whatever the body's framing.
 */
export function multipartLimits(config: AppConfig) {
  return {
    fileSize: Math.floor(config.maxUploadMb * 1024 * 1024),
    files: 1,
    fields: 8,
    fieldSize: 16 * 1024,
    fieldNameSize: 100,
    parts: 9,
    headerPairs: 50,
  };
}

function errorBody(status: number, error: string, message: string) {
  return { status_code: status, error, message };
}

/** Answer now and drop the connection, so the rest of a refused body is never read. */
function refuse(req: Request, res: Response, status: number, error: string, message: string): void {
  res.setHeader('Connection', 'close');
  res.status(status).json(errorBody(status, error, message));
  res.once('finish', () => {
    if (!req.complete) req.socket.destroy();
  });
}

/** A declared body larger than the upload limit (plus the multipart framing) is refused before a byte is read. */
export function bodySizeCap(config: AppConfig) {
  const max = Math.floor(config.maxUploadMb * 1024 * 1024) + 1024 * 1024;
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (Number.isFinite(declared) && declared > max) return refuse(req, res, 413, 'Payload Too Large', `request body is larger than ${config.maxUploadMb} MB`);
    next();
  };
}

/**
 * Multipart bodies counted as they arrive, chunked ones included: past the upload limit (plus
 * framing) the request is answered 413 and its connection closed. Needed because multer, on a
 * limit error, reads the rest of the body before it reports the error.
 */
export function multipartByteCap(config: AppConfig) {
  const max = Math.floor(config.maxUploadMb * 1024 * 1024) + 1024 * 1024;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!/^multipart\//i.test(req.headers['content-type'] ?? '')) return next();
    let received = 0;
    // Paused first, so counting does not start the flow: the upload parser's pipe resumes it and
    // every chunk reaches both listeners.
    req.pause();
    const count = (chunk: Buffer) => {
      received += chunk.length;
      if (received <= max) return;
      req.off('data', count);
      if (res.headersSent) req.socket.destroy();
      else refuse(req, res, 413, 'Payload Too Large', `request body is larger than ${config.maxUploadMb} MB`);
    };
    req.on('data', count);
    next();
  };
}

/**
 * One deadline for the whole request, body included: a socket inactivity timer never fires on a
 * body trickled a byte at a time. A body still arriving at the deadline gets 408, a handler still
 * working gets 503; either way the connection is closed.
 */
export function requestDeadline(timeoutMs: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      if (req.complete) refuse(req, res, 503, 'Service Unavailable', 'request timed out');
      else refuse(req, res, 408, 'Request Timeout', 'request body not received in time');
    }, timeoutMs);
    res.once('close', () => clearTimeout(timer));
    next();
  };
}

/** Iterative (no recursion to overflow): true when `value` nests deeper than `max`. */
export function nestsDeeper(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(current as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return false;
}

export function jsonDepthGuard(max = MAX_JSON_DEPTH) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.body !== undefined && nestsDeeper(req.body, max)) {
      res.status(400).json(errorBody(400, 'Bad Request', `request body nests deeper than ${max} levels`));
      return;
    }
    next();
  };
}
