import type {Location} from './domain.js'

// Why these two exist: on Node 20 (V8 11.3) an object literal that starts with a spread of a
// non-empty object and then gains a key (`{...(file !== undefined ? {file} : {}), line, column}`,
// `{...loc, path}`) is built on V8's slow path, each object with a map of its own: ~2 µs instead
// of ~20 ns, and every place that reads such objects later goes megamorphic. The readers made
// several per config line, and `convert -r` over 3,000 configs spent most of its CPU there
// (bench/commands.ts). Both build exactly the keys, in the order, of the spread they replace.

/** `{file, line, column, path}`, with `file` only when known and `path` only when given. */
export function located(file: string | undefined, line: number, column: number, path?: string): Location {
  const at: {file?: string; line: number; column: number; path?: string} = file !== undefined ? {file, line, column} : {line, column}
  if (path !== undefined) at.path = path
  return at
}

/** `{...loc, path}`: the location's own keys in their order, then `path` (in place if it had one). */
export function withPath<T extends object>(loc: T, path: string): T & {path: string} {
  return Object.assign({}, loc, {path})
}
