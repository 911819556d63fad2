import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, DomainErrorKind, UnavailableError } from '../../domain/shared/errors';

const STATUS: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unprocessable: 422,
  unavailable: 503,
};

const NAMES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export interface ErrorBody {
  status_code: number;
  error: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Body-parser and multer errors carry a status and a type; map them to the contract's codes. */
function transportError(exception: unknown): { status: number; message: string } | null {
  if (!exception || typeof exception !== 'object') return null;
  const e = exception as { status?: unknown; statusCode?: unknown; type?: unknown; code?: unknown; message?: unknown };
  if (e.type === 'entity.too.large' || e.code === 'LIMIT_FILE_SIZE') return { status: 413, message: 'request body or upload is too large' };
  if (e.type === 'entity.parse.failed') return { status: 400, message: 'request body is not valid JSON' };
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : null;
  if (status && status >= 400 && status < 500) return { status, message: typeof e.message === 'string' ? e.message : 'bad request' };
  return null;
}

/** The one place errors become HTTP: DomainError kinds to statuses, a JSON body, 500 only for bugs. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (body.status_code >= 500 && !(exception instanceof UnavailableError)) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    if (exception instanceof UnavailableError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    if (response.headersSent) return;
    const request = host.switchToHttp().getRequest<Request>();
    if (request && request.complete === false) {
      // Refused before its body was read (an upload past a multipart limit): close rather than
      // drain the rest of it.
      response.setHeader('Connection', 'close');
      response.once('finish', () => request.socket?.destroy());
    }
    response.status(body.status_code).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const status = STATUS[exception.kind];
      return { status_code: status, error: NAMES[status], message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message = typeof res === 'string' ? res : Array.isArray((res as { message?: unknown }).message) ? ((res as { message: string[] }).message).join('; ') : String((res as { message?: unknown }).message ?? exception.message);
      return { status_code: status, error: NAMES[status] ?? HttpStatus[status] ?? 'Error', message };
    }
    const transport = transportError(exception);
    if (transport) return { status_code: transport.status, error: NAMES[transport.status] ?? 'Error', message: transport.message };
    return { status_code: 500, error: NAMES[500], message: 'internal error' };
  }
}
