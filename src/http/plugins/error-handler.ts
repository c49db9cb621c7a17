/**
 * Renders every failure in Canvas's error shape (src/http/error-answer.ts decides the answer)
 * and answers unknown routes with Canvas's 404.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorReportRepository } from '../../error-reports/error-report-repository.js';
import { errorAnswer } from '../error-answer.js';

/** Installs the error and not-found handlers. */
export function installErrorHandler(app: FastifyInstance, errorReports: ErrorReportRepository): void {
  app.setErrorHandler(async (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const answer = await errorAnswer(
      err,
      { id: String(request.id), method: request.method, url: request.url, accountId: request.account?.id ?? null, userId: request.identity?.user.id ?? null, log: request.log },
      errorReports,
    );
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  });

  app.setNotFoundHandler(async (_request, reply) => {
    return reply.code(404).send({ errors: [{ message: 'The specified resource does not exist.', error_code: 'not_found' }] });
  });
}
