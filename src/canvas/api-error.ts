/**
 * Errors that carry their HTTP answer, in Canvas's shapes. Services throw these; the HTTP
 * layer's error handler renders them. Nothing here may hold a secret.
 */

/** An error whose response body and status are already decided. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(describe(body));
    this.name = 'ApiError';
  }

  /** `{"errors":[{"message":…,"error_code"?:…}]}` — Canvas's usual error shape. */
  static of(statusCode: number, message: string, errorCode?: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): ApiError {
    const entry: Record<string, unknown> = { message };
    if (errorCode !== undefined) entry.error_code = errorCode;
    Object.assign(entry, extra);
    return new ApiError(statusCode, { errors: [entry] }, headers);
  }

  /** 400 with a clear message about a request parameter. */
  static badRequest(message: string, errorCode = 'bad_request'): ApiError {
    return ApiError.of(400, message, errorCode);
  }

  /** 404 as Canvas renders it. */
  static notFound(message = 'The specified resource does not exist.'): ApiError {
    return ApiError.of(404, message, 'not_found');
  }
}

/** Canvas's 401 for a route that needs a signed-in user. */
export const WWW_AUTHENTICATE = 'Bearer realm="canvas-lms"';

/** 401 "user authorization required", with the `status` key Canvas adds. */
export function unauthenticatedError(): ApiError {
  return new ApiError(
    401,
    { status: 'unauthenticated', errors: [{ message: 'user authorization required' }] },
    { 'www-authenticate': WWW_AUTHENTICATE },
  );
}

/** 401 for a caller who is signed in but may not do this (Canvas's `render_unauthorized_action`). */
export function unauthorizedError(): ApiError {
  return new ApiError(401, { status: 'unauthorized', errors: [{ message: 'user not authorized to perform that action' }] });
}

function describe(body: Record<string, unknown>): string {
  const errors = body.errors;
  if (Array.isArray(errors) && errors[0] && typeof errors[0] === 'object') {
    return String((errors[0] as { message?: unknown }).message ?? 'error');
  }
  return typeof errors === 'string' ? errors : 'error';
}
