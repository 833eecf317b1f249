import { type Executor, memberships, projects } from '@levante/db';
import { eq, sql } from 'drizzle-orm';

/**
 * Every user gets a personal project named after them, as in Sirocco. When a
 * project already has that name, the first free `name-personal[-n]` is used.
 */
export async function createPersonalProject(tx: Executor, userId: string, username: string) {
  const taken = await tx
    .select({ name: sql<string>`lower(${projects.name})` })
    .from(projects)
    .where(sql`lower(${projects.name}) like ${`${username}%`}`);
  const names = new Set(taken.map((t) => t.name));
  let name = username;
  for (let n = 1; names.has(name); n++) name = n === 1 ? `${username}-personal` : `${username}-personal-${n}`;
  const [project] = await tx
    .insert(projects)
    .values({ name, description: `Personal project of ${username}`, personalOf: userId })
    .returning();
  await tx.insert(memberships).values({ projectId: project!.id, userId, role: 'owner' });
  return project!;
}

/** Where a user's own activity (password, tokens) is recorded, so they can see it. */
export async function personalProjectId(tx: Executor, userId: string): Promise<string | null> {
  const [row] = await tx.select({ id: projects.id }).from(projects).where(eq(projects.personalOf, userId));
  return row?.id ?? null;
}
