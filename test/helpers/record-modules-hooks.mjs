// The hooks of record-modules.mjs. They run on Node's loader thread, so each URL is written
// synchronously, before the module is loaded: nothing is lost when the process exits.
import {appendFileSync} from 'node:fs'

let out

export function initialize(data) {
  out = data.out
}

export async function load(url, context, nextLoad) {
  if (out) appendFileSync(out, `${url}\n`)
  return nextLoad(url, context)
}
