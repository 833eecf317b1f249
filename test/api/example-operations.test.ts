import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  type DocumentNode,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  type OperationTypeNode,
  parse,
  validate,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { limitRules } from '../../apps/api/src/graphql/limits.ts';
import { buildLevanteSchema } from '../../apps/api/src/schema/build-schema.ts';

// The example operations GraphiQL opens as tabs: they must stay valid as the schema changes.
const OPERATIONS_DIR = fileURLToPath(new URL('../../docs/operations/', import.meta.url));

interface ExampleFile {
  file: string;
  text: string;
}

const files: ExampleFile[] = readdirSync(OPERATIONS_DIR)
  .filter((file) => file.endsWith('.graphql'))
  .sort()
  .map((file) => ({ file, text: readFileSync(`${OPERATIONS_DIR}${file}`, 'utf8') }));

let schema: Promise<GraphQLSchema> | undefined;
const levanteSchema = (): Promise<GraphQLSchema> => {
  schema ??= buildLevanteSchema();
  return schema;
};

const operationsOf = (document: DocumentNode): OperationDefinitionNode[] =>
  document.definitions.filter(
    (definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
  );

/** Every `operation type + top-level field` pair the examples use, e.g. `mutation login`. */
const rootFieldsOf = (document: DocumentNode): string[] =>
  operationsOf(document).flatMap((operation) =>
    operation.selectionSet.selections.flatMap((selection) =>
      selection.kind === Kind.FIELD ? [`${operation.operation} ${selection.name.value}`] : [],
    ),
  );

const describeErrors = (file: string, errors: readonly { message: string }[]): string =>
  `${file}:\n${errors.map((error) => `  - ${error.message}`).join('\n')}`;

describe('example operations in docs/operations', () => {
  it('has at least one example file', () => {
    expect(files.length, `no *.graphql file in ${OPERATIONS_DIR}`).toBeGreaterThan(0);
  });

  it.each(files)('$file is valid against the schema', async ({ file, text }) => {
    const document = parse(text);
    const errors = validate(await levanteSchema(), document);
    expect(errors, describeErrors(file, errors)).toEqual([]);
    expect(operationsOf(document).length, `${file} has no operation`).toBeGreaterThan(0);
    for (const operation of operationsOf(document)) {
      // GraphiQL asks which operation to run: each must have a name to pick it by.
      expect(operation.name?.value, `${file} has an anonymous operation`).toBeTruthy();
    }
  });

  it.each(files)('$file stays within the server query limits', async ({ file, text }) => {
    const errors = validate(await levanteSchema(), parse(text), limitRules);
    expect(errors, describeErrors(file, errors)).toEqual([]);
  });

  it('cover logging in, the activity log and watching activity', () => {
    const used = new Set(files.flatMap(({ text }) => rootFieldsOf(parse(text))));
    const kinds = new Set<OperationTypeNode>(
      files.flatMap(({ text }) => operationsOf(parse(text)).map((operation) => operation.operation)),
    );
    expect([...used]).toEqual(
      expect.arrayContaining(['mutation login', 'query events', 'subscription events']),
    );
    expect([...kinds]).toEqual(expect.arrayContaining(['query', 'mutation', 'subscription']));
  });
});
