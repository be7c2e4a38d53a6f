import { ReferenceKind, wrap, type EntityMetadata, type EntityName } from '@mikro-orm/core';
import { ENTITIES } from './entities.ts';
import type { Orm } from './orm.ts';

export class TargetNotEmptyError extends Error {
  override readonly name = 'TargetNotEmptyError';
}

/** Every row of every entity, as property values (ids kept), parents before children (ENTITIES order). */
export type DatabaseRows = { readonly entity: EntityName<object>; readonly rows: Record<string, unknown>[] }[];

// One loop over differently typed entities: each is only handed back to the ORM that described it.
const entities = ENTITIES as readonly unknown[] as EntityName<object>[];

function copiedProps(meta: EntityMetadata) {
  return meta.props.filter(
    (prop) => prop.persist !== false && (prop.kind === ReferenceKind.SCALAR || prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.EMBEDDED),
  );
}

/**
 * Reads the whole SQLite database: series, episodes, queue items, sessions, login throttling,
 * credentials, webhooks, deliveries. Both ORMs share the entity definitions, so the source is read
 * completely and closed before the target is opened.
 */
export async function readAllRows(source: Orm): Promise<DatabaseRows> {
  const em = source.em.fork();
  const result: { entity: EntityName<object>; rows: Record<string, unknown>[] }[] = [];
  for (const entity of entities) {
    const meta = source.getMetadata().get(entity) as EntityMetadata;
    const props = copiedProps(meta);
    const rows = await em.find(entity, {}, { orderBy: { [meta.primaryKeys[0]]: 'asc' } as never });
    result.push({
      entity,
      rows: rows.map((row) =>
        Object.fromEntries(
          props.map((prop) => {
            const value = (row as Record<string, unknown>)[prop.name];
            return [prop.name, prop.kind === ReferenceKind.MANY_TO_ONE && value ? wrap(value as object, true).getPrimaryKey() : value];
          }),
        ),
      ),
    });
    em.clear();
  }
  return result;
}

/**
 * Writes them into an empty PostgreSQL database in one transaction, then moves its id sequences
 * past the copied ids. Returns the rows written per table.
 */
export async function writeAllRows(target: Orm, data: DatabaseRows): Promise<Record<string, number>> {
  for (const { entity } of data) {
    const meta = target.getMetadata().get(entity) as EntityMetadata;
    if ((await target.em.fork().count(entity, {})) > 0)
      throw new TargetNotEmptyError(`The PostgreSQL database already holds rows in "${meta.tableName}": migrate into an empty database.`);
  }
  const written: Record<string, number> = {};
  await target.em.fork().transactional(async (em) => {
    for (const { entity, rows } of data) {
      const meta = target.getMetadata().get(entity) as EntityMetadata;
      for (let index = 0; index < rows.length; index += 500) await em.insertMany(entity, rows.slice(index, index + 500) as never[]);
      written[meta.tableName] = rows.length;
      // Numeric ids were inserted explicitly: a serial column's next id must come after them (inside
      // the transaction, which is the only place the new rows are visible yet).
      const primary = meta.props.find((prop) => prop.name === meta.primaryKeys[0])!;
      if (rows.length > 0 && typeof rows[0][primary.name] === 'number') {
        const column = primary.fieldNames[0];
        await em
          .getConnection()
          .execute(
            `select setval(sequence, (select max("${column}") from "${meta.tableName}")) from pg_get_serial_sequence('"${meta.tableName}"', '${column}') as sequence where sequence is not null`,
            [],
            'all',
            em.getTransactionContext(),
          );
      }
    }
  });
  return written;
}
