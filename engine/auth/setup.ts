import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/database.js';
import { DEFAULT_WORKSPACE } from '../../db/database.js';
import type { Logger } from '../infra/logger.js';
import { writeAudit } from './audit.js';
import { emailSchema, passwordSchema } from './password.js';
import { rolePermissions } from './permissions.js';
import type { UserPrincipal } from './principal.js';
import { anyUserExists, createUser, putMember } from './users.repository.js';

type Db = Kysely<Database>;
/** Serializes first starts: two "create the administrator" at once make one, never two. */
const SETUP_LOCK = 7_305_001;

/**
 * Creates the first administrator — admin of the `default` workspace — if nobody has an account yet.
 * Returns null (and changes nothing) when someone does. `audit` adds to the record, in the same transaction.
 */
export async function createFirstAdmin(
  db: Db,
  input: { email: string; name: string; password: string },
  audit: { requestId?: string | null; system?: string } = {},
): Promise<UserPrincipal | null> {
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${SETUP_LOCK})`.execute(trx);
    if (await anyUserExists(trx)) return null;
    await trx
      .insertInto('workspaces')
      .values({ id: DEFAULT_WORKSPACE, name: 'Default' })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    const user = await createUser(trx, input);
    await putMember(trx, { workspaceId: DEFAULT_WORKSPACE, userId: user.id, role: 'admin', invitedBy: null });
    const principal: UserPrincipal = {
      kind: 'user',
      userId: user.id,
      email: user.email,
      name: user.name,
      sessionId: '',
      workspaceId: DEFAULT_WORKSPACE,
      role: 'admin',
      permissions: rolePermissions('admin'),
    };
    await writeAudit(trx, {
      workspaceId: DEFAULT_WORKSPACE,
      principal: audit.system ? undefined : principal,
      system: audit.system,
      action: 'auth.setup',
      target: { type: 'user', id: user.id },
      outcome: 'ok',
      requestId: audit.requestId ?? null,
      detail: { email: user.email },
    });
    return principal;
  });
}

/**
 * `YUTANG_ADMIN_EMAIL` / `YUTANG_ADMIN_PASSWORD`: the first administrator without the web UI (at start,
 * only while nobody has an account; ignored afterwards, so a changed password in the UI stays changed).
 */
export async function bootstrapAdminFromEnv(db: Db, log: Logger, env: NodeJS.ProcessEnv = process.env) {
  const email = env.YUTANG_ADMIN_EMAIL;
  const password = env.YUTANG_ADMIN_PASSWORD;
  if (!email && !password) return;
  if (!email || !password)
    throw new Error('set both YUTANG_ADMIN_EMAIL and YUTANG_ADMIN_PASSWORD (or neither)');
  const parsedEmail = emailSchema.safeParse(email);
  if (!parsedEmail.success) throw new Error(`YUTANG_ADMIN_EMAIL=${email} is not an email address`);
  const parsedPassword = passwordSchema.safeParse(password);
  if (!parsedPassword.success)
    throw new Error(`YUTANG_ADMIN_PASSWORD: ${parsedPassword.error.issues[0]?.message ?? 'not accepted'}`);
  const created = await createFirstAdmin(
    db,
    { email: parsedEmail.data, name: '', password: parsedPassword.data },
    { system: 'YUTANG_ADMIN_EMAIL' },
  );
  if (created)
    log.info({ email: created.email }, `administrator ${created.email} created from YUTANG_ADMIN_EMAIL`);
  else log.info('YUTANG_ADMIN_EMAIL ignored: accounts exist already');
}
