/** Stored error reports: what a 500 points at with `error_report_id`. Never holds a secret. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/time.js';

export interface ErrorReport {
  id: number;
  createdAt: string;
  category: string;
  message: string;
  backtrace: string | null;
  requestId: string | null;
  httpMethod: string | null;
  url: string | null;
  accountId: number | null;
  userId: number | null;
}

export type NewErrorReport = Omit<ErrorReport, 'id' | 'createdAt'>;

function toReport(r: Selectable<Database['error_reports']>): ErrorReport {
  return {
    id: r.id,
    createdAt: r.created_at,
    category: r.category,
    message: r.message,
    backtrace: r.backtrace,
    requestId: r.request_id,
    httpMethod: r.http_method,
    url: r.url,
    accountId: r.account_id,
    userId: r.user_id,
  };
}

/** Queries on error_reports. */
export class ErrorReportRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(e: NewErrorReport): Promise<number> {
    const r = await this.db
      .insertInto('error_reports')
      .values({
        created_at: nowIso(),
        category: e.category,
        message: e.message,
        backtrace: e.backtrace,
        request_id: e.requestId,
        http_method: e.httpMethod,
        url: e.url,
        account_id: e.accountId,
        user_id: e.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return r.id;
  }

  async findById(id: number): Promise<ErrorReport | undefined> {
    const r = await this.db.selectFrom('error_reports').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toReport(r) : undefined;
  }
}
