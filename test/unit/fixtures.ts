import { readFileSync } from 'fs';
import { join } from 'path';

/** The parsed content of `test/fixtures/protocol/<name>`, shared with the kernel's tests. */
export function protocolFixture<T = unknown>(name: string): T {
  const path = join(__dirname, '..', 'fixtures', 'protocol', name);
  return JSON.parse(readFileSync(path, 'utf-8')) as T;
}

/** An entry of the `invalid-*.json` fixtures. */
export interface IInvalidExample {
  why: string;
  message: unknown;
}
