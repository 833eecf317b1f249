import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** An example GraphQL operation shown as a tab in GraphiQL. */
export interface ExampleOperation {
  /** File name without the `.graphql` extension. */
  name: string;
  /** The document text, as written in the file. */
  query: string;
}

/**
 * Reads every `*.graphql` file in `dir` (sorted by file name) as an example operation.
 * A missing directory yields no examples rather than an error.
 */
export async function loadExampleOperations(dir: string): Promise<ExampleOperation[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = entries.filter((file) => extname(file) === '.graphql').sort();
  return Promise.all(
    files.map(async (file) => ({
      name: basename(file, '.graphql'),
      query: await readFile(join(dir, file), 'utf8'),
    })),
  );
}
